// Dashboard views of HA: each director's VRRP state as its agent reports it (keepalived through
// ha.subscribe, protocol/ha.ts), and the HA group as one object: its members, the one desired
// IPVS table they should all carry, and each member's drift from it. REST shapes of the
// /api/groups routes (docs/server.md) and the "groups" live topic. Keyed objects, not arrays,
// wherever a live merge patch should stay small (see protocol/dashboard/views.ts).
// This module imports no other protocol/dashboard/ module except the keys, so protocol/dashboard/views.ts can
// embed DirectorHaView without an import cycle.
import { DirectorId } from "./keys.ts";
import { ErrorBody } from "../errors.ts";
import { HaInstanceStatus, KeepalivedStatus, VrrpState, VrrpTransition } from "../ha.ts";
import { DestinationConfig, ServiceConfig } from "../ipvs.ts";
import { RuleChange } from "../agent/rules.ts";
import { z } from "zod";

// ---- one director's HA state (DirectorView.ha on the "fleet" and "director:<id>" topics) ------

/**
 * What the server knows of a director's HA:
 * - "pending": linked, the first ha.subscribe answer has not arrived yet
 * - "none": the agent answers `unsupported` for ha.* (no HA support on that agent)
 * - "unconfigured": the agent supports HA but has no spec (HaStatus.configured false)
 * - "active": configured; instances and keepalived below are current
 * - "error": ha.subscribe failed for another reason (`error` says why)
 */
export const HaLinkStatus = z.enum(["pending", "none", "unconfigured", "active", "error"]);
export type HaLinkStatus = z.infer<typeof HaLinkStatus>;

/** One vrrp_instance of a director: exactly what its agent reports (protocol/ha.ts). */
export const VrrpInstanceView = HaInstanceStatus;
export type VrrpInstanceView = z.infer<typeof VrrpInstanceView>;

/** keepalived's health on one director: the agent's report without its config path, and at
 * most 20 lines of log here (ha.get on the agent has more). */
export const KeepalivedView = KeepalivedStatus.omit({ configFile: true }).extend({
  logTail: z.array(z.string()).max(20),
});
export type KeepalivedView = z.infer<typeof KeepalivedView>;

/** DirectorView.ha: null for realserver agents. */
export const DirectorHaView = z.object({
  status: HaLinkStatus,
  /** why status is "error" (or the agent's last error); null otherwise */
  error: z.string().nullable(),
  /** the director's overall role: MASTER if any instance is MASTER, else the state shared by
   * all instances (or the first instance's); null without instances */
  role: VrrpState.nullable(),
  /** keyed by instance name */
  instances: z.record(z.string(), VrrpInstanceView),
  /** every VIP this director holds now, over all instances, sorted */
  vipsHeld: z.array(z.string()),
  /** null until the agent has reported keepalived (status "active") */
  keepalived: KeepalivedView.nullable(),
  /** the newest VRRP transition the agent reported (any instance); null if none yet */
  lastTransition: VrrpTransition.nullable(),
  /** IPVS connection sync: which daemon the VRRP state asks for, and the agent's sync error */
  sync: z.object({ wanted: z.enum(["master", "backup", "none"]), running: z.array(z.enum(["master", "backup"])), error: z.string().nullable() }).nullable(),
  /** ms since the epoch when the agent read this status (HaStatus.time); null while pending */
  time: z.number().nullable(),
});
export type DirectorHaView = z.infer<typeof DirectorHaView>;

// ---- the HA group: members, desired table, drift ("groups" topic, GET /api/groups) ---------

/**
 * A member's table against the group's desired table:
 * - "in_sync": identical (configuration, weights included; counters never count)
 * - "drifted": differs (`changes` says by how many service/real-server changes)
 * - "unknown": offline or not listed yet (the last known table is not trusted for this)
 * - "no_desired": the group has no desired table yet (not seeded)
 */
export const DriftStatus = z.enum(["in_sync", "drifted", "unknown", "no_desired"]);
export type DriftStatus = z.infer<typeof DriftStatus>;

