// The agent protocol: one catalog maps each request type to its payload schema, its result
// schema, the roles that may use it and the events it may push. Everything else (the request
// union, handler typing, the client's typed request()) is derived from that catalog.
// Wire shapes:
//   request  {v, id, type, deadlineMs?, payload}
//   result   {v, id, type:"result", ok:true, data} | {v, id|null, type:"result", ok:false, error}
//   event    {v, id, type:"event", topic, seq, data}   (id = the request/subscription id)
//   pong     {v, id, type:"pong", time}                (answer to a "ping" request)
import { ErrorBody } from "../errors.ts";
import * as C from "../conntable.ts";
import * as CP from "./compact.ts";
import * as HA from "../ha.ts";
import * as HC from "../health.ts";
import * as H from "./host.ts";
import * as I from "./ipvs.ts";
import * as R from "./rules.ts";
import { z } from "zod";

export const PROTOCOL_VERSION = 1 as const;
export const ProtocolVersion = z.literal(PROTOCOL_VERSION);
export { RequestId } from "./ipvs.ts";

export const DEFAULT_DEADLINE_MS = 30_000;
export const MAX_DEADLINE_MS = 10 * 60_000;

export type Role = "director" | "realserver";
const DIRECTOR: readonly Role[] = ["director"];
const ANY: readonly Role[] = ["director", "realserver"];

interface CatalogEntry {
  input: z.ZodType;
  output: z.ZodType;
  roles: readonly Role[];
  /** event topic and schema pushed under the request's id, if any */
  event?: { topic: string; data: z.ZodType };
}
const entry = <In extends z.ZodType, Out extends z.ZodType>(
  input: In,
  output: Out,
  roles: readonly Role[] = DIRECTOR,
) => ({ input, output, roles });

export const CATALOG = {
  ping: entry(I.Empty, z.object({ time: z.number() }), ANY),
  "ipvs.info": entry(I.Empty, I.IpvsInfo),
  "service.list": entry(I.Empty, I.ServiceList),
  /** the same table in rows (protocol/agent/compact.ts; expandServiceRows gives service.list's objects) */
  "service.list.compact": entry(I.Empty, CP.ServiceListCompact),
  "service.get": entry(I.ServiceGet, I.ServiceList.element.nullable()),
  "service.create": entry(I.ServiceCreate, I.Ack),
  "service.update": entry(I.ServiceUpdate, I.ServiceUpdated),
  "service.delete": entry(I.ServiceDelete, I.Ack),
  "dest.create": entry(I.DestCreate, I.Ack),
  "dest.update": entry(I.DestUpdate, I.DestUpdated),
  "dest.delete": entry(I.DestDelete, I.Ack),
  "timeouts.get": entry(I.Empty, I.Timeouts),
  "timeouts.set": entry(I.TimeoutsSet, I.Ack),
  zero: entry(I.ZeroPayload, I.Ack),
  flush: entry(I.Empty, I.Ack),
  "daemon.list": entry(I.Empty, I.DaemonList),
  "daemon.start": entry(I.DaemonStart, I.Ack),
  "daemon.stop": entry(I.DaemonStop, I.Ack),
  "stats.subscribe": {
    ...entry(I.StatsSubscribe, I.StatsSubscribed),
    event: { topic: "stats", data: I.StatsSnapshot },
  },
  "stats.unsubscribe": entry(I.StatsUnsubscribe, I.Ack),
  "conns.read": {
    ...entry(C.ConnQuery, C.ConnQueryResult),
    event: { topic: "conns.progress", data: C.ConnReadProgress },
  },
  "sysctl.get": entry(H.SysctlGet, H.SysctlValues, ANY),
  "sysctl.set": entry(H.SysctlSet, H.SysctlSetResult, ANY),
  "vip.list": entry(I.Empty, H.VipList, ANY),
  "vip.add": entry(H.Vip, H.VipResult, ANY),
  "vip.remove": entry(H.Vip, H.VipResult, ANY),
  "realserver.readiness": entry(H.ReadinessQuery, H.ReadinessResult, ANY),
  "rules.export": entry(R.RulesExport, R.RulesExported),
  "rules.import": entry(R.RulesImport, R.RulesImported),
  "rules.diff": entry(R.RulesDiff, R.RulesDiffResult),
  /** HA (protocol/ha.ts): keepalived's VRRP driven by the agent, sync daemons switched with it */
  "ha.get": entry(I.Empty, HA.HaStatus),
  "ha.configure": entry(HA.HaConfigure, HA.HaStatus),
  "ha.subscribe": {
    ...entry(I.Empty, HA.HaSubscribed),
    event: { topic: "ha", data: HA.HaStatus },
  },
  "ha.unsubscribe": entry(HA.HaUnsubscribe, I.Ack),
  /** health checks (protocol/health.ts): keepalived's checkers run by the agent */
  "health.get": entry(HC.HealthGet, HC.HealthGot),
  "health.configure": entry(HC.HealthConfigure, HC.HealthStatus),
  "health.subscribe": {
    ...entry(I.Empty, HC.HealthSubscribed),
    event: { topic: "health", data: HC.HealthStatus },
  },
  "health.unsubscribe": entry(HC.HealthUnsubscribe, I.Ack),
} satisfies Record<string, CatalogEntry>;

