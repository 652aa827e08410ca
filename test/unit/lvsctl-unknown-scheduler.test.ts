// lvsctl and a scheduler the domain model does not know ("twos"): -S prints the kernel's
// name, and a command that would write that name (-A -s twos, or an -E that keeps the live
// one) is refused before anything is sent instead of writing the placeholder "none".
import { describe, expect, it } from "vitest";
import { type AgentLike, type CliIo, runCommand } from "@/cli/run-command.ts";
import type { Stats } from "@/protocol/ipvs.ts";
import { parseIpvsadmArgs } from "@/protocol/ipvsadm/args.ts";
import { servicesToRows } from "@/protocol/agent/compact.ts";
import type { ListedService } from "@/protocol/agent/ipvs.ts";

const zero: Stats = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
const TWOS: ListedService = {
  key: { protocol: "udp", address: "10.1.1.2", port: 53 },
  config: { scheduler: "none", schedulerFlags: [], persistence: null, pe: null, onePacket: true },
  unknownScheduler: "twos",
  stats: zero,
  destinations: [],
};

/** Answers listings and service.get from TWOS; records every request. */
class TwosAgent implements AgentLike {
  requests: [string, unknown][] = [];
  async request(type: string, payload: unknown): Promise<never> {
    this.requests.push([type, payload]);
    if (type === "service.list.compact") return { services: servicesToRows([TWOS]) } as never;
    if (type === "service.get") return TWOS as never;
    if (type === "ipvs.info") return { version: "1.2.1", connTableSize: 4096 } as never;
    return {} as never;
  }
}

async function run(line: string) {
  const agent = new TwosAgent();
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" };
  const code = await runCommand(parseIpvsadmArgs(line.split(" ")), agent, io);
  const writes = agent.requests.filter(([t]) => t === "service.create" || t === "service.update");
  return { code, out: out.join(""), err: err.join(""), writes };
}

describe("lvsctl with a scheduler outside the known ones", () => {
  it("-S prints the kernel's name", async () => {
    expect((await run("-S -n")).out).toBe("-A -u 10.1.1.2:53 -s twos -o\n");
  });

  it("-A -s twos is refused before anything is sent", async () => {
    const r = await run("-A -u 10.1.1.3:53 -s twos");
    expect([r.code, r.writes]).toEqual([255, []]);
    expect(r.err).toMatch(/^the scheduler "twos" cannot be set through lvs-fleet/);
  });

  it("-E without -s would keep twos: refused; with a known scheduler it is sent", async () => {
    const keep = await run("-E -u 10.1.1.2:53 -p 30");
    expect([keep.code, keep.writes]).toEqual([255, []]);
    expect(keep.err).toContain('"twos"');
    const change = await run("-E -u 10.1.1.2:53 -s wrr");
    expect(change.code).toBe(0);
    expect(change.writes).toEqual([["service.update", { key: TWOS.key, config: { ...TWOS.config, scheduler: "wrr" } }]]);
  });
});
