// rules.import / rules.export / rules.diff with format "keepalived" through the agent's handler
// path: the table is applied and the checks configured; a syntax error applies nothing; the
// export carries the checks and a server health removed; the diff of the export is empty.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HealthManager } from "@/agent/health/manager.ts";
import { withHealthIntent } from "@/agent/health/intent-client.ts";
import { diffSource, exportRules, importRules } from "@/agent/rules/import.ts";
import { parseKeepalived } from "@/protocol/keepalived/parse.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { FakeClock, scriptedChecks } from "./health-fakes.ts";

const TEXT = readFileSync("test/fixtures/keepalived/nat-dr-tcp-http.conf", "utf8");

function setup() {
  const kernel = new FakeIpvs();
  const clock = new FakeClock();
  const up = new Set(["10.0.0.11", "10.0.0.12", "10.0.0.13"]);
  const health = new HealthManager(kernel, { clock, runCheck: scriptedChecks(clock, up).run });
  return { kernel, ipvs: withHealthIntent(kernel, health), health, clock, up };
}

describe("rules.import format keepalived", () => {
  it("applies the table and the checks; export and diff come back the same", async () => {
    const { kernel, ipvs, health, clock, up } = setup();
    const r = await importRules(ipvs, { format: "keepalived", text: TEXT }, "replace", false, "changes", health);
    expect(r.errors).toEqual([]);
    expect(r.applied).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(kernel.services.size).toBe(2);
    expect(health.status().realServers.length).toBe(5);
    up.delete("10.0.0.12");
    await clock.advance(10_000);
    const nat = await kernel.listDestinations({ protocol: "tcp", address: "10.0.0.100", port: 80 });
    expect(nat.map((d) => d.key.address)).toEqual(["10.0.0.11", "10.0.0.13"]);
    const out = await exportRules(ipvs, "keepalived", health);
    if (out.format !== "keepalived") throw new Error("wrong format");
    const back = parseKeepalived(out.text);
    const orig = parseKeepalived(TEXT);
    // the server health removed is exported from its intent (at the end of its service)
    expect(back.rules.services[0]!.destinations.map((d) => d.key.address).sort()).toEqual(["10.0.0.11", "10.0.0.12", "10.0.0.13"]);
    expect(back.health.services.map((s) => s.realServers.length)).toEqual(orig.health.services.map((s) => s.realServers.length));
    up.add("10.0.0.12");
    await clock.advance(10_000);
    expect(await diffSource(ipvs, { format: "keepalived", text: TEXT })).toEqual([]);
    health.stop();
  });

  it("a syntax error names its line and changes nothing", async () => {
    const { kernel, ipvs, health } = setup();
    const r = await importRules(ipvs, { format: "keepalived", text: "virtual_server 10.0.0.1 80 {\n  lb_algo nope\n}\n" }, "replace", false, "changes", health);
    expect(r.applied).toBe(false);
    expect(r.errors[0]).toMatchObject({ line: 2 });
    expect(r.errors[0]!.message).toContain("unknown scheduler 'nope'");
    expect(kernel.calls).toEqual([]);
    await expect(diffSource(ipvs, { format: "keepalived", text: "}" })).rejects.toThrow(/line 1/);
  });

  it("warns about what it does not apply, with the line; includes come in `files`", async () => {
    const { ipvs, health } = setup();
    const text = "include vs.conf\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n";
    const files = { "vs.conf": "virtual_server 10.0.0.1 80 {\n  protocol TCP\n  smtp_alert\n}\n" };
    const r = await importRules(ipvs, { format: "keepalived", text, files }, "replace", true, "changes", health);
    expect(r.warnings?.map((w) => w.message)).toEqual([
      "(vs.conf: Line 3) 'smtp_alert' not supported by lvs-fleet, ignored",
      "vrrp_instance blocks are not applied by a rules import: set them as the HA group's VRRP settings (ha.configure)",
    ]);
    expect(r.changes.length).toBe(1);
  });
});
