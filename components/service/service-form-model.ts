// The service form's text state <-> a protocol Service. Parsing validates with the protocol
// schema (protocol/ipvs.ts Service) and adds the cross-field rules ipvsadm enforces, so most
// mistakes are caught in the form; whatever slips through comes back from the server or the
// kernel and is shown verbatim.
import { type Family, familyOf, type SchedulerFlag, type Service, Service as ServiceSchema } from "@/protocol/ipvs.ts";
import { isIPv4 } from "@/protocol/ip.ts";
import { type FieldErrors, fieldErrors } from "../lib/form-errors.ts";

export type ServiceProtocol = "tcp" | "udp" | "sctp" | "fwmark";

export interface ServiceFormState {
  protocol: ServiceProtocol;
  address: string;
  port: string;
  fwmark: string;
  /** fwmark services only; for the others the address decides */
  family: Family;
  scheduler: string;
  schedulerFlags: SchedulerFlag[];
  persistent: boolean;
  timeout: string;
  netmask: string;
  onePacket: boolean;
  peSip: boolean;
}

export const NEW_SERVICE: ServiceFormState = {
  protocol: "tcp",
  address: "",
  port: "80",
  fwmark: "1",
  family: "ipv4",
  scheduler: "wlc",
  schedulerFlags: [],
  persistent: false,
  timeout: "300",
  netmask: "",
  onePacket: false,
  peSip: false,
};

/** Flag names as ipvsadm shows them for the scheduler (sh/mh name the first two). */
export function schedulerFlagLabel(scheduler: string, flag: SchedulerFlag): string {
  if (scheduler === "sh" || scheduler === "mh") {
    if (flag === "flag-1") return `${scheduler}-fallback`;
    if (flag === "flag-2") return `${scheduler}-port`;
  }
  return flag;
}

export function serviceFamily(s: ServiceFormState): Family {
  return s.protocol === "fwmark" ? s.family : familyOf(s.address.trim());
}

export function defaultNetmask(f: Family): string {
  return f === "ipv6" ? "128" : "255.255.255.255";
}

export function formFromService(svc: Service): ServiceFormState {
  const k = svc.key;
  const c = svc.config;
  const family = k.protocol === "fwmark" ? k.family : familyOf(k.address);
  return {
    protocol: k.protocol,
    address: k.protocol === "fwmark" ? "" : k.address,
    port: k.protocol === "fwmark" ? "80" : String(k.port),
    fwmark: k.protocol === "fwmark" ? String(k.fwmark) : "1",
    family,
    scheduler: c.scheduler,
    schedulerFlags: [...c.schedulerFlags],
    persistent: c.persistence !== null,
    timeout: c.persistence ? String(c.persistence.timeout) : "300",
    netmask: c.persistence ? c.persistence.netmask : "",
    onePacket: c.onePacket,
    peSip: c.pe === "sip",
  };
}

/** A whole number as a number, anything else as itself so the schema reports it. */
export function wholeNumber(s: string): unknown {
  const t = s.trim();
  return /^\d{1,16}$/.test(t) ? Number(t) : t === "" ? undefined : t;
}

function contiguousV4Mask(m: string): boolean {
  if (!isIPv4(m)) return false;
  const n = m.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const inv = 0xffffffff - n;
  return (inv & (inv + 1)) === 0; // ones then zeros (0.0.0.0 included, as ipvsadm accepts it)
}

const PATH_TO_FIELD: Record<string, string> = {
  "key.address": "address",
  "key.port": "port",
  "key.fwmark": "fwmark",
  "key.family": "family",
  "key.protocol": "protocol",
  "config.scheduler": "scheduler",
  "config.schedulerFlags": "schedulerFlags",
  "config.persistence.timeout": "timeout",
  "config.persistence.netmask": "netmask",
  "config.pe": "peSip",
  "config.onePacket": "onePacket",
};

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export function serviceFromForm(s: ServiceFormState): ParseResult<Service> {
  const family = serviceFamily(s);
  const key =
    s.protocol === "fwmark"
      ? { protocol: "fwmark", fwmark: wholeNumber(s.fwmark), family: s.family }
      : { protocol: s.protocol, address: s.address.trim(), port: wholeNumber(s.port) };
  const config = {
    scheduler: s.scheduler,
    schedulerFlags: s.schedulerFlags,
    persistence: s.persistent ? { timeout: wholeNumber(s.timeout), netmask: s.netmask.trim() || defaultNetmask(family) } : null,
    pe: s.peSip ? "sip" : null,
    onePacket: s.onePacket,
  };
  const parsed = ServiceSchema.safeParse({ key, config });
  // Checks that need only the form are made even when the schema refused other fields, so
  // every mistake shows at once.
  const errors: FieldErrors = {};
  if (s.persistent) {
    const m = s.netmask.trim() || defaultNetmask(family);
    if (family === "ipv6") {
      if (!/^\d{1,3}$/.test(m) || Number(m) < 1 || Number(m) > 128) errors["netmask"] = "an IPv6 prefix length 1..128";
    } else if (!contiguousV4Mask(m)) errors["netmask"] = "a contiguous dotted mask like 255.255.255.0";
  }
  if (s.onePacket && s.protocol !== "udp" && s.protocol !== "fwmark") errors["onePacket"] = "one-packet scheduling is only for UDP (or fwmark) services";
  if (s.peSip && !s.persistent) errors["peSip"] = "the SIP persistence engine needs persistence";
  if (!parsed.success) {
    for (const [path, msg] of Object.entries(fieldErrors(parsed.error))) errors[PATH_TO_FIELD[path] ?? path] ??= msg;
    return { ok: false, errors };
  }
  const svc = parsed.data;
  if (svc.key.protocol !== "fwmark" && svc.key.port === 0 && !svc.config.persistence) errors["port"] = "port 0 is only allowed for a persistent service";
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: svc };
}
