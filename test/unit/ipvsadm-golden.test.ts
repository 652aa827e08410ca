// Golden text from the reference's observed ipvsadm output (sections 3.4, 3.5, 4.1). The
// reference stores lines without trailing spaces, so dest lines are compared trimmed here and
// their padding is checked separately against the printf widths.
import { describe, expect, it } from "vitest";
import type { DestinationState, ServiceState, Stats } from "@/protocol/ipvs.ts";
import { parseIpvsadmArgs } from "@/protocol/ipvsadm/args.ts";
import { formatConnList } from "@/protocol/ipvsadm/conn.ts";
import {
  formatListAll,
  formatListOne,
  formatServiceLine,
  formatTimeouts,
  formatDaemons,
} from "@/protocol/ipvsadm/list.ts";
import { formatDestinationRule, formatServiceRule } from "@/protocol/ipvsadm/save.ts";

const zero: Stats = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
const fmt = { exact: false, nosort: false, numeric: true } as const;

function svcFrom(line: string, dests: DestinationState[] = [], stats: Stats = zero): ServiceState {
  const c = parseIpvsadmArgs(line.split(" "));
  if (c.kind !== "add-service") throw new Error(line);
  return { ...c.service, stats, destinations: dests };
}

function destFrom(line: string, extra: Partial<DestinationState> = {}): DestinationState {
  const c = parseIpvsadmArgs(line.split(" "));
  if (c.kind !== "add-server") throw new Error(line);
  return { ...c.destination, activeConns: 0, inactiveConns: 0, persistConns: 0, stats: zero, ...extra };
}

const trimLines = (s: string) => s.split("\n").map((l) => l.trimEnd()).join("\n");

describe("ipvsadm -S -n lines (reference 4.1)", () => {
  const lines = `-A -t 10.1.1.4:80 -s rr -p 600 -M 255.255.255.0
-A -t 10.1.1.3:0 -s rr -p 360
-A -u 10.1.1.5:53 -s sh -b sh-fallback,sh-port
-A -u 10.1.1.6:53 -s rr -o
-A -u 10.1.1.12:5060 -s rr -p 60 --pe sip
-A --sctp-service 10.1.1.10:3868 -s mh -b mh-port
-A -t [2001:db8::1]:443 -s wrr -p 100 -M 64
-a -t [2001:db8::1]:443 -r [2001:db8::10]:8443 -m -w 1
-A -f 7 -s wlc
-A -f 8 -6 -s rr -p 360
-A -t 10.1.1.1:80 -s rr
-a -t 10.1.1.1:80 -r 10.0.0.8:80 -g -w 2
-a -t 10.1.1.1:80 -r 10.0.0.9:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum
-a -t 10.1.1.1:80 -r 10.0.0.10:80 -i -w 1 --tun-type gre --tun-csum
-a -t 10.1.1.1:80 -r 10.0.0.11:80 -i -w 1 --tun-type ipip
-a -t 10.1.1.1:80 -r 172.16.0.1:80 -g -w 1`.split("\n");
  it.each(lines)("%s formats back identically", (line) => {
    const c = parseIpvsadmArgs(line.split(" "));
    if (c.kind === "add-service") expect(formatServiceRule(c.service)).toBe(line);
    else if (c.kind === "add-server")
      expect(formatDestinationRule({ key: c.service, config: svcFrom("-A -t 1.1.1.1:1").config }, c.destination)).toBe(line);
    else throw new Error(`unexpected ${c.kind}`);
  });
  it("does not save thresholds unless asked", () => {
    const c = parseIpvsadmArgs("-a -t 10.1.1.1:80 -r 10.0.0.8:80 -g -w 2 -x 100 -y 20".split(" "));
    if (c.kind !== "add-server") throw new Error();
    const svc = svcFrom("-A -t 10.1.1.1:80 -s rr");
    expect(formatDestinationRule(svc, c.destination)).toBe("-a -t 10.1.1.1:80 -r 10.0.0.8:80 -g -w 2");
    expect(formatDestinationRule(svc, c.destination, { thresholds: true })).toBe(
      "-a -t 10.1.1.1:80 -r 10.0.0.8:80 -g -w 2 -x 100 -y 20",
    );
  });
});

