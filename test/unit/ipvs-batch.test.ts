// NetlinkIpvsClient.applyBatch over the message-level fake: the same requests as the
// one-at-a-time methods, outcomes per change, validation before anything is sent.
import { describe, expect, it } from "vitest";
import { NetlinkIpvsClient } from "@/agent/ipvs/client.ts";
import { K } from "@/agent/ipvs/constants.ts";
import { IpvsError, IpvsValidationError } from "@/agent/ipvs/errors.ts";
import type { IpvsChange } from "@/agent/ipvs/types.ts";
import { runChange } from "@/agent/rules/run-change.ts";
import type { Destination, Service } from "@/protocol/ipvs.ts";
import { errorMessage, FakeTransport, familyReply, type SeenRequest } from "./ipvs-fake.ts";

const FAMILY = 41;
const cfg = { scheduler: "wlc" as const, schedulerFlags: [], persistence: null, pe: null, onePacket: false };
const web: Service = { key: { protocol: "tcp", address: "10.1.1.1", port: 80 }, config: cfg };
const v6: Service = { key: { protocol: "udp", address: "2001:db8::53", port: 53 }, config: { ...cfg, onePacket: true } };
const rs: Destination = {
  key: { address: "10.0.0.2", port: 8080 },
  config: { forwarding: "masq", weight: 3, upperThreshold: 10, lowerThreshold: 2, tunnel: null },
};

const ALL: IpvsChange[] = [
  { op: "flush" },
  { op: "createService", service: web },
  { op: "createService", service: v6 },
  { op: "createDestination", service: web.key, destination: rs },
  { op: "updateDestination", service: web.key, destination: { ...rs, config: { ...rs.config, weight: 0 } } },
  { op: "updateService", service: { ...web, config: { ...cfg, scheduler: "rr" } } },
  { op: "setTimeouts", timeouts: { tcp: 60 } },
  { op: "zero", key: web.key },
  { op: "zero" },
  { op: "deleteDestination", service: web.key, key: rs.key },
  { op: "deleteService", key: v6.key },
];

/** A fake kernel that refuses the requests `refuse` picks (by order among IPVS requests). */
function kernel(refuse: (n: number, req: SeenRequest) => number = () => 0): FakeTransport {
  let n = 0;
  return new FakeTransport((req) => {
    if (req.type === 0x10) return [familyReply(FAMILY), errorMessage(req.raw, 0)];
    return [errorMessage(req.raw, refuse(n++, req))];
  });
}

const ipvsRequests = (t: FakeTransport) => t.seen.filter((r) => r.type === FAMILY).map((r) => ({ cmd: r.cmd, attrs: r.attrs.toString("hex") }));

describe("NetlinkIpvsClient.applyBatch", () => {
  it("sends exactly what the one-at-a-time methods send, in order", async () => {
    const one = kernel();
    const single = await NetlinkIpvsClient.open({ transport: one });
    for (const c of ALL) await runChange(single, c);
    const many = kernel();
    const batch = await NetlinkIpvsClient.open({ transport: many });
    const outcomes = await batch.applyBatch(ALL);
    expect(outcomes).toEqual(ALL.map(() => ({ status: "done" })));
    expect(ipvsRequests(many)).toEqual(ipvsRequests(one));
    expect(ipvsRequests(many).map((r) => r.cmd)).toEqual([
      K.IPVS_CMD_FLUSH, K.IPVS_CMD_NEW_SERVICE, K.IPVS_CMD_NEW_SERVICE, K.IPVS_CMD_NEW_DEST, K.IPVS_CMD_SET_DEST,
      K.IPVS_CMD_SET_SERVICE, K.IPVS_CMD_SET_CONFIG, K.IPVS_CMD_ZERO, K.IPVS_CMD_ZERO, K.IPVS_CMD_DEL_DEST, K.IPVS_CMD_DEL_SERVICE,
    ]);
  });

  it("reports a kernel refusal as ipvsadm words it; stopOnError skips the rest", async () => {
    const refuseSecond = (n: number) => (n === 1 ? 17 : 0); // EEXIST on the 2nd request
    const c = await NetlinkIpvsClient.open({ transport: kernel(refuseSecond) });
    const out = await c.applyBatch(ALL.slice(1, 5));
    expect(out.map((o) => o.status)).toEqual(["done", "failed", "done", "done"]);
    const failed = out[1] as { status: "failed"; error: Error };
    expect(failed.error).toBeInstanceOf(IpvsError);
    expect(failed.error.message).toContain("Service already exists");
    const stopping = await NetlinkIpvsClient.open({ transport: kernel(refuseSecond) });
    const stopped = await stopping.applyBatch(ALL.slice(1, 5), { stopOnError: true });
    expect(stopped.map((o) => o.status)).toEqual(["done", "failed", "skipped", "skipped"]);
  });

  it("validates every change before sending any", async () => {
    const t = kernel();
    const c = await NetlinkIpvsClient.open({ transport: t });
    const before = t.seen.length;
    const bad: IpvsChange = { op: "createDestination", service: web.key, destination: { ...rs, config: { ...rs.config, forwarding: "route" } } };
    await expect(c.applyBatch([{ op: "createService", service: web }, bad])).rejects.toBeInstanceOf(IpvsValidationError);
    await expect(c.applyBatch([{ op: "createService", service: { ...web, config: { ...cfg, scheduler: "nope" as "rr" } } }])).rejects.toThrow(/Unknown scheduler/);
    expect(t.seen.length).toBe(before);
    // all-zero timeouts change nothing and send nothing, like setTimeouts()
    expect(await c.applyBatch([{ op: "setTimeouts", timeouts: { tcp: 0 } }])).toEqual([{ status: "done" }]);
    expect(t.seen.length).toBe(before);
  });
});
