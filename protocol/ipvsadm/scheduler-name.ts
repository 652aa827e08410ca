// Schedulers outside the domain model's Scheduler (a third-party module such as "twos").
// service.list reports one as the placeholder "none" plus ListedService.unknownScheduler;
// ipvsadm prints the kernel's name. The rule tooling (save/restore text, the import model and
// its diff, lvsctl) works on the table as ipvsadm sees it: the kernel's name in
// config.scheduler. That widens the Scheduler type on purpose, and it fails closed: every
// write path (agent/ipvs/validate.ts, the zod schemas of service.create/update and of rule
// changes) refuses a name outside Scheduler, so such a config is never sent as something else.
import { SCHEDULERS, Scheduler, type Service, type ServiceConfig } from "../ipvs.ts";

/** A name the kernel could have a module for: IP_VS_SCHEDNAME_MAXLEN is 16 with the NUL. */
const KERNEL_SCHEDULER_NAME = /^[a-z0-9_]{1,15}$/;

export function isKernelSchedulerName(name: string): boolean {
  return KERNEL_SCHEDULER_NAME.test(name);
}

export function isKnownScheduler(name: string): name is Scheduler {
  return Scheduler.safeParse(name).success;
}

/** A service as service.list reports it (ListedService): maybe with the kernel's unknown name. */
export type MaybeUnknownScheduler<T extends Service> = T & { unknownScheduler?: string };

/** The service with its kernel scheduler name in config.scheduler, as ipvsadm prints it. */
export function asIpvsadmSees<T extends Service>(s: MaybeUnknownScheduler<T>): T {
  if (s.unknownScheduler === undefined) return s;
  return { ...s, config: { ...s.config, scheduler: s.unknownScheduler as Scheduler } };
}

/** Back to what the protocol carries: a name outside Scheduler becomes the placeholder "none". */
export function protocolConfig(c: ServiceConfig): ServiceConfig {
  return isKnownScheduler(c.scheduler) ? c : { ...c, scheduler: "none" };
}

/** Why a service with this config cannot be created or changed by us, or null when it can. */
export function unwritableScheduler(c: ServiceConfig): string | null {
  if (isKnownScheduler(c.scheduler)) return null;
  return (
    `the scheduler "${c.scheduler}" cannot be set through lvs-fleet, which writes only ` +
    `${[...SCHEDULERS, "none"].join(", ")} (the kernel may have it: use ipvsadm on the director)`
  );
}
