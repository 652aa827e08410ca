// The live topics' catalog, its zod half: the schema of each kind's view and the delta rules.
// Apart from the zod-free topics.ts (names, patterns, view types) because zod must not enter
// the page's first JavaScript: the browser's live client loads this module with a dynamic
// import() and reads every snapshot and patched view with readTopicView().
//
// Delta rules, the same for every kind: a subscription starts with a snapshot; a delta is a JSON
// merge patch (RFC 7386, protocol/merge-patch.ts) against the view the socket last received,
// so a patched view lacks its null fields, and the receiver reads it with the kind's
// null-tolerant schema (protocol/dashboard/null-tolerant.ts), which gives them back as null.
// A patch that would drop a null entry of a record (groups: GroupView.vipOwners, a VIP nobody
// holds) cannot be read back: the hub sends a fresh snapshot instead (deltaLosesNull()).
import type { z } from "zod";
import { DrainsView } from "./drains.ts";
import { GroupsView } from "./ha.ts";
import { DirectorHealthView, HealthLatencyView } from "./health.ts";
import { ServiceLiveView } from "./history.ts";
import { nullDroppedFrom, nullTolerant } from "./null-tolerant.ts";
import { type TopicKind, type TopicViews, parseTopic } from "./topics.ts";
import { DirectorDetailView, FleetView } from "./views.ts";

/** The schema of each kind's view, as the server builds it (nullable fields present). */
export const TOPIC_SCHEMAS = {
  fleet: FleetView,
  drains: DrainsView,
  groups: GroupsView,
  director: DirectorDetailView,
  service: ServiceLiveView,
  health: DirectorHealthView,
  healthLatency: HealthLatencyView,
} satisfies { [K in TopicKind]: z.ZodType<TopicViews[K]> };

// the catalog's view types and these schemas are the same types both ways
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: { [K in TopicKind]: Same<z.output<(typeof TOPIC_SCHEMAS)[K]>, TopicViews[K]> } = {
  fleet: true, drains: true, groups: true, director: true, service: true, health: true, healthLatency: true,
};
void sameTypes;

/** What a view read gives: the view (nulls restored, exactly TopicViews[kind]) or the issues. */
export type TopicViewReading = { ok: true; view: unknown } | { ok: false; issues: string[] };

/** The browser's reading of a topic's view (a snapshot or a patched one); see the live client. */
export type TopicViewReader = (topic: string, data: unknown) => TopicViewReading;

const MAX_ISSUES = 5;
const MAX_ISSUE_CHARS = 200;

function issueText(issue: z.core.$ZodIssue): string {
  const text = `${issue.path.map(String).join(".") || "view"}: ${issue.message}`;
  return text.length > MAX_ISSUE_CHARS ? `${text.slice(0, MAX_ISSUE_CHARS - 1)}…` : text;
}

/** Reads `data` as the view of `topic` with the kind's null-tolerant schema. A topic that is
 * not in the catalog has no schema: its data is passed as it is. */
export const readTopicView: TopicViewReader = (topic, data) => {
  const kind = parseTopic(topic)?.kind;
  if (kind === undefined) return { ok: true, view: data };
  const r = nullTolerant(TOPIC_SCHEMAS[kind] as z.ZodType).safeParse(data);
  if (r.success) return { ok: true, view: r.data };
  const issues = r.error.issues.slice(0, MAX_ISSUES).map(issueText);
  if (r.error.issues.length > MAX_ISSUES) issues.push(`… and ${r.error.issues.length - MAX_ISSUES} more`);
  return { ok: false, issues };
};

/** The path of a null that `patch` (from the last view to `next`) would lose for good on the
 * receiver, or null when the receiver reads `next` back exactly (the hub then sends it). */
export function deltaLosesNull(kind: TopicKind, patch: unknown, next: unknown): string[] | null {
  return nullDroppedFrom(TOPIC_SCHEMAS[kind], patch, next);
}
