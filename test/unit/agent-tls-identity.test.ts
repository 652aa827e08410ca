// --tls-auto: the certificate is generated once (key 0600) and reused, the fingerprint agent
// main.ts prints is what a client sees; and the token file is re-read without a restart.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERT_FILE, KEY_FILE, TlsStateError, fingerprintOf, loadOrCreateIdentity } from "@/agent/tls/self-signed.ts";
import { parseAgentArgs } from "@/agent/args.ts";
import { TokenFile } from "@/agent/ws/token-file.ts";
import { AgentClient, probeAgentCertificate } from "@/protocol/node/agent-client.ts";
import { startHarness } from "./agent-ws-harness.ts";

const MAIN = fileURLToPath(new URL("../../agent/main.ts", import.meta.url));
const OLD = "old-token-0123456789abcdef";
const NEW = "new-token-fedcba9876543210";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "agent-tls-identity-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadOrCreateIdentity", () => {
  it("generates once with a 0600 key, then reuses the same certificate", async () => {
    const d = join(dir, "state");
    const first = await loadOrCreateIdentity(d, "director-1");
    expect(first.created).toBe(true);
    expect(statSync(join(d, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(first.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fingerprintOf(readFileSync(join(d, CERT_FILE)))).toBe(first.fingerprint256);
    const again = await loadOrCreateIdentity(d, "director-1");
    expect(again).toMatchObject({ created: false, fingerprint256: first.fingerprint256, cert: first.cert });
    // another directory gets another key
    expect((await loadOrCreateIdentity(join(dir, "other"))).fingerprint256).not.toBe(first.fingerprint256);
  });

  it("refuses half a pair, a readable key and a key of another certificate instead of replacing them", async () => {
    const a = join(dir, "a");
    const b = join(dir, "b");
    await loadOrCreateIdentity(a);
    await loadOrCreateIdentity(b);
    chmodSync(join(a, KEY_FILE), 0o644);
    await expect(loadOrCreateIdentity(a)).rejects.toThrow(/chmod 600/);
    chmodSync(join(a, KEY_FILE), 0o600);
    writeFileSync(join(b, KEY_FILE), readFileSync(join(a, KEY_FILE)), { mode: 0o600 });
    await expect(loadOrCreateIdentity(b)).rejects.toThrow(/does not belong/);
    rmSync(join(b, CERT_FILE));
    await expect(loadOrCreateIdentity(b)).rejects.toBeInstanceOf(TlsStateError);
  });

  it("agent arguments: --tls-auto excludes --tls-cert; --tls-client-ca needs TLS", () => {
    const base = ["--listen", "h:1", "--token-file", "t"];
    expect(parseAgentArgs([...base, "--tls-auto", "/d"]).tlsAutoDir).toBe("/d");
    expect(() => parseAgentArgs([...base, "--tls-auto", "/d", "--tls-cert", "c", "--tls-key", "k"])).toThrow("not both");
    expect(() => parseAgentArgs([...base, "--insecure-plaintext", "--tls-client-ca", "ca"])).toThrow("needs TLS");
    // TLS is the default, so a client CA alone is fine (with the default --tls-auto folder)
    expect(parseAgentArgs([...base, "--tls-client-ca", "ca"], {}).tlsAutoDefault).toBe(true);
    expect(parseAgentArgs([...base, "--tls-auto", "/d", "--tls-client-ca", "ca"]).tlsClientCaFile).toBe("ca");
  });
});

function startMain(args: string[]): { p: ChildProcess; fingerprint: Promise<string>; url: Promise<string> } {
  const p = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  p.stdout!.on("data", (d) => {
    out += d;
  });
  p.stderr!.on("data", (d) => {
    out += d;
  });
  const waitFor = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      p.stdout!.on("data", () => {
        const m = re.exec(out);
        if (m) resolve(m[1]!);
      });
      p.on("exit", (code, signal) => reject(new Error(`agent exited ${code ?? signal}: ${out}`)));
    });
  return { p, fingerprint: waitFor(/agent tls fingerprint sha256 (\S+)/), url: waitFor(/agent listening on (wss:\/\/\S+)/) };
}

const exited = (p: ChildProcess) =>
  new Promise<string>((r) => (p.exitCode === null && p.signalCode === null ? p.on("exit", (c, s) => r(`${c ?? s}`)) : r(`${p.exitCode ?? p.signalCode}`)));

describe("agent main.ts --tls-auto", () => {
  it("prints the fingerprint a client sees, keeps it across restarts, and re-reads the token on SIGHUP", async () => {
    const tokenFile = join(dir, "main-token");
    writeFileSync(tokenFile, OLD, { mode: 0o600 });
    const state = join(dir, "main-state");
    const args = ["--listen", "127.0.0.1:0", "--token-file", tokenFile, "--role", "realserver", "--tls-auto", state];
    const one = startMain(args);
    let printed: string;
    try {
      printed = await one.fingerprint;
      const url = await one.url;
      expect((await probeAgentCertificate(url)).fingerprint256).toBe(printed);
      expect(fingerprintOf(readFileSync(join(state, CERT_FILE)))).toBe(printed);
      const c = new AgentClient({ url, token: OLD, heartbeatMs: 0, tls: { fingerprint256: printed } });
      await c.connect();
      // rotation: the open link stays, new connections need the new token
      writeFileSync(tokenFile, NEW, { mode: 0o600 });
      one.p.kill("SIGHUP");
      await new Promise((r) => setTimeout(r, 300));
      expect(await c.ping()).toBeGreaterThanOrEqual(0);
      c.close();
      const old = new AgentClient({ url, token: OLD, heartbeatMs: 0, tls: { fingerprint256: printed } });
      await expect(old.connect()).rejects.toMatchObject({ code: "unauthorized" });
      const fresh = new AgentClient({ url, token: NEW, heartbeatMs: 0, tls: { fingerprint256: printed } });
      await fresh.connect();
      fresh.close();
    } finally {
      one.p.kill("SIGTERM");
    }
    expect(await exited(one.p)).toBe("0");
    const two = startMain(args);
    try {
      expect(await two.fingerprint).toBe(printed);
      await two.url; // signal handlers are installed once it listens
    } finally {
      two.p.kill("SIGTERM");
    }
    expect(await exited(two.p)).toBe("0");
  }, 60_000);
});

describe("TokenFile", () => {
  it("picks up a changed file by polling and keeps the old token when the new file is invalid", async () => {
    const path = join(dir, "watched-token");
    writeFileSync(path, OLD, { mode: 0o600 });
    const errors: string[] = [];
    const tf = new TokenFile(path, { pollMs: 20, onError: (e) => errors.push(e.message) });
    const h = await startHarness({ token: () => tf.current });
    tf.watch();
    try {
      const held = await h.client({ token: OLD });
      writeFileSync(path, NEW, { mode: 0o600 });
      await expect.poll(() => tf.current, { timeout: 3000 }).toBe(NEW);
      expect(await held.ping()).toBeGreaterThanOrEqual(0);
      await expect(h.client({ token: OLD })).rejects.toMatchObject({ code: "unauthorized" });
      expect(await (await h.client({ token: NEW })).ping()).toBeGreaterThanOrEqual(0);
      writeFileSync(path, "short", { mode: 0o600 });
      await expect.poll(() => errors.length, { timeout: 3000 }).toBeGreaterThan(0);
      expect(errors[0]).toMatch(/shorter than 16/);
      expect(tf.current).toBe(NEW);
    } finally {
      tf.close();
      await h.close();
    }
  });
});
