// Per-director tokens: POST /api/directors without a token generates one, returns it once
// (never in GET, views or audit) and it works on the agent; rotation returns a new one, keeps
// the open link, and the next connection uses the new token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectorCreated, DirectorInfo, IssuedToken } from "@/protocol/dashboard/index.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";
import { type TestServer, startServer, until } from "./server-helpers.ts";

let server: TestServer;
const harnesses: Harness[] = [];
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  for (const h of harnesses) await h.close().catch(() => {});
});

const linkOf = async (id: string) => (await server.api<DirectorInfo>("GET", `/api/directors/${id}`)).body.director.link;

describe("generated agent tokens", () => {
  it("are shown once, work on the agent, never leak, and rotate without dropping the link", async () => {
    let agentToken = "placeholder-token-not-yet-issued";
    const h = await startHarness({ token: () => agentToken });
    harnesses.push(h);
    const r = await server.api<DirectorCreated>("POST", "/api/directors", { name: "gen", url: h.server.url });
    expect(r.status).toBe(201);
    const issued = r.body.issued!;
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.installCommand).toContain(issued.token);
    // the agent does not know it yet: refused, then accepted once installed
    await until(async () => (await linkOf("gen")) === "unauthorized", 10_000, "unauthorized");
    agentToken = issued.token;
    await until(async () => (await linkOf("gen")) === "online", 10_000, "online with the generated token");

    const viewer = await server.client("viewer");
    expect((await viewer.api("POST", "/api/directors/gen/token")).status).toBe(403);
    const rot = await server.api<IssuedToken>("POST", "/api/directors/gen/token");
    expect(rot.status).toBe(200);
    expect(rot.body.token).not.toBe(issued.token);
    agentToken = rot.body.token; // the operator installs it; the open link stays up meanwhile
    await new Promise((res) => setTimeout(res, 500));
    expect(await linkOf("gen")).toBe("online");
    // a reconnect (agent restart on the same port) authenticates with the new token
    const port = h.server.port;
    await h.close();
    const again = await startHarness({ port, token: () => agentToken });
    harnesses.push(again);
    await until(() => again.server.clientCount === 1, 10_000, "the server linked to the restarted agent");
    await until(async () => (await linkOf("gen")) === "online", 10_000, "online after reconnect");

    const everything = JSON.stringify([
      (await server.api("GET", "/api/directors/gen")).body,
      (await server.api("GET", "/api/directors")).body,
      (await server.api("GET", "/api/audit")).body,
    ]);
    for (const t of [issued.token, rot.body.token]) expect(everything).not.toContain(t);
    expect(everything).toContain("director.token");
  }, 40_000);
});
