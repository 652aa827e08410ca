import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERROR_HTTP_STATUS, ErrorBody, ProtocolError } from "@/protocol/errors.ts";
import { z } from "zod";
import { Checker } from "@/protocol/health.ts";
import { SCHEDULERS, Service } from "@/protocol/ipvs.ts";
import { SysctlName } from "@/protocol/agent/host.ts";
import { parseRequestText, parseRequestValue } from "@/protocol/agent/parse.ts";
import {
  CATALOG,
  REQUEST_TYPES,
  RequestMessage,
  ServerMessage,
  eventSchemaOf,
  rolesOf,
} from "@/protocol/agent/catalog.ts";
import { nearMiss } from "./schema-near-miss.ts";

const serviceKey = fc.oneof(
  fc.record({
    protocol: fc.constantFrom("tcp" as const, "udp" as const, "sctp" as const),
    address: fc.oneof(fc.ipV4(), fc.ipV6()),
    port: fc.integer({ min: 0, max: 65535 }),
  }),
  fc.record({
    protocol: fc.constant("fwmark" as const),
    fwmark: fc.integer({ min: 1, max: 0xffffffff }),
    family: fc.constantFrom("ipv4" as const, "ipv6" as const),
  }),
);
const serviceConfig = fc.record(
  {
    scheduler: fc.constantFrom(...SCHEDULERS),
    schedulerFlags: fc.subarray(["flag-1", "flag-2", "flag-3"] as const),
    persistence: fc.option(
      fc.record({ timeout: fc.integer({ min: 1, max: 2678400 }), netmask: fc.constant("255.255.255.0") }),
    ),
    pe: fc.constantFrom(null, "sip" as const),
    onePacket: fc.boolean(),
  },
  { requiredKeys: ["scheduler"] },
);
const id = fc.string({ minLength: 1, maxLength: 128 });

