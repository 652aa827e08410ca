// The checks editors' model: a configuration shown in the form and saved unchanged gives back
// exactly what the agent's schema makes of it (property), and wrong input is refused on the
// field that holds it, with the agent's schemas' messages (MISC_CHECK without
// --allow-script-checks too, as the agent and the server refuse it).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  newChecker,
  parseStatusRanges,
  type RealServerChecksForm,
  realServerForm,
  realServerSettings,
  serviceForm,
  serverFieldErrors,
  serviceSettings,
} from "@/components/health/checks-form-model.ts";
import { RealServerHealthSettings, ServiceHealthSettings } from "@/protocol/dashboard/health.ts";
import { DNS_TYPES, type RealServerHealth, type ServiceHealth } from "@/protocol/health.ts";

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const centi = (lo: number, hi: number) => fc.integer({ min: lo * 100, max: hi * 100 }).map((n) => n / 100);
const timing = {
  delayLoop: maybe(centi(1, 600)),
  retry: maybe(fc.integer({ min: 0, max: 10 })),
  delayBeforeRetry: maybe(centi(0, 60)),
  warmup: maybe(centi(0, 60)),
  alpha: maybe(fc.boolean()),
};
const ip = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `10.0.${b}.${a}`);
const net = { ...timing, connectTimeout: maybe(centi(1, 30)), connectIp: maybe(ip), connectPort: maybe(fc.integer({ min: 1, max: 65535 })), bindto: maybe(ip) };
const range = fc.tuple(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 0, max: 99 })).map(([f, d]) => ({ from: f, to: Math.min(599, f + d) }));
const url = fc.record(
  {
    path: fc.constantFrom("/", "/health", "/a/b?x=1"),
    statusCode: maybe(fc.array(range, { minLength: 1, maxLength: 3 })),
    digest: maybe(fc.constant("0123456789abcdef0123456789abcdef")),
    virtualhost: maybe(fc.constantFrom("www.example.org", "h")),
    regex: maybe(fc.constantFrom("ok", "^up$", "a b")),
  },
  { requiredKeys: ["path"] },
);
const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const checker = fc.oneof(
  fc.record(net).map((t) => strip({ kind: "TCP_CHECK" as const, ...t })),
  fc.record({ ...net, kind: fc.constantFrom("HTTP_GET" as const, "SSL_GET" as const), urls: fc.array(url, { minLength: 1, maxLength: 3 }), virtualhost: maybe(fc.constant("v.example")) }).map(strip),
  fc.record({ ...net, type: fc.constantFrom(...DNS_TYPES), name: fc.constantFrom(".", "example.org", "a.b.") }).map((t) => strip({ kind: "DNS_CHECK" as const, ...t })),
  fc
    .record({ ...timing, miscPath: fc.constantFrom(["/bin/true"], ["/usr/bin/test", "-e", "/x"]), miscTimeout: maybe(fc.integer({ min: 1, max: 60 })), user: fc.constantFrom("nobody", "check_user") })
    .map((t) => strip({ kind: "MISC_CHECK" as const, ...t })),
);
const rsSettings = fc.record({ ...timing, connectTimeout: maybe(centi(1, 30)), inhibitOnFailure: maybe(fc.boolean()), checkers: fc.array(checker, { maxLength: 4 }) }).map(strip);

const KEY = { address: "10.0.0.11", port: 80 };
const CONFIG = { forwarding: "masq" as const, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: null };

describe("real server checks: form round trip", () => {
  it("a configuration shown and saved unchanged is the agent's parse of it", () => {
    fc.assert(
      fc.property(rsSettings, (s) => {
        const expected = RealServerHealthSettings.parse(s);
        const form = realServerForm({ ...expected, key: KEY, config: CONFIG } as RealServerHealth);
        const r = realServerSettings(form, true);
        expect(r).toEqual({ ok: true, value: expected });
      }),
      { numRuns: 300 },
    );
  });

  it("an empty form is no checker and no overrides (everything inherited)", () => {
    expect(realServerSettings(realServerForm(undefined), false)).toEqual({ ok: true, value: { checkers: [] } });
  });
});

