// Sysctls and the real-server role on a real kernel: values read and set through /proc/sys of a
// director namespace agree with `sysctl -n`; the DR real servers the lab built pass the
// readiness report; binding a VIP on lo gives the /32 (/128) and the kernel's local route.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { SysctlApplyReport, SysctlEntry, SysctlSetResult } from "@/protocol/sysctl.ts";
import type { DrReadinessReport, VipBinding } from "@/protocol/realserver.ts";
import { director, guestNode, ok, sh } from "./lab.ts";

const PROBE = fileURLToPath(new URL("./guest/realserver-probe.ts", import.meta.url));
const d = director(1).name;

type Result<T> = { ok: T } | { error: { name: string; code?: string; message: string } };

async function probe(target: string, ops: object[], env = ""): Promise<Result<unknown>[]> {
  const out = await sh(target, `${env} ${(await guestNode(PROBE)).join(" ")} <<'EOF'\n${JSON.stringify(ops)}\nEOF`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as Result<unknown>[];
}

function value<T>(r: Result<unknown> | undefined): T {
  if (r === undefined || !("ok" in r)) throw new Error(`probe failed: ${JSON.stringify(r)}`);
  return r.ok as T;
}

const sysctlN = async (target: string, name: string) => (await ok(target, ["sysctl", "-n", name])).replace(/\n$/, "");

describe("sysctls in a director namespace", () => {
  it("every allow-listed value equals sysctl -n, and the IPVS names come from the kernel", async () => {
    const [list] = await probe(d, [{ op: "list" }]);
    const entries = value<SysctlEntry[]>(list);
    const names = entries.map((e) => e.name);
    expect(names).toContain("net.ipv4.vs.conntrack");
    expect(names).toContain("net.ipv4.vs.sync_threshold");
    expect(names).toContain("net.ipv4.conf.all.arp_ignore");
    // one sysctl -n per name in one guest command
    const script = names.map((n) => `printf '%s\\0' "$(sysctl -n ${n})"`).join("; ");
    const theirs = (await sh(d, script)).split("\0").slice(0, -1);
    expect(entries.map((e) => e.value)).toEqual(theirs);
    const vsDir = (await sh(d, "ls /proc/sys/net/ipv4/vs")).trim().split(/\s+/).sort();
    expect(names.filter((n) => n.startsWith("net.ipv4.vs.")).map((n) => n.slice(12))).toEqual(vsDir);
  });

  it("sets values the kernel then reports through sysctl -n, refuses bad ones before writing", async () => {
    const res = await probe(d, [
      { op: "set", name: "net.ipv4.vs.expire_quiescent_template", value: "1" },
      { op: "set", name: "net.ipv4.vs.sync_threshold", value: "4 60" },
      { op: "set", name: "net.ipv4.vs.conntrack", value: "5" },
      { op: "set", name: "net.core.somaxconn", value: "1" },
      { op: "set", name: "net.ipv4.conf.../../../kernel.arp_ignore", value: "1" },
    ]);
    expect(value<SysctlSetResult>(res[0])).toMatchObject({ previous: "0", value: "1" });
    expect(await sysctlN(d, "net.ipv4.vs.expire_quiescent_template")).toBe("1");
    expect(value<SysctlSetResult>(res[1]).previous).toBe("3\t50");
    expect(await sysctlN(d, "net.ipv4.vs.sync_threshold")).toBe("4\t60");
    expect(res.slice(2).map((r) => ("error" in r ? r.error.code : "ok"))).toEqual(["invalid-value", "not-allowed", "not-allowed"]);
    expect(await sysctlN(d, "net.ipv4.vs.conntrack")).toBe("0");
    await ok(d, ["sysctl", "-qw", "net.ipv4.vs.expire_quiescent_template=0", "net.ipv4.vs.sync_threshold=3 50"]);
  });

  it("persists to a sysctl.d file and re-applies it", async () => {
    const env = "PERSIST_FILE=/tmp/lvs-agent-test/90-lvs-agent.conf";
    await sh(d, "rm -rf /tmp/lvs-agent-test");
    await probe(d, [{ op: "set", name: "net.ipv4.vs.expire_nodest_conn", value: "1", persist: true }], env);
    expect(await sh(d, "cat /tmp/lvs-agent-test/90-lvs-agent.conf")).toMatch(/^net\.ipv4\.vs\.expire_nodest_conn = 1$/m);
    await ok(d, ["sysctl", "-qw", "net.ipv4.vs.expire_nodest_conn=0"]);
    const [apply] = await probe(d, [{ op: "apply" }], env);
    expect(value<SysctlApplyReport>(apply).applied).toEqual([{ name: "net.ipv4.vs.expire_nodest_conn", value: "1" }]);
    expect(await sysctlN(d, "net.ipv4.vs.expire_nodest_conn")).toBe("1");
    await ok(d, ["sysctl", "-qw", "net.ipv4.vs.expire_nodest_conn=0"]);
  });
});

describe("real-server role", () => {
  const rs = `${d}-rs1`;

  it("the lab's DR real servers are ready for the DR VIP, with the values sysctl -n shows", async () => {
    const [r] = await probe(rs, [{ op: "ready", vip: "172.16.0.200" }]);
    const report = value<DrReadinessReport>(r);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ready).toBe(true);
    const all = Number(await sysctlN(rs, "net.ipv4.conf.all.arp_ignore"));
    for (const c of report.checks.filter((x) => x.id.startsWith("arp_ignore:"))) {
      const iface = c.id.slice("arp_ignore:".length);
      const own = Number(await sysctlN(rs, `net.ipv4.conf.${iface}.arp_ignore`));
      expect(Number(c.current)).toBe(Math.max(all, own));
    }
  });

  it("a director namespace is not a ready real server: the VIP check fails with a fix", async () => {
    const [r] = await probe(d, [{ op: "ready", vip: "172.16.0.201" }]);
    const report = value<DrReadinessReport>(r);
    expect(report.ready).toBe(false);
    expect(report.checks.find((c) => c.id === "vip-on-lo")).toMatchObject({ ok: false, current: "absent" });
  });

  it("binds and unbinds IPv4 /32 and IPv6 /128 VIPs on lo, with the kernel's local route", async () => {
    const res = await probe(rs, [
      { op: "bind", vip: "172.16.0.201" },
      { op: "bind", vip: "172.16.0.201" },
      { op: "bind", vip: "2001:db8:ff::201" },
    ]);
    expect(res.map((r) => value<VipBinding>(r))).toEqual([
      { vip: "172.16.0.201", prefixLength: 32, changed: true, hostRoute: true },
      { vip: "172.16.0.201", prefixLength: 32, changed: false, hostRoute: true },
      { vip: "2001:db8:ff::201", prefixLength: 128, changed: true, hostRoute: true },
    ]);
    expect(await sh(rs, "ip -o addr show dev lo")).toMatch(/inet 172\.16\.0\.201\/32/);
    expect(await sh(rs, "ip -o -6 addr show dev lo")).toMatch(/inet6 2001:db8:ff::201\/128/);
    expect(await sh(rs, "ip route show table local 172.16.0.201")).toMatch(/^local 172\.16\.0\.201 dev lo/);
    const un = await probe(rs, [
      { op: "unbind", vip: "172.16.0.201" },
      { op: "unbind", vip: "2001:db8:ff::201" },
    ]);
    expect(un.map((r) => value<VipBinding>(r).hostRoute)).toEqual([false, false]);
    expect(await sh(rs, "ip -o addr show dev lo")).not.toMatch(/172\.16\.0\.201/);
  });
});
