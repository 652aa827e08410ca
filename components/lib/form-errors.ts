// Zod issues as per-field messages for forms: the key is the issue's path joined with dots
// ("config.persistence.timeout"); the first issue of a path wins; path-less issues go to "".
import type { z } from "zod";

export type FieldErrors = Record<string, string>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

/** Splits a free-text list ("10.0.0.1, 10.0.0.2 10.0.0.3") into its items. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