describe("real server checks: errors on their fields", () => {
  const form = (over: Partial<RealServerChecksForm>, ...checkers: RealServerChecksForm["checkers"]): RealServerChecksForm => ({ ...realServerForm(undefined), checkers, ...over });

  it("marks each wrong field with the schema's message", () => {
    const http = { ...newChecker("HTTP_GET"), connectPort: "70000", connectIp: "10.0.0", urls: [{ path: "health", statusCode: "200-299, 30x", digest: "ABC", virtualhost: "", regex: "(" }] };
    const r = realServerSettings(form({ retry: "-1", delayLoop: "soon" }, http), false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(
      ["checkers.0.connectIp", "checkers.0.connectPort", "checkers.0.urls.0.digest", "checkers.0.urls.0.path", "checkers.0.urls.0.regex", "checkers.0.urls.0.statusCode", "delayLoop", "retry"].sort(),
    );
    expect(r.errors["delayLoop"]).toBe("a number");
    expect(r.errors["checkers.0.urls.0.path"]).toBe("a path starting with / (no spaces)");
    expect(r.errors["checkers.0.urls.0.regex"]).toBe("not a valid regular expression");
    expect(r.errors["checkers.0.urls.0.statusCode"]).toContain('"30x"');
  });

  it("refuses MISC_CHECK unless the agent allows script checks, and a relative command always", () => {
    const misc = { ...newChecker("MISC_CHECK"), miscPath: "/bin/true" };
    const refused = realServerSettings(form({}, misc), false);
    expect(refused.ok ? null : refused.errors["checkers.0.kind"]).toMatch(/--allow-script-checks/);
    expect(realServerSettings(form({}, misc), true).ok).toBe(true);
    const relative = realServerSettings(form({}, { ...misc, miscPath: "true" }), true);
    expect(relative.ok ? null : relative.errors["checkers.0.miscPath"]).toBe("the command is an absolute path");
    const empty = realServerSettings(form({}, { ...misc, miscPath: "  " }), true);
    expect(empty.ok ? null : empty.errors["checkers.0.miscPath"]).toBeTruthy();
  });

  it("refuses more checkers than the agent takes, and a bad DNS name", () => {
    const many = realServerSettings(form({}, ...Array.from({ length: 9 }, () => newChecker())), true);
    expect(many.ok ? null : many.errors["checkers"]).toBeTruthy();
    const dns = realServerSettings(form({}, { ...newChecker("DNS_CHECK"), dnsName: "bad name" }), true);
    expect(dns.ok ? null : dns.errors["checkers.0.name"]).toBe("a DNS name");
  });

  it("reads status codes and ranges", () => {
    expect(parseStatusRanges("")).toBeUndefined();
    expect(parseStatusRanges("200-299, 301 302")).toEqual([{ from: 200, to: 299 }, { from: 301, to: 301 }, { from: 302, to: 302 }]);
    expect(parseStatusRanges("2xx")).toMatch(/not a status code/);
    // a range backwards is the schema's refusal, on the field
    const r = realServerSettings(form({}, { ...newChecker("HTTP_GET"), urls: [{ path: "/", statusCode: "299-200", digest: "", virtualhost: "", regex: "" }] }), true);
    expect(r.ok ? null : r.errors["checkers.0.urls.0.statusCode.0"]).toBe("a status range goes from low to high");
  });
});

describe("service health settings", () => {
  const svc = fc
    .record({
      ...timing,
      connectTimeout: maybe(centi(1, 30)),
      inhibitOnFailure: maybe(fc.boolean()),
      quorum: fc.integer({ min: 1, max: 1000 }),
      hysteresis: fc.integer({ min: 0, max: 100 }),
      sorryServer: fc.option(
        fc.record({ key: fc.record({ address: ip, port: fc.integer({ min: 0, max: 65535 }) }), forwarding: fc.constantFrom("masq" as const, "route" as const, "tunnel" as const), inhibit: fc.boolean() }),
        { nil: null },
      ),
    })
    .map(strip);

  it("round trip: shown and saved unchanged is the agent's parse", () => {
    fc.assert(
      fc.property(svc, (s) => {
        const expected = ServiceHealthSettings.parse(s);
        const form = serviceForm({ ...expected, key: { protocol: "tcp", address: "172.16.0.100", port: 80 }, realServers: [] } as ServiceHealth, 80);
        expect(serviceSettings(form)).toEqual({ ok: true, value: expected });
      }),
      { numRuns: 200 },
    );
  });

  it("marks quorum, hysteresis and the sorry server's fields", () => {
    const r = serviceSettings({ ...serviceForm(undefined, 80), quorum: "0", hysteresis: "x", sorry: true, sorryAddress: "nope", sorryPort: "99999" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["hysteresis", "quorum", "sorryServer.key.address", "sorryServer.key.port"]);
    expect(serviceSettings(serviceForm(undefined, 80))).toEqual({ ok: true, value: { quorum: 1, hysteresis: 0, sorryServer: null } });
  });
});

describe("serverFieldErrors", () => {
  it("takes the server's body issues as field errors, first per field", () => {
    const details = { issues: [{ path: "checkers.0.connectPort", message: "Too big" }, { path: "checkers.0.connectPort", message: "later" }, { path: "", message: "strict" }] };
    expect(serverFieldErrors(details)).toEqual({ "checkers.0.connectPort": "Too big", "": "strict" });
  });

  it("ignores issues of the whole configuration (array paths) and any other details", () => {
    for (const d of [undefined, null, "x", { issues: "no" }, { issues: [{ path: ["services", 0], message: "m" }, null, 3] }, { director: "dir1" }]) {
      expect(serverFieldErrors(d)).toEqual({});
    }
  });
});
