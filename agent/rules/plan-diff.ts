// The commands of the two import modes that do not run the file's lines as ipvsadm -R would:
// - replace: the file is first run on an empty model (its problems, and the table it builds);
//   then only the difference from the live table to that table is sent, as rule commands
//   (deletes, then edits, then creates), so an unchanged service or real server keeps its
//   counters and connections (a flush and rebuild would zero them all for a one-weight edit);
// - merge with "existing: update": an -A / -a of a service or real server the live table
//   already has updates it to what the line says (add or update), instead of the kernel's
//   "already exists"; nothing is sent for one that the line leaves unchanged.
import type { DestinationFieldsGiven, RuleCommand, ServiceFieldsGiven } from "@/protocol/ipvsadm/command.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import type { DestinationKey } from "@/protocol/ipvs.ts";
import { type RuleModel, destKeyString, serviceKeyString } from "@/protocol/ipvsadm/ruleset.ts";
import type { RuleLine } from "@/protocol/ipvsadm/save.ts";
import { ruleServiceName } from "@/protocol/ipvsadm/names.ts";
import { addrPort } from "@/protocol/ipvsadm/addr.ts";
import { destinationFieldsChanged, serviceFieldsChanged } from "@/protocol/rules-diff.ts";

const ALL_SERVICE: ServiceFieldsGiven = { scheduler: true, persistence: true, netmask: true, pe: true, onePacket: true, schedulerFlags: true };
const ALL_DEST: DestinationFieldsGiven = { forwarding: true, weight: true, upperThreshold: true, lowerThreshold: true, tunnel: true };

/** A command of a plan with the file line it stands for (null: no line, e.g. a replace's delete). */
export interface DiffCommand {
  line: number | null;
  text: string;
  command: RuleCommand;
}

/** The key a command's line is remembered by: the service, or service and real server. */
export function lineKey(cmd: RuleCommand): string | null {
  switch (cmd.kind) {
    case "add-service":
    case "edit-service":
      return serviceKeyString(cmd.service.key);
    case "add-server":
    case "edit-server":
      return `${serviceKeyString(cmd.service)}>${destKeyString(cmd.destination.key)}`;
    default:
      return null;
  }
}

/**
 * Merge "add or update": the command to run instead of an -A / -a whose service or real server
 * the model has and this file did not add itself (a file adding the same thing twice is still
 * refused, as ipvsadm refuses it). "skip" when the line changes nothing.
 */
export function upsertOf(model: RuleModel, cmd: RuleCommand, addedByFile: ReadonlySet<string>): RuleCommand | "skip" | null {
  const key = lineKey(cmd);
  if (key === null || addedByFile.has(key)) return null;
  if (cmd.kind === "add-service") {
    const live = model.getService(cmd.service.key);
    if (!live) return null;
    if (serviceFieldsChanged(live.config, cmd.service.config).length === 0) return "skip";
    return { kind: "edit-service", service: cmd.service, given: ALL_SERVICE };
  }
  if (cmd.kind === "add-server") {
    const live = model.getDestination(cmd.service, cmd.destination.key);
    if (!live) return null;
    if (destinationFieldsChanged(live.config, cmd.destination.config).length === 0) return "skip";
    return { kind: "edit-server", service: cmd.service, destination: cmd.destination, given: ALL_DEST };
  }
  return null;
}

type Lines = ReadonlyMap<string, RuleLine>;

/**
 * The commands that turn `live` into `proposed` (keys and configs; order inside a service is
 * not compared). `lines` maps lineKey() to the last file line that set that entry, so a
 * kernel refusal names the line.
 */
export function diffCommands(live: readonly ServiceRules[], proposed: readonly ServiceRules[], lines: Lines): DiffCommand[] {
  const before = new Map(live.map((s) => [serviceKeyString(s.key), s]));
  const after = new Map(proposed.map((s) => [serviceKeyString(s.key), s]));
  const deletes: DiffCommand[] = [];
  const edits: DiffCommand[] = [];
  const creates: DiffCommand[] = [];
  const from = (cmd: RuleCommand): DiffCommand => {
    const l = lines.get(lineKey(cmd) ?? "");
    return { line: l?.line ?? null, text: l?.text ?? describe(cmd), command: cmd };
  };
  for (const [k, b] of before) {
    if (!after.has(k)) deletes.push({ line: null, text: `-D ${ruleServiceName(b.key)}`, command: { kind: "delete-service", service: b.key } });
  }
  for (const [k, a] of after) {
    const b = before.get(k);
    if (!b) {
      creates.push(from({ kind: "add-service", service: { key: a.key, config: a.config } }));
      // the kernel lists the newest server first: add the last listed first
      for (const d of [...a.destinations].reverse()) creates.push(from({ kind: "add-server", service: a.key, destination: d }));
      continue;
    }
    if (serviceFieldsChanged(b.config, a.config).length > 0)
      edits.push(from({ kind: "edit-service", service: { key: a.key, config: a.config }, given: ALL_SERVICE }));
    const liveDests = new Map(b.destinations.map((d) => [destKeyString(d.key), d]));
    const wanted = new Set(a.destinations.map((d) => destKeyString(d.key)));
    for (const [dk, d] of liveDests) {
      if (!wanted.has(dk))
        deletes.push({
          line: null,
          text: `-d ${ruleServiceName(b.key)} -r ${dest(d.key)}`,
          command: { kind: "delete-server", service: b.key, destination: d.key },
        });
    }
    for (const d of [...a.destinations].reverse()) {
      const old = liveDests.get(destKeyString(d.key));
      if (!old) creates.push(from({ kind: "add-server", service: a.key, destination: d }));
      else if (destinationFieldsChanged(old.config, d.config).length > 0)
        edits.push(from({ kind: "edit-server", service: a.key, destination: d, given: ALL_DEST }));
    }
  }
  // deletes first: a real server moved between services never meets itself; edits before
  // creates keep the changed entries' kernel calls together
  return [...deletes, ...edits, ...creates];
}

const dest = (k: DestinationKey) => addrPort(k.address, k.port);

/** An ipvsadm-like text for a command that no file line stands for. */
function describe(cmd: RuleCommand): string {
  if (cmd.kind === "add-service" || cmd.kind === "edit-service") return `${cmd.kind === "add-service" ? "-A" : "-E"} ${ruleServiceName(cmd.service.key)}`;
  if (cmd.kind === "add-server" || cmd.kind === "edit-server")
    return `${cmd.kind === "add-server" ? "-a" : "-e"} ${ruleServiceName(cmd.service)} -r ${dest(cmd.destination.key)}`;
  return cmd.kind;
}
