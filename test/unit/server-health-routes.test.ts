// The health REST routes with a fake health-checking agent: roles (viewers read, operators
// change), bodies validated with the agent's schemas (the field named), unknown targets, the
// intent weight kept for a held-out real server, service settings that keep the real servers,
// removal, MISC_CHECK refused unless the agent allows scripts, and an agent without health.
import { afterEach, describe, expect, it } from "vitest";
import type { DirectorHealthView } from "@/protocol/dashboard/health.ts";
import type { HealthConfig } from "@/protocol/health.ts";
import { type HealthAgent, healthAgent } from "./server-health-fakes.ts";
import { type TestServer, closeTestServer, registration, startServer, until } from "./server-helpers.ts";

const SVC = { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wlc" } };
const SK = "tcp:10.9.0.1:80";
const S = encodeURIComponent(SK);
const D = encodeURIComponent("10.0.0.11:80");
const RS_PATH = `/api/directors/d1/health/services/${S}/destinations/${D}`;

let s: TestServer | undefined;
let a: HealthAgent | undefined;
afterEach(async () => {
  await closeTestServer(s, a ? [a.h] : []);
  s = a = undefined;
});

async function setup(withHealth = true): Promise<{ s: TestServer; a: HealthAgent }> {
  a = await healthAgent(withHealth);
  s = await startServer({ health: { pollMs: 100 } });
  expect((await s.api("POST", "/api/directors", registration(a.h, "d1"))).status).toBe(201);
  await until(() => s!.app.fleet.get("d1").online && s!.app.health.view("d1").status !== "pending", 10_000, "d1 online with its health status");
  expect((await s.api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
  const r = await s.api("POST", `/api/directors/d1/services/${S}/destinations`, { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "masq", weight: 7 } });
  expect(r.status).toBe(201);
  return { s, a };
}

const HTTP = { checkers: [{ kind: "HTTP_GET", urls: [{ path: "/health", statusCode: [{ from: 200, to: 299 }] }], connectTimeout: 2 }], retry: 2, delayBeforeRetry: 1, inhibitOnFailure: true };

describe("health REST routes", () => {
  it("viewers read, operators configure; a bad body is refused with the field named and nothing is sent", async () => {
    const { s, a } = await setup();
    const viewer = await s.client("viewer");
    expect((await viewer.api("GET", "/api/directors/d1/health")).status).toBe(200);
    expect((await viewer.api("GET", "/api/directors/d1/health/config")).status).toBe(200);
    expect((await viewer.api("PUT", RS_PATH, HTTP)).status).toBe(403);
    const operator = await s.client("operator");
    const ok = await operator.api<DirectorHealthView>("PUT", RS_PATH, HTTP);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.services[SK]!.realServers["10.0.0.11:80"]).toMatchObject({ checkers: ["HTTP_GET"], configuredWeight: 7 });
    expect(a.health!.configures).toBe(1);
    const rs = a.health!.config.services[0]!.realServers[0]!;
    expect(rs).toMatchObject({ inhibitOnFailure: true, retry: 2, delayBeforeRetry: 1, config: { weight: 7, forwarding: "masq" } });

    const bad: [unknown, RegExp][] = [
      [{ checkers: [{ kind: "HTTP_GET", urls: [] }] }, /checkers\.0\.urls/],
      [{ checkers: [{ kind: "HTTP_GET", urls: [{ path: "no-slash" }] }] }, /checkers\.0\.urls\.0\.path/],
      [{ checkers: [{ kind: "TCP_CHECK", connectPort: 0 }] }, /checkers\.0\.connectPort/],
      [{ checkers: [{ kind: "DNS_CHECK", type: "PTR" }] }, /checkers\.0\.type/],
      [{ delayLoop: 0 }, /delayLoop/],
      [{ checkers: [{ kind: "HTTP_GET", urls: [{ path: "/", regex: "(" }] }] }, /regex/],
      [{ checkers: [], weight: 3 }, /weight|Unrecognized/],
    ];
    for (const [body, field] of bad) {
      const r = await operator.api<{ error: { code: string; message: string; details?: unknown } }>("PUT", RS_PATH, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(`${r.body.error.message} ${JSON.stringify(r.body.error.details ?? "")}`, JSON.stringify(body)).toMatch(field);
    }
    expect(a.health!.configures).toBe(1);
    // refused bodies are not audited as changes
    const audit = (await s.api<unknown[]>("GET", "/api/audit?action=health.configure")).body;
    expect(audit).toHaveLength(1);
  });

  it("unknown targets are 404 or 400; MISC_CHECK is refused unless the agent allows scripts", async () => {
    const { s, a } = await setup();
    expect((await s.api("PUT", `/api/directors/d1/health/services/${S}/destinations/${encodeURIComponent("10.0.0.99:80")}`, HTTP)).status).toBe(404);
    expect((await s.api("PUT", `/api/directors/d1/health/services/${encodeURIComponent("tcp:10.9.0.2:80")}`, { quorum: 2 })).status).toBe(404);
    expect((await s.api("PUT", `/api/directors/d1/health/services/nonsense/destinations/${D}`, HTTP)).status).toBe(400);
    expect((await s.api("PUT", `/api/directors/d9/health/services/${S}/destinations/${D}`, HTTP)).status).toBe(404);
    expect((await s.api("DELETE", RS_PATH)).status).toBe(404);
    const misc = { checkers: [{ kind: "MISC_CHECK", miscPath: ["/usr/local/bin/check", "--fast"] }] };
    const r = await s.api<{ error: { message: string } }>("PUT", RS_PATH, misc);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/--allow-script-checks/);
    expect(a.health!.configures).toBe(0);
    a.health!.scriptChecksAllowed = true;
    a.health!.push();
    await until(() => s.app.health.of("d1").last?.scriptChecksAllowed, 3000, "scripts allowed");
    expect((await s.api("PUT", RS_PATH, misc)).status).toBe(200);
    expect(a.health!.config.services[0]!.realServers[0]!.checkers[0]).toMatchObject({ kind: "MISC_CHECK", user: "nobody" });
  });

  it("service settings keep the real servers; a held-out server keeps its intent weight; removal stops its checks", async () => {
    const { s, a } = await setup();
    expect((await s.api("PUT", RS_PATH, HTTP)).status).toBe(200);
    const r = await s.api("PUT", `/api/directors/d1/health/services/${S}`, { quorum: 5, hysteresis: 1, delayLoop: 3, sorryServer: { key: { address: "10.0.0.50", port: 80 } } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const svc = a.health!.config.services[0]!;
    expect(svc).toMatchObject({ quorum: 5, hysteresis: 1, delayLoop: 3, sorryServer: { key: { address: "10.0.0.50" }, forwarding: "masq", inhibit: false } });
    expect(svc.realServers).toHaveLength(1);
    expect((await s.api("PUT", `/api/directors/d1/health/services/${S}`, { quorum: 0 })).status).toBe(400);

    // health took the server out (weight 0 in the table): a new edit restores the intent (7), not 0
    a.ipvs.services.get([...a.ipvs.services.keys()][0]!)!.destinations[0]!.config.weight = 0;
    await s.app.fleet.get("d1").relist();
    expect((await s.api("PUT", RS_PATH, { checkers: [{ kind: "TCP_CHECK" }] })).status).toBe(200);
    expect(a.health!.config.services[0]!.realServers[0]!.config.weight).toBe(7);

    const cfg = await s.api<HealthConfig>("GET", "/api/directors/d1/health/config");
    expect(cfg.body.services[0]!.realServers[0]!.checkers[0]!.kind).toBe("TCP_CHECK");
    expect((await s.api("DELETE", RS_PATH)).status).toBe(200);
    expect(a.health!.config.services[0]!.realServers).toEqual([]);
    expect((await s.api("DELETE", `/api/directors/d1/health/services/${S}`)).status).toBe(200);
    expect(a.health!.config.services).toEqual([]);
    expect((await s.api("DELETE", `/api/directors/d1/health/services/${S}`)).status).toBe(404);
  });

  it("an agent without health checks: status none, changes refused with 409", async () => {
    const { s } = await setup(false);
    const v = await s.api<DirectorHealthView>("GET", "/api/directors/d1/health");
    expect(v.body).toMatchObject({ status: "none", services: {} });
    const r = await s.api("PUT", RS_PATH, HTTP);
    expect(r.status).toBe(409);
  });
});
