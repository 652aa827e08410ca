import { describe, expect, it } from "vitest";
import { NetlinkIpvsClient } from "@/agent/ipvs/client.ts";
import { encodeDestFull } from "@/agent/ipvs/codec-dest.ts";
import { encodeServiceFull } from "@/agent/ipvs/codec-service.ts";
import { encodeStats64 } from "@/agent/ipvs/codec-stats.ts";
import { K } from "@/agent/ipvs/constants.ts";
import { IpvsError, IpvsValidationError } from "@/agent/ipvs/errors.ts";
import { AttrMap, AttrWriter } from "@/agent/netlink/attrs.ts";
import type { Destination, Service, Stats } from "@/protocol/ipvs.ts";
import { expandServiceRows, servicesToRows } from "@/protocol/agent/compact.ts";
import {
  doneMessage,
  errorMessage,
  FakeTransport,
  familyReply,
  genlMessage,
  NLM_F_MULTI,
  type SeenRequest,
} from "./ipvs-fake.ts";

const FAMILY = 37;
const stats = (n: number): Stats => ({ conns: n, inPkts: 2 * n, outPkts: 3 * n, inBytes: 4 * n, outBytes: 5 * n, cps: 1, inPps: 2, outPps: 3, inBps: 4, outBps: 5 });

/** The SERVICE container as the kernel sends it: full attributes plus STATS64. */
function serviceAttr(svc: Service, s: Stats): Buffer {
  const full = encodeServiceFull(svc);
  const w = new AttrWriter();
  encodeStats64(w, K.IPVS_SVC_ATTR_STATS64, s);
  const body = Buffer.concat([full.subarray(4), w.finish()]);
  const h = Buffer.alloc(4);
  h.writeUInt16LE(body.length + 4, 0);
  h.writeUInt16LE(K.IPVS_CMD_ATTR_SERVICE, 2);
  return Buffer.concat([h, body]);
}
function destAttr(d: Destination, active: number, s: Stats): Buffer {
  const full = encodeDestFull(d);
  const w = new AttrWriter();
  w.u32(K.IPVS_DEST_ATTR_ACTIVE_CONNS, active).u32(K.IPVS_DEST_ATTR_INACT_CONNS, 1).u32(K.IPVS_DEST_ATTR_PERSIST_CONNS, 0);
  encodeStats64(w, K.IPVS_DEST_ATTR_STATS64, s);
  const body = Buffer.concat([full.subarray(4), w.finish()]);
  const h = Buffer.alloc(4);
  h.writeUInt16LE(body.length + 4, 0);
  h.writeUInt16LE(K.IPVS_CMD_ATTR_DEST, 2);
  return Buffer.concat([h, body]);
}

const cfg = { scheduler: "wrr" as const, schedulerFlags: [], persistence: null, pe: null, onePacket: false };
const web: Service = { key: { protocol: "tcp", address: "10.1.1.1", port: 80 }, config: cfg };
const dns: Service = { key: { protocol: "udp", address: "2001:db8::53", port: 53 }, config: { ...cfg, onePacket: true } };
const mark: Service = {
  key: { protocol: "fwmark", fwmark: 9, family: "ipv4" },
  config: { ...cfg, persistence: { timeout: 120, netmask: "255.255.255.0" } },
};
const d = (address: string, port: number, weight = 1): Destination => ({
  key: { address, port },
  config: { forwarding: "masq", weight, upperThreshold: 0, lowerThreshold: 0, tunnel: null },
});
const destsOf = new Map<string, Destination[]>([
  ["10.1.1.1", [d("10.0.0.2", 8080, 3), d("10.0.0.3", 8080)]],
  ["2001:db8::53", [d("2001:db8::2", 53)]],
]);

/** Finds which service a GET_DEST request names (by its raw ADDR bytes / FWMARK). */
function requestedService(req: SeenRequest): string {
  const svc = new AttrMap(req.attrs).nested(K.IPVS_CMD_ATTR_SERVICE);
  if (svc.has(K.IPVS_SVC_ATTR_FWMARK)) return `fwmark:${svc.u32(K.IPVS_SVC_ATTR_FWMARK)}`;
  const addr = svc.binary(K.IPVS_SVC_ATTR_ADDR);
  return svc.u16(K.IPVS_SVC_ATTR_AF) === 2 ? [...addr.subarray(0, 4)].join(".") : addr.toString("hex");
}
const v6key = Buffer.from("20010db8000000000000000000000053", "hex").toString("hex");

