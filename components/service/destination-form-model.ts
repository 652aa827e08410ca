// The real-server form's text state <-> a protocol Destination, validated with the protocol
// schema plus ipvsadm's cross-field rules (thresholds, tunnel options, DR/TUN port, family).
import { Destination as DestinationSchema, type Destination, type Forwarding, familyOf, type ServiceKey } from "@/protocol/ipvs.ts";
import { type FieldErrors, fieldErrors } from "../lib/form-errors.ts";
import { type ParseResult, wholeNumber } from "./service-form-model.ts";

export type TunnelType = "ipip" | "gue" | "gre";
export type TunnelChecksum = "nocsum" | "csum" | "remcsum";

export interface DestinationFormState {
  address: string;
  port: string;
  forwarding: Forwarding;
  weight: string;
  upperThreshold: string;
  lowerThreshold: string;
  tunnelType: TunnelType;
  tunnelPort: string;
  tunnelChecksum: TunnelChecksum;
}

/** A new real server inherits the service's port (required for DR and TUN). */
export function newDestination(service: ServiceKey): DestinationFormState {
  return {
    address: "",
    port: service.protocol === "fwmark" ? "0" : String(service.port),
    forwarding: "route",
    weight: "1",
    upperThreshold: "0",
    lowerThreshold: "0",
    tunnelType: "ipip",
    tunnelPort: "0",
    tunnelChecksum: "nocsum",
  };
}

export function formFromDestination(d: Destination): DestinationFormState {
  const t = d.config.tunnel;
  return {
    address: d.key.address,
    port: String(d.key.port),
    forwarding: d.config.forwarding,
    weight: String(d.config.weight),
    upperThreshold: String(d.config.upperThreshold),
    lowerThreshold: String(d.config.lowerThreshold),
    tunnelType: t?.type ?? "ipip",
    tunnelPort: String(t?.port ?? 0),
    tunnelChecksum: t?.checksum ?? "nocsum",
  };
}

const PATH_TO_FIELD: Record<string, string> = {
  "key.address": "address",
  "key.port": "port",
  "config.forwarding": "forwarding",
  "config.weight": "weight",
  "config.upperThreshold": "upperThreshold",
  "config.lowerThreshold": "lowerThreshold",
  "config.tunnel.type": "tunnelType",
  "config.tunnel.port": "tunnelPort",
  "config.tunnel.checksum": "tunnelChecksum",
};

export function destinationFromForm(s: DestinationFormState, service: ServiceKey): ParseResult<Destination> {
  const tunnel =
    s.forwarding === "tunnel"
      ? { type: s.tunnelType, port: s.tunnelType === "gue" ? wholeNumber(s.tunnelPort) : 0, checksum: s.tunnelType === "ipip" ? "nocsum" : s.tunnelChecksum }
      : null;
  const parsed = DestinationSchema.safeParse({
    key: { address: s.address.trim(), port: wholeNumber(s.port) },
    config: {
      forwarding: s.forwarding,
      weight: wholeNumber(s.weight),
      upperThreshold: wholeNumber(s.upperThreshold),
      lowerThreshold: wholeNumber(s.lowerThreshold),
      tunnel,
    },
  });
  const errors: FieldErrors = {};
  if (!parsed.success) {
    for (const [path, msg] of Object.entries(fieldErrors(parsed.error))) errors[PATH_TO_FIELD[path] ?? path] ??= msg;
    return { ok: false, errors };
  }
  const d = parsed.data;
  const c = d.config;
  const svcFamily = service.protocol === "fwmark" ? service.family : familyOf(service.address);
  if (familyOf(d.key.address) !== svcFamily && c.forwarding !== "tunnel")
    errors["address"] = `an ${svcFamily === "ipv6" ? "IPv6" : "IPv4"} address (another family only with tunnel forwarding)`;
  if (service.protocol !== "fwmark" && (c.forwarding === "route" || c.forwarding === "tunnel") && d.key.port !== service.port)
    errors["port"] = `must be the service port ${service.port} with ${c.forwarding} forwarding (packets are not rewritten)`;
  if (c.lowerThreshold > 0 && c.upperThreshold === 0) errors["lowerThreshold"] = "a lower threshold needs an upper threshold";
  else if (c.lowerThreshold > c.upperThreshold) errors["lowerThreshold"] = "must not be above the upper threshold";
  if (c.tunnel?.type === "gue" && c.tunnel.port === 0) errors["tunnelPort"] = "GUE needs its UDP port (1..65535)";
  if (c.tunnel?.type === "gre" && c.tunnel.checksum === "remcsum") errors["tunnelChecksum"] = "GRE has no remcsum option";
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: d };
}
