// A scheduler outside the 13 known (a third-party module such as "twos") must not make a
// listing fail: the service is listed with the placeholder "none" and its raw name, the
// protocol schema keeps that name, and service.update refuses to write the placeholder back.
import { describe, expect, it } from "vitest";
import { NetlinkIpvsClient } from "@/agent/ipvs/client.ts";
import { encodeServiceFull } from "@/agent/ipvs/codec-service.ts";
import { K } from "@/agent/ipvs/constants.ts";
import type { IpvsClient } from "@/agent/ipvs/types.ts";
import { ipvsHandlers } from "@/agent/handlers/ipvs.ts";
import type { Service } from "@/protocol/ipvs.ts";
import { CATALOG } from "@/protocol/agent/catalog.ts";
import { doneMessage, errorMessage, FakeTransport, familyReply, genlMessage, NLM_F_MULTI } from "./ipvs-fake.ts";

const FAMILY = 43;
const cfg = { scheduler: "rr" as const, schedulerFlags: [], persistence: null, pe: null, onePacket: false };
const known: Service = { key: { protocol: "tcp", address: "10.1.1.1", port: 80 }, config: cfg };
const twos: Service = { key: { protocol: "udp", address: "10.1.1.2", port: 53 }, config: { ...cfg, scheduler: "twos" as "rr" } };

function kernel(): FakeTransport {
  return new FakeTransport((req) => {
    if (req.type === 0x10) return [familyReply(FAMILY), errorMessage(req.raw, 0)];
    if (req.cmd === K.IPVS_CMD_GET_SERVICE && req.flags & 0x300)
      return [
        genlMessage(FAMILY, K.IPVS_CMD_NEW_SERVICE, encodeServiceFull(known), NLM_F_MULTI),
        genlMessage(FAMILY, K.IPVS_CMD_NEW_SERVICE, encodeServiceFull(twos), NLM_F_MULTI),
        doneMessage(),
      ];
    if (req.cmd === K.IPVS_CMD_GET_SERVICE) return [genlMessage(FAMILY, K.IPVS_CMD_NEW_SERVICE, encodeServiceFull(twos)), errorMessage(req.raw, 0)];
    if (req.cmd === K.IPVS_CMD_GET_DEST) return [doneMessage()];
    return [errorMessage(req.raw, 0)];
  });
}

describe("a scheduler the domain model does not know", () => {
  it("lists the service with the placeholder and the raw name; the protocol keeps the name", async () => {
    const c = await NetlinkIpvsClient.open({ transport: kernel() });
    const list = await c.listServices();
    expect(list).toHaveLength(2);
    expect(list[0]!.config.scheduler).toBe("rr");
    expect(list[0]).not.toHaveProperty("unknownScheduler");
    expect(list[1]).toMatchObject({ key: twos.key, config: { scheduler: "none" }, unknownScheduler: "twos" });
    const wire = CATALOG["service.list"].output.parse(JSON.parse(JSON.stringify(list)));
    expect(wire[1]!.unknownScheduler).toBe("twos");
    // the one-service read (the AttrMap decoder) degrades the same way
    expect(await c.getService(twos.key)).toMatchObject({ config: { scheduler: "none" }, unknownScheduler: "twos" });
  });

  it("service.update refuses to write the placeholder back unless the patch names a scheduler", async () => {
    const t = kernel();
    const c = await NetlinkIpvsClient.open({ transport: t });
    const h = ipvsHandlers(c as IpvsClient);
    const ctx = {} as never;
    await expect(h["service.update"]!({ key: twos.key, config: { onePacket: true } }, ctx)).rejects.toMatchObject({ code: "conflict" });
    expect(t.seen.some((r) => r.cmd === K.IPVS_CMD_SET_SERVICE)).toBe(false);
    const done = await h["service.update"]!({ key: twos.key, config: { scheduler: "wrr" } }, ctx);
    expect(done.config.scheduler).toBe("wrr");
    expect(t.seen.some((r) => r.cmd === K.IPVS_CMD_SET_SERVICE)).toBe(true);
  });
});
