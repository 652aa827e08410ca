// The server's live messages checked without zod (the page's first JavaScript stays small):
// the same rules as protocol/dashboard/live.ts LiveServerMessage, which a unit test holds.
import type { LiveServerMessage } from "@/protocol/dashboard/index.ts";
import { isErrorBody } from "@/protocol/error-codes.ts";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The message, or null when it is not one the server sends. */
export function parseLiveServerMessage(v: unknown): LiveServerMessage | null {
  if (!isObject(v)) return null;
  switch (v["type"]) {
    case "snapshot":
    case "delta":
      // the payload key must be there (zod 4's z.unknown() is not optional), even if null
      if (typeof v["topic"] !== "string" || !Number.isSafeInteger(v["seq"])) return null;
      return Object.hasOwn(v, v["type"] === "snapshot" ? "data" : "patch") ? (v as LiveServerMessage) : null;
    case "error":
      return (v["topic"] === null || typeof v["topic"] === "string") && isErrorBody(v["error"]) ? (v as LiveServerMessage) : null;
    default:
      return null;
  }
}
