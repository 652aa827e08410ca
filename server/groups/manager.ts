// HA groups as first-class objects: the directors sharing a `group` label, the one desired
// IPVS table they should all carry (SQLite, seeded from the VRRP MASTER, or the first member,
// the first time the group is seen), each member's drift from it, and VRRP transitions
// written to the audit log (user "vrrp"). Group-wide changes and "Make identical" are in
// change.ts and identical.ts; they hold every member's exclusive section, and so does every
// change of the desired table made here, so the desired table never moves under them.
import type { GroupDetailView, GroupMemberView, GroupView, GroupsView } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { DesiredSource } from "@/protocol/dashboard/index.ts";
import type { VrrpTransition } from "@/protocol/ha.ts";
import type { Fleet } from "../agents/fleet.ts";
import type { DirectorLink } from "../agents/link.ts";
import type { AuditLog } from "../store/audit.ts";
import type { DesiredTable, GroupStore, StoredGroup } from "../store/groups.ts";
import { changesToDesired, desiredServices, desiredText, desiredVersion, destinationCount, tableOfState } from "./desired.ts";

export interface GroupManagerOptions {
  /** how often group members' tables are re-listed for drift (default 2500 ms; see below) */
  driftCheckMs?: number;
  /** how long seeding waits for every member to be online (default 15 s; see #trySeed) */
  seedGraceMs?: number;
}

interface Desired extends StoredGroup {
  version: string;
}

export class GroupManager {
  readonly #desired = new Map<string, Desired | null>();
  /** director -> when it was first seen drifted (this time) */
  readonly #driftSince = new Map<string, number>();
  /** director -> the drift count for "memberVersion|desiredVersion" */
  readonly #driftCount = new Map<string, { key: string; count: number }>();
  readonly #timer: ReturnType<typeof setInterval>;
  /** group -> when it was first seen without a desired table */
  readonly #firstSeen = new Map<string, number>();
  readonly #seedGraceMs: number;

