// The connection-table query from URL parameters (GET /api/directors/:id/conns):
//   protocol=TCP,UDP  state=ESTABLISHED,FIN_WAIT  client=10.0.0.0/8
//   vip=172.16.0.100:80 | vip=172.16.0.100 | vip=[2001:db8::1]:443  fwmark=1
//   realServer=10.0.0.11 | 10.0.0.11:80  templates=include|exclude|only
//   sort=expires|client|state|dest  order=asc|desc  offset=0  limit=100
//   byState=1  byRealServer=1  topClients=10
// The result is validated with the protocol's ConnQuery, like any other input.
import { ConnQuery, type ConnQueryInput } from "@/protocol/conntable.ts";
import { parseDestinationKeyString } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { ipVersion } from "@/protocol/ip.ts";
import { validate } from "./respond.ts";

const list = (v: string | null) => (v ? v.split(",").map((s) => s.trim()).filter(Boolean) : undefined);
const num = (v: string | null) => (v === null || v === "" ? undefined : Number(v));
const flag = (v: string | null) => v === "1" || v === "true";

function hostPort(v: string, what: string): { address: string; port?: number } {
  if (ipVersion(v) !== 0) return { address: v };
  const hp = parseDestinationKeyString(v);
  if (!hp) throw new ProtocolError("bad_request", `${what} must be an address or address:port, not "${v}"`);
  return hp;
}

export function connQueryOf(q: URLSearchParams): ConnQuery {
  const filter: NonNullable<ConnQueryInput["filter"]> = {};
  const protocols = list(q.get("protocol"));
  if (protocols) filter.protocols = protocols as never;
  const states = list(q.get("state"));
  if (states) filter.states = states;
  const client = q.get("client");
  if (client) filter.client = client;
  const vip = q.get("vip");
  const fwmark = num(q.get("fwmark"));
  if (vip || fwmark !== undefined) {
    filter.vip = { ...(vip ? hostPort(vip, "vip") : {}), ...(fwmark === undefined ? {} : { fwmark }) };
  }
  const rs = q.get("realServer");
  if (rs) filter.realServer = hostPort(rs, "realServer");
  const templates = q.get("templates");
  if (templates) filter.templates = templates as never;
  const sort = q.get("sort");
  const input: ConnQueryInput = {
    filter,
    ...(sort ? { sort: { by: sort as never, order: (q.get("order") ?? "asc") as never } } : {}),
    ...(num(q.get("offset")) === undefined ? {} : { offset: num(q.get("offset")) }),
    ...(num(q.get("limit")) === undefined ? {} : { limit: num(q.get("limit")) }),
    aggregates: {
      byState: flag(q.get("byState")),
      byRealServer: flag(q.get("byRealServer")),
      topClients: num(q.get("topClients")) ?? 0,
    },
  };
  return validate(ConnQuery, input, "connection query");
}
