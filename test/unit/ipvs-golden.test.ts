// Replays real kernel replies (captured once in the lab by test/lab/guest/ipvs-capture.ts on
// Debian's 6.1 kernel) through the client, and checks the decoded values against what the
// real ipvsadm printed at the same moment (captured alongside) and the rules that were loaded.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NetlinkIpvsClient } from "@/agent/ipvs/client.ts";
import { AttrMap } from "@/agent/netlink/attrs.ts";
import type { Transport } from "@/agent/netlink/transport.ts";
import type { ServiceState } from "@/protocol/ipvs.ts";
import { parseThresholds, saveLines, type ServiceWithDests, thresholdFacts } from "../lab/guest/ipvs-save-format.ts";

interface Golden {
  kernel: string;
  ipvsadmSave: string;
  ipvsadmStats: string;
  ipvsadmThresholds: string;
  exchanges: Array<{ request: string; replies: string[] }>;
}
const golden = JSON.parse(readFileSync(new URL("../fixtures/golden/ipvs-kernel-6.1.json", import.meta.url), "utf8")) as Golden;

/** Answers a request with the recorded replies of the byte-identical recorded request. */
class Replay implements Transport {
  unmatched: string[] = [];
  async request(message: Buffer): Promise<Buffer[]> {
    const key = Buffer.from(message);
    key.writeUInt32LE(0, 8);
    const hit = golden.exchanges.find((e) => e.request === key.toString("hex"));
    if (!hit) {
      this.unmatched.push(key.toString("hex"));
      throw new Error("no recorded reply for this request");
    }
    return hit.replies.map((h) => Buffer.from(h, "hex"));
  }
  requestAll(messages: Buffer[]): Promise<Buffer[][]> {
    return Promise.all(messages.map((m) => this.request(m)));
  }
  close(): void {}
}

const configOf = (list: ServiceState[]): ServiceWithDests[] =>
  list.map((s) => ({ service: { key: s.key, config: s.config }, dests: s.destinations.map((d) => ({ key: d.key, config: d.config })) }));

