// Turns the collected option state into the typed command, applying ipvsadm's defaults.
import type { Destination, Scheduler, Service, ServiceKey, SyncDaemon } from "../ipvs.ts";
import type { ParseState } from "./parse-state.ts";
import type { IpvsadmCommand, ListView } from "./command.ts";

function serviceKey(st: ParseState): ServiceKey {
  if (st.fwmark) return { protocol: "fwmark", fwmark: st.fwmark, family: st.family === 6 ? "ipv6" : "ipv4" };
  return { protocol: st.protocol!, address: st.address!, port: st.port };
}

function service(st: ParseState): Service {
  return {
    key: serviceKey(st),
    config: {
      // a kernel scheduler name, maybe outside Scheduler: see scheduler-name.ts
      scheduler: st.scheduler as Scheduler,
      schedulerFlags: st.schedFlags,
      persistence: st.persistent === null ? null : { timeout: st.persistent, netmask: st.netmask },
      pe: st.pe === "sip" ? "sip" : null,
      onePacket: st.onePacket,
    },
  };
}

function tunnelGiven(st: ParseState): boolean {
  return (["tun-type", "tun-port", "tun-nocsum", "tun-csum", "tun-remcsum"] as const).some((o) => st.given.has(o));
}

function destination(st: ParseState): Destination {
  const d = st.dest!;
  return {
    key: { address: d.address, port: d.port },
    config: {
      forwarding: st.forwarding,
      weight: st.weight,
      upperThreshold: st.upper,
      lowerThreshold: st.lower,
      tunnel:
        st.forwarding === "tunnel" || (st.cmd === "edit-server" && tunnelGiven(st))
          ? { type: st.tunType, port: st.tunPort, checksum: st.tunChecksum }
          : null,
    },
  };
}

function daemon(st: ParseState): SyncDaemon {
  const d: SyncDaemon = {
    state: st.daemonState!,
    mcastInterface: st.mcastInterface || "eth0",
    syncId: st.syncId,
  };
  if (st.syncMaxLen !== null) d.maxLen = st.syncMaxLen;
  if (st.mcastGroup !== null) d.mcastGroup = st.mcastGroup;
  if (st.mcastPort !== null) d.mcastPort = st.mcastPort;
  if (st.mcastTtl !== null) d.mcastTtl = st.mcastTtl;
  return d;
}

function listView(st: ParseState): ListView {
  const order = ["stats", "rate", "thresholds", "persistent-conn", "tun-info"] as const;
  return order.find((v) => st.given.has(v)) ?? "default";
}

export function buildCommand(st: ParseState): IpvsadmCommand {
  const g = (o: Parameters<ParseState["given"]["has"]>[0]) => st.given.has(o);
  const svc = g("service-address") ? serviceKey(st) : null;
  switch (st.cmd!) {
    case "add-service":
      return { kind: "add-service", service: service(st) };
    case "edit-service":
      return {
        kind: "edit-service",
        service: service(st),
        given: {
          scheduler: g("scheduler"),
          persistence: g("persistent"),
          netmask: g("netmask"),
          pe: g("pe"),
          onePacket: g("ops"),
          schedulerFlags: g("sched-flags"),
        },
      };
    case "delete-service":
      return { kind: "delete-service", service: svc! };
    case "flush":
      return { kind: "flush" };
    case "add-server":
      return { kind: "add-server", service: svc!, destination: destination(st) };
    case "edit-server":
      return {
        kind: "edit-server",
        service: svc!,
        destination: destination(st),
        given: {
          forwarding: g("forwarding-method"),
          weight: g("weight"),
          upperThreshold: g("u-threshold"),
          lowerThreshold: g("l-threshold"),
          tunnel: tunnelGiven(st),
        },
      };
    case "delete-server":
      return { kind: "delete-server", service: svc!, destination: destination(st).key };
    case "list":
      if (g("connection")) return { kind: "list-connections", persistentConn: g("persistent-conn") };
      if (!svc && g("timeout")) return { kind: "list-timeouts" };
      if (!svc && g("daemon")) return { kind: "list-daemons" };
      return {
        kind: "list",
        service: svc,
        format: { view: listView(st), exact: g("exact"), nosort: g("nosort"), numeric: g("numeric") },
      };
    case "zero":
      return { kind: "zero", service: svc };
    case "set": {
      const [tcp, tcpFin, udp] = st.timeouts;
      return { kind: "set-timeouts", timeouts: { tcp, tcpFin, udp } };
    }
    case "start-daemon":
      return { kind: "start-daemon", daemon: daemon(st) };
    case "stop-daemon":
      return { kind: "stop-daemon", state: st.daemonState!, syncId: st.syncId };
    case "restore":
      return { kind: "restore" };
    case "save":
      return { kind: "save", numeric: g("numeric") };
  }
}
