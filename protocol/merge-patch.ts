// JSON merge patch (RFC 7386): the delta format of the dashboard's live WebSocket. diff()
// produces the smallest patch that apply() turns `prev` into `next` with; arrays are replaced
// whole, which is why live views are keyed objects.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The patch from prev to next, or undefined when they are equal. Values must be JSON.
 * A merge patch cannot set a key to null (null means "delete"), so a receiver's copy lacks a
 * key whose value became null: read nullable fields of a patched view with `?? null`. */
export function diff(prev: unknown, next: unknown): unknown {
  if (isObject(prev) && isObject(next)) {
    const patch: Record<string, unknown> = {};
    let changed = false;
    for (const k of Object.keys(prev)) {
      if (!Object.hasOwn(next, k)) {
        patch[k] = null;
        changed = true;
      }
    }
    for (const [k, v] of Object.entries(next)) {
      const d = Object.hasOwn(prev, k) ? diff(prev[k], v) : v;
      if (d !== undefined) {
        patch[k] = d;
        changed = true;
      }
    }
    return changed ? patch : undefined;
  }
  return deepEqual(prev, next) ? undefined : next;
}

export function apply(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = apply(out[k], v);
  }
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b as object, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export type { Json };