describe("protocol/messages", () => {
  it("service.create requests survive encode -> parse (property)", () => {
    fc.assert(
      fc.property(id, serviceKey, serviceConfig, fc.option(fc.integer({ min: 1, max: 600_000 }), { nil: undefined }),
        (rid, key, config, deadlineMs) => {
          const msg = { v: 1, id: rid, type: "service.create", payload: { key, config }, ...(deadlineMs ? { deadlineMs } : {}) };
          const out = parseRequestText(JSON.stringify(msg));
          expect(out.ok).toBe(true);
          if (!out.ok) return;
          expect(out.request).toEqual({ ...msg, payload: Service.parse({ key, config }) });
          // the discriminated union agrees with the two-stage parser
          expect(RequestMessage.parse(msg)).toEqual(out.request);
        }),
      { numRuns: 1000 },
    );
  });

  it("parse and the discriminated union accept and reject the same messages (property)", () => {
    const msg = fc.record({
      v: fc.constantFrom(1, 2),
      id,
      type: fc.constantFrom(...REQUEST_TYPES, "nope"),
      payload: fc.oneof(fc.constant({}), fc.constant(undefined), fc.jsonValue(), fc.record({ key: serviceKey })),
    }, { requiredKeys: ["v", "id", "type"] });
    fc.assert(
      fc.property(msg, (m) => {
        expect(parseRequestValue(m).ok).toBe(RequestMessage.safeParse(m).success);
      }),
      { numRuns: 1000 },
    );
  });

  it("server messages survive encode -> parse (property)", () => {
    const body = fc.record({ code: fc.constantFrom(...ERROR_CODES), message: fc.string() }, { requiredKeys: ["code", "message"] });
    const msg = fc.oneof(
      fc.record({ v: fc.constant(1 as const), id, type: fc.constant("result" as const), ok: fc.constant(true as const), data: fc.jsonValue() }),
      fc.record({ v: fc.constant(1 as const), id: fc.option(id), type: fc.constant("result" as const), ok: fc.constant(false as const), error: body }),
      fc.record({ v: fc.constant(1 as const), id, type: fc.constant("event" as const), topic: fc.string(), seq: fc.integer({ min: 1 }), data: fc.jsonValue() }),
      fc.record({ v: fc.constant(1 as const), id, type: fc.constant("pong" as const), time: fc.integer() }),
    );
    fc.assert(
      fc.property(msg, (m) => {
        const back = ServerMessage.parse(JSON.parse(JSON.stringify(m)));
        expect(back).toEqual(JSON.parse(JSON.stringify(m)));
      }),
      { numRuns: 1000 },
    );
  });

  it("ProtocolError body round trip and one HTTP status per code", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ERROR_CODES), fc.string(), fc.option(fc.jsonValue(), { nil: undefined }), (code, message, details) => {
        const body = new ProtocolError(code, message, details).toBody();
        expect(ErrorBody.parse(JSON.parse(JSON.stringify(body)))).toEqual(JSON.parse(JSON.stringify(body)));
        const again = ProtocolError.fromBody(body);
        expect([again.code, again.message]).toEqual([code, message]);
      }),
    );
    for (const s of Object.values(ERROR_HTTP_STATUS)) expect(s >= 400 && s < 600).toBe(true);
    expect(ERROR_HTTP_STATUS.not_found).toBe(404);
    expect(ERROR_HTTP_STATUS.unauthorized).toBe(401);
  });

  it("the catalog covers the documented types, roles and event topics", () => {
    for (const t of ["ipvs.info", "service.list", "dest.update", "timeouts.set", "zero", "flush", "daemon.stop",
      "stats.subscribe", "conns.read", "sysctl.set", "rules.diff", "ping"]) {
      expect(REQUEST_TYPES).toContain(t);
    }
    expect(rolesOf("sysctl.set")).toContain("realserver");
    expect(rolesOf("vip.add")).toContain("realserver");
    expect(rolesOf("service.create")).not.toContain("realserver");
    expect(eventSchemaOf("stats.subscribe")?.topic).toBe("stats");
    expect(eventSchemaOf("conns.read")?.topic).toBe("conns.progress");
    expect(eventSchemaOf("service.list")).toBeUndefined();
    // types with no required fields accept an absent payload
    for (const t of ["ping", "service.list", "timeouts.get", "conns.read", "sysctl.get"] as const) {
      expect(CATALOG[t].input.safeParse({}).success).toBe(true);
    }
  });

  it("validates payload details: stats interval floor, sysctl names, patch fields", () => {
    expect(CATALOG["stats.subscribe"].input.parse({})).toEqual({ intervalMs: 1000 });
    expect(CATALOG["stats.subscribe"].input.safeParse({ intervalMs: 199 }).success).toBe(false);
    expect(SysctlName.safeParse("net.ipv4.vs.expire_nodest_conn").success).toBe(true);
    expect(SysctlName.safeParse("net.ipv4.conf.eth0/100.rp_filter").success).toBe(true);
    expect(SysctlName.safeParse("kernel.panic").success).toBe(false);
    expect(SysctlName.safeParse("net.ipv4..x").success).toBe(false);
    const upd = CATALOG["dest.update"].input;
    const base = { service: { protocol: "tcp", address: "10.0.0.1", port: 80 }, key: { address: "10.0.0.2", port: 80 } };
    expect(upd.parse({ ...base, config: {} })).toEqual({ ...base, config: {} });
    expect(upd.safeParse({ ...base, config: { weight: -1 } }).success).toBe(false);
    expect(upd.safeParse({ ...base, config: { forwarding: "nat" } }).success).toBe(false);
  });

  it("no schema of protocol/ throws while parsing: near-miss values get issues, not exceptions (property)", async () => {
    // a refine that read a[0] of an empty miscPath once threw a TypeError out of safeParse; every
    // exported schema is fuzzed on its own (not only the catalog's inputs) so values reach them
    const dir = new URL("../../protocol/", import.meta.url);
    const schemas = new Set<z.ZodType>(REQUEST_TYPES.map((t) => CATALOG[t].input));
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts"))) {
      for (const v of Object.values(await import(new URL(f, dir).href))) if (v instanceof z.ZodType) schemas.add(v);
    }
    expect(schemas.has(Checker)).toBe(true);
    for (const schema of schemas) {
      fc.assert(
        fc.property(nearMiss(schema), (value) => {
          expect(() => schema.safeParse(value)).not.toThrow();
        }),
        { numRuns: 60 },
      );
    }
  });

  it("the isomorphic protocol (all but protocol/node/) imports no node: built-ins (the browser loads it)", () => {
    const root = new URL("../../protocol/", import.meta.url);
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.ts$/.test(f) && !f.startsWith("node/"));
    expect(files).toEqual(expect.arrayContaining(["agent/catalog.ts", "agent/ipvs.ts", "errors.ts", "backoff.ts", "dashboard/live.ts"]));
    for (const f of files) {
      const src = readFileSync(new URL(f, root), "utf8");
      expect(src, f).not.toMatch(/from\s+"node:|require\(/);
    }
  });
});
