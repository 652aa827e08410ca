// ipvsadm's default listing order, reproduced exactly. libipvs compares services and real
// servers by subtracting unsigned values into a C int (so address differences of 2^31 or more
// flip sign), and sorts with glibc's qsort, which on glibc (Debian 12's 2.36 included) is a
// top-down merge sort. With an inconsistent comparator the result depends on the input order,
// so callers must pass entries in the kernel's dump order (services in hash order, real
// servers newest first), which is what the agent's listServices() returns.
import type { DestinationKey, ServiceKey } from "../ipvs.ts";
import { addrWords } from "./addr.ts";

const AF_INET = 2;
const AF_INET6 = 10;
const PROTO = { tcp: 6, udp: 17, sctp: 132, fwmark: 0 } as const;

/** C `int r = (unsigned)a - (unsigned)b` */
const subU32 = (a: number, b: number) => (a - b) | 0;

function isV6(address: string): boolean {
  return address.includes(":");
}

/** libipvs ipvs_cmp_services */
export function compareServiceKeys(a: ServiceKey, b: ServiceKey): number {
  const fw = (k: ServiceKey) => (k.protocol === "fwmark" ? k.fwmark : 0);
  const af = (k: ServiceKey) =>
    (k.protocol === "fwmark" ? k.family === "ipv6" : isV6(k.address)) ? AF_INET6 : AF_INET;
  let r = subU32(fw(a), fw(b));
  if (r !== 0) return r;
  r = af(a) - af(b);
  if (r !== 0) return r;
  r = PROTO[a.protocol] - PROTO[b.protocol];
  if (r !== 0) return r;
  if (a.protocol === "fwmark" || b.protocol === "fwmark") return 0;
  r = compareAddrs(af(a) === AF_INET6, a.address, b.address);
  if (r !== 0) return r;
  return a.port - b.port;
}

function compareAddrs(firstIsV6: boolean, x: string, y: string): number {
  const wx = addrWords(x);
  const wy = addrWords(y);
  if (!firstIsV6) return subU32(wx[0], wy[0]);
  let r = 0;
  for (let i = 0; r === 0 && i < 4; i++) r = subU32(wx[i]!, wy[i]!);
  return r;
}

/** libipvs ipvs_cmp_dests: the first server's family decides how many words are compared. */
export function compareDestinationKeys(a: DestinationKey, b: DestinationKey): number {
  const r = compareAddrs(isV6(a.address), a.address, b.address);
  if (r !== 0) return r;
  return a.port - b.port;
}

/** glibc msort_with_tmp: split n/2 | n - n/2, merge taking the left element when cmp <= 0. */
export function glibcMergeSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const sortRange = (xs: T[]): T[] => {
    if (xs.length <= 1) return xs;
    const n1 = Math.floor(xs.length / 2);
    const left = sortRange(xs.slice(0, n1));
    const right = sortRange(xs.slice(n1));
    const out: T[] = [];
    let i = 0;
    let j = 0;
    while (i < left.length && j < right.length) {
      if (cmp(left[i]!, right[j]!) <= 0) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
    while (i < left.length) out.push(left[i++]!);
    while (j < right.length) out.push(right[j++]!);
    return out;
  };
  return sortRange([...items]);
}

export function sortServicesLikeIpvsadm<T extends { key: ServiceKey }>(services: readonly T[]): T[] {
  return glibcMergeSort(services, (a, b) => compareServiceKeys(a.key, b.key));
}

export function sortDestinationsLikeIpvsadm<T extends { key: DestinationKey }>(dests: readonly T[]): T[] {
  return glibcMergeSort(dests, (a, b) => compareDestinationKeys(a.key, b.key));
}
