// Captures real kernel replies ONCE for the golden unit test (test/unit/ipvs-golden.test.ts).
// Run in a lab director namespace that has the lab's default rules and a little traffic:
//   npm run lab -- exec dir1 -- sh -c 'cd <checkout> && node --import tsx test/lab/guest/ipvs-capture.ts' \
//     > test/fixtures/golden/ipvs-kernel-6.1.json
// It adds services of every kind with ipvsadm, starts a sync daemon, sets timeouts, then runs
// NetlinkIpvsClient operations through a recording transport and prints every request with
// the raw reply messages as hex, plus ipvsadm's own view (the oracle for the expected values).
import { execFileSync } from "node:child_process";
import { NetlinkIpvsClient } from "@/agent/ipvs/client.ts";
import { NetlinkTransport, type Transport, type TransportRequestOptions } from "@/agent/netlink/transport.ts";

export const GOLDEN_RULES = `-A -t 10.30.0.1:80 -s wlc -p 300 -M 255.255.255.0
-a -t 10.30.0.1:80 -r 10.0.0.11:80 -m -w 5 -x 100 -y 10
-a -t 10.30.0.1:80 -r 10.0.0.12:80 -g -w 0
-A -u 10.30.0.2:53 -s sh -b sh-fallback,sh-port
-a -u 10.30.0.2:53 -r 10.0.0.11:5353 -m -w 1
-A -u 10.30.0.3:5060 -s rr -p 60 --pe sip
-A -u 10.30.0.4:514 -s rr -o
-A --sctp-service 10.30.0.5:3868 -s mh -b mh-port
-A -t [2001:db8::1]:443 -s wrr -p 100 -M 64
-a -t [2001:db8::1]:443 -r [2001:db8::10]:8443 -m -w 2
-a -t [2001:db8::1]:443 -r [2001:db8::11]:443 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum
-A -f 7 -s lc
-a -f 7 -r 10.0.0.13:0 -i -w 3 --tun-type gre --tun-csum
-a -f 7 -r 10.0.0.12:8080 -i -w 4 --tun-type ipip
-A -f 8 -6 -s none -p 360
`;

interface Exchange {
  request: string;
  replies: string[];
}

/** Records every request (seq zeroed) and its reply messages. */
class Recorder implements Transport {
  readonly log: Exchange[] = [];
  constructor(private readonly inner: Transport) {}
  private note(req: Buffer, replies: Buffer[]): void {
    const r = Buffer.from(req);
    r.writeUInt32LE(0, 8);
    this.log.push({ request: r.toString("hex"), replies: replies.map((m) => m.toString("hex")) });
  }
  async request(message: Buffer, options?: TransportRequestOptions): Promise<Buffer[]> {
    const replies = await this.inner.request(message, options);
    this.note(message, replies);
    return replies;
  }
  async requestAll(messages: Buffer[], options?: TransportRequestOptions): Promise<Buffer[][]> {
    const copies = messages.map((m) => Buffer.from(m));
    const all = await this.inner.requestAll(messages, options);
    for (const [i, replies] of all.entries()) this.note(copies[i]!, replies);
    return all;
  }
  close(): void {
    this.inner.close();
  }
}

const sh = (args: string[], input?: string) => execFileSync(args[0]!, args.slice(1), { input }).toString();

async function main(): Promise<void> {
  sh(["ipvsadm", "-R"], GOLDEN_RULES);
  sh(["ipvsadm", "--set", "901", "121", "301"]);
  sh(["ipvsadm", "--start-daemon", "master", "--mcast-interface", "uplink", "--syncid", "3"]);
  const rec = new Recorder(new NetlinkTransport({ sockets: 2 }));
  const client = await NetlinkIpvsClient.open({ transport: rec });
  const calls: Array<[string, () => Promise<unknown>]> = [
    ["info", () => client.info()],
    ["getTimeouts", () => client.getTimeouts()],
    ["listDaemons", () => client.listDaemons()],
    ["listServices", () => client.listServices()],
    ["getService", () => client.getService({ protocol: "tcp", address: "2001:db8::1", port: 443 })],
    ["getServiceMissing", () => client.getService({ protocol: "tcp", address: "10.30.9.9", port: 80 })],
    ["listDestinationsMissing", () => client.listDestinations({ protocol: "udp", address: "10.30.9.9", port: 53 })],
    [
      "createServiceExisting",
      () => client.createService({ key: { protocol: "udp", address: "10.30.0.4", port: 514 }, config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: true } }),
    ],
    ["deleteDestinationMissing", () => client.deleteDestination({ protocol: "fwmark", fwmark: 7, family: "ipv4" }, { address: "10.0.0.99", port: 0 })],
  ];
  const outcomes: Record<string, unknown> = {};
  for (const [name, fn] of calls) {
    const before = rec.log.length;
    try {
      await fn();
      outcomes[name] = { ok: true, exchanges: [before, rec.log.length] };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      outcomes[name] = { ok: false, code: err.code, message: err.message, exchanges: [before, rec.log.length] };
    }
  }
  client.close();
  const view = {
    kernel: sh(["uname", "-r"]).trim(),
    ipvsadmSave: sh(["ipvsadm", "-S", "-n"]),
    ipvsadmStats: sh(["ipvsadm", "-Ln", "--stats", "--exact"]),
    ipvsadmThresholds: sh(["ipvsadm", "-Ln", "--thresholds"]),
    ipvsadmTimeout: sh(["ipvsadm", "-L", "--timeout"]),
    ipvsadmDaemon: sh(["ipvsadm", "-L", "--daemon"]),
  };
  sh(["ipvsadm", "--stop-daemon", "master"]);
  sh(["ipvsadm", "--set", "900", "120", "300"]);
  process.stdout.write(`${JSON.stringify({ ...view, outcomes, exchanges: rec.log }, null, 1)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