export const GroupMemberView = z.object({
  director: DirectorId,
  /** the agent link is online (LinkState "online"; the fleet topic has the details) */
  online: z.boolean(),
  /** DirectorHaView.role of this member (null: no HA state known) */
  vrrp: VrrpState.nullable(),
  /** DirectorHaView.status of this member */
  haStatus: HaLinkStatus,
  /** the VIPs this member holds now */
  vipsHeld: z.array(z.string()),
  /** the member's table version (DirectorDetailView.version) */
  version: z.string(),
  drift: DriftStatus,
  /** how many changes "Make identical" would apply to this member (0 unless drifted) */
  changes: z.number().int(),
  /** ms since the epoch when the member was first seen drifted (this time); null unless drifted */
  driftSince: z.number().nullable(),
});
export type GroupMemberView = z.infer<typeof GroupMemberView>;

/** How the desired table got its current content. */
export const DesiredSource = z.enum([
  /** copied from the member that was VRRP MASTER when the group was first seen */
  "seeded-master",
  /** copied from the first member (by id): no member was MASTER */
  "seeded-first",
  /** copied from a member an admin chose (POST /api/groups/:group/adopt) */
  "adopted",
  /** a group-wide change through /api/groups/:group/services... */
  "changed",
]);
export type DesiredSource = z.infer<typeof DesiredSource>;

export const DesiredSummary = z.object({
  /** the desired table's version: the same digest as TableVersion, so a member in sync has
   * exactly this DirectorDetailView.version; group changes take it as If-Match/baseVersion */
  version: z.string(),
  source: DesiredSource,
  /** the member it was copied from (seeded/adopted); null for "changed" */
  from: DirectorId.nullable(),
  /** ms since the epoch of the last change of the desired table */
  updatedAt: z.number(),
  serviceCount: z.number().int(),
  destinationCount: z.number().int(),
});
export type DesiredSummary = z.infer<typeof DesiredSummary>;

export const GroupView = z.object({
  /** the group label directors carry (DirectorRegistration.group); in URLs encodeURIComponent */
  name: z.string(),
  /** keyed by director id; directors (not realserver agents) whose group is this name */
  members: z.record(DirectorId, GroupMemberView),
  /** null until seeded (the first member online with its table and its HA state known) */
  desired: DesiredSummary.nullable(),
  /** the member holding VRRP MASTER (the first by id if several claim it: split brain); null if none */
  master: DirectorId.nullable(),
  /** true when more than one member is MASTER for the same virtual router id */
  splitBrain: z.boolean(),
  /** every configured VIP ("address/prefix") of the members, and the member holding it now
   * (null: nobody holds it) */
  vipOwners: z.record(z.string(), DirectorId.nullable()),
  /** members whose drift is "drifted" */
  drifted: z.array(DirectorId),
});
export type GroupView = z.infer<typeof GroupView>;

/** Topic "groups" and GET /api/groups: every group with at least one member. */
export const GroupsView = z.object({ groups: z.record(z.string(), GroupView) });
export type GroupsView = z.infer<typeof GroupsView>;

/** A real server of the desired table. */
export const DesiredDestination = z.object({
  key: z.string(),
  address: z.string(),
  port: z.number().int(),
  config: DestinationConfig,
});
/** A service of the desired table (keys as serviceKeyString / destinationKeyString). */
export const DesiredService = z.object({
  key: z.string(),
  config: ServiceConfig,
  destinations: z.record(z.string(), DesiredDestination),
});
export type DesiredService = z.infer<typeof DesiredService>;

/** GET /api/groups/:group (also the answer of group changes, adopt and make-identical). */
export const GroupDetailView = z.object({
  group: GroupView,
  /** the desired table; null until seeded */
  desired: z
    .object({
      version: z.string(),
      /** the desired table as `ipvsadm -S -n` text (plus -x/-y where set, like rules.export) */
      text: z.string(),
      services: z.record(z.string(), DesiredService),
    })
    .nullable(),
});
export type GroupDetailView = z.infer<typeof GroupDetailView>;