function kernel(extra?: (req: SeenRequest) => Buffer[] | undefined): FakeTransport {
  return new FakeTransport((req) => {
    if (req.type === 0x10) return [familyReply(FAMILY), errorMessage(req.raw, 0)];
    const custom = extra?.(req);
    if (custom) return custom;
    switch (req.cmd) {
      case K.IPVS_CMD_GET_SERVICE:
        return [
          genlMessage(FAMILY, K.IPVS_CMD_NEW_SERVICE, serviceAttr(web, stats(10)), NLM_F_MULTI),
          genlMessage(FAMILY, K.IPVS_CMD_NEW_SERVICE, serviceAttr(dns, stats(20)), NLM_F_MULTI),
          genlMessage(FAMILY, K.IPVS_CMD_NEW_SERVICE, serviceAttr(mark, stats(30)), NLM_F_MULTI),
          doneMessage(),
        ];
      case K.IPVS_CMD_GET_DEST: {
        const name = requestedService(req);
        const list = name === v6key ? destsOf.get("2001:db8::53") : destsOf.get(name);
        return [
          ...(list ?? []).map((x, i) => genlMessage(FAMILY, K.IPVS_CMD_NEW_DEST, destAttr(x, i, stats(i)), NLM_F_MULTI)),
          doneMessage(),
        ];
      }
      default:
        return [errorMessage(req.raw, 0)];
    }
  });
}

