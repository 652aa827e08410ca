// No plaintext root links by default (issue 14 item 5): the agent serves wss:// unless told
// otherwise, ws:// off loopback needs --insecure-plaintext (the agent refuses to start without
// it, saying how), the server refuses a non-loopback ws:// director unless it is marked
// insecure, and a pinned wss:// director is never patched to ws://.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TLS_DIR, parseAgentArgs } from "@/agent/args.ts";
import { loadOrCreateIdentity } from "@/agent/tls/self-signed.ts";
import { AgentClient } from "@/protocol/node/agent-client.ts";
import type { DirectorInfo } from "@/protocol/dashboard/index.ts";
import { agentUrlSecurity, isLoopbackHost, plaintextRefusal } from "@/protocol/plaintext.ts";
import { type Harness, TOKEN, startHarness } from "./agent-ws-harness.ts";
import { type TestServer, removeDir, startServer, until } from "./server-helpers.ts";

const MAIN = fileURLToPath(new URL("../../agent/main.ts", import.meta.url));
const base = ["--token-file", "t"];

describe("loopback and plaintext URLs", () => {
  it("knows loopback addresses from the rest", () => {
    for (const h of ["127.0.0.1", "127.9.8.7", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost", "::ffff:127.0.0.1", "[::ffff:7f00:1]"]) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of ["0.0.0.0", "::", "10.254.1.2", "128.0.0.1", "::2", "1::1", "::ffff:10.0.0.1", "example.com", "localhost.example.com", "127.0.0.1.nip.io"]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it("refuses ws:// off loopback unless insecure, never wss://", () => {
    expect(agentUrlSecurity("wss://10.0.0.1:9400")).toEqual({ plaintext: false, loopback: false });
    expect(plaintextRefusal("ws://10.0.0.1:9400", undefined)).toMatch(/in clear.*"insecure": true/);
    expect(plaintextRefusal("ws://10.0.0.1:9400", false)).not.toBeNull();
    expect(plaintextRefusal("ws://10.0.0.1:9400", true)).toBeNull();
    expect(plaintextRefusal("ws://127.0.0.1:9400", undefined)).toBeNull();
    expect(plaintextRefusal("ws://[::1]:9400", undefined)).toBeNull();
    expect(plaintextRefusal("ws://director.example:9400", undefined)).not.toBeNull();
    expect(plaintextRefusal("wss://director.example:9400", undefined)).toBeNull();
  });
});

describe("agent arguments", () => {
  it("serves TLS by default, with a self-signed identity in the default folder", () => {
    const a = parseAgentArgs(["--listen", "0.0.0.0:9400", ...base], {});
    expect(a).toMatchObject({ tlsAutoDir: DEFAULT_TLS_DIR, tlsAutoDefault: true, plaintext: null, tls: null });
    expect(parseAgentArgs(["--listen", "127.0.0.1:9400", ...base], {}).tlsAutoDir).toBe(DEFAULT_TLS_DIR);
    expect(parseAgentArgs(["--listen", "0.0.0.0:9400", ...base], { LVS_AGENT_TLS_DIR: "/srv/tls" }).tlsAutoDir).toBe("/srv/tls");
    expect(parseAgentArgs(["--listen", "0.0.0.0:9400", ...base, "--tls-auto", "/x"], {})).toMatchObject({ tlsAutoDir: "/x", tlsAutoDefault: false });
    expect(parseAgentArgs(["--listen", "0.0.0.0:9400", ...base, "--tls-cert", "c", "--tls-key", "k"], {}).tlsAutoDir).toBeNull();
  });

  it("--no-tls only on loopback; --insecure-plaintext anywhere; neither with TLS options", () => {
    expect(parseAgentArgs(["--listen", "127.0.0.1:9400", ...base, "--no-tls"], {})).toMatchObject({ plaintext: "loopback", tlsAutoDir: null });
    expect(parseAgentArgs(["--listen", "[::1]:9400", ...base, "--no-tls"], {}).plaintext).toBe("loopback");
    for (const listen of ["0.0.0.0:9400", "10.254.1.2:9400", "[::]:9400", "agent.example:9400"]) {
      expect(() => parseAgentArgs(["--listen", listen, ...base, "--no-tls"], {}), listen).toThrow(/not a loopback address.*--insecure-plaintext/);
    }
    expect(parseAgentArgs(["--listen", "0.0.0.0:9400", ...base, "--insecure-plaintext"], {})).toMatchObject({ plaintext: "insecure", tlsAutoDir: null });
    expect(() => parseAgentArgs(["--listen", "0.0.0.0:1", ...base, "--insecure-plaintext", "--tls-auto", "/x"], {})).toThrow("not together");
    expect(() => parseAgentArgs(["--listen", "127.0.0.1:1", ...base, "--no-tls", "--tls-cert", "c", "--tls-key", "k"], {})).toThrow("not together");
    expect(() => parseAgentArgs(["--listen", "0.0.0.0:1", ...base, "--insecure-plaintext", "--tls-client-ca", "ca"], {})).toThrow("needs TLS");
  });
});

function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
}

/** Output until the ready line (then the process keeps running) or the exit. */
function outcome(p: ChildProcess): Promise<{ code: number | null; out: string; url: string | null }> {
  let out = "";
  return new Promise((resolve) => {
    const on = (d: Buffer) => {
      out += d;
      const m = /agent listening on (\S+)/.exec(out);
      if (m) resolve({ code: null, out, url: m[1]! });
    };
    p.stdout!.on("data", on);
    p.stderr!.on("data", on);
    p.on("exit", (code) => resolve({ code, out, url: null }));
  });
}

describe("agent start", () => {
  let dir: string;
  let tokenFile: string;
  const procs: ChildProcess[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "plaintext-agent-"));
    tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "plaintext-test-token-0123456789\n", { mode: 0o600 });
  });
  afterAll(() => {
    for (const p of procs) p.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses ws:// on a non-loopback address without --insecure-plaintext, saying how", async () => {
    const r = await outcome(run(["--listen", "0.0.0.0:0", "--token-file", tokenFile, "--role", "realserver", "--no-tls"]));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/in clear/);
    expect(r.out).toMatch(/--insecure-plaintext/);
    expect(r.out).toMatch(/--tls-auto DIR/);
  });

  it("without any TLS option serves wss:// with a generated identity (0600 key) and prints its fingerprint", async () => {
    const tls = join(dir, "default-tls");
    const p = run(["--listen", "127.0.0.1:0", "--token-file", tokenFile, "--role", "realserver"], { LVS_AGENT_TLS_DIR: tls });
    procs.push(p);
    const r = await outcome(p);
    expect(r.url, r.out).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const fp = /agent tls fingerprint sha256 (\S+)/.exec(r.out)?.[1];
    expect(fp).toBeDefined();
    expect(statSync(join(tls, "agent-key.pem")).mode & 0o077).toBe(0);
    expect((await loadOrCreateIdentity(tls)).fingerprint256).toBe(fp);
    // a plain ws:// client gets nowhere: the listener speaks TLS only
    const plain = new AgentClient({ url: r.url!.replace("wss:", "ws:"), token: "plaintext-test-token-0123456789", heartbeatMs: 0 });
    await expect(plain.connect()).rejects.toThrow();
    plain.close();
    p.kill("SIGTERM");
  });

  it("serves ws:// off loopback with --insecure-plaintext, with a warning", async () => {
    const p = run(["--listen", "0.0.0.0:0", "--token-file", tokenFile, "--role", "realserver", "--insecure-plaintext"]);
    procs.push(p);
    const r = await outcome(p);
    expect(r.url, r.out).toMatch(/^ws:\/\/0\.0\.0\.0:\d+$/);
    expect(r.out).toMatch(/WARNING: --insecure-plaintext/);
    p.kill("SIGTERM");
  });
});

