// Dashboard keys: the strings that name services and real servers in URLs and in the keyed
// maps of the live views (and their parsers), and a director's id (derived from its name).
import { ipVersion } from "../ip.ts";
import type { DestinationKey, Family, ServiceKey } from "../ipvs.ts";
import { z } from "zod";

const hostPart = (address: string) => (ipVersion(address) === 6 ? `[${address}]` : address);

/** "tcp:172.16.0.100:80", "udp:[2001:db8::1]:53", "fwmark:ipv4:1" */
export function serviceKeyString(k: ServiceKey): string {
  return k.protocol === "fwmark"
    ? `fwmark:${k.family}:${k.fwmark}`
    : `${k.protocol}:${hostPart(k.address)}:${k.port}`;
}

/** "10.0.0.11:80", "[2001:db8::11]:80" */
export function destinationKeyString(k: DestinationKey): string {
  return `${hostPart(k.address)}:${k.port}`;
}

function splitHostPort(s: string): { address: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const address = (m[1] ?? m[2])!;
  const port = Number(m[3]);
  if (port > 65535 || ipVersion(address) === 0) return null;
  if (m[1] !== undefined && ipVersion(address) !== 6) return null;
  return { address, port };
}

/** Inverse of serviceKeyString; null for anything malformed. */
export function parseServiceKeyString(s: string): ServiceKey | null {
  const fw = /^fwmark:(ipv4|ipv6):(\d{1,10})$/.exec(s);
  if (fw) {
    const fwmark = Number(fw[2]);
    if (fwmark < 1 || fwmark > 0xffffffff) return null;
    return { protocol: "fwmark", family: fw[1] as Family, fwmark };
  }
  const m = /^(tcp|udp|sctp):(.+)$/.exec(s);
  if (!m) return null;
  const hp = splitHostPort(m[2]!);
  return hp ? { protocol: m[1] as "tcp" | "udp" | "sctp", ...hp } : null;
}

/** Inverse of destinationKeyString; null for anything malformed. */
export function parseDestinationKeyString(s: string): DestinationKey | null {
  return splitHostPort(s);
}

export const DirectorId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
  message: "lowercase letters, digits and dashes, starting with a letter or digit",
});
export type DirectorId = z.infer<typeof DirectorId>;

/** A director's id from its name: "Director 1" -> "director-1". */
export function directorIdOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}
