// The checks file: written when the configuration or an intent changes, read back at start
// (an agent restart keeps the checks and the drained weight); a bad file is named, not half-read.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createAgentHealth } from "../../agent/health/boot.ts";
import { HealthConfig } from "../../protocol/health.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";

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
});
