// The agent's health checks against the real keepalived (Debian's, through the guest's 9p
// root), on the real kernel. One keepalived.conf (test/fixtures/keepalived/lab-ha-oracle.conf:
// NAT + HTTP_GET with inhibit_on_failure, DR + TCP_CHECK) is run by keepalived's checker
// process in dir1 and imported into our agent on dir2; the real ipvsadm of each namespace is
// the oracle. Then the same real server's httpd stops (`lab rs-down rs2`) for both sides.
//
// Why the ha lab: its dir1 and dir2 sit on one segment with rs1..rs3, so both directors check
// the SAME real servers (in the mixed lab each director has its own). Its agents run a VRRP
// keepalived: the oracle is started with --check only and its own config and pid files, and
// the services use VIPs VRRP does not manage (172.16.0.150/250; a service needs no local VIP).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRules } from "@/lab/directors.ts";
import { agentOf, healthOf, measure, oracleLog, rsDown, rsHealth, rsUp, saveOf, startOracleKeepalived, stopOracleKeepalived, weightIn } from "./health-lab.ts";
import { haOk, haRun, haState, pairNormal, until } from "./lab-ha.ts";

const FIXTURE = "test/fixtures/keepalived/lab-ha-oracle.conf";
const CONF = readFileSync(FIXTURE, "utf8");
const DIR = "/run/lab/oracle-keepalived";
const NAT = "-t 172.16.0.150:80";
const DR = "-t 172.16.0.250:80";
/** the fixture's delay_loop and retry: out within delay_loop x (retry + 1) + 1 s (issue 11) */
const DELAY_LOOP = 3;
const RETRY = 1;
const BOUND_MS = (DELAY_LOOP * (RETRY + 1) + 1) * 1000;
/** the fixture's weights */
const WEIGHTS: Record<string, [number, number]> = { "10.0.0.11:80": [1, 1], "10.0.0.12:80": [2, 1], "10.0.0.13:80": [3, 4] };

const allIn = (s: string) => Object.entries(WEIGHTS).every(([rs, [n, d]]) => weightIn(s, NAT, rs) === n && weightIn(s, DR, rs) === d);

/** `keepalived -t` in the guest: exit 0 and no complaint (it exits 0 with unknown keywords). */
async function keepalivedTest(file: string): Promise<string[]> {
  const r = await haRun("dir1", ["keepalived", "-t", "-f", file, "-l"]);
  const lines = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => l.trim() !== "");
  return r.code === 0 ? lines : [...lines, `exit ${r.code}`];
}

