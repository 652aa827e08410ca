// sysctl.get / sysctl.set through the agent's WebSocket on a real director, with `sysctl -n`
// in the same network namespace as the oracle: values agree both ways, a refused name or value
// changes nothing, persist writes the agent's sysctl file. Director 2; every value is put back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentClient } from "@/protocol/node/agent-client.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { agentSysctlFile } from "@/lab/directors.ts";
import { connectAgent, director, ok, run } from "./lab.ts";

const d = director(2);
const NAMES = ["net.ipv4.vs.expire_nodest_conn", "net.ipv4.vs.sync_threshold", "net.ipv4.conf.br0.arp_ignore", "net.ipv4.conf.all.arp_announce", "net.ipv4.ip_forward"];
// the lab's agents persist to their --sysctl-file on the persistent share (lab/directors.ts)
const PERSIST_FILE = agentSysctlFile(d);
let client: AgentClient;
const original = new Map<string, string>();

const sysctlN = async (name: string) => (await ok(d.name, ["sysctl", "-n", name])).replace(/\n$/, "");
const codeOf = (e: unknown) => (e instanceof ProtocolError ? e.code : `not a ProtocolError: ${String(e)}`);

beforeAll(async () => {
  client = await connectAgent(d);
  for (const n of NAMES) original.set(n, await sysctlN(n));
  await run(d.name, ["rm", "-f", PERSIST_FILE]);
}, 60_000);

afterAll(async () => {
  for (const [n, v] of original) await ok(d.name, ["sysctl", "-qw", `${n}=${v}`]);
  await run(d.name, ["rm", "-f", PERSIST_FILE]);
  client?.close();
}, 60_000);

describe("sysctl through the agent on a real director", () => {
  it("sysctl.get equals sysctl -n for named and listed sysctls", async () => {
    const r = await client.request("sysctl.get", { names: NAMES });
    for (const n of NAMES) expect(r.values[n], n).toBe(original.get(n));
    const all = await client.request("sysctl.get", {});
    expect(Object.keys(all.values).length).toBeGreaterThan(20);
    // a sample of the listing (each check is one exec under TCG)
    for (const n of ["net.ipv4.vs.conntrack", "net.ipv4.vs.sync_threshold", "net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.uplink.rp_filter"]) {
      expect(all.values[n], n).toBe(await sysctlN(n));
    }
  });

  it("sysctl.set changes what sysctl -n shows, and sysctl -w shows through sysctl.get", async () => {
    const r = await client.request("sysctl.set", { name: "net.ipv4.vs.sync_threshold", value: "7 70" });
    expect(r).toMatchObject({ previous: original.get("net.ipv4.vs.sync_threshold"), value: "7\t70", persisted: false });
    expect(await sysctlN("net.ipv4.vs.sync_threshold")).toBe("7\t70");
    await client.request("sysctl.set", { name: "net.ipv4.conf.br0.arp_ignore", value: "2" });
    expect(await sysctlN("net.ipv4.conf.br0.arp_ignore")).toBe("2");
    await ok(d.name, ["sysctl", "-qw", "net.ipv4.vs.expire_nodest_conn=1"]);
    expect((await client.request("sysctl.get", { names: ["net.ipv4.vs.expire_nodest_conn"] })).values).toEqual({ "net.ipv4.vs.expire_nodest_conn": "1" });
    // only this director's namespace changed
    expect((await ok(director(1).name, ["sysctl", "-n", "net.ipv4.conf.br0.arp_ignore"])).trim()).not.toBe("2");
  });

  it("persist:true writes the agent's sysctl file as well", async () => {
    await client.request("sysctl.set", { name: "net.ipv4.conf.all.arp_announce", value: "2", persist: true });
    expect(await sysctlN("net.ipv4.conf.all.arp_announce")).toBe("2");
    expect(await ok(d.name, ["cat", PERSIST_FILE])).toMatch(/^net\.ipv4\.conf\.all\.arp_announce = 2$/m);
  });

  it("a refused name or value is bad_request and changes nothing", async () => {
    const before = new Map<string, string>();
    for (const n of NAMES) before.set(n, await sysctlN(n));
    const panic = await ok(d.name, ["sysctl", "-n", "kernel.panic"]);
    const cases: [string, string][] = [
      ["kernel.panic", "7"],
      ["net.ipv4.tcp_syncookies", "0"],
      ["net.ipv4.conf.br0.accept_local", "1"],
      ["net.ipv4.conf.br0.arp_ignore", "5"],
      ["net.ipv4.vs.sync_threshold", "80 70"],
      ["net.ipv4.ip_forward", "yes"],
    ];
    for (const [name, value] of cases) {
      const err = await client.request("sysctl.set", { name, value }).then(() => null, (e: unknown) => e);
      expect(codeOf(err), `${name}=${value}`).toBe("bad_request");
      expect((err as Error).message.length, name).toBeGreaterThan(10);
    }
    for (const n of NAMES) expect(await sysctlN(n), n).toBe(before.get(n));
    expect(await ok(d.name, ["sysctl", "-n", "kernel.panic"])).toBe(panic);
    expect(await ok(d.name, ["sysctl", "-n", "net.ipv4.tcp_syncookies"])).toBe(await ok(director(1).name, ["sysctl", "-n", "net.ipv4.tcp_syncookies"]));
  });
});
