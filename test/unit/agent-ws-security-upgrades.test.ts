// The agent's side of issue 14 item 8: refused upgrades are reported with the address and the
// reason, and repeated failures from one address are backed off (429 with Retry-After, the
// token not even checked); a token file must be the agent user's own and not readable or
// writable by group or others; after a token rotation, connections opened with the old token
// are closed once a grace period is over.
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { TokenFile } from "@/agent/ws/token-file.ts";
import { type Harness, TOKEN, startHarness } from "./agent-ws-harness.ts";

let h: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The upgrade's HTTP status (101 when it opened) and Retry-After. */
const attempt = (url: string, token: string | null) =>
  new Promise<{ status: number; retryAfter: string | undefined }>((resolve) => {
    const ws = new WebSocket(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    ws.on("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined }));
    ws.on("open", () => {
      ws.terminate();
      resolve({ status: 101, retryAfter: undefined });
    });
    ws.on("error", () => resolve({ status: -1, retryAfter: undefined }));
  });

describe("refused upgrades", () => {
  it("are reported with address and reason; repeated failures from an address are backed off", async () => {
    const seen: { authorized: boolean; remoteAddress: string | undefined; reason?: string }[] = [];
    h = await startHarness({ onUpgradeRequest: (i) => seen.push(i), upgradeBackoff: { free: 3, baseMs: 400 } });
    expect((await attempt(h.server.url, null)).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await attempt(h.server.url, "wrong-token-xxxxxxxx")).status).toBe(401);
    expect(seen[0]).toMatchObject({ authorized: false, remoteAddress: "127.0.0.1", reason: "no bearer token" });
    expect(seen[1]).toMatchObject({ authorized: false, reason: "wrong token" });
    // the fourth try: backed off, even with the right token
    const backedOff = await attempt(h.server.url, TOKEN);
    expect(backedOff.status).toBe(429);
    expect(Number(backedOff.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(seen.at(-1)).toMatchObject({ authorized: false, reason: expect.stringMatching(/backing off/) });
    await new Promise((r) => setTimeout(r, 450));
    expect((await attempt(h.server.url, TOKEN)).status).toBe(101);
    // a success clears the count
    for (let i = 0; i < 3; i++) expect((await attempt(h.server.url, "wrong-token-xxxxxxxx")).status).toBe(401);
  });
});

describe("token file", () => {
  const file = (mode: number) => {
    const d = mkdtempSync(join(tmpdir(), "lvs-agent-token-"));
    dirs.push(d);
    const f = join(d, "token");
    writeFileSync(f, `${TOKEN}\n`);
    chmodSync(f, mode);
    return f;
  };

  it("accepts 0600 and 0400 owned by this user", () => {
    expect(new TokenFile(file(0o600)).current).toBe(TOKEN);
    expect(new TokenFile(file(0o400)).current).toBe(TOKEN);
  });

  it("refuses group or world readable or writable", () => {
    for (const mode of [0o640, 0o620, 0o604, 0o602, 0o660]) expect(() => new TokenFile(file(mode)), mode.toString(8)).toThrow(/chmod 600/);
  });

  it("refuses a file owned by another user", () => {
    const f = file(0o600);
    chownSync(f, 4321, 4321);
    expect(() => new TokenFile(f)).toThrow(/owned by uid 4321/);
  });

  it("a reload that makes it group-readable keeps the previous token", () => {
    const f = file(0o600);
    const errors: string[] = [];
    const t = new TokenFile(f, { onError: (e) => errors.push(e.message) });
    writeFileSync(f, "another-token-0123456789\n");
    chmodSync(f, 0o640);
    expect(t.reload()).toBe(false);
    expect(t.current).toBe(TOKEN);
    expect(errors[0]).toMatch(/chmod 600/);
  });
});

describe("token rotation", () => {
  it("connections opened with the old token are closed after the grace period; new ones stay", async () => {
    let token = TOKEN;
    const closedOld: (string | undefined)[] = [];
    h = await startHarness({ token: () => token, tokenGraceMs: 400, onOldTokenClosed: (i) => closedOld.push(i.remoteAddress) });
    const old = await h.raw(TOKEN);
    token = "rotated-token-0123456789";
    const fresh = await h.raw(token);
    await new Promise((r) => setTimeout(r, 200));
    expect(old.closeCode).toBeNull(); // within the grace period
    expect(old.ws.readyState).toBe(WebSocket.OPEN);
    await new Promise((r) => setTimeout(r, 1400));
    expect(old.closeCode).toBe(1008);
    expect(closedOld).toEqual(["127.0.0.1"]);
    expect(fresh.closeCode).toBeNull();
    expect(await fresh.request({ v: 1, id: "p", type: "ping", payload: {} })).toMatchObject({ type: "pong" });
  });
});