/** One member's drift in detail (GET /api/groups/:group/drift). */
export const MemberDrift = z.object({
  director: DirectorId,
  /** "unavailable": offline, or the agent could not answer (`error`) */
  status: z.enum(["in_sync", "drifted", "unavailable"]),
  error: z.string().nullable(),
  /** the member's table now, rules.export text (ipvsadm -S -n format); null if unavailable */
  live: z.string().nullable(),
  /** line diff of live -> desired in ipvsadm-save format: "-" lines only in the member,
   * "+" lines only in the desired table, in the order of the save text (empty when in sync) */
  diff: z.array(z.string()),
  /** exactly what "Make identical" would do on this member (the agent's rules.diff against the
   * desired text): one service/real-server create, update or delete each, never a flush */
  changes: z.array(RuleChange),
});
export type MemberDrift = z.infer<typeof MemberDrift>;

export const GroupDrift = z.object({
  group: z.string(),
  /** the desired table's version and text the diffs are against */
  version: z.string(),
  desired: z.string(),
  members: z.record(DirectorId, MemberDrift),
});
export type GroupDrift = z.infer<typeof GroupDrift>;

/** POST /api/groups/:group/identical (admin). If-Match / baseVersion: the desired version. */
export const MakeIdenticalRequest = z
  .object({
    /** which members to fix; default every drifted member */
    members: z.array(DirectorId).min(1).max(64).optional(),
    /** true: the preview; answers what would change, changes nothing, writes no audit entry */
    dryRun: z.boolean().default(false),
  })
  .strict();
export type MakeIdenticalRequest = z.infer<typeof MakeIdenticalRequest>;

export const MemberIdentical = z.object({
  director: DirectorId,
  /** "unchanged": already identical; "would_change": dry run; "changed": applied; "failed":
   * refused part way (the changes already made on it are rolled back, see error) */
  status: z.enum(["unchanged", "would_change", "changed", "failed"]),
  /** the change list (the preview's is exactly what a real run applies) */
  changes: z.array(RuleChange),
  /** how many of them were applied (0 for a dry run) */
  applied: z.number().int(),
  error: ErrorBody.nullable(),
});
export const MakeIdenticalResult = z.object({
  group: z.string(),
  dryRun: z.boolean(),
  /** the desired version the run was made against */
  version: z.string(),
  members: z.record(DirectorId, MemberIdentical),
});
export type MakeIdenticalResult = z.infer<typeof MakeIdenticalResult>;

/** POST /api/groups/:group/adopt (admin): this member's current table becomes the desired one. */
export const AdoptRequest = z.object({ director: DirectorId }).strict();

/**
 * The `details` of a group change one member refused (the error's code is that member's:
 * conflict, kernel_error, unavailable, ...): every member already changed was rolled back and
 * the desired table was not changed.
 */
export const GroupChangeRefusal = z.object({
  group: z.string(),
  /** the member that refused, and its error as the agent answered it */
  member: DirectorId,
  error: ErrorBody,
  /** members the change had already been applied to, now rolled back */
  rolledBack: z.array(DirectorId),
  /** rollbacks that failed (those members now differ: see the drift) */
  rollbackErrors: z.array(z.object({ director: DirectorId, message: z.string() })),
});
export type GroupChangeRefusal = z.infer<typeof GroupChangeRefusal>;

/** 409 `conflict` details when If-Match/baseVersion is not the desired table's version. */
export const GroupVersionConflict = z.object({
  group: z.string(),
  baseVersion: z.string(),
  version: z.string(),
  state: GroupDetailView,
});
export type GroupVersionConflict = z.infer<typeof GroupVersionConflict>;

/** The audit entry of a VRRP transition (action "ha.transition", user "vrrp"): request. */
export const HaTransitionAudit = z.object({
  group: z.string(),
  instance: z.string(),
  from: VrrpState,
  to: VrrpState,
  /** ms since the epoch, as the agent read it from keepalived's notify_fifo */
  at: z.number(),
});
