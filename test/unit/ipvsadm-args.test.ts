// ipvsadm's checks and messages (reference 5.2), defaults, and popt-style option spelling.
import { describe, expect, it } from "vitest";
import { parseIpvsadmArgs } from "@/protocol/ipvsadm/args.ts";
import { IpvsadmUsageError } from "@/protocol/ipvsadm/command.ts";

const parse = (line: string) => parseIpvsadmArgs(line.split(" ").filter(Boolean));
function failure(line: string): [string, number] {
  try {
    parse(line);
  } catch (e) {
    if (e instanceof IpvsadmUsageError) return [e.message, e.exitCode];
    throw e;
  }
  throw new Error(`no error for ${line}`);
}

describe("ipvsadm argv errors", () => {
  it.each([
    ["-A -t 10.0.0.1 -s rr", "Zero port specified for non-persistent service", 2],
    ["-A -t 10.0.0.1:53 -o", "One-Packet Scheduling is only for UDP virtual services", 2],
    ["-A -u 10.0.0.1:53 -s rr -b sh-port", "incompatible scheduler flag `sh-port'", 2],
    ["-A -u 10.0.0.1:53 -b x", "invalid scheduler flag `x'", 2],
    ["-a -t 10.0.0.1:80 -r [2001:db8::1]:80 -m", "Different address family is allowed only for tunneling servers", 2],
    ["-a -t 10.0.0.1:80 -r 10.0.0.2 -m --tun-type gre", "Tunnel options conflict with forward method", 2],
    ["-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue", "You need to supply the 'tun-port' option for the 'gue' tunnel type", 2],
    ["-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre --tun-remcsum", "Illegal 'tun-remcsum' option with the 'gre' tunnel type", 2],
    ["-a -t 10.0.0.1:80 -r 10.0.0.2 -w -1", "illegal weight specified", 2],
    ["-a -t 10.0.0.1:80 -r 10.0.0.2 -x 2147483648", "illegal u_threshold specified", 2],
    ["-A -t 10.0.0.1:80 -p 2678401", "invalid timeout value `2678401' specified", 2],
    ["-A -f 0", "invalid fwmark value `0' specified", 2],
    ["-A -t 10.0.0:80", "illegal virtual server address[:port] specified", 2],
    ["-a -t 10.0.0.1:80 -r 10.0.0.300", "illegal real server address[:port] specified", 2],
    ["-A -t [2001:db8::1]:80 -p -M 129", "illegal ipv6 netmask specified", 2],
    ["--set 1 2", "--set option requires 3 timeout values", 2],
    ["-A -6 -f 1", "-6 used before -f", 2],
    ["-A -D", "multiple commands specified", 2],
    ["-A -s rr", "You need to supply the 'service-address' option for the 'add-service' command", 2],
    ["-D -t 10.0.0.1:80 -s rr", "Illegal 'scheduler' option with the 'delete-service' command", 2],
    ["-L -t 10.0.0.1:80 -c", "The option 'service-address' conflicts with the 'connection' option in the 'list' command", 2],
    ["-L --timeout --stats", "options conflicts in the list command", 2],
    ["-A -t 10.0.0.1:80 -s rr -s wrr", "multiple 'scheduler' options specified", 2],
    ["-A -t 10.0.0.1:80 --bogus", "--bogus: unknown option", 255],
    ["-n -L", "Try `ipvsadm -h' or 'ipvsadm --help' for more information.", 255],
    // a name no kernel module could have; a well-formed unknown name is read (below)
    ["-A -t 10.0.0.1:80 -s No-Such", "Scheduler or persistence engine not found (unknown scheduler `No-Such')", 255],
    ["-E -t 10.0.0.1:80 -s ip_vs.twos", "Scheduler or persistence engine not found (unknown scheduler `ip_vs.twos')", 255],
  ])("%s -> %s", (line, message, code) => {
    expect(failure(line)).toEqual([message, code]);
  });

  it("reads a scheduler outside the known ones as typed, cut to 15 characters like ipvsadm", () => {
    // the kernel may have it (e.g. "twos"); writing it is refused later, see scheduler-name.ts
    expect(parse("-A -u 10.0.0.1:53 -s twos")).toMatchObject({ service: { config: { scheduler: "twos" } } });
    expect(parse("-E -u 10.0.0.1:53 -s twos")).toMatchObject({ service: { config: { scheduler: "twos" } }, given: { scheduler: true } });
    expect(parse("-A -u 10.0.0.1:53 -s abcdefghijklmnopq")).toMatchObject({ service: { config: { scheduler: "abcdefghijklmno" } } });
  });

  it("says that names are not resolved", () => {
    expect(failure("-A -t www.example.com:http")[0]).toMatch(/not resolved/);
  });
});

