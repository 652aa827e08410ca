import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAllowedSysctls, resolveSysctl, SysctlError, validateSysctlValue } from "@/agent/sysctl/allowlist.ts";
import { parseSysctlConf, SysctlService } from "@/agent/sysctl/sysctl.ts";
import { VS_SYSCTLS } from "@/agent/sysctl/vs-table.ts";

let dir: string;
let root: string;
let persistFile: string;

const FILES: Record<string, string> = {
  "net/ipv4/ip_forward": "0\n",
  "net/ipv6/conf/all/forwarding": "0\n",
  "net/ipv4/vs/conntrack": "0\n",
  "net/ipv4/vs/sync_threshold": "3\t50\n",
  "net/ipv4/vs/sync_ports": "1\n",
  "net/ipv4/vs/est_cpulist": "0-1\n",
  "net/ipv4/vs/expire_nodest_conn": "0\n",
  "net/ipv4/vs/conn_lfactor": "-4\n", // a newer kernel's name the table does not know
  "net/core/somaxconn": "4096\n", // exists, but is not allow-listed
  "secret": "do not read\n",
};
for (const i of ["all", "default", "lo", "eth0", "eth0.100"]) {
  for (const k of ["arp_ignore", "arp_announce", "send_redirects", "rp_filter", "forwarding"]) FILES[`net/ipv4/conf/${i}/${k}`] = "0\n";
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sysctl-"));
  root = join(dir, "proc-sys");
  persistFile = join(dir, "etc", "sysctl.d", "90-lvs-agent.conf");
  for (const [p, v] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), v);
  }
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const service = () => new SysctlService({ procRoot: root, persistFile });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    expect(err).toBeInstanceOf(SysctlError);
    return (err as SysctlError).code;
  }
}

describe("allow-list", () => {
  it("lists fixed names, conf keys of every interface, and IPVS names from the directory", async () => {
    const names = await listAllowedSysctls(root);
    expect(names).toContain("net.ipv4.ip_forward");
    expect(names).toContain("net.ipv6.conf.all.forwarding");
    expect(names).toContain("net.ipv4.conf.eth0.100.rp_filter");
    expect(names).toContain("net.ipv4.vs.conn_lfactor");
    expect(names.filter((n) => n.startsWith("net.ipv4.vs."))).toHaveLength(6);
    expect(names).not.toContain("net.ipv4.conf.eth0.forwarding");
    expect(names.some((n) => n.includes("somaxconn"))).toBe(false);
  });

  it.each([
    "net.core.somaxconn",
    "kernel.hostname",
    "net.ipv4.conf.eth0.forwarding",
    "net.ipv4.conf.all.constructor",
    "constructor",
    "net.ipv4.conf.../../../secret.arp_ignore",
    "net.ipv4.conf.eth0/../../..arp_ignore",
    "net.ipv4.conf...arp_ignore",
    "net.ipv4.conf.eth0/./100.arp_ignore",
    "net.ipv4.conf./eth0.arp_ignore",
    "net.ipv4.conf..arp_ignore",
    "net.ipv4.vs.../../secret",
    "net.ipv4.vs.Conntrack",
    "net/ipv4/ip_forward",
  ])("refuses %s as not allowed", async (name) => {
    expect(await codeOf(service().get(name))).toBe("not-allowed");
    expect(await codeOf(service().set(name, "1"))).toBe("not-allowed");
  });

  it("refuses interfaces and IPVS names that do not exist", async () => {
    expect(await codeOf(service().get("net.ipv4.conf.wlan9.arp_ignore"))).toBe("not-found");
    expect(await codeOf(service().get("net.ipv4.vs.no_such_thing"))).toBe("not-found");
  });
});

describe("value checks before writing", () => {
  it.each([
    ["net.ipv4.ip_forward", "2"],
    ["net.ipv4.ip_forward", "yes"],
    ["net.ipv4.ip_forward", "1 1"],
    ["net.ipv4.conf.all.arp_ignore", "5"],
    ["net.ipv4.conf.all.arp_ignore", "9"],
    ["net.ipv4.conf.lo.arp_announce", "3"],
    ["net.ipv4.vs.sync_threshold", "3"],
    ["net.ipv4.vs.sync_threshold", "50 3"],
    ["net.ipv4.vs.sync_ports", "3"],
    ["net.ipv4.vs.est_cpulist", "0-1;rm"],
    ["net.ipv4.vs.conn_lfactor", "1.5"],
    ["net.ipv4.vs.conntrack", "-1"],
  ])("%s = %j is refused and the file is untouched", async (name, value) => {
    const s = service();
    const before = (await s.get(name)).value;
    expect(await codeOf(s.set(name, value))).toBe("invalid-value");
    expect((await s.get(name)).value).toBe(before);
  });

  it("accepts every in-range integer and refuses every out-of-range one (property)", async () => {
    const known = Object.entries(VS_SYSCTLS).filter(([, d]) => d.rule.kind === "int" && d.rule.count === 1);
    for (const [key, doc] of known) {
      const r = { name: `net.ipv4.vs.${key}`, parts: ["net", "ipv4", "vs", key], doc };
      if (doc.rule.kind !== "int") continue;
      const { min, max } = doc.rule;
      fc.assert(
        fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
          const inRange = n >= min && n <= max && (key !== "sync_ports" || (n & (n - 1)) === 0);
          let ok = true;
          try {
            expect(validateSysctlValue(r, ` ${n} `)).toBe(String(n));
          } catch (err) {
            expect(err).toBeInstanceOf(SysctlError);
            ok = false;
          }
          expect(ok).toBe(inRange);
        }),
        { numRuns: 50 },
      );
    }
  });
});

