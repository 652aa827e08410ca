// What the live client needs around reading views, zod-free: the version_mismatch a view that
// fails its schema shows, and keeping unchanged parts of a view the same objects (a parse builds
// every object anew; views memoize on them, as they did on what apply() left untouched).
import type { TopicViewReader } from "@/protocol/dashboard/topic-schemas.ts";
import type { ErrorBody } from "@/protocol/errors.ts";
import { LIVE_VERSION } from "@/protocol/live-close.ts";
import { deepEqual } from "@/protocol/merge-patch.ts";

/** The error of a topic whose view (snapshot or patched) this page's schema refuses. */
export function viewMismatch(topic: string, theirs: number, issues: string[]): ErrorBody {
  return {
    code: "version_mismatch",
    message: `the server's view of ${topic} does not fit this page (live v${LIVE_VERSION}, server live v${theirs}): reload the page`,
    details: { expected: LIVE_VERSION, got: theirs, issues },
  };
}

/** A reader that refuses every view: the schemas' chunk did not load (the server was most
 * likely updated under this page), so nothing can be checked until the page is reloaded. */
export function unloadedReader(err: unknown): TopicViewReader {
  const issues = [`this page could not load its view schemas (${err instanceof Error ? err.message : String(err)})`];
  return () => ({ ok: false, issues });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `next`, with every part deep-equal to the same part of `prev` replaced by prev's object. */
export function keepUnchanged<T>(prev: unknown, next: T): T {
  if (prev === next) return next;
  if (isObject(prev) && isObject(next)) {
    let same = Object.keys(prev).length === Object.keys(next).length;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(next)) {
      const kept = Object.hasOwn(prev, k) ? keepUnchanged(prev[k], v) : v;
      if (kept !== prev[k]) same = false;
      out[k] = kept;
    }
    return (same ? prev : out) as T;
  }
  return (deepEqual(prev, next) ? prev : next) as T;
}
