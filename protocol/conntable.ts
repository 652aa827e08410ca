// The IPVS connection table (/proc/net/ip_vs_conn) in domain terms, and the request/response
// shapes of a connection-table query (filters, sorting, paging, aggregates). The agent parses
// the proc file into ConnEntry; a `ipvsadm -Lnc` formatter and the UI read the same shape.
import { IpAddress, Port } from "./ipvs.ts";
import { z } from "zod";

/** Names the kernel prints; `IP` is a fwmark persistence template, `IP_<n>` any other protocol. */
export const KNOWN_CONN_PROTOCOLS = ["TCP", "UDP", "SCTP", "ICMP", "ICMPv6", "IP"] as const;
export const ConnProtocol = z.union([
  z.enum(KNOWN_CONN_PROTOCOLS),
  z.templateLiteral(["IP_", z.number().int().min(0).max(255)]),
]);
export type ConnProtocol = z.infer<typeof ConnProtocol>;

/** TCP states in the kernel's order; `SYNACK` and `LISTEN` exist but are rare. */
export const TCP_CONN_STATES = [
  "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE",
  "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
] as const;
export const SCTP_CONN_STATES = [
  "NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE", "C-ECHOED",
  "ESTABLISHED", "S-SENT", "S-RECEIVED", "S-ACK-SENT", "REJECTED", "CLOSED",
] as const;
/** Persistence templates print NONE or ASSURED; UDP entries always `UDP`; errors `ERR!`/`?`. */
export const OTHER_CONN_STATES = ["UDP", "ASSURED", "ERR!", "?"] as const;

/** TCP states the kernel (4.8+) counts as active connections of a real server (section 6.8). */
export const ACTIVE_TCP_STATES: readonly string[] = ["ESTABLISHED", "SYN_SENT", "SYN_RECV", "SYNACK"];

/**
 * One line of /proc/net/ip_vs_conn. Addresses are in the text form `ipvsadm -Lnc` prints
 * (dotted IPv4, compressed IPv6 as inet_ntop writes it). For fwmark templates (protocol `IP`)
 * the kernel puts the mark in the virtual-address field: `virtualAddress` is absent and
 * `fwmark` holds it (a `-Lnc` formatter prints it as the dotted form of the mark, 0.0.0.9).
 * An invalidated template keeps printing until it expires with virtualPort/destPort 65535.
 */
export const ConnEntry = z.object({
  protocol: ConnProtocol,
  clientAddress: IpAddress,
  clientPort: Port,
  virtualAddress: IpAddress.optional(),
  fwmark: z.number().int().min(0).max(0xffffffff).optional(),
  virtualPort: Port,
  destAddress: IpAddress,
  destPort: Port,
  /** Kernel state name as printed (TCP_CONN_STATES, SCTP_CONN_STATES, OTHER_CONN_STATES, or newer). */
  state: z.string().min(1),
  /** Whole seconds left on the entry's timer. */
  expires: z.number().int().min(0),
  peName: z.string().optional(),
  peData: z.string().optional(),
  /** Persistence template: protocol IP, or client port 0 in state NONE/ASSURED (the text has no flag). */
  template: z.boolean(),
});
export type ConnEntry = z.infer<typeof ConnEntry>;

/** True for a template the kernel invalidated (server unavailable); it lingers until it expires. */
export function isInvalidatedTemplate(e: ConnEntry): boolean {
  return e.template && e.virtualPort === 0xffff && e.destPort === 0xffff;
}

export const CONN_QUERY_MAX_LIMIT = 1000;
export const CONN_QUERY_MAX_TOP_CLIENTS = 1000;

export const ConnFilter = z.object({
  protocols: z.array(ConnProtocol).optional(),
  states: z.array(z.string().min(1)).optional(),
  /** An address, or a CIDR prefix such as "10.0.0.0/8" or "2001:db8::/32". */
  client: z.string().optional(),
  /** Virtual service: any of address, port, fwmark (fwmark matches `IP` templates only). */
  vip: z
    .object({
      address: IpAddress.optional(),
      port: Port.optional(),
      fwmark: z.number().int().min(0).max(0xffffffff).optional(),
    })
    .optional(),
  /** Real server address and optionally port. */
  realServer: z.object({ address: IpAddress, port: Port.optional() }).optional(),
  /** Whether persistence templates are included (default), excluded, or the only ones. */
  templates: z.enum(["include", "exclude", "only"]).optional(),
});
export type ConnFilter = z.infer<typeof ConnFilter>;

export const ConnSortKey = z.enum(["expires", "client", "state", "dest"]);
export type ConnSortKey = z.infer<typeof ConnSortKey>;

export const ConnSort = z.object({
  by: ConnSortKey,
  order: z.enum(["asc", "desc"]).default("asc"),
});
export type ConnSort = z.infer<typeof ConnSort>;

export const ConnAggregatesRequest = z.object({
  byState: z.boolean().default(false),
  byRealServer: z.boolean().default(false),
  /** 0 = none; otherwise the N clients with most entries. */
  topClients: z.number().int().min(0).max(CONN_QUERY_MAX_TOP_CLIENTS).default(0),
});
export type ConnAggregatesRequest = z.infer<typeof ConnAggregatesRequest>;

/**
 * Without `sort` the page is in the kernel's (hash) order. Ties under a sort keep file order,
 * so paging through a table that does not change is stable.
 */
export const ConnQuery = z.object({
  filter: ConnFilter.default({}),
  sort: ConnSort.optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(0).max(CONN_QUERY_MAX_LIMIT).default(100),
  aggregates: ConnAggregatesRequest.default({ byState: false, byRealServer: false, topClients: 0 }),
});
export type ConnQuery = z.infer<typeof ConnQuery>;
export type ConnQueryInput = z.input<typeof ConnQuery>;

export const ConnStateCount = z.object({
  protocol: ConnProtocol,
  state: z.string(),
  count: z.number().int(),
});
export type ConnStateCount = z.infer<typeof ConnStateCount>;

/**
 * Per real server (address, port as the entries show it). `active`/`inactive` follow the
 * kernel's split (section 6.8: TCP ESTABLISHED/SYN_SENT/SYN_RECV/SYNACK and SCTP ESTABLISHED
 * are active, everything else inactive); templates are counted apart, as PersistConn.
 */
export const ConnRealServerCount = z.object({
  address: IpAddress,
  port: Port,
  active: z.number().int(),
  inactive: z.number().int(),
  templates: z.number().int(),
});
export type ConnRealServerCount = z.infer<typeof ConnRealServerCount>;

export const ConnClientCount = z.object({ address: IpAddress, count: z.number().int() });
export type ConnClientCount = z.infer<typeof ConnClientCount>;

export const ConnAggregates = z.object({
  byState: z.array(ConnStateCount).optional(),
  byRealServer: z.array(ConnRealServerCount).optional(),
  topClients: z.array(ConnClientCount).optional(),
});
export type ConnAggregates = z.infer<typeof ConnAggregates>;

export const ConnQueryResult = z.object({
  /** Entries read from the table. */
  scanned: z.number().int(),
  /** Entries that matched the filter (the page is a window of these). */
  matched: z.number().int(),
  offset: z.number().int(),
  entries: z.array(ConnEntry),
  aggregates: ConnAggregates,
});
export type ConnQueryResult = z.infer<typeof ConnQueryResult>;

/** Progress of one read of the table, reported at most every ~100 ms and once at the end. */
export const ConnReadProgress = z.object({
  bytes: z.number().int(),
  entries: z.number().int(),
  done: z.boolean(),
});
export type ConnReadProgress = z.infer<typeof ConnReadProgress>;
