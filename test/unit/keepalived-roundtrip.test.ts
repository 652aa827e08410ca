// parse(export(x)) = x for the keepalived format (fast-check), and fuzzed keepalived text
// either parses or throws KeepalivedSyntaxError: never another error, never a half result.
import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HaSpec } from "@/protocol/ha.ts";
import { HealthConfig, type Checker } from "@/protocol/health.ts";
import { SCHEDULERS, type Destination, type Service } from "@/protocol/ipvs.ts";
import { exportKeepalived } from "@/protocol/keepalived/export.ts";
import { KeepalivedSyntaxError, parseKeepalived } from "@/protocol/keepalived/parse.ts";

const octet = fc.integer({ min: 1, max: 254 });
const v4 = fc.tuple(octet, octet, octet, octet).map((a) => a.join("."));
const secs = fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constantFrom(0.5, 1.5, 2.25));
const timing = fc.record(
  { delayLoop: secs, retry: fc.integer({ min: 0, max: 9 }), delayBeforeRetry: secs, warmup: secs, alpha: fc.boolean(), connectTimeout: secs },
  { requiredKeys: [] },
);
const netTiming = fc.record({ connectIp: v4, connectPort: fc.integer({ min: 1, max: 65535 }), bindto: v4 }, { requiredKeys: [] });
const word = fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}$/);
const url = fc.record(
  {
    path: word.map((w) => `/${w}`),
    statusCode: fc.array(fc.integer({ min: 100, max: 599 }).chain((a) => fc.integer({ min: a, max: 599 }).map((b) => ({ from: a, to: b }))), { minLength: 1, maxLength: 3 }),
    digest: fc.stringMatching(/^[0-9a-f]{32}$/),
    virtualhost: word,
    regex: fc.constantFrom("^ok", "alive|ready", "[0-9]+"),
  },
  { requiredKeys: ["path"] },
);
const checker: fc.Arbitrary<Checker> = fc.oneof(
  fc.tuple(timing, netTiming).map(([t, n]) => ({ kind: "TCP_CHECK" as const, ...t, ...n })),
  fc.tuple(timing, netTiming, fc.constantFrom("HTTP_GET" as const, "SSL_GET" as const), fc.array(url, { minLength: 1, maxLength: 2 }), fc.option(word, { nil: undefined }))
    .map(([t, n, kind, urls, vh]) => ({ kind, ...t, ...n, urls, ...(vh ? { virtualhost: vh } : {}) })),
  fc.tuple(timing, netTiming, fc.constantFrom("A", "SOA", "MX") , fc.constantFrom(".", "example.org"))
    .map(([t, n, type, name]) => ({ kind: "DNS_CHECK" as const, ...t, ...n, type, name })),
  fc.tuple(timing, fc.array(word, { maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }), fc.option(fc.constantFrom("nobody", "www-data"), { nil: undefined }))
    .map(([t, args, miscTimeout, user]) => ({ kind: "MISC_CHECK" as const, ...t, miscPath: ["/usr/bin/check", ...args], ...(miscTimeout ? { miscTimeout } : {}), ...(user ? { user } : {}) })),
) as fc.Arbitrary<Checker>;

const tunnel = fc.oneof(
  fc.constant(null),
  fc.record({ type: fc.constantFrom("ipip" as const), port: fc.constant(0), checksum: fc.constant("nocsum" as const) }),
  fc.record({ type: fc.constant("gre" as const), port: fc.constant(0), checksum: fc.constantFrom("nocsum" as const, "csum" as const) }),
  fc.record({ type: fc.constant("gue" as const), port: fc.integer({ min: 1, max: 65535 }), checksum: fc.constantFrom("nocsum" as const, "csum" as const, "remcsum" as const) }),
);
const destConfig = fc.oneof(
  fc.record({ forwarding: fc.constantFrom("masq" as const, "route" as const), tunnel: fc.constant(null) }),
  tunnel.filter((t) => t !== null).map((t) => ({ forwarding: "tunnel" as const, tunnel: t })),
).chain((f) =>
  fc.record({ weight: fc.integer({ min: 0, max: 100 }), upperThreshold: fc.integer({ min: 0, max: 1000 }), lowerThreshold: fc.integer({ min: 0, max: 1000 }) }).map((w) => ({ ...f, ...w })),
);

