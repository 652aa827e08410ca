// Child process entry of the fleet benchmark's fake setup: starts `count` fake agents (see
// fleet-fakes.ts), prints their registrations as one JSON line, and runs until its stdin
// closes or it gets SIGTERM. Fakes live in their own processes so that the agents' work
// (listing, serializing 800 real servers per second each) neither slows the simulated
// browser nor hides in the benchmark's own event loop.
// usage: tsx bench/lib/fleet-fakes-child.ts COUNT SERVICES REAL_SERVERS FIRST_INDEX GROUP SEED
import { startFakeFleet } from "./fleet-fakes.ts";

const [count, services, realServers, first, seed] = [2, 3, 4, 5, 7].map((i) => Number(process.argv[i]));
const group = process.argv[6] ?? "";
if (![count, services, realServers, first, seed].every((n) => Number.isInteger(n) && n !== undefined && n >= 0)) {
  process.stderr.write("usage: fleet-fakes-child.ts COUNT SERVICES REAL_SERVERS FIRST_INDEX GROUP SEED\n");
  process.exit(2);
}
const fleet = await startFakeFleet(count!, { services: services!, realServers: realServers! }, () => group, { firstIndex: first!, seed: seed! });
process.stdout.write(`${JSON.stringify(fleet.directors)}\n`);
const stop = () => void fleet.close().finally(() => process.exit(0));
process.stdin.on("end", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