describe("health checks with keepalived as the oracle", () => {
  beforeAll(async () => {
    // links up and keepalived running: another file may have failed a director
    await until("dir1 MASTER holding every VIP, dir2 BACKUP", pairNormal, 60_000, 250);
    for (const rs of ["rs1", "rs2", "rs3"]) await rsUp(rs);
    await agentOf("dir2", (a) => a.request("health.configure", { config: { services: [] } }));
    for (const n of ["dir1", "dir2"]) await haOk(n, ["ipvsadm", "-C"]);
  });
  afterAll(async () => {
    await stopOracleKeepalived("dir1");
    for (const rs of ["rs1", "rs2", "rs3"]) await rsUp(rs);
    await agentOf("dir2", (a) => a.request("health.configure", { config: { services: [] } }));
    for (const n of ["dir1", "dir2"]) {
      await haOk(n, ["ipvsadm", "-C"]);
      await haOk(n, ["ipvsadm", "-R"], { stdin: defaultRules("ha", haState().realServers) });
    }
  });

  it("keepalived -t accepts the fixture and the agent's export of it", async () => {
    await haOk("dir1", ["sh", "-c", `mkdir -p ${DIR} && cat > ${DIR}/fixture.conf`], { stdin: CONF });
    expect(await keepalivedTest(`${DIR}/fixture.conf`)).toEqual([]);
  });

  it("the same keepalived.conf in keepalived (dir1) and in our agent (dir2): ipvsadm -S -n identical", async () => {
    await startOracleKeepalived("dir1", DIR, CONF);
    const r = await agentOf("dir2", (a) => a.request("rules.import", { source: { format: "keepalived", text: CONF }, mode: "replace" }));
    expect(r.errors).toEqual([]);
    expect(r.applied).toBe(true);
    expect((r.warnings ?? []).map((w) => w.message).join("\n")).not.toMatch(/Unknown keyword/);
    const t0 = Date.now();
    await until("keepalived's table in dir1", async () => allIn(await saveOf("dir1")), 30_000, 250).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await saveOf("dir1")}\n${await oracleLog("dir1")}`);
    });
    // past the first checks (warmup is at most one delay_loop): every server stays up
    await new Promise((res) => setTimeout(res, Math.max(0, DELAY_LOOP * 1000 + 1500 - (Date.now() - t0))));
    const [s1, s2] = [await saveOf("dir1"), await saveOf("dir2")];
    expect(allIn(s1)).toBe(true);
    expect(s2).toBe(s1);
    const h = await healthOf("dir2");
    expect(h.realServers.map((x) => x.state)).toEqual(Array(6).fill("up"));
    // our export of what we imported is a keepalived.conf keepalived accepts
    const out = await agentOf("dir2", (a) => a.request("rules.export", { format: "keepalived" }));
    await haOk("dir1", ["sh", "-c", `cat > ${DIR}/export.conf`], { stdin: (out as { text: string }).text });
    expect(await keepalivedTest(`${DIR}/export.conf`)).toEqual([]);
  });

  it("rs2's httpd stops: both drop it from DR and zero it in NAT within delay_loop x (retry + 1) + 1 s", async () => {
    const t0 = Date.now();
    await rsDown("rs2");
    const out = (s: string) => weightIn(s, NAT, "10.0.0.12:80") === 0 && weightIn(s, DR, "10.0.0.12:80") === null;
    const took = await measure(["dir1", "dir2"], t0, out, BOUND_MS * 3);
    console.log(`rs2 down: keepalived ${took.dir1} ms, agent ${took.dir2} ms (bound ${BOUND_MS} ms)`);
    expect(took.dir1, `keepalived took ${took.dir1} ms`).not.toBeNull();
    expect(took.dir2, `the agent took ${took.dir2} ms`).not.toBeNull();
    expect(took.dir1!).toBeLessThanOrEqual(BOUND_MS);
    expect(took.dir2!).toBeLessThanOrEqual(BOUND_MS);
    expect(await saveOf("dir2")).toBe(await saveOf("dir1"));
    const h = await healthOf("dir2");
    for (const vip of ["172.16.0.150", "172.16.0.250"]) {
      const rs = rsHealth(h, vip, "10.0.0.12:80");
      expect(rs?.state).toBe("down");
      expect(rs?.lastResult?.reason).toBe("connect refused");
      expect(rs?.inPool).toBe(vip === "172.16.0.150");
    }
  });

  it("rs2's httpd starts again: both bring it back at its configured weight", async () => {
    const t0 = Date.now();
    await rsUp("rs2");
    const took = await measure(["dir1", "dir2"], t0, allIn, BOUND_MS * 3);
    console.log(`rs2 up: keepalived ${took.dir1} ms, agent ${took.dir2} ms (bound ${BOUND_MS} ms)`);
    expect(took.dir1, `keepalived took ${took.dir1} ms`).not.toBeNull();
    expect(took.dir2, `the agent took ${took.dir2} ms`).not.toBeNull();
    expect(took.dir1!).toBeLessThanOrEqual(BOUND_MS);
    expect(took.dir2!).toBeLessThanOrEqual(BOUND_MS);
    expect(await saveOf("dir2")).toBe(await saveOf("dir1"));
  });
});
