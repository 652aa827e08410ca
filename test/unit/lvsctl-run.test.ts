// lvsctl's mapping from ipvsadm argv to agent requests, its output and exit codes, with a
// fake agent that records requests and answers from a small table.
import { describe, expect, it } from "vitest";
import { splitLvsctlArgs } from "@/cli/args.ts";
import { type AgentLike, type CliIo, runCommand } from "@/cli/run-command.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { ServiceState, Stats } from "@/protocol/ipvs.ts";
import { parseIpvsadmArgs } from "@/protocol/ipvsadm/args.ts";
import { servicesToRows } from "@/protocol/agent/compact.ts";
import type { ListedService } from "@/protocol/agent/ipvs.ts";

const zero: Stats = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
const SVC: ServiceState = {
  key: { protocol: "tcp", address: "10.0.0.1", port: 80 },
  config: { scheduler: "rr", schedulerFlags: [], persistence: { timeout: 60, netmask: "255.255.255.0" }, pe: null, onePacket: false },
  stats: zero,
  destinations: [
    {
      key: { address: "10.0.0.4", port: 8080 },
      config: { forwarding: "masq", weight: 7, upperThreshold: 10, lowerThreshold: 5, tunnel: null },
      activeConns: 1,
      inactiveConns: 2,
      persistConns: 0,
      stats: zero,
    },
  ],
};

class FakeAgent implements AgentLike {
  requests: [string, unknown][] = [];
  failWith: ProtocolError | null = null;
  /** an agent from before service.list.compact */
  old = false;
  list: ListedService[] = [SVC];
  async request(type: string, payload: unknown): Promise<never> {
    this.requests.push([type, payload]);
    if (this.failWith) throw this.failWith;
    if (type === "service.list.compact") {
      if (this.old) throw new ProtocolError("unsupported", 'unknown message type "service.list.compact"');
      return { services: servicesToRows(this.list) } as never;
    }
    if (type === "service.list") return this.list as never;
    if (type === "service.get") return ((payload as { key: { port: number } }).key.port === 80 ? SVC : null) as never;
    const answers: Record<string, unknown> = {
      "service.list": [SVC],
      "ipvs.info": { version: "1.2.1", connTableSize: 4096 },
      "timeouts.get": { tcp: 900, tcpFin: 120, udp: 300 },
      "daemon.list": [],
      "rules.import": { changes: [], applied: true, errors: [] },
      "conns.read": { scanned: 1, matched: 1, offset: 0, entries: [{ protocol: "TCP", clientAddress: "172.16.0.2", clientPort: 5000, virtualAddress: "10.0.0.1", virtualPort: 80, destAddress: "10.0.0.4", destPort: 8080, state: "ESTABLISHED", expires: 61, template: false }], aggregates: {} },
    };
    return (answers[type] ?? {}) as never;
  }
}

async function run(line: string, stdin = "", agent = new FakeAgent()) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => stdin };
  const code = await runCommand(parseIpvsadmArgs(line.split(" ").filter(Boolean)), agent, io);
  return { code, out: out.join(""), err: err.join(""), requests: agent.requests };
}

