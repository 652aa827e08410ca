// The live topics' catalog: each topic's name pattern, what its name holds, and the view it
// carries (the schemas of views.ts, drains.ts, ha.ts, health.ts, history.ts; topic-schemas.ts
// holds them per kind with the delta rules). Zod-free (its
// imports are types only) so the page's live client and hooks load it in their first
// JavaScript; the server's hub dispatches on parseTopic(), the page names topics with
// `topics.*`, and useLiveTopic() infers the view from the name.
import type { DrainsView } from "./drains.ts";
import type { GroupsView } from "./ha.ts";
import type { DirectorHealthView, HealthLatencyView } from "./health.ts";
import type { ServiceLiveView } from "./history.ts";
import type { DirectorDetailView, FleetView } from "./views.ts";

/** The view each kind of topic carries. Deltas are JSON merge patches (RFC 7386) against
 * the view the socket last received (protocol/merge-patch.ts), which drop null fields; the
 * page reads each view with its schema (topic-schemas.ts, the catalog's zod half, a lazy
 * chunk), which gives them back, so a view is exactly this type. */
export interface TopicViews {
  fleet: FleetView;
  drains: DrainsView;
  /** HA groups (protocol/dashboard/ha.ts) */
  groups: GroupsView;
  director: DirectorDetailView;
  service: ServiceLiveView;
  health: DirectorHealthView;
  healthLatency: HealthLatencyView;
}
export type TopicKind = keyof TopicViews;

/** A topic's name, typed by the kind of view it carries. */
export type TopicName<K extends TopicKind> = string & { readonly __topic: K };

/** What a topic's name holds. */
export type ParsedTopic =
  | { kind: "fleet" | "drains" | "groups" }
  | { kind: "director" | "health"; director: string }
  | { kind: "service" | "healthLatency"; director: string; service: string };

const name = <K extends TopicKind>(s: string) => s as TopicName<K>;

/** The names of the topics (service keys unencoded, as serviceKeyString() writes them). */
export const topics = {
  fleet: () => name<"fleet">("fleet"),
  drains: () => name<"drains">("drains"),
  groups: () => name<"groups">("groups"),
  director: (director: string) => name<"director">(`director:${director}`),
  service: (director: string, service: string) => name<"service">(`service:${director}:${service}`),
  health: (director: string) => name<"health">(`health:${director}`),
  healthLatency: (director: string, service: string) => name<"healthLatency">(`health:${director}:${service}`),
};

/** Every topic name (protocol/dashboard/live.ts Topic checks client messages with it). */
export const TOPIC_PATTERN = /^(fleet|drains|groups|director:[a-z0-9-]+|service:[a-z0-9-]+:.+|health:[a-z0-9-]+(:.+)?)$/;

/** A topic's name parsed, or null for a name that is no topic. */
export function parseTopic(topic: string): ParsedTopic | null {
  if (!TOPIC_PATTERN.test(topic)) return null;
  if (topic === "fleet" || topic === "drains" || topic === "groups") return { kind: topic };
  const [prefix, director, ...rest] = topic.split(":");
  const service = rest.length > 0 ? rest.join(":") : null;
  if (prefix === "director") return { kind: "director", director: director! };
  if (prefix === "service") return { kind: "service", director: director!, service: service! };
  return service === null ? { kind: "health", director: director! } : { kind: "healthLatency", director: director!, service };
}
