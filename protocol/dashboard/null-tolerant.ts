// Views read after JSON merge patches (protocol/merge-patch.ts). A patch cannot carry a null
// (null means "delete the key"), so a view rebuilt from deltas lacks every object field whose
// value is null, and the strict schemas (`.nullable()`) would refuse it. nullTolerant() derives
// the schema a receiver reads such a view with: a nullable object field may also be absent and
// reads back as null, so the output is exactly the strict schema's type. Arrays are replaced
// whole by a patch (their nulls survive), so they are read strictly. A record whose values may
// be null cannot be restored that way (the key itself is gone): nullDroppedFrom() finds a patch
// that would lose such an entry, and the live hub sends a snapshot instead of that delta.
import { z } from "zod";

type Schema = z.ZodType;

/** Whether the schema takes null (a nullable field, possibly behind optional or default). */
function takesNull(s: Schema): boolean {
  if (s instanceof z.ZodNullable) return true;
  if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) return takesNull(s.unwrap() as Schema);
  return false;
}

const derived = new WeakMap<Schema, Schema>();

/** The schema of `s` that also reads a view whose null object fields were dropped (see above). */
export function nullTolerant<T extends Schema>(s: T): T {
  const known = derived.get(s);
  if (known) return known as T;
  const out = derive(s);
  derived.set(s, out);
  return out as T;
}

function derive(s: Schema): Schema {
  if (s instanceof z.ZodObject) {
    const shape: Record<string, Schema> = {};
    for (const [k, field] of Object.entries(s.shape as Record<string, Schema>)) {
      const t = nullTolerant(field);
      // absent (dropped by a patch) reads as null; a field with its own default keeps it
      shape[k] = takesNull(field) && !(field instanceof z.ZodDefault) && !(field instanceof z.ZodOptional) ? t.default(null as never) : t;
    }
    return z.object(shape);
  }
  if (s instanceof z.ZodRecord) return z.record(s.keyType as z.ZodType<string>, nullTolerant(s.valueType as Schema));
  if (s instanceof z.ZodNullable) return nullTolerant(s.unwrap() as Schema).nullable();
  if (s instanceof z.ZodOptional) return nullTolerant(s.unwrap() as Schema).optional();
  if (s instanceof z.ZodDefault) return nullTolerant(s.unwrap() as Schema).default(s.def.defaultValue as never);
  // arrays (replaced whole), scalars, enums: as they are
  return s;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function unwrapped(s: Schema): Schema {
  let cur = s;
  while (cur instanceof z.ZodNullable || cur instanceof z.ZodOptional || cur instanceof z.ZodDefault) cur = cur.unwrap() as Schema;
  return cur;
}

/**
 * The path of an entry that `patch` (diff(last, next)) deletes on the receiver although `next`
 * still has it, with the value null, in a record (where nullTolerant() cannot bring it back),
 * or null when there is none. Walks the patch only, so it costs what the delta costs.
 */
export function nullDroppedFrom(schema: Schema, patch: unknown, next: unknown, path: string[] = []): string[] | null {
  const s = unwrapped(schema);
  if (!isObject(patch) || !isObject(next)) return null;
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, Schema>;
    for (const [k, v] of Object.entries(patch)) {
      const field = shape[k];
      // an optional nullable field would read back as absent, not null
      if (field && v === null && next[k] === null && field instanceof z.ZodOptional) return [...path, k];
      if (field && isObject(v)) {
        const found = nullDroppedFrom(field, v, next[k], [...path, k]);
        if (found) return found;
      }
    }
    return null;
  }
  if (s instanceof z.ZodRecord) {
    const value = s.valueType as Schema;
    for (const [k, v] of Object.entries(patch)) {
      if (v === null && Object.hasOwn(next, k)) return [...path, k];
      if (isObject(v)) {
        const found = nullDroppedFrom(value, v, next[k], [...path, k]);
        if (found) return found;
      }
    }
  }
  return null;
}
