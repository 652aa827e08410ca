"use client";
// The director pages' header: name, link state with its reason, IPVS version, group and role,
// from the live fleet topic (cheap, and already open on most pages); for an HA member also its
// VRRP state per instance and the VIPs it holds (DirectorHa), live from the same topic.
import Link from "next/link";
import { DirectorHa } from "../ha/director-ha.tsx";
import { AcceptCertificateButton, RotateTokenButton } from "../fleet/trust-actions.tsx";
import { useFleet } from "../hooks/use-fleet.ts";
import { formatAgo } from "../lib/format.ts";
import { pages } from "../lib/paths.ts";
import { LinkBadge } from "../ui/link-badge.tsx";
import { PlaintextBadge } from "../ui/plaintext-badge.tsx";

export function DirectorHeader({ id }: { id: string }) {
  const { directors, error } = useFleet();
  const d = directors?.[id];
  if (!d) {
    return (
      <h1 className="text-2xl font-semibold">
        {id}
        {directors && !error && <span className="ml-3 text-sm font-normal text-red-600">not registered</span>}
      </h1>
    );
  }
  const reason = d.linkError ?? null;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{d.name}</h1>
        <LinkBadge state={d.link} reason={reason} />
        <PlaintextBadge url={d.url} />
        <span className="text-xs text-zinc-500" suppressHydrationWarning>
          since {formatAgo(d.since, Date.now())}
        </span>
        <AcceptCertificateButton id={d.id} name={d.name} link={d.link} />
        <RotateTokenButton id={d.id} name={d.name} />
      </div>
      <p className="text-xs text-zinc-500">
        {d.url} · {d.role}
        {d.group ? " · group " : ""}
        {d.group && (
          <Link href={pages.group(d.group)} className="text-sky-700 hover:underline dark:text-sky-400">
            {d.group}
          </Link>
        )}
        {d.ipvsVersion ? ` · IPVS ${d.ipvsVersion}` : ""}
        {d.connTableSize ? ` · conn table ${d.connTableSize}` : ""}
      </p>
      <DirectorHa name={d.name} ha={d.ha ?? null} />
      {reason && d.link !== "online" && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {reason}
        </p>
      )}
    </div>
  );
}
