// keepalived.conf rendering, checked by the real keepalived 2.2.7 (`keepalived -t`, which exits
// 0 even on unknown keywords, so its output is read too) and parsed back here.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readInterfaces } from "@/agent/ha/addresses.ts";
import { SYNC_GROUP, renderKeepalivedConf, vipText } from "@/agent/ha/render.ts";
import { configTestProblems, runCommand } from "@/agent/ha/run-command.ts";
import { checkSpec } from "@/agent/ha/validate.ts";
import { ipRunner } from "@/agent/realserver/ip-command.ts";
import { HaSpec } from "@/protocol/ha.ts";
import { specArb } from "./ha-arbitraries.ts";

const KEEPALIVED = "/usr/sbin/keepalived";
const dir = mkdtempSync(join(tmpdir(), "ha-render-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const OPTS = { notifyFifo: "/var/lib/lvs-agent/keepalived/notify.fifo", defaultRouterId: "dir1" };

/** keepalived -t on the text: the lines that show it did not take the config as meant. */
async function keepalivedTest(text: string): Promise<string[]> {
  const f = join(dir, `k${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(f, text);
  return configTestProblems(await runCommand(KEEPALIVED, ["-t", "-f", f, "-l"]));
}

/** A tiny reader of keepalived's syntax: `word args...` lines and `word args { ... }` blocks. */
interface Node {
  key: string;
  args: string[];
  children: Node[];
}
function parseConf(text: string): Node[] {
  const root: Node = { key: "", args: [], children: [] };
  const stack = [root];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    if (line === "}") {
      stack.pop();
      continue;
    }
    const words = line.split(/\s+/);
    const open = words.at(-1) === "{";
    if (open) words.pop();
    const node: Node = { key: words[0]!, args: words.slice(1), children: [] };
    stack.at(-1)!.children.push(node);
    if (open) stack.push(node);
  }
  expect(stack).toHaveLength(1);
  return root.children;
}
const child = (n: Node, key: string) => n.children.find((c) => c.key === key);
const value = (n: Node, key: string) => child(n, key)?.args.join(" ");
const items = (n: Node | undefined) => (n?.children ?? []).map((c) => [c.key, ...c.args].join(" "));

/** The host's interfaces keepalived -t can see (not lo: VRRP refuses it). */
async function hostInterfaces(): Promise<[string, ...string[]]> {
  // VRRP's own interface first: up, with multicast (keepalived -t refuses an ifb for multicast adverts)
  const all = (await readInterfaces(ipRunner())).filter((i) => i.name !== "lo");
  const names = [...all.filter((i) => i.up && i.multicast), ...all.filter((i) => !(i.up && i.multicast))].map((i) => i.name);
  if (names.length === 0) throw new Error("this machine has no interface besides lo for keepalived -t");
  return names as [string, ...string[]];
}

const EXAMPLE = HaSpec.parse({
  routerId: "lvs_a",
  instances: [
    {
      name: "VI_EXT",
      interface: "eth0",
      virtualRouterId: 51,
      priority: 150,
      initialState: "BACKUP",
      advertInt: 1,
      authentication: { type: "PASS", password: "s3cret" },
      virtualIpAddresses: [{ address: "192.0.2.100" }, { address: "192.0.2.200", prefix: 24, dev: "eth0" }],
      preempt: true,
      preemptDelay: 30,
      unicastSrcIp: "192.0.2.2",
      unicastPeers: ["192.0.2.3"],
      trackInterfaces: ["eth0", "ifb0"],
    },
    { name: "VI_INT", interface: "eth0", virtualRouterId: 52, priority: 150, preempt: false, virtualIpAddresses: [{ address: "192.0.2.254" }] },
  ],
});

describe("renderKeepalivedConf", () => {
  it("renders every keyword of an instance, the sync group and global_defs", () => {
    const text = renderKeepalivedConf(EXAMPLE, OPTS);
    expect(text).toContain("vrrp_instance VI_EXT {");
    expect(text).toContain("        192.0.2.100/32 dev eth0\n");
    expect(text).toContain("        192.0.2.200/24 dev eth0\n");
    expect(text).toContain("    preempt_delay 30\n");
    expect(text).toContain("    nopreempt\n");
    expect(text).toContain(`notify_fifo ${OPTS.notifyFifo}`);
    expect(text).toContain("router_id lvs_a");
    expect(text).toContain(`vrrp_sync_group ${SYNC_GROUP} {`);
    // its own interface is tracked anyway; keepalived warns when told to
    expect(text).toMatch(/track_interface \{\n\s+ifb0\n\s+\}/);
  });

  it("renders no sync group for one instance, and version 3 for a fractional advert_int", () => {
    const one = HaSpec.parse({ instances: [{ name: "A", interface: "eth0", virtualRouterId: 1, priority: 100, advertInt: 0.25, virtualIpAddresses: [{ address: "192.0.2.9" }] }] });
    const text = renderKeepalivedConf(one, OPTS);
    expect(text).not.toContain("vrrp_sync_group");
    expect(text).toContain("advert_int 0.25\n");
    expect(text).toContain("version 3\n");
    expect(text).toContain("router_id dir1");
  });

  it("a config the real keepalived -t accepts without a warning (and the oracle does catch mistakes)", async () => {
    const [main, ...rest] = await hostInterfaces();
    const spec = HaSpec.parse(JSON.parse(JSON.stringify(EXAMPLE).replaceAll('"eth0"', JSON.stringify(main)).replaceAll('"ifb0"', JSON.stringify(rest[0] ?? main))));
    const text = renderKeepalivedConf(spec, OPTS);
    expect(await keepalivedTest(text)).toEqual([]);
    // the oracle is not blind: an unknown keyword and a bad value are reported
    expect((await keepalivedTest(text.replace("nopreempt", "no_preempt"))).join("\n")).toMatch(/Unknown keyword 'no_preempt'/);
    expect((await keepalivedTest(text.replace("advert_int 1", "advert_int 0.5"))).join("\n")).toMatch(/must be an integer/);
  });

  it("random valid specs render to configs keepalived -t accepts, with the values they say", async () => {
    const ifaces = await hostInterfaces();
    await fc.assert(
      fc.asyncProperty(specArb(ifaces), async ({ spec, ifs }) => {
        expect(checkSpec(spec, ifs)).toEqual([]);
        const text = renderKeepalivedConf(spec, OPTS);
        expect(await keepalivedTest(text)).toEqual([]);
        const top = parseConf(text);
        const g = top.find((n) => n.key === "global_defs")!;
        expect(value(g, "router_id")).toBe(spec.routerId ?? OPTS.defaultRouterId);
        const group = top.find((n) => n.key === "vrrp_sync_group");
        expect(group ? items(child(group, "group")) : null).toEqual(spec.instances.length > 1 ? spec.instances.map((i) => i.name) : null);
        const insts = top.filter((n) => n.key === "vrrp_instance");
        expect(insts.map((n) => n.args[0])).toEqual(spec.instances.map((i) => i.name));
        spec.instances.forEach((i, k) => {
          const n = insts[k]!;
          expect(value(n, "interface")).toBe(i.interface);
          expect(value(n, "state")).toBe(i.initialState);
          expect(Number(value(n, "virtual_router_id"))).toBe(i.virtualRouterId);
          expect(Number(value(n, "priority"))).toBe(i.priority);
          expect(Number(value(n, "advert_int"))).toBe(i.advertInt);
          expect(child(n, "nopreempt") !== undefined).toBe(!i.preempt);
          expect(value(n, "preempt_delay")).toBe(i.preemptDelay === undefined ? undefined : String(i.preemptDelay));
          const auth = child(n, "authentication");
          expect(auth ? { type: value(auth, "auth_type"), password: value(auth, "auth_pass") } : undefined).toEqual(i.authentication);
          expect(items(child(n, "virtual_ipaddress"))).toEqual(i.virtualIpAddresses.map((v) => `${vipText(v)} dev ${v.dev ?? i.interface}`));
          expect(items(child(n, "unicast_peer"))).toEqual(i.unicastPeers);
          expect(value(n, "unicast_src_ip")).toBe(i.unicastSrcIp);
          expect(items(child(n, "track_interface"))).toEqual(i.trackInterfaces.filter((t) => t !== i.interface));
        });
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
