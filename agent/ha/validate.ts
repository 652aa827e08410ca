// Checks of an HA spec beyond its schema, against the director it is for, before anything is
// written: keepalived would refuse (or, worse, accept and misbehave on) every one of these.
// All problems are collected, so an operator fixes a spec in one round.
import type { z } from "zod";
import { ProtocolError } from "@/protocol/errors.ts";
import { HaSpec } from "@/protocol/ha.ts";
import { ipVersion } from "@/protocol/ip.ts";
import { canonicalAddress } from "../conntable/address.ts";
import { type HostInterface, subnetsContaining } from "./addresses.ts";
import { needsVrrp3 } from "./render.ts";

export interface SpecProblem {
  /** the vrrp_instance it is about, absent for the spec as a whole (sync, names) */
  instance?: string;
  /** the spec field, e.g. "virtualIpAddresses[1]" */
  field: string;
  message: string;
}

export function problemText(p: SpecProblem): string {
  return p.instance ? `instance ${p.instance}: ${p.field}: ${p.message}` : `${p.field}: ${p.message}`;
}

export function specError(problems: readonly SpecProblem[]): ProtocolError {
  const head = problems.length === 1 ? "HA spec refused" : `HA spec refused (${problems.length} problems)`;
  return new ProtocolError("bad_request", `${head}: ${problems.map(problemText).join("; ")}`, { problems });
}

/** Schema errors (a spec file read at start) in the same shape as the checks below. */
export function schemaProblems(error: z.ZodError): SpecProblem[] {
  return error.issues.map((i) => {
    const path = i.path.map(String);
    if (path[0] === "instances" && path.length >= 2) {
      return { instance: `#${Number(path[1]) + 1}`, field: path.slice(2).join(".") || "instance", message: i.message };
    }
    return { field: path.join(".") || "spec", message: i.message };
  });
}

/** Parses untrusted JSON (the --ha-spec file) into a spec, or throws the bad_request error. */
export function parseSpec(input: unknown): HaSpec {
  const r = HaSpec.safeParse(input);
  if (!r.success) throw specError(schemaProblems(r.error));
  return r.data;
}

const family = (a: string) => (ipVersion(a) === 6 ? "ipv6" : "ipv4");

