// The version of a director's table: a digest of every service and real server key and
// configuration (weights included, counters excluded). A digest rather than a counter, so
// the same table has the same version after a server restart, and a re-list that finds
// nothing new keeps it.
import { createHash } from "node:crypto";

export interface VersionedEntry {
  config: unknown;
  destinations: ReadonlyMap<string, { config: unknown }>;
}

/** JSON with object keys sorted, so that the same configuration always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
}

/** 16 hex digits of SHA-256 over the table in key order. */
export function tableVersion(services: ReadonlyMap<string, VersionedEntry>): string {
  const h = createHash("sha256");
  for (const sk of [...services.keys()].sort()) {
    const s = services.get(sk)!;
    h.update(`S ${sk} ${canonicalJson(s.config)}\n`);
    for (const dk of [...s.destinations.keys()].sort()) h.update(`D ${dk} ${canonicalJson(s.destinations.get(dk)!.config)}\n`);
  }
  return h.digest("hex").slice(0, 16);
}