describe("ipvsadm -L -n (reference 3.5)", () => {
  it("service lines of the default view", () => {
    const pairs: [string, string][] = [
      ["-A -t 10.1.1.4:80 -s rr -p 600 -M 255.255.255.0", "TCP  10.1.1.4:80 rr persistent 600 mask 255.255.255.0"],
      ["-A -u 10.1.1.5:53 -s sh -b sh-fallback,sh-port", "UDP  10.1.1.5:53 sh (sh-fallback,sh-port)"],
      ["-A -u 10.1.1.6:53 -s rr -o", "UDP  10.1.1.6:53 rr ops"],
      ["-A -u 10.1.1.12:5060 -s rr -p 60 --pe sip", "UDP  10.1.1.12:5060 rr persistent 60 pe sip"],
      ["-A -t [2001:db8::1]:443 -s wrr -p 100 -M 64", "TCP  [2001:db8::1]:443 wrr persistent 100 mask 64"],
      ["-A -f 8 -6 -s rr -p 360", "FWM  8 IPv6 rr persistent 360"],
      ["-A --sctp-service 10.1.1.10:3868 -s mh -b mh-port", "SCTP 10.1.1.10:3868 mh (mh-port)"],
    ];
    for (const [rule, listed] of pairs) expect(formatServiceLine(svcFrom(rule))).toBe(listed);
  });

  it("whole default listing with the version header and padded dest lines", () => {
    const svc = svcFrom("-A -t [2001:db8::1]:443 -s wrr -p 100 -M 64", [
      destFrom("-a -t [2001:db8::1]:443 -r [2001:db8::10]:8443 -m -w 1"),
    ]);
    const out = formatListAll({ version: "1.2.1", connTableSize: 4096 }, [svc], { ...fmt, view: "default" });
    expect(trimLines(out)).toBe(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  [2001:db8::1]:443 wrr persistent 100 mask 64
  -> [2001:db8::10]:8443          Masq    1      0          0
`);
    // "%-28s %-7s %-6d %-10u %-10u": 5 + 28 + 1 + 7 + 1 + 6 + 1 + 10 + 1 + 10
    expect(out.split("\n")[4]).toHaveLength(70);
  });

  it("--stats and --rate", () => {
    const stats: Stats = { ...zero, conns: 4, inPkts: 2140, outPkts: 3674, inBytes: 111639, outBytes: 120199210 };
    const d = destFrom("-a -t 172.16.0.1:80 -r 10.0.0.2:8080 -m", { stats });
    const svc = svcFrom("-A -t 172.16.0.1:80 -s rr", [d], stats);
    expect(formatListOne(svc, { ...fmt, view: "stats" })).toBe(`Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  172.16.0.1:80                       4     2140     3674   111639  120199K
  -> 10.0.0.2:8080                       4     2140     3674   111639  120199K
`);
    expect(formatListOne(svc, { ...fmt, view: "stats", exact: true }).split("\n")[2]).toBe(
      "TCP  172.16.0.1:80                       4     2140     3674   111639 120199210",
    );
    const rates: Stats = { ...zero, inPps: 199, outPps: 343, inBps: 10390, outBps: 11268362 };
    const r = svcFrom("-A -t 172.16.0.1:80 -s rr", [destFrom("-a -t 172.16.0.1:80 -r 10.0.0.2:8080 -m", { stats: rates })], rates);
    expect(formatListOne(r, { ...fmt, view: "rate" })).toBe(`Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  172.16.0.1:80                       0      199      343    10390 11268362
  -> 10.0.0.2:8080                       0      199      343    10390 11268362
`);
  });

  it("--thresholds, --persistent-conn, --tun-info", () => {
    const t = svcFrom("-A -t 10.1.1.1:80 -s rr", [destFrom("-a -t 10.1.1.1:80 -r 10.0.0.8:80 -x 100 -y 20")]);
    expect(trimLines(formatListOne(t, { ...fmt, view: "thresholds" }))).toBe(`Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn
  -> RemoteAddress:Port
TCP  10.1.1.1:80 rr
  -> 10.0.0.8:80                  100        20         0          0
`);
    expect(formatListOne(t, { ...fmt, view: "thresholds" }).split("\n")[0]).toMatch(/InActConn $/);
    const p = svcFrom("-A -t 172.16.0.1:81 -s rr -p 120", [
      destFrom("-a -t 172.16.0.1:81 -r 10.0.0.2:8080 -m", { persistConns: 1, inactiveConns: 2 }),
    ]);
    expect(trimLines(formatListOne(p, { ...fmt, view: "persistent-conn" }))).toBe(`Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn
  -> RemoteAddress:Port
TCP  172.16.0.1:81 rr persistent 120
  -> 10.0.0.2:8080                1         1           0          2
`);
    const ti = svcFrom("-A -t 10.1.1.1:80 -s rr", [
      destFrom("-a -t 10.1.1.1:80 -r 10.0.0.11:80 -i --tun-type ipip"),
      destFrom("-a -t 10.1.1.1:80 -r 10.0.0.10:80 -i --tun-type gre --tun-csum"),
      destFrom("-a -t 10.1.1.1:80 -r 10.0.0.9:80 -i --tun-type gue --tun-port 6080 --tun-remcsum"),
      destFrom("-a -t 10.1.1.1:80 -r 10.0.0.2:8080 -m -w 0"),
    ]);
    expect(trimLines(formatListOne(ti, { ...fmt, view: "tun-info" }))).toBe(`Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
TCP  10.1.1.1:80 rr
  -> 10.0.0.2:8080                Masq    n/a           0      0          0
  -> 10.0.0.9:80                  Tunnel  gue:6080:r+c  1      0          0
  -> 10.0.0.10:80                 Tunnel  gre:+c        1      0          0
  -> 10.0.0.11:80                 Tunnel  ipip          1      0          0
`);
  });

  it("--timeout and --daemon", () => {
    expect(formatTimeouts({ tcp: 900, tcpFin: 120, udp: 300 })).toBe("Timeout (tcp tcpfin udp): 900 120 300\n");
    expect(
      formatDaemons([
        { state: "backup", mcastInterface: "d1", syncId: 0 },
        { state: "master", mcastInterface: "d0", syncId: 5, maxLen: 1472, mcastGroup: "224.0.0.81", mcastPort: 8848, mcastTtl: 1 },
      ]),
    ).toBe(
      "master sync daemon (mcast=d0, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\nbackup sync daemon (mcast=d1, syncid=0)\n",
    );
  });
});

describe("ipvsadm -Lnc (reference 3.4)", () => {
  it("formats IPv6, IPv4 and fwmark template entries", () => {
    const out = formatConnList(
      [
        { protocol: "TCP", clientAddress: "2001:0db8:0001:0000:0000:0000:0000:0002", clientPort: 53450, virtualAddress: "2001:db8:1::1", virtualPort: 80, destAddress: "2001:db8:2::2", destPort: 8080, state: "TIME_WAIT", expires: 118 },
        { protocol: "TCP", clientAddress: "172.16.0.2", clientPort: 0, virtualAddress: "172.16.0.1", virtualPort: 81, destAddress: "10.0.0.2", destPort: 8080, state: "NONE", expires: 117 },
        { protocol: "IP", clientAddress: "192.0.2.1", clientPort: 0, virtualAddress: "0.0.0.9", virtualPort: 0, destAddress: "10.0.0.2", destPort: 0, state: "NONE", expires: 59 },
        { protocol: "UDP", clientAddress: "192.0.2.1", clientPort: 5, virtualAddress: "0.0.0.9", virtualPort: 0, destAddress: "10.0.0.2", destPort: 0, state: "UDP", expires: 900 },
      ],
      false,
    );
    expect(out).toBe(`IPVS connection entries
pro expire state       source             virtual            destination
TCP 01:58  TIME_WAIT   [2001:db8:1::2]:53450 [2001:db8:1::1]:80 [2001:db8:2::2]:8080
TCP 01:57  NONE        172.16.0.2:0       172.16.0.1:81      10.0.0.2:8080
IP  00:59  NONE        192.0.2.1:0        0.0.0.9:0          10.0.0.2:0
UDP 15:00  UDP         192.0.2.1:5        0.0.0.9:0          10.0.0.2:0
`);
  });
});

describe("Debian ipvsadm 1.31 quirks seen in the lab", () => {
  it("prints fwmarks >= 2^31 as negative numbers and reads them back", () => {
    const line = "-A -f -2109775183 -6 -s lc -p 60";
    const c = parseIpvsadmArgs(line.split(" "));
    if (c.kind !== "add-service") throw new Error();
    expect(c.service.key).toEqual({ protocol: "fwmark", fwmark: 2185192113, family: "ipv6" });
    expect(formatServiceRule(c.service)).toBe(line);
    expect(formatServiceLine({ ...c.service, stats: zero, destinations: [] })).toBe("FWM  -2109775183 IPv6 lc persistent 60");
    expect(parseIpvsadmArgs("-A -f 2185192113 -6 -s lc".split(" "))).toEqual({ ...c, service: { ...c.service, config: { ...c.service.config, persistence: null } } });
  });

  it("-Lnc prints a fwmark template's mark as a dotted address", () => {
    const out = formatConnList(
      [{ protocol: "IP", clientAddress: "192.0.2.0", clientPort: 0, fwmark: 9, virtualPort: 0, destAddress: "10.0.0.2", destPort: 0, state: "NONE", expires: 59 }],
      false,
    );
    expect(out.split("\n")[2]).toBe("IP  00:59  NONE        192.0.2.0:0        0.0.0.9:0          10.0.0.2:0");
  });
});
