// The contract's reply check (RouterOptions.checkReplies): a JSON answer must parse with its
// route's reply schema and come out of the parse unchanged (no field the schema does not
// know, which a browser's parse would drop, no default it would add). The schemas load on
// the first check, so a server that does not check never loads them.
import { isDeepStrictEqual } from "node:util";
import type { RouteKey } from "@/protocol/dashboard/routes.ts";

/** Why the body is not the route's reply, or null when it is (or the route has no schema). */
export async function replyMismatch(key: RouteKey, body: unknown): Promise<string | null> {
  const { replySchemaOf } = await import("@/protocol/dashboard/route-schemas.ts");
  const schema = replySchemaOf(key);
  if (!schema) return null;
  const plain = JSON.parse(JSON.stringify(body)) as unknown;
  const parsed = schema.safeParse(plain);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i: { path: PropertyKey[]; message: string }) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    return `the reply of ${key} does not match the contract: ${issues.join("; ")}`;
  }
  if (!isDeepStrictEqual(parsed.data, plain)) return `the reply of ${key} does not match the contract: the parse changes it (a field the schema does not name, or a default)`;
  return null;
}
