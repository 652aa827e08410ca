// dest.update's answer (issue 15 item 4): the destination written, what it replaced with the
// kernel's connection counts then, and whether the answer is the kernel's. Message-level: the
// handler over a fake IPVS client, and the reply schema an older agent's answer still passes.
import { describe, expect, it } from "vitest";
import { ipvsHandlers } from "@/agent/handlers/ipvs.ts";
import type { IpvsClient } from "@/agent/ipvs/types.ts";
import { DestUpdated } from "@/protocol/agent/ipvs.ts";
import type { DestinationState } from "@/protocol/ipvs.ts";

const SVC = { protocol: "tcp" as const, address: "172.16.0.100", port: 80 };
const RS = { address: "10.0.0.11", port: 80 };
const config = (weight: number) => ({ forwarding: "masq" as const, weight, upperThreshold: 0, lowerThreshold: 0, tunnel: null });

function fakeIpvs(dest: DestinationState | null): { ipvs: IpvsClient; written: unknown[] } {
  const written: unknown[] = [];
  const ipvs = {
    listDestinations: async () => (dest ? [dest] : []),
    updateDestination: async (_svc: unknown, d: unknown) => {
      written.push(d);
    },
  } as unknown as IpvsClient;
  return { ipvs, written };
}

const stats = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };

describe("dest.update answers the previous and the new destination", () => {
  it("a drain's answer: weight 0 now, the weight and counts before", async () => {
    const { ipvs, written } = fakeIpvs({ key: RS, config: config(5), activeConns: 3, inactiveConns: 9, persistConns: 0, stats } as unknown as DestinationState);
    const reply = await ipvsHandlers(ipvs)["dest.update"]!({ service: SVC, key: RS, config: { weight: 0 } } as never, {} as never);
    expect(reply).toEqual({ key: RS, config: config(0), previous: { config: config(5), activeConns: 3, inactiveConns: 9 }, inKernel: true });
    expect(written).toEqual([{ key: RS, config: config(0) }]);
    expect(DestUpdated.parse(reply)).toEqual(reply);
  });

  it("a real server not in the table is not_found, nothing written", async () => {
    const { ipvs, written } = fakeIpvs(null);
    await expect(ipvsHandlers(ipvs)["dest.update"]!({ service: SVC, key: RS, config: { weight: 0 } } as never, {} as never)).rejects.toMatchObject({ code: "not_found" });
    expect(written).toEqual([]);
  });

  it("an older agent's answer (the destination alone) still parses, without previous or inKernel", () => {
    const old = DestUpdated.parse({ key: RS, config: config(0) });
    expect(old.previous).toBeUndefined();
    expect(old.inKernel).toBeUndefined();
  });
});
