// conns.read through the agent's WebSocket on a real director, after real traffic (HTTP through
// the NAT and DR VIPs, a persistent service for templates, UDP), against the real ipvsadm in
// the same namespace: entry for entry with `ipvsadm -Lnc` (as sets; expiry within the time the
// reads took), per-real-server aggregates against `ipvsadm -Ln`, and lvsctl -Lnc. Director 1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, runCommand } from "@/cli/run-command.ts";
import type { AgentClient } from "@/protocol/node/agent-client.ts";
import type { ConnEntry, ConnReadProgress } from "@/protocol/conntable.ts";
import { parseIpvsadmArgs } from "@/protocol/ipvsadm/args.ts";
import { controlFor } from "@/lab/api.ts";
import { clearAll, connectAgent, director, ipvsadm, labState, ok, quiet, resetRules, sh } from "./lab.ts";

const d = director(1);
const CLIENT = `${d.name}-c`;
let client: AgentClient;
const HOLDERS = ["agent-conns-hold-1", "agent-conns-hold-2"];
const UDP_SEND =
  "import socket\nfor _ in range(4):\n s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n s.sendto(b'q', ('172.16.0.100', 53))\n s.close()";

interface Row {
  key: string;
  expires: number;
}

/** `ipvsadm -Lnc` rows (IPv4 only in the lab): key = everything but the expiry. */
function parseLnc(text: string): Row[] {
  return text
    .split("\n")
    .slice(2)
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [pro, expire, state, src, virt, dst] = l.trim().split(/\s+/) as [string, string, string, string, string, string];
      const [m, s] = expire.split(":").map(Number) as [number, number];
      return { key: `${pro} ${state} ${src} ${virt} ${dst}`, expires: m * 60 + s };
    });
}

function rowOf(e: ConnEntry): Row {
  // a fwmark template prints the mark as a dotted address; none are made here
  const virt = e.virtualAddress ?? `fwmark${e.fwmark}`;
  return { key: `${e.protocol} ${e.state} ${e.clientAddress}:${e.clientPort} ${virt}:${e.virtualPort} ${e.destAddress}:${e.destPort}`, expires: e.expires };
}

const keys = (rows: Row[]) => rows.map((r) => r.key).sort();

/** Every entry through conns.read, 1000 per page like lvsctl. */
async function readAll(onEvent?: (p: ConnReadProgress) => void): Promise<ConnEntry[]> {
  const out: ConnEntry[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await client.request("conns.read", { offset, limit: 1000 }, { deadlineMs: 120_000, ...(onEvent ? { onEvent: (x) => onEvent(x as ConnReadProgress) } : {}) });
    out.push(...page.entries);
    if (offset + 1000 >= page.matched) return out;
  }
}

/** ipvsadm, the agent, ipvsadm again, until both ipvsadm reads agree (no state change in between). */
async function stableSnapshot(): Promise<{ before: Row[]; ours: Row[]; after: Row[] }> {
  for (let attempt = 0; ; attempt++) {
    const before = parseLnc(await ipvsadm(d.name, "-Lnc"));
    const ours = (await readAll()).map(rowOf);
    const after = parseLnc(await ipvsadm(d.name, "-Lnc"));
    if (JSON.stringify(keys(before)) === JSON.stringify(keys(after)) || attempt >= 4) return { before, ours, after };
  }
}

async function lvsctl(args: string): Promise<string> {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(`ERR ${t}`), readStdin: async () => "" };
  expect(await runCommand(parseIpvsadmArgs(args.split(" ")), client, io)).toBe(0);
  return out.join("");
}

beforeAll(async () => {
  await quiet(d.name);
  await clearAll(d.name);
  await resetRules(d.name);
  // a persistent NAT service for templates (port 81 -> 80) and a UDP one (nothing listens: the
  // first datagram still makes an entry)
  await ok(d.name, ["ipvsadm", "-R"], [
    "-A -t 172.16.0.100:81 -s rr -p 60",
    "-a -t 172.16.0.100:81 -r 10.0.0.12:80 -m -w 1",
    "-A -u 172.16.0.100:53 -s rr",
    "-a -u 172.16.0.100:53 -r 10.0.0.11:53 -m -w 1",
    "-a -u 172.16.0.100:53 -r 10.0.0.13:53 -m -w 1",
    "",
  ].join("\n"));
  const wget = (url: string, n: number) => `i=0; while [ $i -lt ${n} ]; do busybox timeout 5 busybox wget -q -O /dev/null ${url}; i=$((i+1)); done`;
  await sh(CLIENT, wget("http://172.16.0.100/", 6));
  await sh(CLIENT, wget("http://172.16.0.200/", 6));
  await sh(CLIENT, wget("http://172.16.0.100:81/", 3));
  // four datagrams from four sockets (busybox nc has no -u; the guest sees the host's python3)
  await ok(CLIENT, ["python3", "-c", UDP_SEND]);
  // two connections held open (ESTABLISHED) so that the active counts are not all zero
  const control = controlFor(labState(), d.guest);
  for (const name of HOLDERS) await control.spawn(name, CLIENT, ["sh", "-c", "sleep 120 | busybox nc 172.16.0.100 80"]);
  await new Promise((r) => setTimeout(r, 2000));
  client = await connectAgent(d);
}, 240_000);

afterAll(async () => {
  client?.close();
  const control = controlFor(labState(), d.guest);
  for (const name of HOLDERS) await control.stop(name);
  await clearAll(d.name);
  await resetRules(d.name);
}, 120_000);