describe("lvsctl argv -> agent requests", () => {
  it.each([
    ["-A -t 10.0.0.1:80 -s rr", "service.create", { key: SVC.key, config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false } }],
    ["-D -t 10.0.0.1:80", "service.delete", { key: SVC.key }],
    ["-C", "flush", {}],
    ["-a -t 10.0.0.1:80 -r 10.0.0.5 -m -w 3", "dest.create", { service: SVC.key, destination: { key: { address: "10.0.0.5", port: 80 }, config: { forwarding: "masq", weight: 3, upperThreshold: 0, lowerThreshold: 0, tunnel: null } } }],
    ["-d -t 10.0.0.1:80 -r 10.0.0.4:8080", "dest.delete", { service: SVC.key, key: { address: "10.0.0.4", port: 8080 } }],
    ["-Z", "zero", {}],
    ["-Z -t 10.0.0.1:80", "zero", { key: SVC.key }],
    ["--set 0 60 0", "timeouts.set", { tcpFin: 60 }],
    ["--start-daemon master --mcast-interface d0", "daemon.start", { state: "master", mcastInterface: "d0", syncId: 0 }],
    ["--stop-daemon backup --syncid 3", "daemon.stop", { state: "backup", syncId: 3 }],
  ])("%s -> %s", async (line, type, payload) => {
    const r = await run(line);
    expect(r.code).toBe(0);
    expect(r.requests).toEqual([[type, payload]]);
  });

  it("-e reads the server and changes only the typed fields", async () => {
    const r = await run("-e -t 10.0.0.1:80 -r 10.0.0.4:8080 -w 0");
    expect(r.requests[1]).toEqual([
      "dest.update",
      { service: SVC.key, key: { address: "10.0.0.4", port: 8080 }, config: { forwarding: "masq", weight: 0, upperThreshold: 10, lowerThreshold: 5, tunnel: null } },
    ]);
  });

  it("-E -p keeps the live mask and the other fields", async () => {
    const r = await run("-E -t 10.0.0.1:80 -p 120");
    expect(r.requests[1]).toEqual([
      "service.update",
      { key: SVC.key, config: { ...SVC.config, persistence: { timeout: 120, netmask: "255.255.255.0" } } },
    ]);
  });

  it("prints listings and the save format", async () => {
    expect((await run("-Ln")).out).toBe(
      "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.0.0.1:80 rr persistent 60 mask 255.255.255.0\n  -> 10.0.0.4:8080                Masq    7      1          2         \n",
    );
    expect((await run("-S -n")).out).toBe("-A -t 10.0.0.1:80 -s rr -p 60 -M 255.255.255.0\n-a -t 10.0.0.1:80 -r 10.0.0.4:8080 -m -w 7\n");
    expect((await run("-L --timeout")).out).toBe("Timeout (tcp tcpfin udp): 900 120 300\n");
    // the listing travels as service.list.compact; an older agent gets service.list, same output
    const old = new FakeAgent();
    old.old = true;
    const viaOld = await run("-Ln", "", old);
    expect(viaOld.requests.map(([t]) => t)).toContain("service.list");
    expect(viaOld.out).toBe((await run("-Ln")).out);
    expect((await run("-Ln")).requests.map(([t]) => t)).not.toContain("service.list");
    expect((await run("-Lnc")).out).toContain("TCP 01:01  ESTABLISHED 172.16.0.2:5000    10.0.0.1:80        10.0.0.4:8080\n");
  });

  it("prints a scheduler the protocol does not know by its kernel name, as ipvsadm does", async () => {
    const agent = new FakeAgent();
    agent.list = [{ ...SVC, config: { ...SVC.config, scheduler: "none" }, unknownScheduler: "twos" }];
    expect((await run("-S -n", "", agent)).out).toContain("-A -t 10.0.0.1:80 -s twos -p 60");
    expect((await run("-Ln", "", agent)).out).toContain("TCP  10.0.0.1:80 twos persistent 60");
  });

  it("exit codes: 1 for -L of a missing service, 255 for agent refusals, 2 for bad -R input", async () => {
    const missing = await run("-L -n -t 10.0.0.1:81");
    expect([missing.code, missing.err]).toEqual([1, "No such service\n"]);
    const refused = new FakeAgent();
    refused.failWith = new ProtocolError("conflict", "Service already exists");
    const r = await run("-A -t 10.0.0.1:80", "", refused);
    expect([r.code, r.err]).toEqual([255, "Service already exists\n"]);
    const bad = await run("-R", "-A -t 10.0.0.9:80\n-A -t 10.0.0.9\n-X\n");
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("line 2: Zero port specified for non-persistent service\nline 3: Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n");
    expect(bad.requests).toEqual([]);
  });

  it("-R sends the whole text as one all-or-nothing import", async () => {
    const text = "-A -t 10.0.0.9:80 -s rr\n-a -t 10.0.0.9:80 -r 10.0.0.2\n";
    const r = await run("-R", text);
    expect(r.code).toBe(0);
    expect(r.requests).toEqual([["rules.import", { source: { format: "ipvsadm", text }, mode: "merge", dryRun: false, report: "counts" }]]);
  });
});

describe("lvsctl's own options", () => {
  it("are taken from anywhere, the rest is ipvsadm's", () => {
    expect(splitLvsctlArgs(["-Ln", "--agent", "ws://a:1", "--stats", "--token-file=t"])).toEqual({
      agent: "ws://a:1",
      tokenFile: "t",
      rest: ["-Ln", "--stats"],
    });
    expect(splitLvsctlArgs(["-C"], { LVSCTL_AGENT: "ws://b", LVSCTL_TOKEN_FILE: "f" })).toEqual({ agent: "ws://b", tokenFile: "f", rest: ["-C"] });
  });
});
