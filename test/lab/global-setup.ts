// Boots the real-kernel lab once per vitest run and shares it with every file of the `lab`
// project. LVS_LAB_REUSE=<instance> uses a lab that is already up (npm run lab -- up
// --instance <name>) instead, for quick iterations; it is then left running.
import type { TestProject } from "vitest/node";
import { down, UP_DEFAULTS, up } from "../../lab/api.ts";

declare module "vitest" {
  export interface ProvidedContext {
    labInstance: string;
    /** why the lab could not be brought up; every lab test then fails with it */
    labError: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const reuse = process.env.LVS_LAB_REUSE;
  if (reuse) {
    project.provide("labInstance", reuse);
    project.provide("labError", "");
    return undefined;
  }
  const instance = `test-${process.pid}`;
  const t0 = Date.now();
  project.provide("labError", "");
  // A lab that cannot boot fails each lab test with the reason, instead of aborting the whole
  // run: the unit tests still run and the summary still says what happened.
  const booted = await up({
    ...UP_DEFAULTS,
    instance,
    directors: 2,
    directorsPerGuest: 2,
    // Tests make their own traffic so that counters are exact.
    trafficRate: 0,
    log: (l) => console.log(l),
  }).then(
    () => true,
    (e: unknown) => {
      project.provide("labError", e instanceof Error ? e.message : String(e));
      return false;
    },
  );
  if (!booted) return undefined;
  console.log(`lab: test instance ${instance} up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  project.provide("labInstance", instance);
  return async () => {
    await down(instance);
  };
}
