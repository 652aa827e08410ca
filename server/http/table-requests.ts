// The six table mutations of the REST API (service and real server create, update, delete),
// read from a request into a TableOp plus its base versions: one reader per mutation, shared
// by the per-director routes (routes-directors.ts, one director) and the group routes
// (routes-groups.ts, `many`: baseVersions per member is allowed too).
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import type { IncomingMessage } from "node:http";
import { parseDestinationKeyString, parseServiceKeyString } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { DestinationKey, ServiceKey } from "@/protocol/ipvs.ts";
import type { TableOp } from "../agents/table-ops.ts";
import { type Bases, readBasesOnly, readJsonWithBase } from "../versions/request.ts";

export function serviceKeyParam(s: string): ServiceKey {
  const k = parseServiceKeyString(s);
  if (!k) throw new ProtocolError("bad_request", `"${s}" is not a service key (e.g. tcp:10.0.0.1:80, udp:[2001:db8::1]:53, fwmark:ipv4:1)`);
  return k;
}

export function destKeyParam(s: string): DestinationKey {
  const k = parseDestinationKeyString(s);
  if (!k) throw new ProtocolError("bad_request", `"${s}" is not a real server key (e.g. 10.0.0.11:80, [2001:db8::11]:80)`);
  return k;
}

export interface TableRequest {
  op: TableOp;
  bases: Bases;
  /** what the audit entry keeps as the request */
  request: unknown;
}

type Params = Record<string, string>;
export type TableRequestReader = (req: IncomingMessage, params: Params, many?: boolean) => Promise<TableRequest>;

const baseFields = (b: Bases): Bases => ({
  ...(b.baseVersion === undefined ? {} : { baseVersion: b.baseVersion }),
  ...(b.baseVersions ? { baseVersions: b.baseVersions } : {}),
});

export const readServiceCreate: TableRequestReader = async (req, _params, many = false) => {
  const { body, ...bases } = await readJsonWithBase(req, bodySchemaOf("POST /api/directors/:id/services"), "service", { many });
  return { op: { type: "service.create", payload: body }, bases: baseFields(bases), request: body };
};

export const readServiceUpdate: TableRequestReader = async (req, params, many = false) => {
  const key = serviceKeyParam(params.service!);
  const { body: config, ...bases } = await readJsonWithBase(req, bodySchemaOf("PATCH /api/directors/:id/services/:service"), "service patch", { many });
  return { op: { type: "service.update", payload: { key, config } }, bases: baseFields(bases), request: config };
};

export const readServiceDelete: TableRequestReader = async (req, params, many = false) => {
  const key = serviceKeyParam(params.service!);
  const bases = await readBasesOnly(req, "service delete", many);
  return { op: { type: "service.delete", payload: { key } }, bases, request: null };
};

export const readDestCreate: TableRequestReader = async (req, params, many = false) => {
  const service = serviceKeyParam(params.service!);
  const { body: destination, ...bases } = await readJsonWithBase(req, bodySchemaOf("POST /api/directors/:id/services/:service/destinations"), "real server", { many });
  return { op: { type: "dest.create", payload: { service, destination } }, bases: baseFields(bases), request: destination };
};

export const readDestUpdate: TableRequestReader = async (req, params, many = false) => {
  const service = serviceKeyParam(params.service!);
  const key = destKeyParam(params.dest!);
  const { body: config, ...bases } = await readJsonWithBase(req, bodySchemaOf("PATCH /api/directors/:id/services/:service/destinations/:dest"), "real server patch", { many });
  return { op: { type: "dest.update", payload: { service, key, config } }, bases: baseFields(bases), request: config };
};

export const readDestDelete: TableRequestReader = async (req, params, many = false) => {
  const service = serviceKeyParam(params.service!);
  const key = destKeyParam(params.dest!);
  const bases = await readBasesOnly(req, "real server delete", many);
  return { op: { type: "dest.delete", payload: { service, key } }, bases, request: null };
};
