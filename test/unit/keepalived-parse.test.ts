// keepalived.conf parsing: the fixtures map to the table, the checks and the VRRP spec; an
// unknown or unsupported keyword is a warning with its line; a syntax error or bad value
// names line and column and returns nothing; includes go through the reader.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KeepalivedSyntaxError, parseKeepalived } from "@/protocol/keepalived/parse.ts";

const DIR = "test/fixtures/keepalived";
const fixture = (f: string) => parseKeepalived(readFileSync(`${DIR}/${f}`, "utf8"), { file: f });

function syntaxError(text: string): KeepalivedSyntaxError {
  try {
    parseKeepalived(text);
  } catch (e) {
    if (e instanceof KeepalivedSyntaxError) return e;
    throw e;
  }
  throw new Error("parsed without an error");
}

describe("fixtures", () => {
  it("every fixture parses", () => {
    for (const f of readdirSync(DIR).filter((x) => x.endsWith(".conf"))) expect(() => fixture(f), f).not.toThrow();
  });

  it("NAT and DR services with TCP and HTTP checks", () => {
    const p = fixture("nat-dr-tcp-http.conf");
    expect(p.warnings).toEqual([]);
    const [nat, dr] = p.rules.services;
    expect(nat!.key).toEqual({ protocol: "tcp", address: "10.0.0.100", port: 80 });
    expect(nat!.config.scheduler).toBe("wrr");
    expect(nat!.destinations.map((d) => [d.key.address, d.config.forwarding, d.config.weight])).toEqual([
      ["10.0.0.11", "masq", 1], ["10.0.0.12", "masq", 2], ["10.0.0.13", "masq", 3],
    ]);
    expect(dr!.config.persistence).toEqual({ timeout: 300, netmask: "255.255.255.255" });
    expect(dr!.destinations[0]!.config.forwarding).toBe("route");
    const h = p.health.services[0]!;
    expect(h.delayLoop).toBe(2);
    expect(h.realServers[0]!.checkers[0]).toMatchObject({ kind: "HTTP_GET", urls: [{ path: "/", statusCode: [{ from: 200, to: 200 }] }], connectTimeout: 1, retry: 1, delayBeforeRetry: 1 });
    expect(h.realServers[2]!.checkers[0]!.kind).toBe("TCP_CHECK");
    expect(p.health.services[1]!.inhibitOnFailure).toBe(true);
  });

  it("deprecated spellings, fwmark, quorum and sorry server, DNS and tunnel", () => {
    const p = fixture("legacy-spellings.conf");
    expect(p.warnings.map((w) => w.message)).toEqual(["(legacy-spellings.conf: Line 23) nb_get_retry is deprecated - please use 'retry'"]);
    const fw = p.rules.services[0]!;
    expect(fw.key).toEqual({ protocol: "fwmark", fwmark: 7, family: "ipv4" });
    expect(fw.config).toMatchObject({ scheduler: "sh", schedulerFlags: ["flag-2"], persistence: { timeout: 360, netmask: "255.255.255.0" } });
    expect(fw.destinations[0]!.config).toMatchObject({ weight: 5, upperThreshold: 100, lowerThreshold: 10 });
    const h = p.health.services[0]!;
    expect(h).toMatchObject({ quorum: 2, hysteresis: 1, sorryServer: { key: { address: "192.168.50.9", port: 0 }, inhibit: true, forwarding: "route" } });
    expect(h.realServers[0]!.checkers[0]).toMatchObject({ retry: 3, connectPort: 8080, urls: [{ statusCode: [{ from: 200, to: 299 }, { from: 301, to: 301 }] }] });
    expect(h.realServers[1]!.checkers[0]).toMatchObject({ kind: "SSL_GET", virtualhost: "www.example.org" });
    const dns = p.rules.services[1]!;
    expect(dns.key.protocol).toBe("udp");
    expect(dns.config.onePacket).toBe(true);
    expect(dns.destinations[0]!.config.forwarding).toBe("tunnel");
    expect(p.health.services[1]!.realServers[0]!.checkers[0]).toEqual({ kind: "DNS_CHECK", type: "A", name: "example.org", retry: 2 });
  });

  it("groups expand into one service per entry; vrrp_instance becomes the HA spec", () => {
    const p = fixture("groups-vrrp.conf");
    expect(p.rules.services.map((s) => s.key)).toEqual(
      ["10.0.0.100", "10.0.0.110", "10.0.0.111"].map((address) => ({ protocol: "tcp", address, port: 80 })),
    );
    expect(p.health.services[0]!.alpha).toBe(true);
    expect(p.health.services[0]!.realServers[0]!.checkers[0]).toEqual({ kind: "MISC_CHECK", miscPath: ["/usr/bin/test", "-e", "/tmp"], miscTimeout: 3, user: "nobody" });
    expect(p.ha).toMatchObject({
      instances: [{ name: "VI_1", interface: "eth0", virtualRouterId: 51, priority: 150, initialState: "MASTER", authentication: { type: "PASS", password: "s3cret" }, virtualIpAddresses: [{ address: "10.0.0.100", prefix: 24, dev: "eth0" }] }],
    });
    const msgs = p.warnings.map((w) => w.message);
    expect(msgs).toContain("(groups-vrrp.conf: Line 4) 'script_user' not supported by lvs-fleet, ignored");
    expect(msgs.some((m) => m.includes("Line 35") && m.includes("'notify_down'"))).toBe(true);
  });

  it("tunnel types", () => {
    const p = fixture("tunnel-types.conf");
    const [a, b] = p.rules.services[0]!.destinations;
    expect(a!.config.tunnel).toEqual({ type: "gue", port: 6080, checksum: "csum" });
    expect(b!.config.tunnel).toEqual({ type: "gre", port: 0, checksum: "nocsum" });
    expect(p.rules.services[0]!.config.schedulerFlags).toEqual(["flag-1"]);
  });
});