describe("conns.read on a real director", () => {
  it("equals ipvsadm -Lnc entry for entry, expiry within the time between the reads", async () => {
    const { before, ours, after } = await stableSnapshot();
    expect(keys(before)).toEqual(keys(after));
    expect(ours.length).toBeGreaterThanOrEqual(6 + 6 + 3 + 1 + 4 + 2);
    expect(keys(ours)).toEqual(keys(before));
    const text = keys(ours).join("\n");
    expect(text).toMatch(/^TCP (TIME_WAIT|FIN_WAIT|CLOSE_WAIT|ESTABLISHED) 172\.16\.0\.2:\d+ 172\.16\.0\.200:80 10\.0\.0\.1\d:80$/m);
    expect(text).toMatch(/^TCP (NONE|ASSURED) 172\.16\.0\.2:0 172\.16\.0\.100:81 10\.0\.0\.12:80$/m); // persistence template
    expect(text).toMatch(/^TCP ESTABLISHED 172\.16\.0\.2:\d+ 172\.16\.0\.100:80 10\.0\.0\.1\d:80$/m);
    expect(text).toMatch(/^UDP UDP 172\.16\.0\.2:\d+ 172\.16\.0\.100:53 10\.0\.0\.1[13]:53$/m);
    // the agent's read happened between the two ipvsadm reads: its expiry lies between theirs (±1 s rounding)
    const b = new Map(before.map((r) => [r.key, r.expires]));
    const a = new Map(after.map((r) => [r.key, r.expires]));
    for (const r of ours) {
      expect(r.expires, r.key).toBeLessThanOrEqual(b.get(r.key)! + 1);
      expect(r.expires, r.key).toBeGreaterThanOrEqual(a.get(r.key)! - 1);
    }
  });

  it("aggregates by real server equal ActiveConn/InActConn of ipvsadm -Ln (summed over services)", async () => {
    for (let attempt = 0; ; attempt++) {
      const ln = await ipvsadm(d.name, "-Ln");
      const r = await client.request("conns.read", { limit: 0, aggregates: { byRealServer: true } });
      const ln2 = await ipvsadm(d.name, "-Ln");
      if (ln !== ln2 && attempt < 4) continue;
      const want = new Map<string, { active: number; inactive: number }>();
      for (const m of ln.matchAll(/^\s+-> (\d+\.\d+\.\d+\.\d+:\d+)\s+\S+\s+\d+\s+(\d+)\s+(\d+)\s*$/gm)) {
        const cur = want.get(m[1]!) ?? { active: 0, inactive: 0 };
        want.set(m[1]!, { active: cur.active + Number(m[2]), inactive: cur.inactive + Number(m[3]) });
      }
      const got = new Map((r.aggregates.byRealServer ?? []).map((x) => [`${x.address}:${x.port}`, { active: x.active, inactive: x.inactive }]));
      for (const [k, v] of [...want]) if (v.active === 0 && v.inactive === 0 && !got.has(k)) want.delete(k);
      expect(Object.fromEntries([...got].filter(([, v]) => v.active + v.inactive > 0))).toEqual(Object.fromEntries(want));
      expect([...want.values()].reduce((s, v) => s + v.inactive, 0)).toBeGreaterThan(0);
      expect([...want.values()].reduce((s, v) => s + v.active, 0)).toBe(2);
      const templates = (r.aggregates.byRealServer ?? []).find((x) => x.address === "10.0.0.12" && x.port === 80)?.templates;
      expect(templates).toBe(1);
      return;
    }
  });

  it("reports progress and a final done event whose count matches the result", async () => {
    const seen: ConnReadProgress[] = [];
    const r = await client.request("conns.read", { limit: 0 }, { onEvent: (x) => seen.push(x as ConnReadProgress) });
    expect(seen.at(-1)).toMatchObject({ done: true, entries: r.scanned });
    expect(seen.at(-1)!.bytes).toBeGreaterThan(0);
  });

  it("filters by real server and state like grep over ipvsadm -Lnc", async () => {
    const r = await client.request("conns.read", { limit: 1000, filter: { realServer: { address: "10.0.0.12", port: 80 }, templates: "exclude" } });
    const lnc = parseLnc(await ipvsadm(d.name, "-Lnc")).filter((x) => x.key.endsWith(" 10.0.0.12:80") && !x.key.includes(":0 172.16.0.100:81"));
    expect(keys(r.entries.map(rowOf))).toEqual(keys(lnc));
  });

  it("lvsctl -Lnc prints what ipvsadm -Lnc prints (as a set of lines, expiry within a second)", async () => {
    for (let attempt = 0; ; attempt++) {
      const theirs = await ipvsadm(d.name, "-Lnc");
      const ours = await lvsctl("-Lnc");
      const theirs2 = await ipvsadm(d.name, "-Lnc");
      const t = parseLnc(theirs);
      if (JSON.stringify(keys(t)) !== JSON.stringify(keys(parseLnc(theirs2))) && attempt < 4) continue;
      expect(ours.split("\n").slice(0, 2)).toEqual(theirs.split("\n").slice(0, 2));
      const strip = (text: string) => text.split("\n").slice(2).filter(Boolean).map((l) => l.replace(/^(\S+\s+)\d\d:\d\d/, "$1mm:ss")).sort();
      expect(strip(ours)).toEqual(strip(theirs));
      const o = parseLnc(ours);
      const th = new Map(t.map((x) => [x.key, x.expires]));
      for (const x of o) expect(Math.abs(x.expires - th.get(x.key)!), x.key).toBeLessThanOrEqual(2);
      return;
    }
  });
});
