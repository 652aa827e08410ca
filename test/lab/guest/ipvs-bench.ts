// Guest-side benchmark: fills this network namespace with N services x M real servers through
// `ipvsadm -R`, then times `ipvsadm -Ln` against NetlinkIpvsClient.listServices() with several
// socket pool sizes, in the same process environment. Prints one JSON object.
// Usage: node --import tsx ipvs-bench.ts [services=5000] [destsPerService=4] [rounds=3]
import { execFileSync } from "node:child_process";
import { NetlinkIpvsClient } from "../../../agent/ipvs/client.ts";
import { decodeDestDump } from "../../../agent/ipvs/codec-dest-fast.ts";
import { decodeService, encodeServiceKey, serviceFamily } from "../../../agent/ipvs/codec-service.ts";
import { K } from "../../../agent/ipvs/constants.ts";
import { GenlFamily, genlAttrs, resolveFamily } from "../../../agent/netlink/genl.ts";
import { NetlinkTransport } from "../../../agent/netlink/transport.ts";

const [services = 5000, perService = 4, rounds = 3] = process.argv.slice(2).map(Number);

function rules(): string {
  const lines: string[] = [];
  for (let i = 0; i < services; i++) {
    const vip = `172.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    lines.push(`-A -t ${vip}:80 -s wlc`);
    for (let j = 0; j < perService; j++) lines.push(`-a -t ${vip}:80 -r 10.${(i >> 8) & 255}.${i & 255}.${j + 1}:8080 -m -w ${j + 1}`);
  }
  return `${lines.join("\n")}\n`;
}

function time<T>(fn: () => T): [number, T] {
  const t0 = performance.now();
  const r = fn();
  return [performance.now() - t0, r];
}

async function main(): Promise<void> {
  // Restoring 25,000 lines takes a minute under TCG: reuse a table that is already in place.
  const present = execFileSync("ipvsadm", ["-S", "-n"], { maxBuffer: 1 << 28 }).toString().split("\n").filter(Boolean).length;
  let restoreMs = 0;
  if (present !== services * (1 + perService)) {
    execFileSync("ipvsadm", ["-C"]);
    [restoreMs] = time(() => execFileSync("ipvsadm", ["-R"], { input: rules() }));
  }
  const ipvsadmMs: number[] = [];
  let lines = 0;
  for (let r = 0; r < rounds; r++) {
    const [ms, out] = time(() => execFileSync("ipvsadm", ["-Ln"], { maxBuffer: 1 << 28 }));
    ipvsadmMs.push(ms);
    lines = out.toString().split("\n").length;
  }
  const client: Record<string, number[]> = {};
  let counted = { services: 0, dests: 0 };
  for (const sockets of (process.env.IPVS_BENCH_SOCKETS ?? "1,2,4,8").split(",").map(Number)) {
    const c = await NetlinkIpvsClient.open({ sockets, timeoutMs: 60_000 });
    client[sockets] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const list = await c.listServices();
      client[sockets]!.push(performance.now() - t0);
      counted = { services: list.length, dests: list.reduce((n, s) => n + s.destinations.length, 0) };
    }
    c.close();
  }
  // Where the time goes, with the same layers listServices uses.
  const phases: Record<string, number>[] = [];
  const transport = new NetlinkTransport({ sockets: 2, timeoutMs: 60_000 });
  const fam = new GenlFamily(transport, await resolveFamily(transport, "IPVS"), 60_000);
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const msgs = await fam.dump("bench", K.IPVS_CMD_GET_SERVICE);
    const t1 = performance.now();
    const svcs = msgs.map((m) => decodeService(genlAttrs(m).nested(K.IPVS_CMD_ATTR_SERVICE)).service);
    const reqs = svcs.map((s) => encodeServiceKey(s.key));
    const t2 = performance.now();
    const replies = await fam.dumpMany(K.IPVS_CMD_GET_DEST, reqs);
    const t3 = performance.now();
    let n = 0;
    for (let i = 0; i < svcs.length; i++) n += decodeDestDump("bench", replies[i]!, serviceFamily(svcs[i]!.key)).length;
    const t4 = performance.now();
    phases.push({ serviceDump: t1 - t0, serviceDecode: t2 - t1, destDumps: t3 - t2, destDecode: t4 - t3, n });
  }
  transport.close();
  if (process.env.IPVS_BENCH_KEEP !== "1") execFileSync("ipvsadm", ["-C"]);
  process.stdout.write(JSON.stringify({ services, perService, restoreMs, ipvsadmMs, ipvsadmLines: lines, client, counted, phases }));
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
