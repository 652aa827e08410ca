// Test-side writer of /proc/net/ip_vs_conn lines (kernel format, reference 3.3) and
// fast-check generators of entries. Written independently of the parser: IPv6 text comes from
// the WHATWG URL serializer, IPv4 text from plain arithmetic.
import fc from "fast-check";
import type { ConnEntry } from "@/protocol/conntable.ts";

export const PROC_HEADER = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData";

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, "0");

/** Text of an address as the kernel writes it: 8 uppercase hex digits, or full lowercase IPv6. */
export function kernelAddress(address: string): string {
  if (!address.includes(":")) {
    return address
      .split(".")
      .map((o) => hex(Number(o), 2))
      .join("");
  }
  return ipv6Groups(address)
    .map((g) => g.toString(16).padStart(4, "0"))
    .join(":");
}

/** Groups of an IPv6 text without an embedded IPv4 tail (the generators avoid those). */
export function ipv6Groups(address: string): number[] {
  const [head, tail] = address.split("::") as [string, string | undefined];
  const h = head === "" ? [] : head.split(":").map((x) => Number.parseInt(x, 16));
  if (tail === undefined) return h;
  const t = tail === "" ? [] : tail.split(":").map((x) => Number.parseInt(x, 16));
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

export function isIpv6Entry(e: ConnEntry): boolean {
  return e.clientAddress.includes(":");
}

/** One proc line for an entry. */
export function procLine(e: ConnEntry): string {
  const v6 = isIpv6Entry(e);
  let vaddr: string;
  if (e.fwmark !== undefined) {
    vaddr = v6
      ? [e.fwmark >>> 16, e.fwmark & 0xffff, 0, 0, 0, 0, 0, 0].map((g) => g.toString(16).padStart(4, "0")).join(":")
      : hex(e.fwmark, 8);
  } else {
    vaddr = kernelAddress(e.virtualAddress!);
  }
  let line =
    `${e.protocol.padEnd(3)} ${kernelAddress(e.clientAddress)} ${hex(e.clientPort, 4)} ${vaddr} ` +
    `${hex(e.virtualPort, 4)} ${kernelAddress(e.destAddress)} ${hex(e.destPort, 4)} ` +
    `${e.state.padEnd(11)} ${String(e.expires).padStart(7)}`;
  if (e.peName !== undefined) line += ` ${e.peName} ${e.peData ?? ""}`;
  return line;
}

export function procFile(entries: readonly ConnEntry[]): string {
  return [PROC_HEADER, ...entries.map(procLine)].map((l) => l + "\n").join("");
}

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));

/** Canonical IPv6 text through the URL serializer; biased to zero runs to exercise "::". */
const ipv6 = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
    minLength: 8,
    maxLength: 8,
  })
  // glibc writes ::ffff:a.b.c.d / ::a.b.c.d forms the URL serializer does not: tested apart
  .filter((g) => !(g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || (g[5] === 0 && g[6] !== 0))))
  .map((g) => {
    const text = g.map((x) => x.toString(16)).join(":");
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  });

const port = fc.integer({ min: 0, max: 0xffff });
const TCP_STATES = ["NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK"];
const SCTP_STATES = ["NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE", "C-ECHOED", "ESTABLISHED", "S-SENT", "S-RECEIVED", "S-ACK-SENT", "REJECTED", "CLOSED"];

const statesFor = (protocol: string): string[] =>
  protocol === "TCP" ? TCP_STATES : protocol === "SCTP" ? SCTP_STATES : protocol === "UDP" ? ["UDP"] : ["NONE", "ERR!", "?"];

/** Random entries with self-consistent `template` flags; `small` narrows addresses so filters hit. */
export function connEntryArb(opts: { small?: boolean } = {}): fc.Arbitrary<ConnEntry> {
  const v4 = opts.small ? fc.constantFrom("10.0.0.1", "10.0.0.2", "10.0.1.7", "192.168.1.1") : ipv4;
  const v6 = opts.small ? fc.constantFrom("2001:db8::1", "2001:db8::2", "2001:db8:1::5", "fd00::1") : ipv6;
  const p = opts.small ? fc.constantFrom(0, 80, 443, 8080, 65535) : port;
  return fc
    .record({
      v6: fc.boolean(),
      destV4: fc.boolean(),
      protocol: fc.constantFrom("TCP", "UDP", "SCTP", "ICMP", "ICMPv6", "IP", "IP_47", "IP_0"),
      template: fc.boolean(),
      c4: v4,
      c6: v6,
      vi4: v4,
      vi6: v6,
      d4: v4,
      d6: v6,
      cport: p,
      vport: p,
      dport: p,
      fwmark: fc.integer({ min: 0, max: 0xffffffff }),
      stateIndex: fc.nat(20),
      assured: fc.boolean(),
      expires: fc.oneof(fc.nat(1000), fc.integer({ min: 0, max: 4294967295 })),
      pe: fc.option(fc.record({ name: fc.constant("sip"), data: fc.stringMatching(/^[A-Za-z0-9@.-]{0,30}$/) })),
    })
    .map((r): ConnEntry => {
      const template = r.protocol === "IP" || r.template;
      const states = statesFor(r.protocol);
      let state = template ? (r.assured ? "ASSURED" : "NONE") : states[r.stateIndex % states.length]!;
      let clientPort = template ? 0 : r.cport;
      // a non-template must not look like one: client port 0 only with other states
      if (!template && clientPort === 0 && (state === "NONE" || state === "ASSURED")) clientPort = 1;
      if (!template && state === "ASSURED") state = "NONE";
      return {
        protocol: r.protocol as ConnEntry["protocol"],
        clientAddress: r.v6 ? r.c6 : r.c4,
        clientPort,
        virtualAddress: r.protocol === "IP" ? undefined : r.v6 ? r.vi6 : r.vi4,
        fwmark: r.protocol === "IP" ? r.fwmark : undefined,
        virtualPort: r.protocol === "IP" ? 0 : r.vport,
        destAddress: r.v6 && !r.destV4 ? r.d6 : r.d4,
        destPort: r.dport,
        state,
        expires: r.expires,
        peName: r.pe?.name,
        peData: r.pe?.data,
        template,
      };
    });
}
