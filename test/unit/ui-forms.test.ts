// The service and real-server forms' models: a valid protocol object survives form state and
// back unchanged (property), and invalid input is reported on the right field.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  destinationFromForm,
  formFromDestination,
  newDestination,
} from "@/components/service/destination-form-model.ts";
import { changeRows, countByKind } from "@/components/director/rules-changes.ts";
import { formFromService, NEW_SERVICE, serviceFromForm } from "@/components/service/service-form-model.ts";
import type { Destination, ServiceKey } from "@/protocol/ipvs.ts";
import { destination, ipv4, ipv6, service } from "./ipvs-arbitraries.ts";

const familyOf = (k: ServiceKey) => (k.protocol === "fwmark" ? k.family : k.address.includes(":") ? "ipv6" : "ipv4");

/** A real server the form must accept for `svc`: same family unless tunnelled, DR/TUN keep the port. */
const destinationFor = (svc: ServiceKey): fc.Arbitrary<Destination> =>
  fc.tuple(destination, ipv4, ipv6).map(([d, a4, a6]) => {
    const address = d.config.forwarding === "tunnel" ? d.key.address : familyOf(svc) === "ipv6" ? a6 : a4;
    const port = svc.protocol !== "fwmark" && (d.config.forwarding === "route" || d.config.forwarding === "tunnel") ? svc.port : d.key.port;
    return { key: { address, port }, config: d.config };
  });

describe("service form", () => {
  it("round-trips every valid service", () => {
    fc.assert(
      fc.property(service, (svc) => {
        const r = serviceFromForm(formFromService(svc));
        expect(r).toEqual({ ok: true, value: svc });
      }),
    );
  });

  it("reports each mistake on its field", () => {
    const base = { ...NEW_SERVICE, address: "10.0.0.100" };
    expect(serviceFromForm(base).ok).toBe(true);
    const errs = (s: Partial<typeof base>) => {
      const r = serviceFromForm({ ...base, ...s });
      return r.ok ? {} : r.errors;
    };
    expect(Object.keys(errs({ address: "10.0.0.300" }))).toEqual(["address"]);
    expect(Object.keys(errs({ port: "http" }))).toEqual(["port"]);
    expect(Object.keys(errs({ port: "70000" }))).toEqual(["port"]);
    expect(Object.keys(errs({ port: "0" }))).toEqual(["port"]);
    expect(Object.keys(errs({ onePacket: true }))).toEqual(["onePacket"]);
    expect(Object.keys(errs({ protocol: "udp", onePacket: true }))).toEqual([]);
    expect(Object.keys(errs({ peSip: true }))).toEqual(["peSip"]);
    expect(Object.keys(errs({ persistent: true, timeout: "0" }))).toEqual(["timeout"]);
    expect(Object.keys(errs({ persistent: true, netmask: "255.0.255.0" }))).toEqual(["netmask"]);
    expect(Object.keys(errs({ persistent: true, address: "2001:db8::1", netmask: "129" }))).toEqual(["netmask"]);
    expect(Object.keys(errs({ protocol: "fwmark", fwmark: "0" }))).toEqual(["fwmark"]);
  });

  it("fills the default persistence netmask of the family", () => {
    const v6 = serviceFromForm({ ...NEW_SERVICE, address: "2001:db8::1", persistent: true });
    expect(v6.ok && v6.value.config.persistence).toEqual({ timeout: 300, netmask: "128" });
    const v4 = serviceFromForm({ ...NEW_SERVICE, address: "10.0.0.1", persistent: true, netmask: "255.255.255.0" });
    expect(v4.ok && v4.value.config.persistence).toEqual({ timeout: 300, netmask: "255.255.255.0" });
  });
});

describe("real server form", () => {
  it("round-trips every valid real server of a service", () => {
    fc.assert(
      fc.property(service.chain((s) => fc.tuple(fc.constant(s.key), destinationFor(s.key))), ([key, d]) => {
        expect(destinationFromForm(formFromDestination(d), key)).toEqual({ ok: true, value: d });
      }),
    );
  });

  it("reports each mistake on its field", () => {
    const svc: ServiceKey = { protocol: "tcp", address: "10.0.0.100", port: 80 };
    const base = { ...newDestination(svc), address: "10.0.1.11" };
    expect(destinationFromForm(base, svc).ok).toBe(true);
    const errs = (s: Partial<typeof base>) => {
      const r = destinationFromForm({ ...base, ...s }, svc);
      return r.ok ? [] : Object.keys(r.errors);
    };
    expect(errs({ address: "2001:db8::11" })).toEqual(["address"]);
    expect(errs({ port: "8080" })).toEqual(["port"]);
    expect(errs({ forwarding: "masq", port: "8080" })).toEqual([]);
    expect(errs({ weight: "-1" })).toEqual(["weight"]);
    expect(errs({ lowerThreshold: "5" })).toEqual(["lowerThreshold"]);
    expect(errs({ lowerThreshold: "50", upperThreshold: "10" })).toEqual(["lowerThreshold"]);
    expect(errs({ forwarding: "tunnel", tunnelType: "gue", tunnelPort: "0" })).toEqual(["tunnelPort"]);
    expect(errs({ forwarding: "tunnel", tunnelType: "gre", tunnelChecksum: "remcsum" })).toEqual(["tunnelChecksum"]);
    expect(errs({ forwarding: "tunnel", address: "2001:db8::11" })).toEqual([]);
  });
});

describe("import preview rows", () => {
  it("names added, changed and removed entries with the differing fields", () => {
    const svc = { protocol: "tcp" as const, address: "10.0.0.100", port: 80 };
    const cfg = { scheduler: "wlc" as const, schedulerFlags: [], persistence: null, pe: null, onePacket: false };
    const dcfg = { forwarding: "route" as const, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: null };
    const rows = changeRows([
      { action: "update", service: svc, before: cfg, after: { ...cfg, scheduler: "rr" } },
      { action: "create", service: svc, destination: { address: "10.0.1.12", port: 80 }, before: null, after: dcfg },
      { action: "update", service: svc, destination: { address: "10.0.1.11", port: 80 }, before: dcfg, after: { ...dcfg, weight: 5 } },
      { action: "delete", service: { protocol: "fwmark", family: "ipv6", fwmark: 7 }, before: cfg, after: null },
    ]);
    expect(rows).toEqual([
      { kind: "changed", what: "service", service: "tcp:10.0.0.100:80", destination: null, fields: ["scheduler"] },
      { kind: "added", what: "real server", service: "tcp:10.0.0.100:80", destination: "10.0.1.12:80", fields: [] },
      { kind: "changed", what: "real server", service: "tcp:10.0.0.100:80", destination: "10.0.1.11:80", fields: ["weight"] },
      { kind: "removed", what: "service", service: "fwmark:ipv6:7", destination: null, fields: [] },
    ]);
    expect(countByKind(rows)).toEqual({ added: 1, changed: 2, removed: 1 });
  });
});

describe("service form reports every mistake at once", () => {
  it("a bad address does not hide a bad netmask or option", () => {
    const r = serviceFromForm({ ...NEW_SERVICE, address: "10.0.0.999", persistent: true, netmask: "255.0.255.0", onePacket: true });
    expect(r.ok ? [] : Object.keys(r.errors).sort()).toEqual(["address", "netmask", "onePacket"]);
  });
});
