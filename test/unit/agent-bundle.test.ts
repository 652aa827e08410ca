// The agent as it is deployed and as the lab runs it: the esbuild bundle under plain node.
// Module order differs from tsx there (an external package's static import runs before any
// bundled code), which once broke --tls-auto at start while every tsx-run test passed.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "@/lab/paths.ts";
import { bundle } from "@/scripts/build-agent.ts";

mkdirSync(join(REPO_ROOT, ".cache"), { recursive: true });
// inside the checkout: the bundle keeps npm packages external and resolves them from node_modules
const dir = mkdtempSync(join(REPO_ROOT, ".cache", "agent-bundle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startAndWait(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(dir, "agent.mjs"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`the bundled agent did not start:\n${out}`));
    }, 20_000);
    const onData = (b: Buffer) => {
      out += String(b);
      if (/listening on/.test(out)) {
        clearTimeout(timer);
        p.kill("SIGTERM");
        resolve(out);
      }
    };
    p.stdout.on("data", onData);
    p.stderr.on("data", onData);
    p.on("exit", (code) => {
      clearTimeout(timer);
      if (!/listening on/.test(out)) reject(new Error(`the bundled agent exited ${code}:\n${out}`));
    });
  });
}

describe("the bundled agent", () => {
  it("starts with --tls-auto: generates its certificate, prints the fingerprint, serves wss", async () => {
    await bundle("agent/main.ts", join(dir, "agent.mjs"));
    const token = join(dir, "token");
    writeFileSync(token, "bundle-test-token-0123456789\n");
    chmodSync(token, 0o600);
    const out = await startAndWait(["--listen", "127.0.0.1:0", "--token-file", token, "--tls-auto", join(dir, "tls"), "--role", "realserver"]);
    expect(out).toMatch(/fingerprint sha256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(out).toMatch(/listening on wss:\/\/127\.0\.0\.1:\d+/);
  }, 60_000);
});
