// Big connection tables for benchmarks 3 and 4: a UDP NAT virtual service on the director and
// a raw-socket datagram generator (guest/udp-conns.py) in the client namespace. UDP entries
// live for the udp timeout, so `ipvsadm --set 0 0 3600` keeps them for an hour.
import { fileURLToPath } from "node:url";
import { BenchError, type BenchLab, log } from "./session.ts";

export const UDP_VIP = "172.16.0.100";
export const UDP_PORT = 5353;
const REAL_SERVERS = ["10.0.0.11", "10.0.0.12", "10.0.0.13"];
/** Spoofed client addresses on the client's segment: 64,512 source ports each. */
const SOURCES = ["172.16.0.10", "172.16.0.11", "172.16.0.12", "172.16.0.13"];
const GENERATOR = fileURLToPath(new URL("../guest/udp-conns.py", import.meta.url));

export async function prepareUdpService(lab: BenchLab): Promise<void> {
  const d = lab.director.name;
  await lab.run(d, ["ipvsadm", "-C"]);
  await lab.run(d, ["ipvsadm", "--set", "0", "0", "3600"]);
  const rules = [`-A -u ${UDP_VIP}:${UDP_PORT} -s rr`, ...REAL_SERVERS.map((ip) => `-a -u ${UDP_VIP}:${UDP_PORT} -r ${ip}:${UDP_PORT} -m`)];
  await lab.run(d, ["ipvsadm", "-R"], { stdin: `${rules.join("\n")}\n` });
}

/** Entries of the table, from the InActConn column of `ipvsadm -Ln` (cheap: netlink, not /proc). */
export async function connCount(lab: BenchLab): Promise<number> {
  const text = await lab.run(lab.director.name, ["ipvsadm", "-Ln"]);
  let n = 0;
  for (const line of text.split("\n")) {
    const m = /^\s+->\s+\S+\s+\S+\s+\d+\s+(\d+)\s+(\d+)/.exec(line);
    if (m) n += Number(m[1]) + Number(m[2]);
  }
  return n;
}

/** argv of the generator: `count` new entries from entry number `first` on. */
export function generatorArgv(count: number, first: number): string[] {
  return ["/usr/bin/python3", GENERATOR, UDP_VIP, String(UDP_PORT), String(count), SOURCES.join(","), String(first)];
}

/** Grows the table to at least `target` entries (datagrams can be dropped under load: retried). */
export async function fillConnTable(lab: BenchLab, target: number): Promise<number> {
  const client = `${lab.director.name}-c`;
  let have = await connCount(lab);
  for (let attempt = 0; attempt < 4 && have < target; attempt++) {
    // first pass continues the numbering; later passes resend everything to fill the gaps
    const first = attempt === 0 ? have : 0;
    const count = attempt === 0 ? target - have : target;
    const t0 = Date.now();
    await lab.run(client, generatorArgv(count, first), { timeoutMs: 900_000 });
    have = await connCount(lab);
    log(`bench: sent ${count} datagrams in ${((Date.now() - t0) / 1000).toFixed(0)} s; table has ${have} entries`);
  }
  if (have < target) throw new BenchError(`could only make ${have} of ${target} connection entries`);
  return have;
}

export async function restoreDefaultTimeouts(lab: BenchLab): Promise<void> {
  await lab.run(lab.director.name, ["ipvsadm", "--set", "900", "120", "300"]);
}