/** "TCP  172.16.0.100:80  3 20 16 1289 1504" rows of ipvsadm -Ln --stats --exact, in order. */
function ipvsadmStatsRows(text: string): string[] {
  return text
    .split("\n")
    .map((l) => /^(?:(?:TCP |UDP |SCTP|FWM ) (\S+(?: IPv6)?)|\s+-> (\S+))\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1] ? "svc" : "dest"} ${m[1] ?? m[2]} ${m.slice(3).join(" ")}`);
}

describe(`golden replies of kernel ${golden.kernel}`, () => {
  const open = async () => {
    const replay = new Replay();
    return { replay, client: await NetlinkIpvsClient.open({ transport: replay }) };
  };

  it("decodes info, timeouts and the sync daemon as ipvsadm printed them", async () => {
    const { client } = await open();
    expect(await client.info()).toEqual({ version: "1.2.1", connTableSize: 4096 });
    expect(await client.getTimeouts()).toEqual({ tcp: 901, tcpFin: 121, udp: 301 });
    expect(await client.listDaemons()).toEqual([
      { state: "master", mcastInterface: "uplink", syncId: 3, maxLen: 1472, mcastGroup: "224.0.0.81", mcastPort: 8848, mcastTtl: 1 },
    ]);
  });

  it("lists every service and real server exactly as `ipvsadm -S -n` and --thresholds saw them", async () => {
    const { client, replay } = await open();
    const list = await client.listServices();
    expect(replay.unmatched).toEqual([]);
    const config = configOf(list);
    expect(saveLines(config)).toEqual(golden.ipvsadmSave.split("\n").filter(Boolean).sort());
    expect(thresholdFacts(config)).toEqual(parseThresholds(golden.ipvsadmThresholds));
    const byName = new Map(list.map((s) => [JSON.stringify(s.key), s]));
    const web = byName.get(JSON.stringify({ protocol: "tcp", address: "10.30.0.1", port: 80 }))!;
    expect(web.config).toEqual({ scheduler: "wlc", schedulerFlags: [], persistence: { timeout: 300, netmask: "255.255.255.0" }, pe: null, onePacket: false });
    expect(web.destinations.find((d) => d.key.address === "10.0.0.11")!.config).toEqual({
      forwarding: "masq",
      weight: 5,
      upperThreshold: 100,
      lowerThreshold: 10,
      tunnel: null,
    });
    const v6 = byName.get(JSON.stringify({ protocol: "tcp", address: "2001:db8::1", port: 443 }))!;
    expect(v6.config.persistence).toEqual({ timeout: 100, netmask: "64" });
    expect(v6.destinations.find((d) => d.key.address === "2001:db8::11")!.config.tunnel).toEqual({ type: "gue", port: 6080, checksum: "remcsum" });
    expect(byName.get(JSON.stringify({ protocol: "fwmark", fwmark: 8, family: "ipv6" }))!.config).toEqual({
      scheduler: "none",
      schedulerFlags: [],
      persistence: { timeout: 360, netmask: "128" },
      pe: null,
      onePacket: false,
    });
    expect(byName.get(JSON.stringify({ protocol: "udp", address: "10.30.0.2", port: 53 }))!.config.schedulerFlags).toEqual(["flag-1", "flag-2"]);
    expect(byName.get(JSON.stringify({ protocol: "udp", address: "10.30.0.3", port: 5060 }))!.config.pe).toBe("sip");
    expect(byName.get(JSON.stringify({ protocol: "udp", address: "10.30.0.4", port: 514 }))!.config.onePacket).toBe(true);
  });

  it("decodes counters equal to `ipvsadm -Ln --stats --exact`", async () => {
    const { client } = await open();
    const list = await client.listServices();
    const name = (k: ServiceState["key"]) =>
      k.protocol === "fwmark" ? `${k.fwmark}${k.family === "ipv6" ? " IPv6" : ""}` : k.address.includes(":") ? `[${k.address}]:${k.port}` : `${k.address}:${k.port}`;
    const ours = list.flatMap((s) => [
      `svc ${name(s.key)} ${s.stats.conns} ${s.stats.inPkts} ${s.stats.outPkts} ${s.stats.inBytes} ${s.stats.outBytes}`,
      ...s.destinations.map((d) => {
        const a = d.key.address.includes(":") ? `[${d.key.address}]:${d.key.port}` : `${d.key.address}:${d.key.port}`;
        return `dest ${a} ${d.stats.conns} ${d.stats.inPkts} ${d.stats.outPkts} ${d.stats.inBytes} ${d.stats.outBytes}`;
      }),
    ]);
    const theirs = ipvsadmStatsRows(golden.ipvsadmStats);
    expect(theirs.length).toBeGreaterThan(10);
    expect(ours.sort()).toEqual(theirs.sort());
    // the NAT service carried real traffic: both directions counted
    expect(list.find((s) => s.key.protocol === "tcp" && s.key.address === "172.16.0.100")!.stats.outPkts).toBeGreaterThan(0);
  });

  it("replies carry HASHED in FLAGS and both STATS and STATS64 (the decoder ignores/prefers them)", () => {
    const dump = golden.exchanges.find((e) => Buffer.from(e.request, "hex")[16] === 4 && e.replies.length > 3)!;
    const msg = Buffer.from(dump.replies[0]!, "hex");
    const svc = new AttrMap(msg, 20).nested(1);
    expect(svc.u32(7) & 0x2).toBe(0x2);
    expect(svc.has(10) && svc.has(12)).toBe(true);
  });

  it("turns the recorded kernel errors into ipvsadm's messages", async () => {
    const { client } = await open();
    expect(await client.getService({ protocol: "tcp", address: "10.30.9.9", port: 80 })).toBeNull();
    await expect(client.listDestinations({ protocol: "udp", address: "10.30.9.9", port: 53 })).rejects.toMatchObject({ code: "ESRCH", message: "No such service" });
    await expect(
      client.createService({ key: { protocol: "udp", address: "10.30.0.4", port: 514 }, config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: true } }),
    ).rejects.toMatchObject({ errno: 17, message: "Service already exists" });
    await expect(client.deleteDestination({ protocol: "fwmark", fwmark: 7, family: "ipv4" }, { address: "10.0.0.99", port: 0 })).rejects.toMatchObject({
      errno: 2,
      message: "No such destination",
    });
    const v6 = await client.getService({ protocol: "tcp", address: "2001:db8::1", port: 443 });
    expect(v6?.destinations.map((d) => d.key.address).sort()).toEqual(["2001:db8::10", "2001:db8::11"]);
  });
});
