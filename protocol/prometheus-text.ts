// Prometheus text exposition format 0.0.4: the writer of every /metrics page, the agent's
// (agent/metrics/) and the server's (server/metrics/). Label values come from the kernel or
// from operators (interface, instance and director names), so they are escaped here.

export type MetricType = "counter" | "gauge" | "histogram" | "untyped";

/** Backslash, double quote and line feed escaped, as the format requires in label values. */
export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : v;
}

/** HELP text: backslash and line feed escaped (quotes stay as they are). */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** `{a="x",b="y"}`, or "" for no labels; the pairs are written in the order given. */
export function renderLabels(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return "";
  let out = "{";
  for (let i = 0; i < pairs.length; i++) {
    const [k, v] = pairs[i]!;
    out += `${i === 0 ? "" : ","}${k}="${escapeLabelValue(v)}"`;
  }
  return `${out}}`;
}

/** A sample value: integers in plain decimal, NaN and infinities by the format's names. */
export function formatValue(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "+Inf";
  if (n === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(n);
}

/**
 * Appends families to one text: each family's HELP and TYPE lines, then its samples. Callers
 * emit all samples of a family together (the format forbids a family split in two).
 */
export class Exposition {
  #chunks: string[] = [];
  #current = "";
  readonly #seen = new Set<string>();

  family(name: string, type: MetricType, help: string): this {
    if (this.#seen.has(name)) throw new Error(`metric family ${name} written twice`);
    this.#seen.add(name);
    this.#push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
    return this;
  }

  /** One sample; `labels` is the output of renderLabels (pre-rendered once per entity). */
  sample(name: string, labels: string, value: number): this {
    this.#push(`${name}${labels} ${formatValue(value)}\n`);
    return this;
  }

  #push(s: string): void {
    this.#current += s;
    // joined in blocks: one string per line would cost an array of 500,000 entries on a big table
    if (this.#current.length > 65536) {
      this.#chunks.push(this.#current);
      this.#current = "";
    }
  }

  text(): string {
    return this.#chunks.join("") + this.#current;
  }
}

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
