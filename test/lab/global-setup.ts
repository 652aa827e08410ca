// Boots the real-kernel labs once per vitest run and shares them with every file of the `lab`
// project: instance test-<pid> (mixed topology, two directors in one guest) and, beside it,
// test-ha-<pid> (the ha topology: the pair dir1/dir2 on one segment, one guest). Both boot at
// once. LVS_LAB_REUSE=<instance> (and LVS_LAB_HA_REUSE=<instance> of an `up --topology ha`
// lab) use labs that are already up instead, for quick iterations; they are then left running,
// and when only one of them is given the other lab's tests fail saying so.
import type { TestProject } from "vitest/node";
import { down, UP_DEFAULTS, up } from "@/lab/api.ts";
import type { Topology } from "@/lab/state.ts";

declare module "vitest" {
  export interface ProvidedContext {
    labInstance: string;
    /** why the lab could not be brought up; every lab test then fails with it */
    labError: string;
    /** the ha topology's lab (test/lab/lab-ha.ts) */
    labHaInstance: string;
    labHaError: string;
  }
}

async function boot(instance: string, topology: Topology): Promise<string> {
  const t0 = Date.now();
  // A lab that cannot boot fails each of its tests with the reason, instead of aborting the
  // whole run: the unit tests still run and the summary still says what happened.
  return up({
    ...UP_DEFAULTS,
    instance,
    topology,
    directors: 2,
    directorsPerGuest: 2,
    // Tests make their own traffic so that counters are exact.
    trafficRate: 0,
    log: (l) => console.log(`${l} [${instance}]`),
  }).then(
    () => {
      console.log(`lab: test instance ${instance} up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return "";
    },
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const reuse = process.env.LVS_LAB_REUSE;
  const reuseHa = process.env.LVS_LAB_HA_REUSE;
  if (reuse || reuseHa) {
    project.provide("labInstance", reuse ?? "");
    project.provide("labError", reuse ? "" : "LVS_LAB_HA_REUSE is set without LVS_LAB_REUSE: no mixed lab was booted");
    project.provide("labHaInstance", reuseHa ?? "");
    project.provide("labHaError", reuseHa ? "" : "LVS_LAB_REUSE is set without LVS_LAB_HA_REUSE: no ha lab was booted");
    return undefined;
  }
  const instance = `test-${process.pid}`;
  const haInstance = `test-ha-${process.pid}`;
  const [error, haError] = await Promise.all([boot(instance, "mixed"), boot(haInstance, "ha")]);
  project.provide("labInstance", instance);
  project.provide("labError", error);
  project.provide("labHaInstance", haInstance);
  project.provide("labHaError", haError);
  return async () => {
    await Promise.all([down(instance), down(haInstance)]);
  };
}
