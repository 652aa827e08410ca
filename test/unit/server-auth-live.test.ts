// The live WebSocket: the upgrade needs a session and this server's Origin; the session is
// checked again on every message, and a socket whose session ends (logout, user deleted,
// expiry) is closed with 4401.
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CLOSE_SESSION_ENDED } from "@/server/live/hub.ts";
import { LivePeer, type TestServer, removeDir, startServer, until } from "./server-helpers.ts";

let s: TestServer | undefined;
const peers: LivePeer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await s?.close();
  if (s) removeDir(s.dataDir);
  s = undefined;
});

/** The HTTP status of a refused upgrade (0 when it opened). */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/live`, { headers });
    ws.once("open", () => {
      ws.terminate();
      resolve(0);
    });
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? -1));
    ws.once("error", (e) => reject(e));
  });
}

const closed = (peer: LivePeer) => new Promise<number>((resolve) => peer.ws.once("close", (code) => resolve(code)));

describe("live WebSocket access", () => {
  it("refuses an upgrade without a session (401) or from another origin (403); accepts a viewer from this origin", async () => {
    s = await startServer();
    const viewer = await s.client("viewer");
    expect(await upgradeStatus(s.url, {})).toBe(401);
    expect(await upgradeStatus(s.url, { cookie: "lvs_session=forged" })).toBe(401);
    expect(await upgradeStatus(s.url, { cookie: viewer.cookie, origin: "https://evil.example" })).toBe(403);
    expect(await upgradeStatus(s.url, { cookie: viewer.cookie, origin: s.url })).toBe(0);
    const peer = await LivePeer.open(s.url, viewer.cookie);
    peers.push(peer);
    peer.send({ type: "subscribe", topic: "fleet" });
    expect(await peer.next((m) => m.type === "snapshot")).toMatchObject({ topic: "fleet", seq: 0 });
    const audit = (await s.api<{ action: string }[]>("GET", "/api/audit?action=auth.origin")).body;
    expect(audit.length).toBe(1);
  });

  it("logout closes the session's sockets with 4401; other sessions' sockets stay", async () => {
    s = await startServer();
    const viewer = await s.client("viewer");
    const mine = await LivePeer.open(s.url, viewer.cookie);
    const other = await LivePeer.open(s.url);
    peers.push(mine, other);
    const code = closed(mine);
    expect((await viewer.api("POST", "/api/auth/logout")).status).toBe(200);
    expect(await code).toBe(CLOSE_SESSION_ENDED);
    other.send({ type: "subscribe", topic: "fleet" });
    expect(await other.next((m) => m.type === "snapshot")).toMatchObject({ topic: "fleet" });
  });

  it("a message after the session expired gets unauthorized and the socket closes", async () => {
    s = await startServer({ auth: { session: { idleMs: 300, absoluteMs: 60_000 } } });
    const viewer = await s.client("viewer");
    const peer = await LivePeer.open(s.url, viewer.cookie);
    peers.push(peer);
    const code = closed(peer);
    await new Promise((r) => setTimeout(r, 450));
    peer.send({ type: "subscribe", topic: "fleet" });
    expect(await peer.next((m) => m.type === "error")).toMatchObject({ error: { code: "unauthorized" } });
    expect(await code).toBe(CLOSE_SESSION_ENDED);
  });

  it("deleting a user closes its sockets", async () => {
    s = await startServer();
    const viewer = await s.client("viewer", "temp");
    const peer = await LivePeer.open(s.url, viewer.cookie);
    peers.push(peer);
    const code = closed(peer);
    const id = s.app.auth.users.byName("temp")!.id;
    expect((await s.api("DELETE", `/api/users/${id}`)).status).toBe(200);
    expect(await code).toBe(CLOSE_SESSION_ENDED);
    await until(() => s!.app.hub.socketCount === 0, 2000, "socket gone");
  });
});
