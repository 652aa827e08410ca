"use client";
// The director header's HA line: each VRRP instance's state with when it began, the VIPs this
// director holds, keepalived's problems and the sync daemons, from DirectorView.ha on the live
// "fleet" topic (a failover shows without a reload). Nothing for directors without HA.
import type { DirectorHaView, VrrpInstanceView } from "@/protocol/dashboard/index.ts";
import { useTimeZone } from "../hooks/use-clock.ts";
import { formatStateSince } from "./ha-time.ts";
import { KeepalivedProblem } from "./keepalived-problem.tsx";
import { useNow } from "./use-now.ts";
import { VrrpBadge } from "./vrrp-badge.tsx";
import { haStatusNote } from "./vrrp-state.ts";

export function DirectorHa({ name, ha }: { name: string; ha: DirectorHaView | null | undefined }) {
  const now = useNow();
  if (!ha || ha.status === "none") return null;
  const note = haStatusNote(ha.status, ha.error ?? null);
  const instances = Object.values(ha.instances ?? {}).sort((a, b) => a.name.localeCompare(b.name));
  const sync = ha.sync ?? null;
  return (
    <section aria-label={`VRRP state of ${name}`} data-testid="director-ha" className="flex flex-col gap-1 text-sm">
      {note && <p className="text-xs text-zinc-600 dark:text-zinc-400">{note}</p>}
      {instances.map((i) => (
        <InstanceLine key={i.name} i={i} now={now} />
      ))}
      {sync && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          connection sync: wants {sync.wanted}, running {(sync.running ?? []).join(" + ") || "none"}
          {(sync.error ?? null) && <span className="ml-1 text-red-700 dark:text-red-400">({sync.error})</span>}
        </p>
      )}
      <KeepalivedProblem member={name} keepalived={ha.keepalived ?? null} />
    </section>
  );
}

function InstanceLine({ i, now }: { i: VrrpInstanceView; now: number }) {
  const zone = useTimeZone();
  const held = i.vipsHeld ?? [];
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid={`vrrp-instance-${i.name}`}>
      <span className="font-mono text-xs">{i.name}</span>
      <VrrpBadge state={i.state} />
      <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="vrrp-since" suppressHydrationWarning>
        {now ? formatStateSince(i.state, i.since ?? null, now, zone) : i.state}
      </span>
      <span className="text-xs text-zinc-600 dark:text-zinc-400">
        · VRID {i.virtualRouterId} on {i.interface}, priority {i.priority} ·{" "}
      </span>
      <span className="text-xs" data-testid="vips-held">
        {held.length > 0 ? `holds ${held.join(", ")}` : "holds no VIP"}
      </span>
    </div>
  );
}