describe("server: plaintext directors", () => {
  let server: TestServer;
  let tlsAgent: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "plaintext-server-"));
    const id = await loadOrCreateIdentity(join(dir, "tls"));
    tlsAgent = await startHarness({ tls: { cert: id.cert, key: id.key } });
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
    removeDir(server.dataDir);
    await tlsAgent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a non-loopback ws:// director unless it is marked insecure", async () => {
    const r = await server.api<{ error: { code: string; message: string } }>("POST", "/api/directors", { name: "far", url: "ws://192.0.2.10:9400", token: TOKEN });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/in clear.*"insecure": true/);
    expect(server.app.fleet.find("far")).toBeUndefined();
    const ok = await server.api<DirectorInfo>("POST", "/api/directors", { name: "far", url: "ws://192.0.2.10:9400", token: TOKEN, insecure: true });
    expect(ok.status).toBe(201);
    expect(ok.body.settings.insecure).toBe(true);
    // loopback needs no flag
    expect((await server.api("POST", "/api/directors", { name: "near", url: "ws://127.0.0.1:9", token: TOKEN })).status).toBe(201);
    // the flag cannot be dropped while the URL stays plaintext off loopback
    const drop = await server.api<{ error: { message: string } }>("PATCH", "/api/directors/far", { insecure: false });
    expect(drop.status).toBe(400);
    // nor can a loopback director be moved off loopback in clear without it
    expect((await server.api("PATCH", "/api/directors/near", { url: "ws://198.51.100.7:9400" })).status).toBe(400);
    expect((await server.api("PATCH", "/api/directors/near", { url: "ws://198.51.100.7:9400", insecure: true })).status).toBe(200);
    // a config-file director is checked the same way
    expect(() => server.app.fleet.upsert({ name: "cfg", url: "ws://203.0.113.5:9400", token: TOKEN, group: "", role: "director", addresses: [] })).toThrow(/in clear/);
  });

  it("refuses a PATCH from wss:// to ws:// on a pinned director, even marked insecure", async () => {
    const r = await server.api<DirectorInfo>("POST", "/api/directors", { name: "pinned", url: tlsAgent.server.url, token: TOKEN });
    expect(r.status).toBe(201);
    const pin = await until(async () => (await server.api<DirectorInfo>("GET", "/api/directors/pinned")).body.trust?.pinned, 10_000, "pinned on first use");
    for (const url of [tlsAgent.server.url.replace("wss:", "ws:"), "ws://192.0.2.20:9400"]) {
      const p = await server.api<{ error: { code: string; message: string } }>("PATCH", "/api/directors/pinned", { url, insecure: true });
      expect(p.status, url).toBe(409);
      expect(p.body.error.message).toMatch(/pinned wss:\/\/ director/);
    }
    const after = (await server.api<DirectorInfo>("GET", "/api/directors/pinned")).body;
    expect(after.settings.url).toBe(tlsAgent.server.url);
    expect(after.trust?.pinned).toBe(pin);
    // other edits of the pinned director still work
    expect((await server.api("PATCH", "/api/directors/pinned", { group: "g" })).status).toBe(200);
  });
});