describe("ipvsadm argv defaults and spellings", () => {
  it("defaults: wlc, DR, weight 1, -p 360, port copied and forced for DR", () => {
    expect(parse("-A -t 10.0.0.1:80")).toMatchObject({ service: { config: { scheduler: "wlc", persistence: null } } });
    expect(parse("-A -t 10.0.0.1:80 -p")).toMatchObject({ service: { config: { persistence: { timeout: 360 } } } });
    expect(parse("-a -t 10.0.0.1:80 -r 10.0.0.2:8080")).toMatchObject({
      destination: { key: { address: "10.0.0.2", port: 80 }, config: { forwarding: "route", weight: 1 } },
    });
    expect(parse("-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m")).toMatchObject({ destination: { key: { port: 8080 } } });
    expect(parse("-a -f 5 -r 10.0.0.2:8080")).toMatchObject({ destination: { key: { port: 8080 } } });
    expect(parse("-a -t 10.0.0.1:80 -r 10.0.0.2 -m")).toMatchObject({ destination: { key: { port: 80 } } });
  });

  it("accepts combined short options, attached values and long forms", () => {
    expect(parse("-Lnc")).toEqual({ kind: "list-connections", persistentConn: false });
    expect(parse("-Ln --stats -X")).toMatchObject({ kind: "list", format: { view: "stats", exact: true, numeric: true } });
    expect(parse("--add-service --tcp-service=10.0.0.1:80 --scheduler rr -p600")).toMatchObject({
      service: { config: { scheduler: "rr", persistence: { timeout: 600 } } },
    });
    expect(parse("-A -f 7 -6 -p")).toMatchObject({
      service: { key: { protocol: "fwmark", fwmark: 7, family: "ipv6" }, config: { persistence: { netmask: "128" } } },
    });
    expect(parse("-A -t [2001:DB8:0::1]:443 -p 10 -M 64")).toMatchObject({
      service: { key: { address: "2001:db8::1", port: 443 }, config: { persistence: { netmask: "64" } } },
    });
    expect(parse("-L -t 10.0.0.1:80 --thresholds")).toMatchObject({ kind: "list", service: { port: 80 }, format: { view: "thresholds" } });
    expect(parse("--start-daemon backup --mcast-interface d0 --syncid 9 --mcast-group 239.1.1.1")).toEqual({
      kind: "start-daemon",
      daemon: { state: "backup", mcastInterface: "d0", syncId: 9, mcastGroup: "239.1.1.1" },
    });
    expect(parse("--stop-daemon master")).toEqual({ kind: "stop-daemon", state: "master", syncId: 0 });
  });

  it("edits record which fields were typed", () => {
    expect(parse("-e -t 10.0.0.1:80 -r 10.0.0.2:8080 -w 0")).toMatchObject({
      kind: "edit-server",
      destination: { key: { port: 8080 } },
      given: { forwarding: false, weight: true, upperThreshold: false },
    });
    expect(parse("-E -t 10.0.0.1:80 -s rr")).toMatchObject({ given: { scheduler: true, persistence: false } });
  });
});
