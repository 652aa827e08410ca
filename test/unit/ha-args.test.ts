// The agent's HA flags (agent/args.ts) and the --ha-spec file read at start.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSpecFile, routerIdFromHostname } from "@/agent/ha/index.ts";
import { ArgsError, parseAgentArgs } from "@/agent/args.ts";

const BASE = ["--listen", "127.0.0.1:9400", "--token-file", "/etc/lvs-agent/token"];

describe("agent HA flags", () => {
  it("defaults: managed keepalived from PATH in /var/lib/lvs-agent/keepalived, no spec file", () => {
    expect(parseAgentArgs(BASE)).toMatchObject({ haSpecFile: null, keepalivedMode: "managed", keepalivedBin: null, keepalivedDir: "/var/lib/lvs-agent/keepalived", keepalivedConf: null });
  });

  it("takes every flag", () => {
    const a = parseAgentArgs([...BASE, "--ha-spec", "/var/lib/lvs-lab/dir1/ha.json", "--keepalived", "systemd", "--keepalived-bin", "/usr/sbin/keepalived", "--keepalived-dir", "/run/lab/keepalived-dir1", "--keepalived-conf", "/etc/keepalived/keepalived.conf"]);
    expect(a).toMatchObject({ haSpecFile: "/var/lib/lvs-lab/dir1/ha.json", keepalivedMode: "systemd", keepalivedBin: "/usr/sbin/keepalived", keepalivedDir: "/run/lab/keepalived-dir1", keepalivedConf: "/etc/keepalived/keepalived.conf" });
  });

  it("refuses a bad mode, a path keepalived.conf could not hold unquoted, and --ha-spec on a real server", () => {
    expect(() => parseAgentArgs([...BASE, "--keepalived", "docker"])).toThrow(ArgsError);
    expect(() => parseAgentArgs([...BASE, "--keepalived-dir", "/var/lib/my dir"])).toThrow(/--keepalived-dir must be an absolute path/);
    expect(() => parseAgentArgs([...BASE, "--keepalived-dir", "relative/dir"])).toThrow(/absolute path/);
    expect(() => parseAgentArgs([...BASE, "--keepalived-conf", "/etc/k#x.conf"])).toThrow(/--keepalived-conf/);
    expect(() => parseAgentArgs([...BASE, "--role", "realserver", "--ha-spec", "/x.json"])).toThrow(/--ha-spec is for directors/);
  });
});

describe("readSpecFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "ha-args-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("absent or null: nothing to apply; a spec: parsed with defaults; junk: refused with the reason", async () => {
    expect(await readSpecFile(join(dir, "missing.json"))).toBeNull();
    expect(await readSpecFile(file("null.json", "null\n"))).toBeNull();
    const spec = await readSpecFile(file("ok.json", JSON.stringify({ instances: [{ name: "VI_1", interface: "br0", virtualRouterId: 1, priority: 100, virtualIpAddresses: [{ address: "10.0.0.5" }] }] })));
    expect(spec).toMatchObject({ sync: null, instances: [{ initialState: "BACKUP", advertInt: 1, preempt: true, unicastPeers: [] }] });
    await expect(readSpecFile(file("bad.json", "{"))).rejects.toThrow(/is not JSON/);
    await expect(readSpecFile(file("prio.json", JSON.stringify({ instances: [{ name: "VI_1", interface: "br0", virtualRouterId: 1, priority: 300, virtualIpAddresses: [{ address: "10.0.0.5" }] }] })))).rejects.toThrow(
      /instance #1: priority/,
    );
  });

  it("router_id from the host name is one keepalived word", () => {
    expect(routerIdFromHostname("dir1.example.com")).toBe("dir1_example_com");
    expect(routerIdFromHostname("1host")).toBe("h1host");
  });
});