describe("read and set through the injected /proc/sys root", () => {
  it("reads values as sysctl -n prints them, and writes normalized ones", async () => {
    const s = service();
    expect((await s.get("net.ipv4.vs.sync_threshold")).value).toBe("3\t50");
    const r = await s.set("net.ipv4.vs.sync_threshold", "  4   60 ");
    expect(r).toEqual({ name: "net.ipv4.vs.sync_threshold", previous: "3\t50", value: "4 60", persisted: false });
    expect(await readFile(join(root, "net/ipv4/vs/sync_threshold"), "utf8")).toBe("4 60\n");
    await s.set("net.ipv4.conf.eth0.100.arp_ignore", "1");
    expect(await readFile(join(root, "net/ipv4/conf/eth0.100/arp_ignore"), "utf8")).toBe("1\n");
    expect((await s.get("net.ipv4.vs.conntrack")).doc?.default).toBe("0");
    expect((await s.get("net.ipv4.vs.conn_lfactor")).doc).toBeUndefined();
  });

  it("list() returns every allowed name with its value", async () => {
    const all = await service().list();
    expect(all.find((e) => e.name === "net.ipv4.vs.est_cpulist")?.value).toBe("0-1");
    expect(all.length).toBe((await listAllowedSysctls(root)).length);
  });
});

describe("persistence file", () => {
  it("merges with what the file holds: replaces the key, keeps comments and other keys", async () => {
    await mkdir(dirname(persistFile), { recursive: true });
    await writeFile(persistFile, "# operator notes\nnet.ipv4.ip_forward = 0\nvm.swappiness=10\n-net/ipv4/vs/conntrack = 0\nnet.ipv4.ip_forward=0\n");
    await service().set("net.ipv4.ip_forward", "1", { persist: true });
    await service().set("net.ipv4.vs.conntrack", "1", { persist: true });
    await service().set("net.ipv4.conf.eth0.100.rp_filter", "2", { persist: true });
    expect(await readFile(persistFile, "utf8")).toBe(
      "# operator notes\nnet.ipv4.ip_forward = 1\nvm.swappiness=10\nnet.ipv4.vs.conntrack = 1\nnet/ipv4/conf/eth0.100/rp_filter = 2\n",
    );
    expect(await readdir(dirname(persistFile))).toEqual(["90-lvs-agent.conf"]); // no temp files left
  });

  it("re-applies the file at start, reporting failures instead of throwing", async () => {
    await mkdir(dirname(persistFile), { recursive: true });
    await writeFile(persistFile, "net.ipv4.vs.conntrack = 1\nkernel.panic = 1\n-net.ipv4.conf.gone0.arp_ignore = 1\nnet/ipv4/conf/eth0.100/arp_announce = 2\nnet.ipv4.ip_forward = 7\n");
    const report = await service().applyPersisted();
    expect(report.applied).toEqual([
      { name: "net.ipv4.vs.conntrack", value: "1" },
      { name: "net.ipv4.conf.eth0.100.arp_announce", value: "2" },
    ]);
    expect(report.failed.map((f) => f.name)).toEqual(["kernel.panic", "net.ipv4.ip_forward"]);
    expect(await readFile(join(root, "net/ipv4/conf/eth0.100/arp_announce"), "utf8")).toBe("2\n");
  });

  it("write -> parse round-trips any sequence of persisted settings (property)", async () => {
    const names = ["net.ipv4.ip_forward", "net.ipv4.vs.conntrack", "net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.eth0.100.send_redirects"];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom("0", "1")), { maxLength: 8 }), async (ops) => {
        await rm(persistFile, { force: true });
        const want = new Map<string, string>();
        for (const [n, v] of ops) {
          await service().set(n, v, { persist: true });
          want.set(n, v);
        }
        expect(await service().readPersisted()).toEqual(want);
        expect(parseSysctlConf(await readFile(persistFile, "utf8").catch(() => "")).length).toBe(want.size);
      }),
      { numRuns: 25 },
    );
  });

  it("resolves only below the injected root, in both spellings of a dotted interface name", async () => {
    const r = await resolveSysctl(root, "net.ipv4.conf.eth0.100.rp_filter");
    expect(r.parts).toEqual(["net", "ipv4", "conf", "eth0.100", "rp_filter"]);
    expect((await resolveSysctl(root, "net.ipv4.conf.eth0/100.rp_filter")).parts).toEqual(r.parts);
  });
});
