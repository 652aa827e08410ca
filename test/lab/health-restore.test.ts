// Health checks through an agent restart and a guest reboot, on the real kernel (the ha lab's
// dir2, whose real servers rs1..rs3 are shared with dir1; see health-keepalived-oracle.test.ts).
// The checks file comes back before the first check, with each server's intent and up/down
// state: across a restart the kernel table does not move (a down server stays out, a drained
// one stays at 0) and the checks go on (a recovery is seen); after a reboot the checks are
// back and act. The oracle is the real ipvsadm in dir2's namespace.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reboot, restartAgent } from "@/lab/api.ts";
import { defaultRules } from "@/lab/directors.ts";
import { agentOf, healthOf, measure, rsDown, rsHealth, rsUp, saveOf, weightIn } from "./health-lab.ts";
import { haInstance, haOk, haState, pairNormal, until } from "./lab-ha.ts";

const CONF = readFileSync("test/fixtures/keepalived/lab-ha-oracle.conf", "utf8");
const NAT = "-t 172.16.0.150:80";
const DR = "-t 172.16.0.250:80";
const BOUND_MS = (3 * (1 + 1) + 1) * 1000; // the fixture's delay_loop x (retry + 1) + 1 s
const RS2 = "10.0.0.12:80";
const RS3 = "10.0.0.13:80";
const rs2Out = (s: string) => weightIn(s, NAT, RS2) === 0 && weightIn(s, DR, RS2) === null;
const rs2In = (s: string) => weightIn(s, NAT, RS2) === 2 && weightIn(s, DR, RS2) === 1;
/** the checks file is written 200 ms after a change: let it land before stopping anything */
const flushed = () => new Promise((r) => setTimeout(r, 1500));

describe("health checks through an agent restart and a guest reboot", () => {
  beforeAll(async () => {
    await until("dir1 MASTER holding every VIP, dir2 BACKUP", pairNormal, 60_000, 250);
    for (const rs of ["rs1", "rs2", "rs3"]) await rsUp(rs);
    const r = await agentOf("dir2", (a) => a.request("rules.import", { source: { format: "keepalived", text: CONF }, mode: "replace" }));
    expect(r.errors).toEqual([]);
    // rs3 drained in the NAT service by the operator (its intent, kept in the checks file)
    await agentOf("dir2", (a) =>
      a.request("dest.update", { service: { protocol: "tcp", address: "172.16.0.150", port: 80 }, key: { address: "10.0.0.13", port: 80 }, config: { weight: 0 } }),
    );
    await until("every first check done", async () => (await healthOf("dir2")).realServers.every((x) => x.lastResult !== null), 20_000, 250);
  });
  afterAll(async () => {
    for (const rs of ["rs1", "rs2", "rs3"]) await rsUp(rs);
    await agentOf("dir2", (a) => a.request("health.configure", { config: { services: [] } }));
    // the reboot emptied both directors' tables (dir1's agent restored its own save file)
    for (const n of ["dir1", "dir2"]) {
      await haOk(n, ["ipvsadm", "-C"]);
      await haOk(n, ["ipvsadm", "-R"], { stdin: defaultRules("ha", haState().realServers) });
    }
    await until("dir1 MASTER holding every VIP again", pairNormal, 120_000, 500);
  });

  it("agent restart: the table does not move (rs2 down stays out, rs3 drained stays 0), then rs2's recovery is seen", async () => {
    await rsDown("rs2");
    await until("rs2 out of dir2", async () => rs2Out(await saveOf("dir2")), BOUND_MS * 3, 200);
    await flushed();
    const before = await saveOf("dir2");
    expect(weightIn(before, NAT, RS3)).toBe(0);
    // the table, polled all through the restart and one delay_loop after it
    const seen = new Set<string>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        seen.add(await saveOf("dir2"));
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    try {
      await restartAgent(haInstance(), "dir2");
      const h = await healthOf("dir2");
      expect(h.realServers).toHaveLength(6);
      expect(rsHealth(h, "172.16.0.250", RS2)?.state).toBe("down");
      expect(rsHealth(h, "172.16.0.150", RS3)?.configuredWeight).toBe(0);
      await new Promise((r) => setTimeout(r, 4000));
    } finally {
      polling = false;
      await poller;
    }
    expect([...seen]).toEqual([before]);
    // the checks file was applied before the agent served (and so before any check)
    const log = await haOk("dir2", ["cat", "/run/lab/logs/agent-dir2.log"]);
    const applied = log.search(/health: checks of 6 real servers in 2 services/);
    expect(applied, log).toBeGreaterThanOrEqual(0);
    expect(applied).toBeLessThan(log.search(/listening/));
    const t0 = Date.now();
    await rsUp("rs2");
    const took = await measure(["dir2"], t0, rs2In, BOUND_MS * 3);
    console.log(`after the restart, rs2 back in ${took.dir2} ms (bound ${BOUND_MS} ms)`);
    expect(took.dir2).not.toBeNull();
    expect(took.dir2!).toBeLessThanOrEqual(BOUND_MS);
    expect(weightIn(await saveOf("dir2"), NAT, RS3)).toBe(0);
  });

  it("guest reboot: the rules and the checks come back with their state, and the checks act", async () => {
    await rsDown("rs2");
    await until("rs2 out of dir2", async () => rs2Out(await saveOf("dir2")), BOUND_MS * 3, 200);
    await flushed();
    await reboot(haInstance(), haState().directors.find((d) => d.name === "dir2")!.guest, () => {});
    // the reboot starts every httpd again: rs2 was restored as down (its state) and then came
    // back by a check, not by the restore
    await until("rs2 back in dir2 after the reboot", async () => rs2In(await saveOf("dir2")), BOUND_MS * 3, 250);
    const h = await healthOf("dir2");
    expect(h.realServers).toHaveLength(6);
    const tr = rsHealth(h, "172.16.0.250", RS2)?.transitions.map((t) => `${t.from}>${t.to}`);
    expect(tr).toEqual(["unknown>down", "down>up"]);
    let s = await saveOf("dir2");
    expect(weightIn(s, NAT, RS3)).toBe(0);
    expect(weightIn(s, DR, RS3)).toBe(4);
    // the checks act after the reboot: rs1 down, out within the bound, and back
    let t0 = Date.now();
    await rsDown("rs1");
    const out = await measure(["dir2"], t0, (x) => weightIn(x, NAT, "10.0.0.11:80") === 0 && weightIn(x, DR, "10.0.0.11:80") === null, BOUND_MS * 3);
    t0 = Date.now();
    await rsUp("rs1");
    const back = await measure(["dir2"], t0, (x) => weightIn(x, NAT, "10.0.0.11:80") === 1 && weightIn(x, DR, "10.0.0.11:80") === 1, BOUND_MS * 3);
    console.log(`after the reboot, rs1 out in ${out.dir2} ms, back in ${back.dir2} ms (bound ${BOUND_MS} ms)`);
    expect(out.dir2).not.toBeNull();
    expect(out.dir2!).toBeLessThanOrEqual(BOUND_MS);
    expect(back.dir2).not.toBeNull();
    expect(back.dir2!).toBeLessThanOrEqual(BOUND_MS);
    s = await saveOf("dir2");
    expect(weightIn(s, NAT, RS3)).toBe(0);
  });
});
