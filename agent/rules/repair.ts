// After an undo, make sure the table really is the snapshot again: compare the live table with
// it and, where they differ (an undo step failed, or the kernel changed under us), apply the
// difference. Returns true when the table matches the snapshot at the end.
import type { DestinationConfig, ServiceConfig, Timeouts } from "@/protocol/ipvs.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { asIpvsadmSees, type MaybeUnknownScheduler } from "@/protocol/ipvsadm/scheduler-name.ts";
import { diffRules } from "@/protocol/rules-diff.ts";
import type { IpvsClient } from "../ipvs/types.ts";

/**
 * Keys and configs only (drops counters), the shape the diff and the model use. A scheduler
 * outside the known ones comes in by its kernel name (asIpvsadmSees): the placeholder "none"
 * would make `-s none` look unchanged and `-s twos` look like a change.
 */
export function configsOnly(rules: readonly MaybeUnknownScheduler<ServiceRules>[]): ServiceRules[] {
  return rules.map((s) => ({
    key: s.key,
    config: asIpvsadmSees(s).config,
    destinations: s.destinations.map((d) => ({ key: d.key, config: d.config })),
  }));
}

export async function repairTo(
  client: IpvsClient,
  snapshot: readonly ServiceRules[],
  timeouts: Timeouts | null,
  errors: string[],
): Promise<boolean> {
  const live = configsOnly(await client.listServices());
  const changes = diffRules(live, snapshot);
  for (const c of changes) {
    try {
      if (!c.destination) {
        const config = c.after as ServiceConfig;
        if (c.action === "create") await client.createService({ key: c.service, config });
        if (c.action === "update") await client.updateService({ key: c.service, config });
        if (c.action === "delete") await client.deleteService(c.service);
      } else {
        const dest = { key: c.destination, config: c.after as DestinationConfig };
        if (c.action === "create") await client.createDestination(c.service, dest);
        if (c.action === "update") await client.updateDestination(c.service, dest);
        if (c.action === "delete") await client.deleteDestination(c.service, c.destination);
      }
    } catch (e) {
      errors.push(`repair ${c.action}: ${(e as Error).message}`);
    }
  }
  if (timeouts) {
    try {
      await client.setTimeouts(timeouts);
    } catch (e) {
      errors.push(`repair timeouts: ${(e as Error).message}`);
    }
  }
  if (changes.length === 0) return true;
  return diffRules(configsOnly(await client.listServices()), snapshot).length === 0;
}
