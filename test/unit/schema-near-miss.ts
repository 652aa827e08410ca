// Values shaped like a zod schema's input but off by a little: the schema's own keys and
// discriminators, with empty arrays where a minimum is asked, numbers one past a bound, and now
// and then a wrong-typed leaf. Parsing them must give issues, never throw: a refine that reads
// a[0] of an array its min(1) already refused is the kind of bug they find.
import fc from "fast-check";
import { z } from "zod";

type Json = Record<string, unknown>;
const WRONG = fc.constantFrom<unknown>(null, "", "/x", "10.0.0.1", -1, 0, 1.5, true, [], {});

function node(s: Json, defs: Record<string, Json>, depth: number): fc.Arbitrary<unknown> {
  const ref = typeof s.$ref === "string" ? s.$ref.replace(/^#\/(\$defs|definitions)\//, "") : undefined;
  if (ref !== undefined) return depth > 4 ? WRONG : node(defs[ref] ?? {}, defs, depth + 1);
  const inner = shaped(s, defs, depth);
  return fc.oneof({ weight: 8, arbitrary: inner }, { weight: 1, arbitrary: WRONG });
}

function shaped(s: Json, defs: Record<string, Json>, depth: number): fc.Arbitrary<unknown> {
  const options = (s.oneOf ?? s.anyOf ?? s.allOf) as Json[] | undefined;
  if (options && options.length > 0) return fc.oneof(...options.map((o) => node(o, defs, depth + 1)));
  if ("const" in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...(s.enum as unknown[]));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (depth > 6) return WRONG;
  switch (type) {
    case "object": {
      const props = (s.properties ?? {}) as Record<string, Json>;
      const required = new Set((s.required ?? []) as string[]);
      const arbs: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) arbs[k] = node(v, defs, depth + 1);
      // required keys are dropped now and then too: that is a near miss as well
      return fc.record(arbs, { requiredKeys: Object.keys(arbs).filter((k) => required.has(k) && k.length % 7 !== 0) });
    }
    case "array": {
      const item = s.items && typeof s.items === "object" && !Array.isArray(s.items) ? node(s.items as Json, defs, depth + 1) : WRONG;
      return fc.array(item, { minLength: 0, maxLength: 3 });
    }
    case "integer":
    case "number": {
      const lo = typeof s.minimum === "number" ? s.minimum : -5;
      const hi = typeof s.maximum === "number" ? s.maximum : 70000;
      return fc.constantFrom(lo - 1, lo, hi, hi + 1, Math.floor((lo + hi) / 2), type === "number" ? lo + 0.5 : lo);
    }
    case "string":
      return fc.oneof(fc.constantFrom("", "/", "/bin/true", "a", "10.0.0.1", "fd00::1", "eth0", "*", "x".repeat(300)), fc.string({ maxLength: 8 }));
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.oneof(WRONG, fc.jsonValue({ maxDepth: 2 }));
  }
}

/** An arbitrary of near-miss inputs for a zod schema (through its JSON Schema, input side). */
export function nearMiss(schema: z.ZodType): fc.Arbitrary<unknown> {
  const js = z.toJSONSchema(schema, { unrepresentable: "any", io: "input", cycles: "ref" }) as Json;
  const defs = (js.$defs ?? js.definitions ?? {}) as Record<string, Json>;
  return node(js, defs, 0);
}