  constructor(
    readonly fleet: Fleet,
    readonly store: GroupStore,
    readonly audit: AuditLog,
    readonly poke: () => void,
    opts: GroupManagerOptions = {},
  ) {
    this.#seedGraceMs = opts.seedGraceMs ?? 15_000;
    // Stats events carry weights and the service/real-server key sets, so most hand-made
    // changes show within a second; a scheduler, flag, persistence, forwarding or threshold
    // change made with ipvsadm only shows in a re-list, which links do every 10 s. Members of
    // a group are re-listed more often so that drift shows within 5 s: one service.list dump
    // each (a few ms of kernel time even for hundreds of services), only for group members.
    this.#timer = setInterval(() => {
      for (const name of this.names()) for (const l of this.members(name)) if (l.online) void l.relist();
    }, opts.driftCheckMs ?? 2500);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Every group with at least one director member, sorted. */
  names(): string[] {
    const names = new Set<string>();
    for (const l of this.fleet.links()) if (l.registration.role === "director" && l.registration.group !== "") names.add(l.registration.group);
    return [...names].sort();
  }

  /** The group's directors by id (404 for a group without members). */
  members(name: string): DirectorLink[] {
    return this.fleet.links().filter((l) => l.registration.role === "director" && l.registration.group === name);
  }

  require(name: string): DirectorLink[] {
    const m = this.members(name);
    if (m.length === 0) throw new ProtocolError("not_found", `no HA group "${name}" (no director has that group)`);
    return m;
  }

  /** The members with the VRRP MASTER first (the reference for a change), then by id. */
  ordered(name: string): DirectorLink[] {
    const m = this.members(name);
    return [...m.filter((l) => l.ha.role() === "MASTER"), ...m.filter((l) => l.ha.role() !== "MASTER")];
  }

  desired(name: string): Desired | null {
    if (!this.#desired.has(name)) {
      const g = this.store.get(name);
      this.#desired.set(name, g && { ...g, version: desiredVersion(g.desired) });
    }
    return this.#desired.get(name) ?? null;
  }

  /** Replaces the desired table (callers hold the members' exclusive sections). */
  setDesired(name: string, desired: DesiredTable, source: DesiredSource, from: string | null, now = Date.now()): Desired {
    const g: StoredGroup = { name, desired, source, from, updatedAt: now };
    this.store.save(g);
    const d = { ...g, version: desiredVersion(desired) };
    this.#desired.set(name, d);
    this.poke();
    return d;
  }

  /** A link's state or table changed (that director's group only, when given): seed groups
   * seen for the first time, follow drift. */
  onChange(id?: string): void {
    const only = id === undefined ? undefined : this.fleet.find(id)?.registration.group;
    for (const name of only === undefined ? this.names() : only === "" ? [] : [only]) {
      if (this.members(name).length === 0) continue;
      if (!this.desired(name)) this.#trySeed(name);
      for (const l of this.members(name)) this.memberDrift(l, this.desired(name));
    }
  }

  /**
   * Seeds once every member is online with its HA state known, or, when some member is not
   * online (a dead box, a link that dropped under load), once the grace period since the group
   * was first seen is over and no member is still on its first connection attempt: from the
   * online MASTER if there is one, else the first online member. Waiting for everyone first
   * keeps a slow MASTER link from handing the seed to the BACKUP. Nothing online: not yet.
   */
  #trySeed(name: string, now = Date.now()): void {
    const members = this.members(name);
    const first = this.#firstSeen.get(name) ?? now;
    this.#firstSeen.set(name, first);
    if (members.some((l) => l.online && l.ha.status === "pending")) return;
    const everyone = members.every((l) => l.online);
    if (!everyone && (now - first < this.#seedGraceMs || members.some((l) => l.link === "connecting"))) return;
    const online = members.filter((l) => l.online);
    const master = online.find((l) => l.ha.role() === "MASTER");
    const from = master ?? online[0];
    if (!from) return;
    const source: DesiredSource = master ? "seeded-master" : "seeded-first";
    const d = this.setDesired(name, tableOfState(from.state), source, from.id);
    this.audit.record(
      { user: "system", action: "group.seed", director: from.id, target: name, request: { group: name, from: from.id, source } },
      true,
      { version: d.version, services: d.desired.length },
    );
  }

  /** A member's drift (drift counts are cached per pair of versions). */
  memberDrift(l: DirectorLink, d: Desired | null, now = Date.now()): Pick<GroupMemberView, "drift" | "changes" | "driftSince"> {
    if (!d) return { drift: "no_desired", changes: 0, driftSince: null };
    if (!l.online) return { drift: "unknown", changes: 0, driftSince: this.#driftSince.get(l.id) ?? null };
    let count = 0;
    if (l.state.version !== d.version) {
      const key = `${l.state.version}|${d.version}`;
      const cached = this.#driftCount.get(l.id);
      count = cached?.key === key ? cached.count : changesToDesired(l.state, d.desired).length;
      this.#driftCount.set(l.id, { key, count });
    }
    if (count === 0) {
      this.#driftSince.delete(l.id);
      return { drift: "in_sync", changes: 0, driftSince: null };
    }
    const since = this.#driftSince.get(l.id) ?? now;
    this.#driftSince.set(l.id, since);
    return { drift: "drifted", changes: count, driftSince: since };
  }

  /** VRRP transitions of a director: those into or out of MASTER are audited. */
  onHa(id: string, transitions: readonly VrrpTransition[]): void {
    const l = this.fleet.find(id);
    for (const t of transitions) {
      if (t.from !== "MASTER" && t.to !== "MASTER") continue;
      const group = l?.registration.group ?? "";
      this.audit.record(
        { user: "vrrp", action: "ha.transition", director: id, target: t.instance, request: { group, instance: t.instance, from: t.from, to: t.to, at: t.at } },
        true,
        { from: t.from, to: t.to, at: t.at },
      );
    }
    this.onChange(id);
    this.poke();
  }

  groupView(name: string): GroupView {
    const d = this.desired(name);
    const members: GroupView["members"] = {};
    const vipOwners: GroupView["vipOwners"] = {};
    const masters = new Map<number, string[]>();
    for (const l of this.members(name)) {
      const v = l.ha.view();
      members[l.id] = {
        director: l.id,
        online: l.online,
        vrrp: v.role,
        haStatus: v.status,
        vipsHeld: v.vipsHeld,
        version: l.state.version,
        ...this.memberDrift(l, d),
      };
      for (const i of Object.values(v.instances)) {
        for (const vip of i.vips) if (!(vip in vipOwners)) vipOwners[vip] = null;
        for (const vip of i.vipsHeld) if (vipOwners[vip] === null || vipOwners[vip] === undefined) vipOwners[vip] = l.id;
        if (i.state === "MASTER") masters.set(i.virtualRouterId, [...(masters.get(i.virtualRouterId) ?? []), l.id]);
      }
    }
    const ids = Object.keys(members);
    return {
      name,
      members,
      desired: d && {
        version: d.version,
        source: d.source,
        from: d.from,
        updatedAt: d.updatedAt,
        serviceCount: d.desired.length,
        destinationCount: destinationCount(d.desired),
      },
      master: ids.find((id) => members[id]!.vrrp === "MASTER") ?? null,
      splitBrain: [...masters.values()].some((m) => new Set(m).size > 1),
      vipOwners,
      drifted: ids.filter((id) => members[id]!.drift === "drifted"),
    };
  }

  view(): GroupsView {
    const groups: GroupsView["groups"] = {};
    for (const name of this.names()) groups[name] = this.groupView(name);
    return { groups };
  }

  detail(name: string): GroupDetailView {
    this.require(name);
    const d = this.desired(name);
    return {
      group: this.groupView(name),
      desired: d && { version: d.version, text: desiredText(d.desired), services: desiredServices(d.desired) },
    };
  }
}