const service = fc
  .record({
    fwmark: fc.boolean(),
    address: v4,
    port: fc.integer({ min: 1, max: 65535 }),
    protocol: fc.constantFrom("tcp" as const, "udp" as const, "sctp" as const),
    mark: fc.integer({ min: 1, max: 0xffffffff }),
    scheduler: fc.constantFrom(...SCHEDULERS),
    flags: fc.subarray(["flag-1", "flag-2", "flag-3"] as const),
    persistence: fc.option(fc.record({ timeout: fc.integer({ min: 1, max: 2678400 }), netmask: fc.constantFrom("255.255.255.255", "255.255.255.0") }), { nil: null }),
    onePacket: fc.boolean(),
    dests: fc.uniqueArray(fc.record({ address: v4, port: fc.integer({ min: 1, max: 65535 }), config: destConfig }), { maxLength: 4, selector: (d) => d.address }),
    checks: fc.array(fc.array(checker, { maxLength: 2 }), { minLength: 4, maxLength: 4 }),
    health: fc.boolean(),
    svcTiming: timing,
    quorum: fc.integer({ min: 1, max: 10 }),
    hysteresis: fc.integer({ min: 0, max: 3 }),
    sorry: fc.option(fc.record({ address: v4, inhibit: fc.boolean(), forwarding: fc.constantFrom("masq" as const, "route" as const) }), { nil: null }),
    inhibit: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((r) => {
    const key: Service["key"] = r.fwmark ? { protocol: "fwmark", fwmark: r.mark, family: "ipv4" } : { protocol: r.protocol, address: r.address, port: r.port };
    const destinations: Destination[] = r.dests.map((d) => ({ key: { address: d.address, port: r.fwmark ? 0 : d.port }, config: d.config }));
    const checked = r.health && destinations.length > 0;
    if (checked && r.checks[0]!.length === 0) r.checks[0] = [{ kind: "TCP_CHECK" }];
    const health = checked
      ? [{
          key, ...r.svcTiming, quorum: r.quorum, hysteresis: r.hysteresis,
          ...(r.inhibit !== undefined ? { inhibitOnFailure: r.inhibit } : {}),
          sorryServer: r.sorry && { key: { address: r.sorry.address, port: r.fwmark ? 0 : 80 }, inhibit: r.sorry.inhibit, forwarding: r.sorry.forwarding },
          realServers: destinations.map((d, i) => ({ key: d.key, config: d.config, checkers: r.checks[i] ?? [] })),
        }]
      : [];
    const config: Service["config"] = { scheduler: r.scheduler, schedulerFlags: [...r.flags], persistence: r.persistence, pe: null, onePacket: r.onePacket };
    return { service: { key, config, destinations }, health };
  });

const ha = fc.option(
  fc.record({
    routerId: fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}$/), { nil: undefined }),
    instances: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^VI_[0-9]{1,3}$/), interface: fc.constantFrom("eth0", "ens3"), virtualRouterId: fc.integer({ min: 1, max: 255 }),
        priority: fc.integer({ min: 1, max: 255 }), initialState: fc.constantFrom("MASTER" as const, "BACKUP" as const), advertInt: fc.constantFrom(1, 2, 0.5),
        preempt: fc.boolean(), virtualIpAddresses: fc.array(fc.record({ address: v4, prefix: fc.integer({ min: 8, max: 32 }), dev: fc.constantFrom("eth0", "eth1") }, { requiredKeys: ["address"] }), { minLength: 1, maxLength: 3 }),
        unicastPeers: fc.array(v4, { maxLength: 2 }), trackInterfaces: fc.array(fc.constantFrom("eth1", "eth2"), { maxLength: 2 }),
        authentication: fc.option(fc.record({ type: fc.constant("PASS" as const), password: fc.stringMatching(/^[a-z0-9]{1,8}$/) }), { nil: undefined }),
      }, { requiredKeys: ["name", "interface", "virtualRouterId", "priority", "initialState", "advertInt", "preempt", "virtualIpAddresses", "unicastPeers", "trackInterfaces"] }),
      { minLength: 1, maxLength: 2, selector: (i) => i.name },
    ),
  }, { requiredKeys: ["instances"] }),
  { nil: null },
);

const model = fc.tuple(fc.uniqueArray(service, { maxLength: 4, selector: (s) => JSON.stringify(s.service.key) }), ha).map(([svcs, h]) => ({
  rules: { services: svcs.map((s) => s.service) },
  health: HealthConfig.parse({ services: svcs.flatMap((s) => s.health) }),
  ha: h === null ? null : HaSpec.parse(h),
}));

describe("keepalived format", () => {
  it("parse(export(x)) = x", () => {
    fc.assert(
      fc.property(model, (m) => {
        const back = parseKeepalived(exportKeepalived(m));
        expect({ rules: back.rules, health: back.health, ha: back.ha }).toEqual(m);
        expect(back.warnings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("fuzzed text parses or throws KeepalivedSyntaxError, nothing else", () => {
    const seeds = readdirSync("test/fixtures/keepalived").filter((f) => f.endsWith(".conf")).map((f) => readFileSync(`test/fixtures/keepalived/${f}`, "utf8"));
    const edit = fc.record({ at: fc.nat(), del: fc.integer({ min: 0, max: 8 }), ins: fc.stringMatching(/^[{}"#! \na-z0-9._/-]{0,6}$/) });
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 }), fc.boolean(), (seed, edits, include) => {
        let t = seed;
        for (const e of edits) {
          const at = e.at % (t.length + 1);
          t = t.slice(0, at) + e.ins + t.slice(at + e.del);
        }
        if (include) t = `include other.conf\n${t}`;
        try {
          const p = parseKeepalived(t, { read: () => seed });
          expect(Array.isArray(p.rules.services)).toBe(true);
        } catch (e) {
          if (!(e instanceof KeepalivedSyntaxError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
