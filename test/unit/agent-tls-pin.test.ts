// AgentClient pinning against a real wss agent with a --tls-auto style self-signed identity:
// the right pin connects without any CA, a wrong pin fails with `unauthorized` before the
// agent sees an upgrade request (so the token never reaches it), and mutual TLS refuses a
// client without a certificate from the configured CA.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentIdentity, loadOrCreateIdentity } from "@/agent/tls/self-signed.ts";
import { AgentClient, normalizeFingerprint, probeAgentCertificate } from "@/protocol/node/agent-client.ts";
import { TOKEN, startHarness } from "./agent-ws-harness.ts";

const OTHER_PIN = Array.from({ length: 32 }, (_, i) => (i * 7 + 3).toString(16).padStart(2, "0").toUpperCase()).join(":");

let dir: string;
let identity: AgentIdentity;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agent-tls-pin-"));
  identity = await loadOrCreateIdentity(join(dir, "tls"), "agent.test");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fingerprint format", () => {
  it("normalizeFingerprint accepts any case and separators and is idempotent", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean(), fc.boolean(), (bytes, lower, colons) => {
        const canonical = [...bytes].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
        let s = colons ? canonical : canonical.replace(/:/g, "");
        if (lower) s = s.toLowerCase();
        expect(normalizeFingerprint(s)).toBe(canonical);
        expect(normalizeFingerprint(canonical)).toBe(canonical);
      }),
    );
    expect(normalizeFingerprint("00:11")).toBeNull();
    expect(normalizeFingerprint(`${"ZZ:".repeat(31)}ZZ`)).toBeNull();
  });
});

describe("AgentClient pinning", () => {
  it("the probe sees the fingerprint the agent computed for its certificate", async () => {
    const h = await startHarness({ tls: { cert: identity.cert, key: identity.key } });
    try {
      const probed = await probeAgentCertificate(h.server.url);
      expect(probed.fingerprint256).toBe(identity.fingerprint256);
    } finally {
      await h.close();
    }
  });

  it("the right pin connects to a self-signed agent without any CA; lowercase pins work", async () => {
    const upgrades: boolean[] = [];
    const h = await startHarness({
      tls: { cert: identity.cert, key: identity.key },
      onUpgradeRequest: (i) => upgrades.push(i.authorized),
    });
    try {
      const c = await h.client({ tls: { fingerprint256: identity.fingerprint256.toLowerCase() } });
      expect(await c.ping()).toBeGreaterThanOrEqual(0);
      expect(upgrades).toEqual([true]);
      c.close();
      // without a pin and without a CA the self-signed certificate is refused as before
      await expect(h.client()).rejects.toMatchObject({ code: "unavailable" });
    } finally {
      await h.close();
    }
  });

  it("a wrong pin fails with unauthorized {reason: fingerprint} before any upgrade request", async () => {
    const upgrades: boolean[] = [];
    const h = await startHarness({
      tls: { cert: identity.cert, key: identity.key },
      onUpgradeRequest: (i) => upgrades.push(i.authorized),
    });
    try {
      const states: string[] = [];
      const c = new AgentClient({
        url: h.server.url,
        token: TOKEN,
        heartbeatMs: 0,
        tls: { fingerprint256: OTHER_PIN },
        reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
        onStateChange: (s) => states.push(s),
      });
      await expect(c.connect()).rejects.toMatchObject({
        code: "unauthorized",
        details: { reason: "fingerprint", presented: identity.fingerprint256, expected: OTHER_PIN },
      });
      await new Promise((r) => setTimeout(r, 100));
      // permanent: no reconnect loop, and the agent never got an HTTP request
      expect(states).toEqual(["connecting", "closed"]);
      expect(upgrades).toEqual([]);
      expect(h.server.clientCount).toBe(0);
    } finally {
      await h.close();
    }
  });

  it("mutual TLS: a client without a certificate from the CA is refused, one with it connects", async () => {
    const ca = join(dir, "ca.pem");
    const caKey = join(dir, "ca.key");
    const clientKey = join(dir, "client.key");
    const csr = join(dir, "client.csr");
    const clientCert = join(dir, "client.pem");
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    execFileSync("openssl", ["req", "-x509", ...ec, "-keyout", caKey, "-out", ca, "-days", "1", "-subj", "/CN=test ca"], { stdio: "ignore" });
    execFileSync("openssl", ["req", ...ec, "-keyout", clientKey, "-out", csr, "-subj", "/CN=dashboard"], { stdio: "ignore" });
    execFileSync("openssl", ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", clientCert, "-days", "1"], { stdio: "ignore" });
    const upgrades: boolean[] = [];
    const h = await startHarness({
      tls: { cert: identity.cert, key: identity.key, clientCa: readFileSync(ca) },
      onUpgradeRequest: (i) => upgrades.push(i.authorized),
    });
    try {
      const pin = { fingerprint256: identity.fingerprint256 };
      await expect(h.client({ tls: pin })).rejects.toMatchObject({ code: "unavailable" });
      // a certificate the CA did not sign (the agent's own) is refused too
      await expect(h.client({ tls: { ...pin, cert: identity.cert, key: identity.key } })).rejects.toMatchObject({ code: "unavailable" });
      expect(upgrades).toEqual([]);
      const c = await h.client({ tls: { ...pin, cert: readFileSync(clientCert, "utf8"), key: readFileSync(clientKey, "utf8") } });
      expect(await c.ping()).toBeGreaterThanOrEqual(0);
      expect(upgrades).toEqual([true]);
    } finally {
      await h.close();
    }
  });
});

describe("lvsctl --fingerprint", () => {
  it("is parsed from the line or the environment and absent otherwise", async () => {
    const { splitLvsctlArgs } = await import("@/cli/args.ts");
    expect(splitLvsctlArgs(["--fingerprint", "AB", "-Ln"]).fingerprint).toBe("AB");
    expect(splitLvsctlArgs(["-Ln"], { LVSCTL_FINGERPRINT: "CD" }).fingerprint).toBe("CD");
    expect("fingerprint" in splitLvsctlArgs(["-Ln"])).toBe(false);
  });
});