type Catalog = typeof CATALOG;
export type RequestType = keyof Catalog;
export const REQUEST_TYPES = Object.keys(CATALOG) as RequestType[];
/** What a client sends (defaults may be omitted). */
export type RequestInput<T extends RequestType> = z.input<Catalog[T]["input"]>;
/** What a handler receives (defaults applied). */
export type RequestPayload<T extends RequestType> = z.output<Catalog[T]["input"]>;
export type ResultData<T extends RequestType> = z.output<Catalog[T]["output"]>;

export function isRequestType(t: unknown): t is RequestType {
  return typeof t === "string" && Object.hasOwn(CATALOG, t);
}

export function rolesOf(type: RequestType): readonly Role[] {
  return CATALOG[type].roles;
}

const Envelope = z.object({
  v: ProtocolVersion,
  id: I.RequestId,
  deadlineMs: z.number().int().min(1).max(MAX_DEADLINE_MS).optional(),
});

type RequestOf<T extends RequestType> = {
  v: typeof PROTOCOL_VERSION;
  id: string;
  type: T;
  deadlineMs?: number;
  payload: RequestPayload<T>;
};
export type Request = { [T in RequestType]: RequestOf<T> }[RequestType];

/** The full request union, discriminated on `type` (for documentation and schema export);
 * parseRequestValue gives the same verdicts with better errors. Absent payload = {}. */
export const RequestMessage = z.discriminatedUnion(
  "type",
  REQUEST_TYPES.map((t) =>
    Envelope.extend({ type: z.literal(t), payload: (CATALOG[t].input as z.ZodType).prefault({}) }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const ResultOk = z.object({
  v: ProtocolVersion,
  id: I.RequestId,
  type: z.literal("result"),
  ok: z.literal(true),
  data: z.unknown(),
});
export const ResultErr = z.object({
  v: ProtocolVersion,
  /** null when the request's id could not be read */
  id: I.RequestId.nullable(),
  type: z.literal("result"),
  ok: z.literal(false),
  error: ErrorBody,
});
export const EventMessage = z.object({
  v: ProtocolVersion,
  id: I.RequestId,
  type: z.literal("event"),
  topic: z.string(),
  /** per-subscription counter from 1, so a receiver can see gaps */
  seq: z.number().int().min(1),
  data: z.unknown(),
});
export const PongMessage = z.object({
  v: ProtocolVersion,
  id: I.RequestId,
  type: z.literal("pong"),
  time: z.number(),
});
export const ServerMessage = z.union([
  z.discriminatedUnion("ok", [ResultOk, ResultErr]),
  EventMessage,
  PongMessage,
]);
export type ResultOk = z.infer<typeof ResultOk>;
export type ResultErr = z.infer<typeof ResultErr>;
export type EventMessage = z.infer<typeof EventMessage>;
export type PongMessage = z.infer<typeof PongMessage>;
export type ServerMessage = z.infer<typeof ServerMessage>;

export function eventSchemaOf(type: RequestType): { topic: string; data: z.ZodType } | undefined {
  const e: CatalogEntry = CATALOG[type];
  return e.event;
}
export { C as ConnTable, H as HostMessages, I as IpvsMessages, R as RulesMessages };