describe("warnings and errors", () => {
  it("an unknown keyword is a warning worded as keepalived's, with its line", () => {
    const p = parseKeepalived("virtual_server 10.0.0.1 80 {\n  protocol TCP\n  connet_timeout 3\n}\n");
    expect(p.warnings).toEqual([{ file: "keepalived.conf", line: 3, message: "(keepalived.conf: Line 3) Unknown keyword 'connet_timeout'" }]);
    expect(p.rules.services.length).toBe(1);
  });

  it("a missing protocol is UDP, as keepalived says", () => {
    const p = parseKeepalived("virtual_server 10.0.0.1 80 {\n}\n");
    expect(p.rules.services[0]!.key.protocol).toBe("udp");
    expect(p.warnings[0]!.message).toContain("no protocol set - defaulting to UDP");
  });

  it("syntax errors name line and column", () => {
    expect(syntaxError("virtual_server 10.0.0.1 80 {\n  protocol TCP\n")).toMatchObject({ line: 1, column: 28 });
    expect(syntaxError("}\n")).toMatchObject({ line: 1, column: 1 });
    expect(syntaxError('virtual_server 10.0.0.1 80 {\n  real_server "10.0.0.2 80 {\n}\n')).toMatchObject({ line: 2, column: 15 });
    expect(syntaxError("virtual_server 10.0.0.1 80 {\n  protocol TCP\n  lb_algo fastest\n}\n")).toMatchObject({ line: 3, column: 11 });
    expect(syntaxError("virtual_server 10.0.0.300 80 {\n}\n")).toMatchObject({ line: 1, column: 16 });
    expect(syntaxError("virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n  TCP_CHECK {\n   connect_timeout x\n  }\n }\n}\n")).toMatchObject({ line: 5, column: 20 });
    // keepalived -t: "No script path has been specified for MISC_CHECKER - skipping", exit 5. A
    // fuzzed "misc_path!" once reached the schema's refine with no command and threw a TypeError.
    expect(syntaxError("virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n  MISC_CHECK {\n   misc_path! /bin/true\n  }\n }\n}\n")).toMatchObject({ line: 5, column: 4, message: expect.stringContaining("misc_path names no command") });
  });

  it("includes go through the reader, with their own file name in warnings and errors", () => {
    const files: Record<string, string> = { "vs.conf": "virtual_server 10.0.0.1 80 {\n  protocol TCP\n  bogus 1\n}\n" };
    const p = parseKeepalived("include vs.conf\n", { read: (f) => files[f] ?? null });
    expect(p.rules.services.length).toBe(1);
    expect(p.warnings[0]).toMatchObject({ file: "vs.conf", line: 3 });
    expect(() => parseKeepalived("include nope.conf\n", { read: () => null })).toThrow(/no such file/);
    expect(() => parseKeepalived("include vs.conf\n")).toThrow(KeepalivedSyntaxError);
    const loop = { "a.conf": "include a.conf\n" };
    expect(() => parseKeepalived("include a.conf\n", { read: (f) => loop[f as "a.conf"] ?? null })).toThrow(/nested deeper/);
  });
});
