// agent/main.ts as a process: argument errors, token-file checks, the ready line with the
// real port, a TLS listener the client verifies, and a clean exit on SIGTERM. The realserver
// role is used because the host kernel has no IPVS (a director exits 1 saying so).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTokenFile, parseAgentArgs, parseListen } from "@/agent/args.ts";
import { AgentClient } from "@/protocol/node/agent-client.ts";

const MAIN = fileURLToPath(new URL("../../agent/main.ts", import.meta.url));
const TOKEN = "main-test-token-0123456789";

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

function finish(p: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = "";
  let err = "";
  p.stdout!.on("data", (d) => (out += d));
  p.stderr!.on("data", (d) => (err += d));
  return new Promise((r) => p.on("exit", (code) => r({ code, out, err })));
}

function readyLine(p: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    p.stdout!.on("data", (d) => {
      buf += d;
      const line = buf.split("\n").find((l) => l.startsWith("agent listening on"));
      if (line) resolve(line);
    });
    p.on("exit", (code) => reject(new Error(`agent exited ${code} before ready`)));
  });
}

describe("agent/main.ts", () => {
  let dir: string;
  let tokenFile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "agent-main-"));
    tokenFile = join(dir, "token");
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("parses arguments and rejects bad ones with clear messages", () => {
    const a = parseAgentArgs(["--listen", "[::1]:9400", "--token-file", "t", "--role", "realserver"]);
    expect(a).toMatchObject({ host: "::1", port: 9400, role: "realserver", tls: null, restore: false });
    expect(a).toMatchObject({ sysctlFile: null, applySysctlFile: false });
    const s = parseAgentArgs(["--listen", "h:1", "--token-file", "t", "--sysctl-file", "/etc/sysctl.d/x.conf", "--apply-sysctl-file"]);
    expect(s).toMatchObject({ sysctlFile: "/etc/sysctl.d/x.conf", applySysctlFile: true });
    expect(parseListen("0.0.0.0:0")).toEqual({ host: "0.0.0.0", port: 0 });
    expect(() => parseAgentArgs(["--token-file", "t"])).toThrow("--listen");
    expect(() => parseAgentArgs(["--listen", "h:1"])).toThrow("--token-file");
    expect(() => parseAgentArgs(["--listen", "h:70000", "--token-file", "t"])).toThrow("65535");
    expect(() => parseAgentArgs(["--listen", "h:1", "--token-file", "t", "--role", "x"])).toThrow("--role");
    expect(() => parseAgentArgs(["--listen", "h:1", "--token-file", "t", "--tls-cert", "c"])).toThrow("together");
    expect(() => parseAgentArgs(["--listen", "h:1", "--token-file", "t", "--restore"])).toThrow("--save-file");
    expect(() => parseAgentArgs(["--listen", "h:1", "--token-file", "t", "--bogus"])).toThrow("bogus");
  });

  it("checks the token file", () => {
    expect(checkTokenFile(`  ${TOKEN}\n`, 0o100600)).toBe(TOKEN);
    expect(() => checkTokenFile("\n", 0o600)).toThrow("empty");
    expect(() => checkTokenFile(TOKEN, 0o644)).toThrow("chmod 600");
    expect(() => checkTokenFile("short", 0o600)).toThrow("16");
  });

  it("exits 2 on bad arguments and on an empty token file", async () => {
    const r = await finish(run(["--listen", "nope", "--token-file", tokenFile]));
    expect(r.code).toBe(2);
    expect(r.err).toContain("--listen must be HOST:PORT");
    const empty = join(dir, "empty");
    writeFileSync(empty, "", { mode: 0o600 });
    const e = await finish(run(["--listen", "127.0.0.1:0", "--token-file", empty, "--role", "realserver"]));
    expect(e.code).toBe(2);
    expect(e.err).toContain("token file is empty");
  });

  it("a director on a kernel without IPVS exits 1 with a clear message", async () => {
    const r = await finish(run(["--listen", "127.0.0.1:0", "--token-file", tokenFile, "--no-tls"]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/IPVS/);
  });

  it("listens on port 0, prints the real port, serves, and exits 0 on SIGTERM", async () => {
    const p = run(["--listen", "127.0.0.1:0", "--token-file", tokenFile, "--role", "realserver", "--no-tls"]);
    const done = finish(p);
    const line = await readyLine(p);
    const m = /^agent listening on ws:\/\/127\.0\.0\.1:(\d+) \(role realserver/.exec(line);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    const c = new AgentClient({ url: `ws://127.0.0.1:${m![1]}`, token: TOKEN, heartbeatMs: 0 });
    await c.connect();
    expect(await c.ping()).toBeGreaterThanOrEqual(0);
    await expect(c.request("service.list", {})).rejects.toMatchObject({ code: "forbidden" });
    c.close();
    p.kill("SIGTERM");
    const r = await done;
    expect(r.code).toBe(0);
  });

  it("serves wss:// with --tls-cert/--tls-key; the client verifies the CA and the pin", async () => {
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1",
    ], { stdio: "ignore" });
    chmodSync(key, 0o600);
    const fp = execFileSync("openssl", ["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"])
      .toString().trim().split("=")[1]!;
    const p = run(["--listen", "127.0.0.1:0", "--token-file", tokenFile, "--role", "realserver", "--tls-cert", cert, "--tls-key", key]);
    const done = finish(p);
    try {
      const line = await readyLine(p);
      const url = /(wss:\/\/\S+)/.exec(line)![1]!;
      const ca = readFileSync(cert, "utf8");
      const good = new AgentClient({ url, token: TOKEN, heartbeatMs: 0, tls: { ca, fingerprint256: fp } });
      await good.connect();
      expect(await good.ping()).toBeGreaterThanOrEqual(0);
      good.close();
      const noCa = new AgentClient({ url, token: TOKEN, heartbeatMs: 0 });
      await expect(noCa.connect()).rejects.toMatchObject({ code: "unavailable" });
      const wrongPin = new AgentClient({ url, token: TOKEN, heartbeatMs: 0, tls: { ca, fingerprint256: "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF" } });
      await expect(wrongPin.connect()).rejects.toMatchObject({ code: "unauthorized", details: { reason: "fingerprint", presented: fp } });
    } finally {
      p.kill("SIGTERM");
    }
    expect((await done).code).toBe(0);
  });
});
