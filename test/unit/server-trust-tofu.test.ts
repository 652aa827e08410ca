// The server's agent trust over real TLS: an unpinned wss:// director is pinned on first use;
// a changed certificate makes it "untrusted" with the presented fingerprint and no token sent,
// until an admin accepts exactly that fingerprint (audited, admin only).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentIdentity, loadOrCreateIdentity } from "@/agent/tls/self-signed.ts";
import type { DirectorInfo } from "@/protocol/dashboard/index.ts";
import { type Harness, TOKEN, startHarness } from "./agent-ws-harness.ts";
import { type TestServer, startServer, until } from "./server-helpers.ts";

let dir: string;
let first: AgentIdentity;
let second: AgentIdentity;
let server: TestServer;
const harnesses: Harness[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "server-trust-"));
  first = await loadOrCreateIdentity(join(dir, "one"));
  second = await loadOrCreateIdentity(join(dir, "two"));
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  for (const h of harnesses) await h.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

async function agentWith(identity: AgentIdentity, port = 0, upgrades: boolean[] = []): Promise<Harness> {
  const h = await startHarness({
    port,
    tls: { cert: identity.cert, key: identity.key },
    onUpgradeRequest: (i) => upgrades.push(i.authorized),
  });
  harnesses.push(h);
  return h;
}

const infoOf = async (id: string) => (await server.api<DirectorInfo>("GET", `/api/directors/${id}`)).body;

describe("agent certificate trust", () => {
  it("pins on first use, refuses a changed certificate as untrusted, and goes online once an admin accepts it", async () => {
    const a = await agentWith(first);
    const r = await server.api<DirectorInfo>("POST", "/api/directors", { name: "tofu", url: a.server.url, token: TOKEN });
    expect(r.status).toBe(201);
    await until(async () => (await infoOf("tofu")).director.link === "online", 10_000, "online");
    const pinned = await infoOf("tofu");
    expect(pinned.trust).toEqual({ pinned: first.fingerprint256, presented: null });
    expect(pinned.settings.fingerprint256).toBe(first.fingerprint256);
    // stored, so it survives a restart; a config-file entry without a fingerprint keeps it
    expect(server.app.fleet.store.get("tofu")?.registration.fingerprint256).toBe(first.fingerprint256);
    server.app.fleet.upsert({ name: "tofu", url: a.server.url, token: TOKEN, group: "", role: "director", addresses: [] });
    expect(server.app.fleet.store.get("tofu")?.registration.fingerprint256).toBe(first.fingerprint256);
    await until(async () => (await infoOf("tofu")).director.link === "online", 10_000, "online after upsert");

    // the agent comes back on the same address with another certificate
    const port = a.server.port;
    await a.close();
    const upgrades: boolean[] = [];
    await agentWith(second, port, upgrades);
    const untrusted = await until(async () => {
      const i = await infoOf("tofu");
      return i.director.link === "untrusted" ? i : null;
    }, 10_000, "untrusted");
    expect(untrusted.trust).toEqual({ pinned: first.fingerprint256, presented: second.fingerprint256 });
    expect(untrusted.director.linkError).toContain(second.fingerprint256);
    await new Promise((r) => setTimeout(r, 600)); // a few retries at the test's 400 ms pace
    expect((await infoOf("tofu")).director.link).toBe("untrusted");
    expect(upgrades).toEqual([]); // the token never went to the unknown certificate

    const operator = await server.client("operator");
    const accept = { fingerprint256: second.fingerprint256 };
    expect((await operator.api("POST", "/api/directors/tofu/trust", accept)).status).toBe(403);
    const stale = await server.api("POST", "/api/directors/tofu/trust", { fingerprint256: first.fingerprint256 });
    expect(stale.status).toBe(409);
    const ok = await server.api<DirectorInfo>("POST", "/api/directors/tofu/trust", { fingerprint256: second.fingerprint256.toLowerCase() });
    expect(ok.status).toBe(200);
    expect(ok.body.settings.fingerprint256).toBe(second.fingerprint256);
    await until(async () => (await infoOf("tofu")).director.link === "online", 10_000, "online after accept");
    expect(upgrades).toEqual([true]);
    const audit = JSON.stringify((await server.api("GET", "/api/audit")).body);
    expect(audit).toContain("director.trust");
    expect(audit).not.toContain(TOKEN);
  }, 40_000);
});