export function checkSpec(spec: HaSpec, ifs: readonly HostInterface[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const names = new Set(ifs.map((i) => i.name));
  const need = (name: string, instance: string | undefined, field: string) => {
    if (!names.has(name)) {
      const p: SpecProblem = { field, message: `interface ${name} does not exist on this director (it has ${[...names].join(", ") || "none"})` };
      problems.push(instance ? { instance, ...p } : p);
    }
  };
  const seenNames = new Set<string>();
  const vrids = new Map<string, string>();
  const vipOwner = new Map<string, string>();
  for (const inst of spec.instances) {
    const I = inst.name;
    const add = (field: string, message: string) => problems.push({ instance: I, field, message });
    if (seenNames.has(I)) add("name", "two instances have this name");
    seenNames.add(I);
    need(inst.interface, I, "interface");
    const own = ifs.find((i) => i.name === inst.interface);
    if (own?.multicast === false && inst.unicastPeers.length === 0) add("interface", `${inst.interface} has no multicast: give unicastPeers`);
    const vridKey = `${inst.interface}/${inst.virtualRouterId}`;
    const other = vrids.get(vridKey);
    if (other !== undefined) add("virtualRouterId", `${inst.virtualRouterId} is already used on ${inst.interface} by instance ${other}`);
    else vrids.set(vridKey, I);
    if (!Number.isInteger(inst.priority) || inst.priority < 1 || inst.priority > 255) add("priority", `${inst.priority} is out of 1-255`);
    if (inst.initialState === "MASTER" && !inst.preempt) add("preempt", "nopreempt needs initialState BACKUP (keepalived ignores it on a MASTER)");
    if (inst.initialState === "MASTER" && inst.preemptDelay !== undefined) add("preemptDelay", "preempt_delay needs initialState BACKUP (keepalived ignores it on a MASTER)");
    if (!inst.preempt && inst.priority === 255) add("preempt", "nopreempt is incompatible with priority 255 (the address owner always preempts; keepalived resets it)");
    if (!inst.preempt && inst.preemptDelay !== undefined) add("preemptDelay", "preempt_delay means nothing with nopreempt");
    const fam = family(inst.virtualIpAddresses[0]!.address);
    if (Math.abs(inst.advertInt * 100 - Math.round(inst.advertInt * 100)) > 1e-9) add("advertInt", `${inst.advertInt} is not a multiple of 0.01 s (VRRPv3 counts centiseconds)`);
    if (inst.authentication && needsVrrp3(inst)) {
      add("authentication", `VRRPv3 (IPv6 or a fractional advertInt) has no authentication; keepalived would ignore it`);
    }
    if (inst.authentication?.type === "AH" && inst.initialState === "MASTER") add("authentication", "AH authentication needs initialState BACKUP (keepalived drops AH on a MASTER)");
    if (inst.authentication && /[#!"\\{}]/.test(inst.authentication.password)) {
      add("authentication.password", "keepalived's parser reads # and ! as a comment, \" as a quote and { } \\ specially: use other characters");
    }
    inst.virtualIpAddresses.forEach((v, k) => {
      const field = `virtualIpAddresses[${k}]`;
      const f = family(v.address);
      if (f !== fam) add(field, `${v.address} is ${f} but the instance's first VIP is ${fam} (keepalived does not mix them in one instance)`);
      if (v.prefix !== undefined && f === "ipv4" && v.prefix > 32) add(`${field}.prefix`, `/${v.prefix} is longer than an IPv4 address`);
      const dev = v.dev ?? inst.interface;
      if (v.dev !== undefined) need(v.dev, I, `${field}.dev`);
      const key = canonicalAddress(v.address);
      const owner = vipOwner.get(key);
      if (owner !== undefined) add(field, `${v.address} is already a VIP of instance ${owner}`);
      else vipOwner.set(key, I);
      if (names.has(dev) && subnetsContaining(ifs, v.address).length === 0) {
        add(field, `${v.address} is outside every subnet configured on this director's interfaces`);
      }
    });
    inst.unicastPeers.forEach((p, k) => {
      if (family(p) !== fam) add(`unicastPeers[${k}]`, `${p} is ${family(p)} but the instance's VIPs are ${fam}`);
    });
    if (inst.unicastSrcIp !== undefined) {
      if (family(inst.unicastSrcIp) !== fam) add("unicastSrcIp", `${inst.unicastSrcIp} is ${family(inst.unicastSrcIp)} but the instance's VIPs are ${fam}`);
      const src = canonicalAddress(inst.unicastSrcIp);
      if (own && !own.addresses.some((a) => a.address === src)) add("unicastSrcIp", `${inst.unicastSrcIp} is not an address of ${inst.interface}`);
    }
    if (inst.unicastSrcIp !== undefined && inst.unicastPeers.length === 0) add("unicastSrcIp", "unicast_src_ip without unicastPeers (adverts would still be multicast)");
    inst.trackInterfaces.forEach((t, k) => {
      need(t, I, `trackInterfaces[${k}]`);
    });
  }
  // One vrrp_sync_group holds them all. keepalived (vrrp_sync.c) starts the group as MASTER while
  // its members, in order, are address owners starting as MASTER; a BACKUP one after them is
  // refused by keepalived -t ("some member(s) as address owner and some not ... This won't work.").
  const owner = (i: (typeof spec.instances)[number]) => i.initialState === "MASTER" && i.priority === 255;
  const firstOther = spec.instances.findIndex((i) => !owner(i));
  const other = spec.instances[firstOther];
  if (spec.instances.length > 1 && firstOther > 0 && other?.initialState === "BACKUP") {
    problems.push({ instance: other.name, field: "initialState", message: `BACKUP after address owners (priority 255, initialState MASTER) in the one sync group: make every instance an owner starting as MASTER, or put ${other.name} first` });
  }
  if (spec.sync) need(spec.sync.interface, undefined, "sync.interface");
  return problems;
}

/** Throws the bad_request error listing every problem, or returns the spec. */
export function validateSpec(spec: HaSpec, ifs: readonly HostInterface[]): HaSpec {
  const problems = checkSpec(spec, ifs);
  if (problems.length > 0) throw specError(problems);
  return spec;
}
