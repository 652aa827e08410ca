// A fast-check arbitrary of the values a zod schema (of the kinds the live views use) accepts:
// objects (optional keys sometimes left out), records over a few keys (so that successive
// values share keys and their diffs reach inside), nullables (null often), arrays, strings
// (regexes and lengths honoured), numbers (int, bounds), booleans, enums, literals, unions.
import fc from "fast-check";
import { z } from "zod";

const PLAIN_KEYS = ["a1", "b2", "c3"];
const DIGIT_KEYS = ["1", "2", "3"];

interface Bag {
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  int?: boolean;
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  value?: number;
  minimum?: number;
  maximum?: number;
}
/** What the schema's checks say (zod 4 keeps them in def.checks). */
function bag(s: z.ZodType): Bag {
  const out: Bag = {};
  const checks = (s.def as { checks?: { _zod: { def: CheckDef } }[] }).checks ?? [];
  for (const { _zod: { def: c } } of checks) {
    if (c.check === "string_format" && c.format === "regex") out.pattern = c.pattern;
    if (c.check === "number_format" && c.format === "safeint") out.int = true;
    if (c.check === "greater_than") out.minimum = c.value;
    if (c.check === "less_than") out.maximum = c.value;
    if (c.check === "min_length") out.minLength = c.minimum;
    if (c.check === "max_length") out.maxLength = c.maximum;
  }
  return out;
}

function keyArbitrary(keyType: z.ZodType): fc.Arbitrary<string> {
  for (const keys of [PLAIN_KEYS, DIGIT_KEYS]) {
    const ok = keys.filter((k) => keyType.safeParse(k).success);
    if (ok.length === keys.length) return fc.constantFrom(...ok);
  }
  throw new Error("no record keys for this key schema");
}

export function arbitraryOf(s: z.ZodType): fc.Arbitrary<unknown> {
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, z.ZodType>;
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    const required: string[] = [];
    for (const [k, f] of Object.entries(shape)) {
      fields[k] = arbitraryOf(f instanceof z.ZodOptional ? (f.unwrap() as z.ZodType) : f);
      if (!(f instanceof z.ZodOptional)) required.push(k);
    }
    return fc.record(fields, { requiredKeys: required as never[] });
  }
  if (s instanceof z.ZodRecord) {
    return fc.dictionary(keyArbitrary(s.keyType as z.ZodType), arbitraryOf(s.valueType as z.ZodType), { maxKeys: 3 });
  }
  if (s instanceof z.ZodNullable) return fc.oneof(fc.constant(null), arbitraryOf(s.unwrap() as z.ZodType));
  if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) return arbitraryOf(s.unwrap() as z.ZodType);
  if (s instanceof z.ZodArray) return fc.array(arbitraryOf(s.element as z.ZodType), { maxLength: Math.min(bag(s).maxLength ?? 3, 3) });
  if (s instanceof z.ZodString) {
    const b = bag(s);
    if (b.pattern) return fc.stringMatching(b.pattern).filter((x) => x.length <= (b.maxLength ?? 60));
    return fc.string({ minLength: b.minLength ?? 0, maxLength: Math.min(b.maxLength ?? 8, 8) });
  }
  if (s instanceof z.ZodNumber) {
    const b = bag(s);
    if (b.int) return fc.integer({ min: Math.max(b.minimum ?? -1000, -1e9), max: Math.min(b.maximum ?? 1e6, 1e9) });
    return fc.double({ noNaN: true, noDefaultInfinity: true, min: b.minimum ?? -1e6, max: b.maximum ?? 1e9 });
  }
  if (s instanceof z.ZodBoolean) return fc.boolean();
  if (s instanceof z.ZodEnum) return fc.constantFrom(...(s.options as string[]));
  if (s instanceof z.ZodLiteral) return fc.constantFrom(...(s.values as Set<unknown>));
  if (s instanceof z.ZodUnion) return fc.oneof(...(s.options as z.ZodType[]).map(arbitraryOf));
  throw new Error(`arbitraryOf: no arbitrary for a ${(s as unknown as { _zod: { def: { type: string } } })._zod.def.type} schema`);
}
