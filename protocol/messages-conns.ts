// conns.read: one pass over the kernel's connection table (/proc/net/ip_vs_conn), filtered,
// sorted, paged and aggregated on the agent, with progress events because a large table takes
// tens of seconds to read.
import { IpAddress, Port } from "./ipvs.ts";
import { ipVersion } from "./ip.ts";
import { z } from "zod";

/** Protocol names as the kernel prints them: TCP, UDP, SCTP, ICMP, ICMPv6, IP, IP_<n>. */
export const ConnProtocol = z.string().regex(/^(TCP|UDP|SCTP|ICMP|ICMPv6|IP|IP_\d{1,3})$/);
/** Kernel state names (ESTABLISHED, TIME_WAIT, C-SENT, UDP, ASSURED, ERR!, ...). */
export const ConnState = z.string().regex(/^[A-Za-z0-9_!?-]{1,16}$/);

/** An address or a CIDR block ("10.0.0.0/8", "2001:db8::/32"). */
export const AddressOrCidr = z.string().refine(
  (s) => {
    const [addr, prefix, extra] = s.split("/");
    if (extra !== undefined || addr === undefined) return false;
    const v = ipVersion(addr);
    if (v === 0) return false;
    if (prefix === undefined) return true;
    if (!/^\d{1,3}$/.test(prefix)) return false;
    return Number(prefix) <= (v === 4 ? 32 : 128);
  },
  { message: "not an IP address or CIDR block" },
);

export const Endpoint = z.object({ address: IpAddress, port: Port });
export type Endpoint = z.infer<typeof Endpoint>;
/** port absent = any port */
export const EndpointFilter = z.object({ address: IpAddress, port: Port.optional() });

export const ConnsFilter = z.object({
  protocols: z.array(ConnProtocol).max(16).optional(),
  states: z.array(ConnState).max(32).optional(),
  client: AddressOrCidr.optional(),
  vip: EndpointFilter.optional(),
  realServer: EndpointFilter.optional(),
  /** persistence templates (client port 0) are included unless false */
  templates: z.boolean().optional(),
});

export const ConnsSortKey = z.enum(["expires", "client", "vip", "realServer", "state", "protocol"]);
export const ConnsRead = z.object({
  filter: ConnsFilter.default({}),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(0).max(10_000).default(100),
  sort: z
    .object({ by: ConnsSortKey, order: z.enum(["asc", "desc"]).default("asc") })
    .default({ by: "expires", order: "asc" }),
  /** how many entries the topClients aggregate lists */
  topClients: z.number().int().min(0).max(1000).default(10),
});
export type ConnsRead = z.infer<typeof ConnsRead>;

export const ConnEntry = z.object({
  protocol: ConnProtocol,
  client: Endpoint,
  /** for fwmark templates the kernel prints the fwmark in the address field (0.0.0.9) */
  virtual: Endpoint,
  destination: Endpoint,
  state: ConnState,
  expiresSec: z.number().int().min(0),
  pe: z.object({ name: z.string(), data: z.string() }).nullable(),
});
export type ConnEntry = z.infer<typeof ConnEntry>;

export const ConnsAggregates = z.object({
  /** over the filtered entries, not just the page */
  byState: z.record(z.string(), z.number().int()),
  byRealServer: z.array(
    z.object({
      address: IpAddress,
      port: Port,
      count: z.number().int(),
      byState: z.record(z.string(), z.number().int()),
    }),
  ),
  topClients: z.array(z.object({ address: IpAddress, count: z.number().int() })),
});

export const ConnsResult = z.object({
  readAt: z.number(),
  /** entries in the table when read */
  total: z.number().int(),
  /** entries that passed the filter */
  matched: z.number().int(),
  offset: z.number().int(),
  entries: z.array(ConnEntry),
  aggregates: ConnsAggregates,
});
export type ConnsResult = z.infer<typeof ConnsResult>;

/** Event (topic "conns.progress") sent while the table is being read. */
export const ConnsProgress = z.object({
  bytesRead: z.number().int().min(0),
  entriesRead: z.number().int().min(0),
});
export type ConnsProgress = z.infer<typeof ConnsProgress>;
