// The lab's first promise: real IPVS forwards real HTTP through NAT and DR virtual services,
// and the kernel's own tools (ipvsadm -Lnc, --stats --exact) account for every connection.
import { beforeAll, describe, expect, it } from "vitest";
import { clearAll, director, ipvsadm, ok, quiet, sh } from "./lab.ts";

const NAT_VIP = "172.16.0.100";
const DR_VIP = "172.16.0.200";
const SERVERS = ["10.0.0.11", "10.0.0.12", "10.0.0.13"];
const REQUESTS = 6;

interface StatsLine {
  name: string;
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

function parseStats(text: string): StatsLine[] {
  return text
    .split("\n")
    .map((l) => /^(?:TCP {2}|\s+-> )(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, conns: +m[2]!, inPkts: +m[3]!, outPkts: +m[4]!, inBytes: +m[5]!, outBytes: +m[6]! }));
}

describe("real IPVS in the lab", () => {
  const d = director(1).name;
  const client = `${d}-c`;
  const answers: Record<string, string[]> = {};

  beforeAll(async () => {
    await quiet(d);
    await clearAll(d);
    await ipvsadm(d, "-A", "-t", `${NAT_VIP}:80`, "-s", "rr");
    await ipvsadm(d, "-A", "-t", `${DR_VIP}:80`, "-s", "rr");
    for (const ip of SERVERS) {
      await ipvsadm(d, "-a", "-t", `${NAT_VIP}:80`, "-r", `${ip}:80`, "-m");
      await ipvsadm(d, "-a", "-t", `${DR_VIP}:80`, "-r", `${ip}:80`, "-g");
    }
    for (const vip of [NAT_VIP, DR_VIP]) {
      const out = await sh(client, `for i in $(seq ${REQUESTS}); do busybox wget -q -O - http://${vip}/ || echo FAILED; done`);
      answers[vip] = out.trim().split("\n");
    }
  });

  it.each([NAT_VIP, DR_VIP])("answers through %s come from every real server in turn (rr)", (vip) => {
    const got = answers[vip]!;
    expect(got).toHaveLength(REQUESTS);
    const counts = new Map<string, number>();
    for (const name of got) counts.set(name, (counts.get(name) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([`${d}-rs1`, `${d}-rs2`, `${d}-rs3`]);
    expect([...counts.values()]).toEqual([2, 2, 2]);
  });

  it("ipvsadm -Lnc lists every connection with its real server", async () => {
    const lines = (await ipvsadm(d, "-Lnc")).split("\n").slice(2).filter(Boolean);
    for (const vip of [NAT_VIP, DR_VIP]) {
      const mine = lines.filter((l) => l.split(/\s+/)[4] === `${vip}:80`);
      expect(mine).toHaveLength(REQUESTS);
      for (const l of mine) expect(l.split(/\s+/)[2]).toMatch(/^(TIME_WAIT|FIN_WAIT|CLOSE|CLOSE_WAIT|ESTABLISHED|LAST_ACK)$/);
      const dests = mine.map((l) => l.split(/\s+/)[5]!.replace(/:80$/, "")).sort();
      expect(new Set(dests)).toEqual(new Set(SERVERS));
    }
  });

  it("ipvsadm -Ln --stats --exact counts the connections, with no replies seen in DR", async () => {
    // The kernel folds its per-CPU counters into what it reports every 2 s (estimator tick).
    let stats = parseStats(await ipvsadm(d, "-Ln", "--stats", "--exact"));
    for (let i = 0; i < 20 && stats.filter((s) => s.conns === REQUESTS).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 250));
      stats = parseStats(await ipvsadm(d, "-Ln", "--stats", "--exact"));
    }
    const byService = (vip: string) => {
      const i = stats.findIndex((s) => s.name === `${vip}:80`);
      return { svc: stats[i]!, dests: stats.slice(i + 1, i + 1 + SERVERS.length) };
    };
    const nat = byService(NAT_VIP);
    const dr = byService(DR_VIP);
    for (const { svc, dests } of [nat, dr]) {
      expect(svc.conns).toBe(REQUESTS);
      expect(svc.inPkts).toBeGreaterThanOrEqual(REQUESTS * 4);
      expect(dests.map((x) => x.conns)).toEqual([2, 2, 2]);
      expect(dests.reduce((a, x) => a + x.inBytes, 0)).toBe(svc.inBytes);
    }
    expect(nat.svc.outPkts).toBeGreaterThanOrEqual(REQUESTS * 3);
    expect(dr.svc.outPkts).toBe(0);
    expect(dr.svc.outBytes).toBe(0);
  });

  it("DR real servers hold the VIP on lo and ignore ARP for it", async () => {
    const rs = `${d}-rs1`;
    expect(await ok(rs, ["ip", "-4", "addr", "show", "dev", "lo"])).toContain(`${DR_VIP}/32`);
    expect((await ok(rs, ["sysctl", "-n", "net.ipv4.conf.all.arp_ignore"])).trim()).toBe("1");
    expect((await ok(rs, ["sysctl", "-n", "net.ipv4.conf.all.arp_announce"])).trim()).toBe("2");
  });
});
