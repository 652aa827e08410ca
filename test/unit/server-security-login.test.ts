// Login throttling that holds (issue 14 items 1-2): attempts are counted before the argon2
// verify and verifies per key are capped, so simultaneous guesses do not all get checked; the
// lock is per (address, username) and per address, so an attacker cannot lock the admin out
// from elsewhere; X-Forwarded-For counts only from a configured trusted proxy.
import { afterEach, describe, expect, it } from "vitest";
import { ClientAddresses } from "@/server/auth/client-address.ts";
import { LoginLimiter } from "@/server/auth/rate-limit.ts";
import { ConfigError, parseServerArgs } from "@/server/config.ts";
import { ADMIN, type TestServer, removeDir, startServer } from "./server-helpers.ts";

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  if (s) removeDir(s.dataDir);
  s = undefined;
});

const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

/** Counts the password verifies the server runs; each takes 200 ms at least (a loaded
 * server's argon2), so that the 30 requests really overlap. */
function countVerifies(srv: TestServer): { n: number } {
  const counter = { n: 0 };
  const auth = srv.app.auth;
  const original = auth.checkPassword.bind(auth);
  auth.checkPassword = async (u, p) => {
    counter.n++;
    const [out] = await Promise.all([original(u, p), new Promise((r) => setTimeout(r, 200))]);
    return out;
  };
  return counter;
}

describe("login throttling", () => {
  // the limit: the `free` failures (5) and the one that starts the lock, which is all that one
  // client trying one after another gets verified too
  it("30 simultaneous wrong passwords: at most the limit (free + 1 = 6) are verified, the rest are 429", async () => {
    s = await startServer();
    const verifies = countVerifies(s);
    const answers = await Promise.all(Array.from({ length: 30 }, () => post(s!.url, { username: "admin", password: "wrong-guess" })));
    const statuses = answers.map((r) => r.status);
    expect(verifies.n).toBeGreaterThanOrEqual(1);
    expect(verifies.n).toBeLessThanOrEqual(6);
    expect(statuses.filter((c) => c === 401)).toHaveLength(verifies.n);
    expect(statuses.filter((c) => c === 429)).toHaveLength(30 - verifies.n);
  });

  it("an attacker's address is locked; the admin signs in from another address (through a trusted proxy)", async () => {
    s = await startServer({ auth: { trustedProxies: ["127.0.0.1/32", "::1/128"], rateLimit: { free: 3, baseDelayMs: 200, maxSlowMs: 400 } } });
    const attacker = { "x-forwarded-for": "203.0.113.9" };
    for (let i = 0; i < 8; i++) await post(s.url, { username: "admin", password: "wrong-guess" }, attacker);
    // the attacker's address is locked, even for the right password
    expect((await post(s.url, ADMIN, attacker)).status).toBe(429);
    // the admin elsewhere: slowed down, not refused
    const admin = await post(s.url, ADMIN, { "x-forwarded-for": "198.51.100.7" });
    expect(admin.status).toBe(200);
    // and a failure elsewhere stays a plain 401
    expect((await post(s.url, { username: "admin", password: "typo" }, { "x-forwarded-for": "198.51.100.8" })).status).toBe(401);
  });

  it("X-Forwarded-For from an untrusted peer is ignored: rotating it does not escape the lock", async () => {
    s = await startServer({ auth: { rateLimit: { free: 2, baseDelayMs: 5_000 } } });
    for (let i = 0; i < 3; i++) await post(s.url, { username: "admin", password: "wrong-guess" }, { "x-forwarded-for": `192.0.2.${i}` });
    expect((await post(s.url, ADMIN, { "x-forwarded-for": "192.0.2.200" })).status).toBe(429);
  });
});

describe("the limiter", () => {
  it("a name under attack from one address: another address is admitted, spaced by the slow-down", () => {
    const l = new LoginLimiter({ free: 3, baseDelayMs: 1000, maxSlowMs: 4000 });
    const t = 1_000_000;
    for (let i = 0; i < 4; i++) {
      const a = l.begin("203.0.113.9", "admin", t);
      if (!("attempt" in a)) throw new Error("should be admitted");
      a.attempt.done(false);
    }
    expect("retryAfterMs" in l.begin("203.0.113.9", "admin", t)).toBe(true);
    const elsewhere = l.begin("198.51.100.7", "admin", t);
    if (!("attempt" in elsewhere)) throw new Error("another address must be admitted");
    expect(elsewhere.attempt.delayMs).toBe(1000);
    elsewhere.attempt.done(true);
    const again = l.begin("198.51.100.7", "admin", t);
    expect("attempt" in again && again.attempt.delayMs).toBe(0);
  });
});

describe("client address", () => {
  const req = (remoteAddress: string, xff?: string) =>
    ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { "x-forwarded-for": xff } }) as never;

  it("takes the rightmost untrusted hop, only from a trusted peer", () => {
    const c = new ClientAddresses(["10.0.0.0/8", "fd00::/8"]);
    expect(c.of(req("10.1.2.3", "198.51.100.1, 10.9.9.9"))).toBe("198.51.100.1");
    expect(c.of(req("::ffff:10.1.2.3", "1.2.3.4, 198.51.100.1"))).toBe("198.51.100.1");
    expect(c.of(req("fd00::1", "2001:db8::5"))).toBe("2001:db8::5");
    expect(c.of(req("192.0.2.7", "198.51.100.1"))).toBe("192.0.2.7");
    expect(c.of(req("10.1.2.3", "not-an-address"))).toBe("10.1.2.3");
    expect(c.of(req("10.1.2.3"))).toBe("10.1.2.3");
    expect(new ClientAddresses().of(req("::ffff:192.0.2.1", "198.51.100.1"))).toBe("192.0.2.1");
  });

  it("refuses a malformed CIDR", () => {
    for (const bad of ["10.0.0.0/33", "example.com", "::1/129", "10.0.0.0/x"]) expect(() => new ClientAddresses([bad])).toThrow();
  });
});

describe("--trusted-proxy", () => {
  it("is repeatable and checked at start", () => {
    expect(parseServerArgs(["--trusted-proxy", "10.0.0.0/8", "--trusted-proxy=::1"], {}).trustedProxies).toEqual(["10.0.0.0/8", "::1"]);
    expect(() => parseServerArgs(["--trusted-proxy", "10.0.0.0/40"], {})).toThrow(ConfigError);
  });
});
