// The IpvsClient the handlers see when health checks run: an operator's change of a checked
// real server becomes its intent (what health restores), and health writes the table for it
// in the server's current state. So a drained server (weight 0) stays at 0 while healthy and
// comes back at 0; a weight set while the server is down is the one it returns with; a
// deleted server's checks stop. Batches (rules import) run as they are, then every checked
// server they touched is put back in the state health says.
import type { Destination, DestinationKey, ServiceKey } from "@/protocol/ipvs.ts";
import type { IpvsBatchOptions, IpvsChange, IpvsClient } from "../ipvs/types.ts";
import type { HealthManager } from "./manager.ts";

const errCode = (e: unknown) => (e as { code?: string }).code;

export function withHealthIntent(inner: IpvsClient, health: HealthManager): IpvsClient {
  const put = async (svc: ServiceKey, dest: Destination, write: () => Promise<void>) => {
    if (!(await health.noteOperatorConfig(svc, dest.key, dest.config))) await write();
  };
  const overrides: Partial<IpvsClient> = {
    operatorConfig: (svc, key) => health.intentOf(svc, key),
    createDestination: (svc, dest) => put(svc, dest, () => inner.createDestination(svc, dest)),
    updateDestination: (svc, dest) => put(svc, dest, () => inner.updateDestination(svc, dest)),
    deleteDestination: async (svc: ServiceKey, key: DestinationKey) => {
      const heldOut = health.isHeldOut(svc, key);
      health.forget(svc, key);
      await inner.deleteDestination(svc, key).catch((e) => {
        // health had already removed it: the operator's delete is done
        if (!(heldOut && errCode(e) === "ENOENT")) throw e;
      });
    },
    deleteService: async (svc: ServiceKey) => {
      health.forget(svc);
      await inner.deleteService(svc);
    },
  };
  if (inner.applyBatch) {
    const batch = inner.applyBatch.bind(inner);
    overrides.applyBatch = async (changes: readonly IpvsChange[], options?: IpvsBatchOptions) => {
      const out = await batch(changes, options);
      for (const c of changes) {
        if (c.op === "deleteService") health.forget(c.key);
        else if (c.op === "deleteDestination") health.forget(c.service, c.key);
        else if (c.op === "createDestination" || c.op === "updateDestination")
          await health.noteOperatorConfig(c.service, c.destination.key, c.destination.config);
      }
      return out;
    };
  }
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof IpvsClient];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
