// REST against real agents over FakeIpvs: registration, services and real servers (happy
// paths, validation, relayed kernel errors, offline directors), and the audit trail.
import { afterEach, describe, expect, it } from "vitest";
import type { DirectorInfo, DirectorView } from "@/protocol/dashboard/index.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { type TestServer, agents, closeTestServer, registration, startServer, until } from "./server-helpers.ts";

let s: TestServer | undefined;
let hs: Harness[] = [];
afterEach(async () => {
  await closeTestServer(s, hs);
  s = undefined;
  hs = [];
});

const SVC = { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wrr", persistence: { timeout: 300, netmask: "255.255.255.255" } } };
const SVC_KEY = encodeURIComponent("tcp:10.9.0.1:80");
const DEST = { key: { address: "10.0.0.11", port: 8080 }, config: { forwarding: "masq", weight: 3 } };

async function online(id = "d1"): Promise<void> {
  await until(async () => {
    const r = await s!.api<{ directors: Record<string, DirectorView> }>("GET", "/api/directors");
    return r.body.directors[id]?.link === "online";
  }, 10_000, `${id} online`);
}

describe("server REST", () => {
  it("registers a director, never shows its token, and patches and deletes it", async () => {
    hs = await agents(1);
    s = await startServer();
    const created = await s.api<DirectorInfo>("POST", "/api/directors", registration(hs[0]!, "D1", { group: "ha" }));
    expect(created.status).toBe(201);
    expect(created.body.settings).toEqual({ id: "d1", name: "D1", url: hs[0]!.server.url, group: "ha", role: "director", addresses: [] });
    expect(JSON.stringify(created.body)).not.toContain("s3cret");
    await online();
    const got = await s.api<DirectorInfo>("GET", "/api/directors/d1");
    expect(got.body.director).toMatchObject({ id: "d1", link: "online", ipvsVersion: "1.2.1", connTableSize: 4096, group: "ha" });

    expect((await s.api("POST", "/api/directors", registration(hs[0]!, "d1"))).status).toBe(409);
    const patched = await s.api<DirectorInfo>("PATCH", "/api/directors/d1", { group: "" });
    expect(patched.status).toBe(200);
    expect(patched.body.settings.group).toBe("");
    expect(patched.body.settings.name).toBe("D1"); // absent fields keep their value
    await online();
    expect((await s.api("PATCH", "/api/directors/d1", { bogus: 1 })).status).toBe(400);
    expect((await s.api("DELETE", "/api/directors/d1")).status).toBe(200);
    expect((await s.api("GET", "/api/directors/d1")).status).toBe(404);
    const audit = await s.api<{ action: string; request: { token?: string } }[]>("GET", "/api/audit");
    expect(audit.body.map((e) => e.action).filter((a) => !a.startsWith("auth.") && a !== "group.seed")).toEqual(["director.delete", "director.update", "director.create", "director.create"]);
    expect(JSON.stringify(audit.body)).not.toContain("s3cret");
  });

  it("creates, updates and deletes services and real servers in the agent's table", async () => {
    hs = await agents(1);
    const h = hs[0]!;
    s = await startServer();
    await s.api("POST", "/api/directors", registration(h, "d1"));
    await online();
    const created = await s.api<{ key: string; config: { scheduler: string } }>("POST", "/api/directors/d1/services", SVC);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: "tcp:10.9.0.1:80", config: { scheduler: "wrr", persistence: { timeout: 300 } } });
    expect(h.ipvs.services.get("tcp:10.9.0.1:80")?.config.scheduler).toBe("wrr");

    const patched = await s.api<{ config: { scheduler: string; persistence: unknown } }>("PATCH", `/api/directors/d1/services/${SVC_KEY}`, { scheduler: "lc" });
    expect(patched.body.config).toMatchObject({ scheduler: "lc", persistence: { timeout: 300 } });

    const dest = await s.api<{ key: string; config: { weight: number } }>("POST", `/api/directors/d1/services/${SVC_KEY}/destinations`, DEST);
    expect(dest.status).toBe(201);
    expect(dest.body).toMatchObject({ key: "10.0.0.11:8080", config: { forwarding: "masq", weight: 3 }, drainJob: null });
    const dk = encodeURIComponent("10.0.0.11:8080");
    const dp = await s.api<{ config: { weight: number; forwarding: string } }>("PATCH", `/api/directors/d1/services/${SVC_KEY}/destinations/${dk}`, { weight: 7 });
    expect(dp.body.config).toMatchObject({ weight: 7, forwarding: "masq" });
    expect(h.ipvs.services.get("tcp:10.9.0.1:80")?.destinations[0]?.config.weight).toBe(7);

    const detail = await s.api<{ services: Record<string, { destinations: Record<string, unknown> }> }>("GET", "/api/directors/d1/services");
    expect(Object.keys(detail.body.services["tcp:10.9.0.1:80"]!.destinations)).toEqual(["10.0.0.11:8080"]);

    expect((await s.api("DELETE", `/api/directors/d1/services/${SVC_KEY}/destinations/${dk}`)).status).toBe(200);
    expect(h.ipvs.services.get("tcp:10.9.0.1:80")?.destinations).toEqual([]);
    expect((await s.api("DELETE", `/api/directors/d1/services/${SVC_KEY}`)).status).toBe(200);
    expect(h.ipvs.services.size).toBe(0);

    const audit = await s.api<{ action: string; ok: boolean | null; director: string }[]>("GET", "/api/audit?director=d1");
    expect(audit.body.map((e) => [e.action, e.ok])).toEqual([
      ["service.delete", true], ["dest.delete", true], ["dest.update", true], ["dest.create", true],
      ["service.update", true], ["service.create", true], ["director.create", true],
    ]);
    const one = await s.api<unknown[]>("GET", "/api/audit?action=dest.update&limit=5");
    expect(one.body).toHaveLength(1);
    const paged = await s.api<{ id: number }[]>("GET", "/api/audit?limit=2");
    const older = await s.api<{ id: number }[]>("GET", `/api/audit?limit=2&before=${paged.body[1]!.id}`);
    expect(older.body[0]!.id).toBeLessThan(paged.body[1]!.id);
  });

  it("validates inputs and relays agent errors with their code and message", async () => {
    hs = await agents(1);
    s = await startServer();
    await s.api("POST", "/api/directors", registration(hs[0]!, "d1"));
    await online();
    const bad = await s.api<{ error: { code: string; message: string; details: { issues: unknown[] } } }>("POST", "/api/directors/d1/services", { key: { protocol: "tcp", address: "not-an-ip", port: 80 }, config: { scheduler: "rr" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("bad_request");
    expect(bad.body.error.message).toContain("key.address");
    expect((await s.api("POST", "/api/directors/d1/services", "{nope")).status).toBe(400);
    expect((await s.api("POST", "/api/directors", { name: "x", url: "http://a", token: "t" })).status).toBe(400);
    expect((await s.api("PATCH", "/api/directors/d1/services/tcp%3Afoo", { scheduler: "rr" })).status).toBe(400);
    expect((await s.api("PATCH", `/api/directors/d1/services/${SVC_KEY}`, { scheduler: "nope" })).status).toBe(400);
    const missing = await s.api<{ error: { code: string; message: string } }>("PATCH", `/api/directors/d1/services/${SVC_KEY}`, { scheduler: "rr" });
    expect(missing.status).toBe(404);
    // the agent's words, verbatim
    const direct = await (await hs[0]!.client()).request("service.update", { key: SVC.key as never, config: { scheduler: "rr" } }).catch((e: Error) => e.message);
    expect(missing.body.error.message).toBe(direct);
    await s.api("POST", "/api/directors/d1/services", SVC);
    const dup = await s.api<{ error: { code: string } }>("POST", "/api/directors/d1/services", SVC);
    expect(dup.status).toBe(409);
    expect((await s.api("GET", "/api/directors/nope/services")).status).toBe(404);
    expect((await s.api("GET", "/api/nothing-here")).status).toBe(404);
    expect((await s.api("PUT", "/api/directors")).status).toBe(405);
    const huge = await s.api<{ error: { code: string } }>("POST", "/api/directors/d1/services", "x".repeat(2 * 1024 * 1024));
    expect(huge.status).toBe(413);
    const audit = await s.api<{ action: string; ok: boolean }[]>("GET", "/api/audit?action=service.create");
    expect(audit.body.map((e) => e.ok)).toEqual([false, true]);
  });

  it("a mutation to an offline director fails fast with unavailable", async () => {
    hs = await agents(1);
    s = await startServer();
    await s.api("POST", "/api/directors", registration(hs[0]!, "d1"));
    await online();
    await hs[0]!.close();
    await until(async () => (await s!.api<DirectorInfo>("GET", "/api/directors/d1")).body.director.link === "offline", 3000, "offline");
    const t0 = Date.now();
    const r = await s.api<{ error: { code: string } }>("POST", "/api/directors/d1/services", SVC);
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe("unavailable");
    expect(Date.now() - t0).toBeLessThan(500);
    hs = [];
  });

  it("the audit entry is written before the action runs and completed after", async () => {
    hs = await agents(1);
    s = await startServer();
    await s.api("POST", "/api/directors", registration(hs[0]!, "d1"));
    await online();
    hs[0]!.ipvs.delayMs = 400; // the agent's kernel calls are slow
    const pending = s.api("POST", "/api/directors/d1/services", SVC);
    const during = await until(async () => {
      const r = await s!.api<{ action: string; ok: boolean | null; result: unknown }[]>("GET", "/api/audit?action=service.create");
      return r.body[0];
    }, 2000, "the entry before the action completes");
    expect(during).toMatchObject({ action: "service.create", ok: null, result: null, user: "admin", target: "tcp:10.9.0.1:80" });
    expect((await pending).status).toBe(201);
    const after = await s.api<{ ok: boolean | null; time: number }[]>("GET", "/api/audit?action=service.create");
    expect(after.body[0]!.ok).toBe(true);
  });
});
