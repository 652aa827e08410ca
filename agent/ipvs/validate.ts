// Checks made before anything is sent, so a bad request never half-applies: the kernel's
// netlink path accepts things ipvsadm would refuse (unknown protocols, any forwarding code,
// DR ports that differ from the service port), and its EINVAL says nothing about why.
import type { z } from "zod";
import { isIPv4 } from "@/protocol/ip.ts";
import {
  Destination,
  type Destination as DestinationT,
  SCHEDULERS,
  Service,
  type Service as ServiceT,
  ServiceKey,
  type ServiceKey as ServiceKeyT,
  SyncDaemon,
  type SyncDaemon as SyncDaemonT,
  type Timeouts,
  familyOf,
} from "@/protocol/ipvs.ts";
import { addressToBytes, ipv4MaskToU32 } from "./codec-address.ts";
import { serviceFamily } from "./codec-service.ts";
import { type IpvsOp, IpvsValidationError } from "./errors.ts";

/** ipvsadm's limit for persistence and connection timeouts (31 days). */
export const MAX_TIMEOUT = 2678400;
const KNOWN_SCHEDULERS: readonly string[] = [...SCHEDULERS, "none"];

function zodIssues(err: z.ZodError, skipPaths: string[] = []): string[] {
  return err.issues
    .map((i) => ({ path: i.path.join("."), message: i.message }))
    .filter((i) => !skipPaths.includes(i.path))
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
}

function schedulerIssue(input: unknown): string | null {
  const s = (input as { config?: { scheduler?: unknown } } | null)?.config?.scheduler;
  if (typeof s === "string" && !KNOWN_SCHEDULERS.includes(s)) {
    return `Unknown scheduler "${s}" (known: ${KNOWN_SCHEDULERS.join(", ")})`;
  }
  return null;
}

export function serviceIssues(svc: ServiceT): string[] {
  const issues: string[] = [];
  const { key, config } = svc;
  if (key.protocol !== "fwmark" && key.port === 0 && !config.persistence) {
    issues.push("Zero port specified for non-persistent service");
  }
  if (config.onePacket && key.protocol !== "udp" && key.protocol !== "fwmark") {
    issues.push("One-Packet Scheduling is only for UDP virtual services (or fwmark services)");
  }
  if (config.pe && !config.persistence) {
    issues.push("A persistence engine needs persistence: set a persistence timeout");
  }
  if (config.persistence) {
    const mask = config.persistence.netmask;
    if (serviceFamily(key) === "ipv6") {
      const n = Number(mask);
      if (!/^\d+$/.test(mask) || n < 1 || n > 128) issues.push(`illegal ipv6 netmask "${mask}" (prefix 1..128)`);
    } else {
      try {
        ipv4MaskToU32(mask);
      } catch {
        issues.push(`illegal IPv4 netmask "${mask}" (a contiguous dotted mask like 255.255.255.0)`);
      }
    }
  }
  return issues;
}

/** Parses (applying schema defaults) and checks a service; throws IpvsValidationError. */
export function validateService(op: IpvsOp, input: unknown): ServiceT {
  const sched = schedulerIssue(input);
  const parsed = Service.safeParse(input);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, sched ? ["config.scheduler"] : []);
    throw new IpvsValidationError(op, sched ? [sched, ...issues] : issues);
  }
  const issues = serviceIssues(parsed.data);
  if (issues.length > 0) throw new IpvsValidationError(op, issues);
  return parsed.data;
}

export function validateServiceKey(op: IpvsOp, input: unknown): ServiceKeyT {
  const parsed = ServiceKey.safeParse(input);
  if (!parsed.success) throw new IpvsValidationError(op, zodIssues(parsed.error));
  return parsed.data;
}

export function destinationIssues(svc: ServiceKeyT, dest: DestinationT): string[] {
  const issues: string[] = [];
  const c = dest.config;
  if (familyOf(dest.key.address) !== serviceFamily(svc) && c.forwarding !== "tunnel") {
    issues.push("Different address family is allowed only for tunneling servers");
  }
  if (svc.protocol !== "fwmark" && (c.forwarding === "route" || c.forwarding === "tunnel") && dest.key.port !== svc.port) {
    issues.push(
      `Real server port ${dest.key.port} must equal the service port ${svc.port} with ${c.forwarding} forwarding (the packet is not rewritten)`,
    );
  }
  if (c.lowerThreshold > 0 && c.upperThreshold === 0) {
    issues.push("A lower threshold needs an upper threshold");
  } else if (c.lowerThreshold > c.upperThreshold) {
    issues.push(`Lower threshold ${c.lowerThreshold} is above the upper threshold ${c.upperThreshold}`);
  }
  const t = c.tunnel;
  if (t && c.forwarding !== "tunnel") issues.push("Tunnel options conflict with forward method");
  if (t && c.forwarding === "tunnel") {
    if (t.type === "gue" && t.port === 0) {
      issues.push("You need to supply the 'tun-port' option for the 'gue' tunnel type");
    }
    if (t.type !== "gue" && t.port !== 0) issues.push(`A tunnel port is only for the 'gue' tunnel type, not '${t.type}'`);
    if (t.type === "ipip" && t.checksum !== "nocsum") issues.push("The 'ipip' tunnel type takes no checksum option");
    if (t.type === "gre" && t.checksum === "remcsum") issues.push("The 'gre' tunnel type has no remcsum option");
  }
  return issues;
}

/** Parses and checks a destination against its service's key; throws IpvsValidationError. */
export function validateDestination(op: IpvsOp, svc: unknown, input: unknown): { svc: ServiceKeyT; dest: DestinationT } {
  const key = ServiceKey.safeParse(svc);
  const parsed = Destination.safeParse(input);
  const issues = [
    ...(key.success ? [] : zodIssues(key.error).map((i) => `service ${i}`)),
    ...(parsed.success ? [] : zodIssues(parsed.error)),
  ];
  if (key.success && parsed.success) issues.push(...destinationIssues(key.data, parsed.data));
  if (issues.length > 0 || !key.success || !parsed.success) throw new IpvsValidationError(op, issues);
  return { svc: key.data, dest: parsed.data };
}

function isMulticast(address: string): boolean {
  const b = addressToBytes(address);
  return isIPv4(address) ? b[0]! >= 224 && b[0]! <= 239 : b[0] === 0xff;
}

export function validateDaemon(op: IpvsOp, input: unknown): SyncDaemonT {
  const parsed = SyncDaemon.safeParse(input);
  if (!parsed.success) throw new IpvsValidationError(op, zodIssues(parsed.error));
  const g = parsed.data.mcastGroup;
  if (g !== undefined && !isMulticast(g)) {
    throw new IpvsValidationError(op, [`mcastGroup ${g} is not a multicast address`]);
  }
  return parsed.data;
}

export function validateTimeouts(op: IpvsOp, t: Partial<Timeouts>): void {
  const issues: string[] = [];
  for (const [name, v] of Object.entries(t)) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0 || v > MAX_TIMEOUT) {
      issues.push(`invalid ${name} timeout ${v} (0..${MAX_TIMEOUT} seconds, 0 = unchanged)`);
    }
  }
  if (issues.length > 0) throw new IpvsValidationError(op, issues);
}
