// Transport-free parts: patch merging, error mapping, dispatch (roles, unsupported, deadline,
// abort signal), the plugin loader.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DispatchEnv, dispatch } from "@/agent/handlers/dispatch.ts";
import { errnoNameOf, toProtocolError } from "@/agent/handlers/errors.ts";
import { mergeDestinationConfig, mergeServiceConfig } from "@/agent/handlers/ipvs.ts";
import { buildRegistry } from "@/agent/handlers/handler-modules.ts";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { snapshotOf } from "@/agent/handlers/stats.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Request } from "@/protocol/agent/catalog.ts";
import { ErrnoError, FakeIpvs } from "./agent-ws-fakes.ts";

function env(registry: HandlerRegistry, role: DispatchEnv["role"] = "director"): DispatchEnv {
  return {
    role,
    registry,
    connectionSignal: new AbortController().signal,
    emit: () => {},
    subscribe: () => {
      throw new Error("unused");
    },
    unsubscribe: () => false,
  };
}
const req = (type: Request["type"], payload: unknown = {}, deadlineMs?: number) =>
  ({ v: 1, id: "r", type, payload, ...(deadlineMs ? { deadlineMs } : {}) }) as Request;

const destConfig = fc.record({
  forwarding: fc.constantFrom("masq", "route", "tunnel", "local", "bypass") as fc.Arbitrary<"masq">,
  weight: fc.nat(),
  upperThreshold: fc.nat(),
  lowerThreshold: fc.nat(),
  tunnel: fc.constant(null),
});

describe("agent handlers", () => {
  it("destination patches change exactly the named fields (property)", () => {
    fc.assert(
      fc.property(destConfig, fc.record({ weight: fc.nat(), upperThreshold: fc.nat() }, { requiredKeys: [] }), (cur, patch) => {
        const next = mergeDestinationConfig(cur, patch);
        expect(next.forwarding).toBe(cur.forwarding);
        expect(next.lowerThreshold).toBe(cur.lowerThreshold);
        expect(next.weight).toBe(patch.weight ?? cur.weight);
        expect(next.upperThreshold).toBe(patch.upperThreshold ?? cur.upperThreshold);
        expect(mergeDestinationConfig(cur, {})).toEqual(cur);
      }),
    );
    const tun = { forwarding: "tunnel" as const, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: { type: "gue" as const, port: 6080, checksum: "csum" as const } };
    expect(mergeDestinationConfig(tun, { weight: 0 }).tunnel).toEqual(tun.tunnel); // GUE survives a weight change
    expect(mergeDestinationConfig(tun, { forwarding: "masq" }).tunnel).toBeNull();
  });

  it("service patches keep persistence and the PE unless named", () => {
    const cur = { scheduler: "rr" as const, schedulerFlags: [], persistence: { timeout: 60, netmask: "255.255.255.255" }, pe: "sip" as const, onePacket: false };
    expect(mergeServiceConfig(cur, { scheduler: "wlc" })).toEqual({ ...cur, scheduler: "wlc" });
    expect(mergeServiceConfig(cur, { persistence: null }).persistence).toBeNull();
  });

  it("maps kernel errnos and validation errors to protocol codes", () => {
    expect(toProtocolError(new ErrnoError("EEXIST", "Service already exists")).code).toBe("conflict");
    expect(toProtocolError(new Error("Request rejected: ESRCH")).toBody()).toMatchObject({ code: "not_found", details: { errno: "ESRCH" } });
    expect(toProtocolError(new ErrnoError("EINVAL", "Invalid operation")).code).toBe("kernel_error");
    const v = Object.assign(new Error("weight out of range"), { code: "EINVAL", issues: ["weight out of range"] });
    expect(toProtocolError(v).toBody()).toMatchObject({ code: "bad_request", details: { issues: ["weight out of range"] } });
    expect(toProtocolError(new Error("unexpected EOF in stream")).code).toBe("internal");
    expect(errnoNameOf("EEXIST")).toBeUndefined();
    const pe = new ProtocolError("forbidden", "x");
    expect(toProtocolError(pe)).toBe(pe);
  });

  it("dispatch: forbidden by role, unsupported when unregistered, timeout aborts the handler", async () => {
    const registry = new HandlerRegistry();
    let aborted = false;
    registry.register("ipvs.info", (_p, ctx) => new Promise((resolve) => {
      ctx.signal.addEventListener("abort", () => {
        aborted = true;
        resolve({ version: "late", connTableSize: 0 });
      });
    }));
    expect(await dispatch(req("service.list"), env(registry, "realserver"))).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await dispatch(req("service.list"), env(registry))).toMatchObject({ ok: false, error: { code: "unsupported" } });
    expect(await dispatch(req("ipvs.info", {}, 30), env(registry))).toMatchObject({ ok: false, error: { code: "timeout" } });
    expect(aborted).toBe(true);
    expect(() => registry.register("ipvs.info", async () => ({ version: "", connTableSize: 0 }))).toThrow("twice");
  });

  it("dispatch turns a thrown non-Error into internal, never rejects", async () => {
    const registry = new HandlerRegistry().register("ipvs.info", async () => {
      throw "boom";
    });
    expect(await dispatch(req("ipvs.info"), env(registry))).toMatchObject({ ok: false, error: { code: "internal", message: "boom" } });
  });

  it("stats snapshots sum destination connections and filter by key", async () => {
    const ipvs = new FakeIpvs();
    const a = { protocol: "tcp" as const, address: "10.0.0.1", port: 80 };
    const b = { protocol: "fwmark" as const, fwmark: 5, family: "ipv4" as const };
    await ipvs.createService({ key: a, config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
    await ipvs.createService({ key: b, config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
    for (const [i, addr] of ["10.0.1.1", "10.0.1.2"].entries()) {
      await ipvs.createDestination(a, { key: { address: addr, port: 80 }, config: { forwarding: "masq", weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: null } });
      const d = ipvs.services.get("tcp:10.0.0.1:80")!.destinations[i]!;
      d.activeConns = 3 + i;
      d.inactiveConns = 10;
    }
    const snap = snapshotOf(await ipvs.listServices(), [a]);
    expect(snap.services).toHaveLength(1);
    expect(snap.services[0]).toMatchObject({ key: a, activeConns: 7, inactiveConns: 20 });
    expect(snapshotOf(await ipvs.listServices(), [b]).services.map((s) => s.key)).toEqual([b]);
    expect(snapshotOf(await ipvs.listServices()).services).toHaveLength(2);
  });

  it("registers the handler modules it is given, after the IPVS and stats handlers", async () => {
    const mod = {
      name: "probe",
      createHandlers: (deps: { role: string }) => ({ "sysctl.get": async () => ({ values: { "net.ipv4.ip_forward": deps.role } }) }),
    };
    const { registry, loaded } = await buildRegistry({ role: "realserver", ipvs: null }, [mod as never]);
    expect(loaded).toEqual(["probe"]);
    const out = await dispatch(req("sysctl.get"), env(registry, "realserver"));
    expect(out).toEqual({ ok: true, data: { values: { "net.ipv4.ip_forward": "realserver" } } });
    expect(registry.get("service.list")).toBeUndefined(); // no IPVS on a realserver
    const withIpvs = await buildRegistry({ role: "director", ipvs: new FakeIpvs() });
    expect(withIpvs.registry.types()).toContain("stats.subscribe");
    expect(withIpvs.registry.types()).toContain("rules.import");
    expect(withIpvs.loaded).toContain("rules");
  });
});
