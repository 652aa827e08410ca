// The checks file: written when the configuration or an intent changes, read back at start
// (an agent restart keeps the checks and the drained weight); a bad file is named, not half-read.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createAgentHealth } from "@/agent/health/boot.ts";
import { keepChecksFile } from "@/agent/health/checks-file.ts";
import { HealthManager } from "@/agent/health/manager.ts";
import { HealthConfig } from "@/protocol/health.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { FakeClock, scriptedChecks } from "./health-fakes.ts";

const SVC = { protocol: "tcp" as const, address: "10.0.0.100", port: 80 };
const conf = (w: number) => ({ forwarding: "masq" as const, weight: w, upperThreshold: 0, lowerThreshold: 0, tunnel: null });

describe("checks file", () => {
  it("survives a restart with the operator's intent, and the table follows it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "checks-"));
    const file = join(dir, "rules.checks.json");
    const ipvs = new FakeIpvs();
    await ipvs.createService({ key: SVC, config: { scheduler: "wlc", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
    const a = createAgentHealth(ipvs, { checksFile: file, allowScriptChecks: false, onError: (e) => { throw e; } });
    expect(await a.start()).toEqual([`no checks file ${file} yet`]);
    // a long warmup: no check runs during the test
    const config = HealthConfig.parse({ services: [{ key: SVC, delayLoop: 3600, realServers: [{ key: { address: "10.0.0.11", port: 80 }, config: conf(3), checkers: [{ kind: "TCP_CHECK" }] }] }] });
    await a.manager.configure(config);
    await a.client.updateDestination(SVC, { key: { address: "10.0.0.11", port: 80 }, config: conf(0) });
    await a.stop();
    expect(JSON.parse(readFileSync(file, "utf8")).services[0].realServers[0].config.weight).toBe(0);
    // the "restart": a fresh table restored with the old weight, then the checks file
    await ipvs.updateDestination(SVC, { key: { address: "10.0.0.11", port: 80 }, config: conf(3) });
    const b = createAgentHealth(ipvs, { checksFile: file, allowScriptChecks: false, onError: (e) => { throw e; } });
    expect((await b.start())[0]).toMatch(/^checks of 1 real servers in 1 services/);
    expect((await ipvs.listDestinations(SVC))[0]!.config.weight).toBe(0);
    expect(b.manager.status().realServers[0]!.configuredWeight).toBe(0);
    await b.stop();
  });

  it("a file that does not validate is reported and nothing is configured", async () => {
    const dir = mkdtempSync(join(tmpdir(), "checks-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ services: [{ key: SVC, realServers: [{ key: { address: "x", port: 80 } }] }] }));
    const h = createAgentHealth(new FakeIpvs(), { checksFile: file, allowScriptChecks: false, onError: () => {} });
    const log = await h.start();
    expect(log[0]).toMatch(/bad\.json not applied: .*services\.0\.realServers\.0/);
    expect(h.manager.status().realServers).toEqual([]);
    await h.stop();
  });

  it("keeps each server's up/down state: a restart leaves a down server out and an up one in, whatever alpha says", async () => {
    const dir = mkdtempSync(join(tmpdir(), "checks-"));
    const file = join(dir, "rules.checks.json");
    const ipvs = new FakeIpvs();
    await ipvs.createService({ key: SVC, config: { scheduler: "wlc", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
    for (const a of ["10.0.0.11", "10.0.0.12"]) await ipvs.createDestination(SVC, { key: { address: a, port: 80 }, config: conf(2) });
    const clock = new FakeClock();
    const hm = new HealthManager(ipvs, { clock, runCheck: scriptedChecks(clock, new Set(["10.0.0.12"])).run });
    const rs = (a: string, alpha: boolean) => ({ key: { address: a, port: 80 }, config: conf(2), checkers: [{ kind: "TCP_CHECK", alpha }] });
    // 10.0.0.11 fails its checks; 10.0.0.12 passes although it starts down (alpha)
    await hm.configure(HealthConfig.parse({ services: [{ key: SVC, delayLoop: 5, warmup: 0, retry: 0, realServers: [rs("10.0.0.11", false), rs("10.0.0.12", true)] }] }));
    const flush = keepChecksFile(hm, file, (e) => { throw e; }, 0);
    await clock.advance(0);
    await hm.idle();
    expect((await ipvs.listDestinations(SVC)).map((d) => d.key.address)).toEqual(["10.0.0.12"]);
    await flush();
    await new Promise((r) => setTimeout(r, 20));
    await flush();
    expect(JSON.parse(readFileSync(file, "utf8")).alive.map((x: { alive: boolean }) => x.alive)).toEqual([false, true]);
    hm.stop();
    // the restart: the table as it was; the file's states win over alpha, no check runs yet
    const b = createAgentHealth(ipvs, { checksFile: file, allowScriptChecks: false, onError: (e) => { throw e; } });
    await b.start();
    expect((await ipvs.listDestinations(SVC)).map((d) => [d.key.address, d.config.weight])).toEqual([["10.0.0.12", 2]]);
    expect(b.manager.status().realServers.map((r) => r.state)).toEqual(["down", "unknown"]);
    await b.stop();
  });

  it("a bad alive list is named and nothing is configured", async () => {
    const dir = mkdtempSync(join(tmpdir(), "checks-"));
    const file = join(dir, "bad-alive.json");
    writeFileSync(file, JSON.stringify({ services: [], alive: [{ service: SVC, key: { address: "10.0.0.11", port: 80 }, alive: "yes" }] }));
    const h = createAgentHealth(new FakeIpvs(), { checksFile: file, allowScriptChecks: false, onError: () => {} });
    expect((await h.start())[0]).toMatch(/bad-alive\.json not applied: .*alive\.0\.alive/);
    await h.stop();
  });
});
