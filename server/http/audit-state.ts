// What the audit log keeps as "before" and "after" of rule-changing mutations: the
// configuration only (no counters), so that two snapshots differ exactly by the change.
import type { DirectorLink } from "../agents/link.ts";

/** A service's configuration and its real servers' configurations; null when absent. */
export function serviceState(l: DirectorLink, serviceKey: string): unknown {
  const s = l.state.services.get(serviceKey);
  if (!s) return null;
  const destinations = Object.fromEntries([...s.destinations].map(([dk, d]) => [dk, d.config]));
  return { service: serviceKey, config: s.config, destinations };
}

/** A director's registration without its token. */
export function settingsState(l: DirectorLink | undefined): unknown {
  if (!l) return null;
  const { token: _token, ...rest } = l.registration;
  return { id: l.id, ...rest };
}

/** The whole table as ipvsadm -S -n text (or keepalived.conf), from the agent (imports). */
export async function rulesText(l: DirectorLink, format: "ipvsadm" | "keepalived" = "ipvsadm"): Promise<string> {
  const out = await l.request("rules.export", { format });
  return out.format === "json" ? JSON.stringify(out.rules) : out.text;
}

/** Every member's table as ipvsadm -S -n text: the before and after of a group-wide
 * whole-table change (make identical, a group import or flush). */
export async function membersRulesText(members: readonly DirectorLink[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const l of members) out[l.id] = await rulesText(l).catch((e: Error) => `(unavailable: ${e.message})`);
  return out;
}
