// Boots the real-kernel lab once per vitest run and shares it with every file of the `lab`
// project. LVS_LAB_REUSE=<instance> uses a lab that is already up (npm run lab -- up
// --instance <name>) instead, for quick iterations; it is then left running.
import type { TestProject } from "vitest/node";
import { down, UP_DEFAULTS, up } from "../../lab/api.ts";

declare module "vitest" {
  export interface ProvidedContext {
    labInstance: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const reuse = process.env.LVS_LAB_REUSE;
  if (reuse) {
    project.provide("labInstance", reuse);
    return undefined;
  }
  const instance = `test-${process.pid}`;
  const t0 = Date.now();
  await up({
    ...UP_DEFAULTS,
    instance,
    directors: 2,
    directorsPerGuest: 2,
    // Tests make their own traffic so that counters are exact.
    trafficRate: 0,
    log: (l) => console.log(l),
  });
  console.log(`lab: test instance ${instance} up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  project.provide("labInstance", instance);
  return async () => {
    await down(instance);
  };
}