describe("NetlinkIpvsClient over a message-level fake", () => {
  it("listServiceRows is the same table as listServices, in rows (service.list.compact)", async () => {
    const c = await NetlinkIpvsClient.open({ transport: kernel() });
    const rows = await c.listServiceRows();
    expect(rows).toEqual(servicesToRows(await c.listServices()));
    expect(expandServiceRows(rows)).toEqual(await c.listServices());
    expect(rows[0]![7]![0]).toEqual(["10.0.0.2", 8080, "masq", 3, 0, 0, null, 0, 1, 0, [0, 0, 0, 0, 0, 1, 2, 3, 4, 5]]);
  });

  it("resolves the family and lists services with their destinations", async () => {
    const t = kernel();
    const c = await NetlinkIpvsClient.open({ transport: t });
    const list = await c.listServices();
    expect(list.map((s) => s.key)).toEqual([web.key, dns.key, mark.key]);
    expect(list[0]).toMatchObject({ config: cfg, stats: stats(10) });
    expect(list[0]!.destinations.map((x) => ({ key: x.key, config: x.config }))).toEqual(destsOf.get("10.1.1.1"));
    expect(list[0]!.destinations[1]).toMatchObject({ activeConns: 1, inactiveConns: 1, persistConns: 0, stats: stats(1) });
    expect(list[1]!.destinations.map((x) => x.key)).toEqual([{ address: "2001:db8::2", port: 53 }]);
    expect(list[1]!.config.onePacket).toBe(true);
    expect(list[2]!.config.persistence).toEqual({ timeout: 120, netmask: "255.255.255.0" });
    expect(list[2]!.destinations).toEqual([]);
    // one service dump + one dest dump per service, all to the resolved family, dumps flagged
    const ipvs = t.seen.filter((r) => r.type === FAMILY);
    expect(ipvs.map((r) => r.cmd)).toEqual([4, 8, 8, 8]);
    expect(ipvs.every((r) => (r.flags & 0x300) === 0x300)).toBe(true);
    c.close();
    expect(t.closed).toBe(true);
  });

  it("listDestinations of a missing service throws ESRCH (the kernel's dump is just empty)", async () => {
    const t = kernel((req) => (req.cmd === K.IPVS_CMD_GET_SERVICE && !(req.flags & 0x100) ? [errorMessage(req.raw, 3)] : undefined));
    const c = await NetlinkIpvsClient.open({ transport: t });
    const err = await c.listDestinations({ protocol: "tcp", address: "10.9.9.9", port: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(IpvsError);
    expect(err).toMatchObject({ op: "listDestinations", errno: 3, code: "ESRCH", message: "No such service" });
    // an existing service without dests is an empty list, not an error
    const t2 = kernel((req) =>
      req.cmd === K.IPVS_CMD_GET_SERVICE && !(req.flags & 0x100)
        ? [genlMessage(FAMILY, 1, serviceAttr(mark, stats(0))), errorMessage(req.raw, 0)]
        : undefined,
    );
    const c2 = await NetlinkIpvsClient.open({ transport: t2 });
    expect(await c2.listDestinations(mark.key)).toEqual([]);
    expect(await c2.getService({ protocol: "tcp", address: "10.1.1.1", port: 80 })).toMatchObject({ key: mark.key });
  });

  it("getService returns null on ESRCH", async () => {
    const c = await NetlinkIpvsClient.open({ transport: kernel((req) => (req.cmd === 4 ? [errorMessage(req.raw, 3)] : undefined)) });
    expect(await c.getService(web.key)).toBeNull();
  });

  it.each([
    ["createService", 17, "Service already exists"],
    ["createService", 2, "Scheduler or persistence engine not found"],
    ["updateService", 3, "No such service"],
  ] as const)("%s errno %d -> %s", async (op, errno, text) => {
    const c = await NetlinkIpvsClient.open({ transport: kernel((req) => [errorMessage(req.raw, errno, "ext ack text")]) });
    const err = await c[op](web).catch((e) => e);
    expect(err).toBeInstanceOf(IpvsError);
    expect(err).toMatchObject({ op, errno, message: text, kernelMessage: "ext ack text" });
  });

  it("maps dest errors: EEXIST, ENOENT, ESRCH", async () => {
    const answer = new Map<number, number>([[K.IPVS_CMD_NEW_DEST, 17], [K.IPVS_CMD_SET_DEST, 2], [K.IPVS_CMD_DEL_DEST, 3]]);
    const c = await NetlinkIpvsClient.open({ transport: kernel((req) => [errorMessage(req.raw, answer.get(req.cmd) ?? 0)]) });
    await expect(c.createDestination(web.key, d("10.0.0.2", 80))).rejects.toMatchObject({ code: "EEXIST", message: "Destination already exists" });
    await expect(c.updateDestination(web.key, d("10.0.0.2", 80))).rejects.toMatchObject({ code: "ENOENT", message: "No such destination" });
    await expect(c.deleteDestination(web.key, { address: "10.0.0.2", port: 80 })).rejects.toMatchObject({ code: "ESRCH", message: "Service not defined" });
  });

  it("sends nothing when validation fails", async () => {
    const t = kernel();
    const c = await NetlinkIpvsClient.open({ transport: t });
    const before = t.seen.length;
    await expect(c.createService({ ...web, config: { ...cfg, onePacket: true } })).rejects.toBeInstanceOf(IpvsValidationError);
    const dr = d("10.0.0.2", 8080);
    dr.config.forwarding = "route";
    await expect(c.createDestination(web.key, dr)).rejects.toThrow(/service port 80/);
    await expect(c.setTimeouts({ tcp: -5 })).rejects.toBeInstanceOf(IpvsValidationError);
    expect(t.seen.length).toBe(before);
  });

  it("sends full SERVICE and DEST blocks, and the dest with its service key", async () => {
    const t = kernel();
    const c = await NetlinkIpvsClient.open({ transport: t });
    await c.updateService(web);
    await c.updateDestination(web.key, d("10.0.0.2", 8080, 0));
    const [svcReq, destReq] = t.seen.slice(-2);
    const s = new AttrMap(svcReq!.attrs).nested(1);
    expect([6, 7, 8, 9].every((x) => s.has(x))).toBe(true);
    const top = new AttrMap(destReq!.attrs);
    expect(top.nested(1).types().sort()).toEqual([1, 2, 3, 4]);
    const dest = top.nested(2);
    expect([3, 4, 5, 6, 11, 13, 14, 15].every((x) => dest.has(x))).toBe(true);
    expect(dest.u32(K.IPVS_DEST_ATTR_WEIGHT)).toBe(0);
    expect(svcReq!.flags & 0x300).toBe(0);
  });

  it("reads info, timeouts and daemons", async () => {
    const t = kernel((req) => {
      const w = new AttrWriter();
      if (req.cmd === K.IPVS_CMD_GET_INFO) w.u32(1, 0x010201).u32(2, 4096);
      else if (req.cmd === K.IPVS_CMD_GET_CONFIG) w.u32(4, 900).u32(5, 120).u32(6, 300);
      else if (req.cmd === K.IPVS_CMD_GET_DAEMON) {
        w.nested(3, (n) => n.u32(1, 1).string(2, "eth0").u32(3, 5).u16(4, 1472).binary(5, Buffer.from([224, 0, 0, 81])).u16(7, 8848).u8(8, 1));
        return [genlMessage(FAMILY, 9, w.finish(), NLM_F_MULTI), doneMessage()];
      } else return undefined;
      return [genlMessage(FAMILY, req.cmd === 15 ? 14 : 12, w.finish()), errorMessage(req.raw, 0)];
    });
    const c = await NetlinkIpvsClient.open({ transport: t });
    expect(await c.info()).toEqual({ version: "1.2.1", connTableSize: 4096 });
    expect(await c.getTimeouts()).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(await c.listDaemons()).toEqual([
      { state: "master", mcastInterface: "eth0", syncId: 5, maxLen: 1472, mcastGroup: "224.0.0.81", mcastPort: 8848, mcastTtl: 1 },
    ]);
  });

  it("open() fails with IpvsError ENOENT when the kernel has no IPVS, and closes the transport", async () => {
    const t = new FakeTransport((req) => [errorMessage(req.raw, 2)]);
    const err = await NetlinkIpvsClient.open({ transport: t }).catch((e) => e);
    expect(err).toMatchObject({ op: "open", errno: 2, code: "ENOENT" });
    expect(err.message).toMatch(/IPVS is not available/);
    expect(t.closed).toBe(true);
  });

  it("setTimeouts sends only nonzero fields and nothing when all are zero", async () => {
    const t = kernel();
    const c = await NetlinkIpvsClient.open({ transport: t });
    const n = t.seen.length;
    await c.setTimeouts({ tcp: 0 });
    expect(t.seen.length).toBe(n);
    await c.setTimeouts({ udp: 77 });
    expect(new AttrMap(t.seen.at(-1)!.attrs).types()).toEqual([6]);
  });
});
