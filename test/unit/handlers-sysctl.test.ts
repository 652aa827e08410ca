// sysctl.get / sysctl.set through a real agent WebSocket server over a temp /proc/sys tree:
// allow-list refusals as bad_request (nothing written), value checks before writing, persist
// to the sysctl.d file, and the realserver role allowed to use them.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { createHandlers } from "@/agent/handlers/sysctl.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";

const FILES: Record<string, string> = {
  "net/ipv4/ip_forward": "0\n",
  "net/ipv4/vs/conntrack": "0\n",
  "net/ipv4/vs/sync_threshold": "3\t50\n",
  "net/ipv4/vs/expire_nodest_conn": "0\n",
  "net/core/somaxconn": "4096\n",
};
for (const i of ["all", "default", "lo", "eth0"]) {
  for (const k of ["arp_ignore", "arp_announce"]) FILES[`net/ipv4/conf/${i}/${k}`] = "0\n";
}

let dir: string;
let root: string;
let persistFile: string;
let h: Harness | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "handlers-sysctl-"));
  root = join(dir, "proc-sys");
  persistFile = join(dir, "sysctl.d", "90-lvs-agent.conf");
  for (const [p, v] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), v);
  }
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(role: "director" | "realserver" = "director"): Promise<Harness> {
  const handlers = createHandlers({ role, ipvs: null, host: { procSysRoot: root, sysctlPersistFile: persistFile } });
  return startHarness({ role, registry: new HandlerRegistry().use(handlers) });
}

const proc = (p: string) => readFile(join(root, p), "utf8");
const codeOf = (e: unknown) => (e instanceof ProtocolError ? e.code : `not a ProtocolError: ${String(e)}`);

describe("sysctl handlers", () => {
  it("get with names reads each file; without names lists every allow-listed sysctl with docs", async () => {
    h = await start();
    const c = await h.client();
    const r = await c.request("sysctl.get", { names: ["net.ipv4.vs.sync_threshold", "net.ipv4.conf.eth0.arp_ignore"] });
    expect(r.values).toEqual({ "net.ipv4.vs.sync_threshold": "3\t50", "net.ipv4.conf.eth0.arp_ignore": "0" });
    const all = await c.request("sysctl.get", {});
    expect(all.values).toMatchObject({ "net.ipv4.ip_forward": "0", "net.ipv4.vs.conntrack": "0", "net.ipv4.conf.lo.arp_announce": "0" });
    expect(Object.keys(all.values)).not.toContain("net.core.somaxconn");
    expect(all.entries?.find((e) => e.name === "net.ipv4.vs.conntrack")?.doc?.rule.kind).toBe("int");
  });

  it("set writes the validated value, reads it back and reports the previous one", async () => {
    h = await start();
    const c = await h.client();
    const r = await c.request("sysctl.set", { name: "net.ipv4.vs.sync_threshold", value: " 5   100 " });
    expect(r).toEqual({ name: "net.ipv4.vs.sync_threshold", previous: "3\t50", value: "5 100", persisted: false });
    expect(await proc("net/ipv4/vs/sync_threshold")).toBe("5 100\n");
    await expect(readFile(persistFile, "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("persist:true also writes the sysctl.d file", async () => {
    h = await start();
    const c = await h.client();
    await c.request("sysctl.set", { name: "net.ipv4.conf.all.arp_ignore", value: "1", persist: true });
    await c.request("sysctl.set", { name: "net.ipv4.conf.all.arp_announce", value: "2", persist: true });
    await c.request("sysctl.set", { name: "net.ipv4.conf.all.arp_ignore", value: "2", persist: true });
    const text = await readFile(persistFile, "utf8");
    expect(text).toMatch(/^net\.ipv4\.conf\.all\.arp_ignore = 2$/m);
    expect(text).toMatch(/^net\.ipv4\.conf\.all\.arp_announce = 2$/m);
    expect(text.match(/arp_ignore/g)).toHaveLength(1);
  });

  it("refuses names outside the allow-list with bad_request and a clear message, changing nothing", async () => {
    h = await start();
    const c = await h.client();
    // outside net.*: refused by the message schema before the handler
    const schema = await c.request("sysctl.set", { name: "kernel.panic", value: "1" }).catch((e: unknown) => e);
    expect(codeOf(schema)).toBe("bad_request");
    // shaped like net.* but not allow-listed: refused by the agent's allow-list
    const allow = await c.request("sysctl.set", { name: "net.ipv4.conf.eth0.rp_filterx", value: "1" }).catch((e: unknown) => e);
    expect(codeOf(allow)).toBe("bad_request");
    expect((allow as Error).message).toMatch(/only .*arp_ignore.* are allowed/);
    const get = await c.request("sysctl.get", { names: ["net.ipv4.tcp_syncookies"] }).catch((e: unknown) => e);
    expect(codeOf(get)).toBe("bad_request");
    const traversal = await c.request("sysctl.set", { name: "net.ipv4.conf.../../../secret.arp_ignore", value: "1" }).catch((e: unknown) => e);
    expect(codeOf(traversal)).toBe("bad_request");
    const absent = await c.request("sysctl.get", { names: ["net.ipv4.conf.eth9.arp_ignore"] }).catch((e: unknown) => e);
    expect(codeOf(absent)).toBe("not_found");
    for (const [p, v] of Object.entries(FILES)) expect(await proc(p), p).toBe(v);
  });

  it("any invalid value is refused before writing (property)", async () => {
    h = await start();
    const c = await h.client();
    const invalid = fc.oneof(
      fc.integer({ min: 4, max: 7 }).map(String), // reserved arp_ignore values
      fc.integer({ min: 9, max: 1_000_000 }).map(String),
      fc.integer({ min: -1_000_000, max: -1 }).map(String),
      fc.stringMatching(/^[a-z ]{1,8}$/).filter((s) => s.trim() !== ""),
      fc.tuple(fc.nat(3), fc.nat(3)).map(([a, b]) => `${a} ${b}`),
    );
    await fc.assert(
      fc.asyncProperty(invalid, async (value) => {
        const err = await c.request("sysctl.set", { name: "net.ipv4.conf.eth0.arp_ignore", value }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(codeOf(err)).toBe("bad_request");
        expect(await proc("net/ipv4/conf/eth0/arp_ignore")).toBe("0\n");
      }),
      { numRuns: 60 },
    );
  });

  it("set then get round-trips every valid value (property)", async () => {
    h = await start();
    const c = await h.client();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1, 2, 3, 8), fc.constantFrom(0, 1, 2), async (ignore, announce) => {
        await c.request("sysctl.set", { name: "net.ipv4.conf.lo.arp_ignore", value: String(ignore) });
        await c.request("sysctl.set", { name: "net.ipv4.conf.lo.arp_announce", value: String(announce) });
        const r = await c.request("sysctl.get", { names: ["net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.lo.arp_announce"] });
        expect(r.values).toEqual({ "net.ipv4.conf.lo.arp_ignore": String(ignore), "net.ipv4.conf.lo.arp_announce": String(announce) });
      }),
      { numRuns: 25 },
    );
  });

  it("a realserver agent serves sysctl.* (ARP settings)", async () => {
    h = await start("realserver");
    const c = await h.client();
    const r = await c.request("sysctl.set", { name: "net.ipv4.conf.all.arp_announce", value: "2" });
    expect(r.value).toBe("2");
    expect(await proc("net/ipv4/conf/all/arp_announce")).toBe("2\n");
  });
});
