// Agent entry point: parse arguments, read the token, open IPVS (directors only), load the
// handler modules, serve WebSocket, and on SIGTERM/SIGINT save the table (if asked) and stop.
// The only place in the agent that logs or exits.
import { readFileSync, writeFileSync } from "node:fs";
import type { RequestInput, RequestType, ResultData } from "@/protocol/agent/catalog.ts";
import { CATALOG, PROTOCOL_VERSION } from "@/protocol/agent/catalog.ts";
import { dispatch } from "./handlers/dispatch.ts";
import { type HaManager, createHaManager, readSpecFile } from "./ha/index.ts";
import { buildRegistry } from "./handlers/handler-modules.ts";
import { createAgentHealth } from "./health/boot.ts";
import type { HandlerRegistry } from "./handlers/registry.ts";
import type { IpvsClient } from "./ipvs/types.ts";
import { ipRunner } from "./realserver/ip-command.ts";
import { metricsRenderer } from "./metrics/collector.ts";
import { NetlinkErrorCounts, countingErrors } from "./metrics/netlink-errors.ts";
import { AGENT_VERSION } from "./metrics/version.ts";
import { restoreLeavingOutRefused } from "./rules/boot-restore.ts";
import { type SavingIpvsClient, withSaveFile } from "./rules/saving-client.ts";
import { isLoopbackHost } from "@/protocol/plaintext.ts";
import { loadOrCreateIdentity } from "./tls/self-signed.ts";
import { ArgsError, USAGE, parseAgentArgs } from "./args.ts";
import { startAgentServer } from "./ws/server.ts";
import { TokenFile } from "./ws/token-file.ts";
import { SysctlService } from "./sysctl/sysctl.ts";

/** Runs a request through the same dispatch path as the network, for save/restore. */
async function callLocal<T extends RequestType>(
  registry: HandlerRegistry,
  type: T,
  input: RequestInput<T>,
): Promise<ResultData<T>> {
  const payload = CATALOG[type].input.parse(input);
  const out = await dispatch(
    { v: PROTOCOL_VERSION, id: `local-${type}`, type, payload, deadlineMs: 120_000 } as never,
    {
      role: "director",
      registry,
      connectionSignal: new AbortController().signal,
      emit: () => {},
      subscribe: () => {
        throw new Error("no subscriptions in local calls");
      },
      unsubscribe: () => false,
    },
  );
  if (!out.ok) throw new Error(`${type}: ${out.error.code}: ${out.error.message}`);
  return out.data as ResultData<T>;
}

function readSaveFileSync(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

async function openIpvs(): Promise<IpvsClient> {
  // imported lazily so a realserver agent (no ip_vs module) never loads the netlink stack
  const { NetlinkIpvsClient } = await import("./ipvs/client.ts");
  return NetlinkIpvsClient.open();
}

async function main(): Promise<number> {
  const args = parseAgentArgs(process.argv.slice(2));
  // re-read when the file changes or on SIGHUP: a token is rotated without a restart
  const token = new TokenFile(args.tokenFile, {
    onReload: () => console.error(`agent: token re-read from ${args.tokenFile}; new connections must use it`),
    onError: (e) => console.error(`agent: ${args.tokenFile} not reloaded, keeping the previous token: ${e.message}`),
  });
  const clientCa = args.tlsClientCaFile ? { clientCa: readFileSync(args.tlsClientCaFile) } : {};
  let tls: { cert: string | Buffer; key: string | Buffer; clientCa?: Buffer } | undefined;
  if (args.tlsAutoDir) {
    const id = await loadOrCreateIdentity(args.tlsAutoDir).catch((e: Error) => {
      // the default folder may not be writable (not root, read-only /var): say how to choose
      if (!args.tlsAutoDefault || !(e as NodeJS.ErrnoException).code) throw e;
      throw new Error(`${e.message} (TLS is the default: pass --tls-auto DIR for a folder this user may write, --tls-cert/--tls-key, or --no-tls on a loopback address)`);
    });
    tls = { cert: id.cert, key: id.key, ...clientCa };
    if (id.created) console.error(`agent: generated a self-signed TLS certificate in ${args.tlsAutoDir}`);
    // the line operators copy into the dashboard (or compare with what it pinned)
    console.log(`agent tls fingerprint sha256 ${id.fingerprint256}`);
  } else if (args.tls) {
    tls = { cert: readFileSync(args.tls.certFile), key: readFileSync(args.tls.keyFile), ...clientCa };
  } else if (args.plaintext === "insecure" && !isLoopbackHost(args.host)) {
    console.error(`agent: WARNING: --insecure-plaintext: serving ws:// on ${args.host}; the bearer token crosses the network in clear`);
  }
  const kernel = args.role === "director" ? await openIpvs() : null;
  // With --save-file every change through any handler is followed by a rewrite of the file.
  const saving: SavingIpvsClient | null =
    kernel && args.saveFile
      ? withSaveFile(kernel, args.saveFile, (e) => console.error(`agent: could not save rules: ${(e as Error).message}`))
      : null;
  // every failed IPVS call is counted for /metrics (lvs_agent_netlink_errors_total)
  const netlinkErrors = new NetlinkErrorCounts();
  const saved = saving ?? kernel;
  const ipvs = saved ? countingErrors(saved, netlinkErrors) : null;
  const host = args.sysctlFile === null ? {} : { sysctlPersistFile: args.sysctlFile };
  if (args.applySysctlFile) {
    // like systemd-sysctl at boot, for the settings the operator persisted through the agent
    const report = await new SysctlService({ ...(args.sysctlFile ? { persistFile: args.sysctlFile } : {}) }).applyPersisted();
    console.error(`agent: applied ${report.applied.length} sysctls from ${report.file}`);
    for (const f of report.failed) console.error(`agent: could not apply ${f.name} = ${f.value}: ${f.error}`);
  }
  // VRRP through keepalived (agent/ha/): directors only; idle until a spec is configured
  const ha: HaManager | null = ipvs
    ? createHaManager({
        ipvs,
        runIp: ipRunner(),
        mode: args.keepalivedMode,
        keepalivedBin: args.keepalivedBin,
        keepalivedDir: args.keepalivedDir,
        keepalivedConf: args.keepalivedConf,
        specFile: args.haSpecFile,
        onNote: (m) => console.error(`agent: ha: ${m}`),
      })
    : null;
  // health checks (agent/health/): the handlers' changes of checked servers become their intent
  const health = ipvs
    ? createAgentHealth(ipvs, { checksFile: args.checksFile, allowScriptChecks: args.allowScriptChecks, onError: (e) => console.error(`agent: ${e.message}`) })
    : null;
  const handlerIpvs = health ? health.client : ipvs;
  const { registry, loaded } = await buildRegistry({ role: args.role, ipvs: handlerIpvs, host, ...(ha ? { ha } : {}), ...(health ? { health: health.manager } : {}) });
  if (ha && args.haSpecFile) {
    // a bad or unapplicable spec file is logged, not fatal: the agent still serves ha.configure
    try {
      const spec = await readSpecFile(args.haSpecFile);
      if (spec) {
        const s = await ha.configure(spec, { persist: false });
        console.error(`agent: ha: applied ${args.haSpecFile} (${spec.instances.length} VRRP instances, keepalived ${s.keepalived?.running ? `pid ${s.keepalived.pid}` : `not running: ${s.keepalived?.error}`})`);
      } else console.error(`agent: ha: no spec in ${args.haSpecFile} yet; waiting for ha.configure`);
    } catch (err) {
      console.error(`agent: ha: ${args.haSpecFile} not applied: ${(err as Error).message}`);
    }
  }

  if (args.restore && args.saveFile && ipvs) {
    // Like the ipvsadm service at boot: restore into an empty table only. A restart of the
    // agent on a running director must not touch the live rules (someone may have changed
    // them with ipvsadm while the agent was down); the next change saves them anyway.
    const live = await ipvs.listServices();
    const text = live.length === 0 ? readSaveFileSync(args.saveFile) : null;
    if (live.length > 0) {
      console.error(`agent: the kernel already has ${live.length} services: keeping them, not restoring ${args.saveFile}`);
    } else if (text === null) {
      console.error(`agent: no save file ${args.saveFile} yet; starting with the current table`);
    } else {
      // what the kernel or the agent refuses is left out and named; the rest is restored
      const { result: r, leftOut } = await restoreLeavingOutRefused(text, (t) =>
        callLocal(registry, "rules.import", { source: { format: "ipvsadm", text: t }, mode: "replace" }),
      );
      console.error(`agent: restored ${args.saveFile}: ${r.changes.length} changes, ${r.errors.length} errors`);
      for (const l of leftOut) console.error(`agent: restore: left out line ${l.line} (${l.text}): ${l.reason}`);
      if (leftOut.length > 0) {
        // the save file now holds what was restored: keep the lines left out where an operator finds them
        const kept = `${args.saveFile}.before-restore`;
        writeFileSync(kept, text, { mode: 0o600 });
        console.error(`agent: restore: the save file as it was before this restore is in ${kept}`);
      }
      for (const e of r.errors.slice(0, 20)) console.error(`agent: restore: ${e.line === undefined ? "" : `line ${e.line}: `}${e.message}`);
    }
  }

  // after the restore, before serving: checks come back with their last configuration and intent
  for (const line of (await health?.start()) ?? []) console.error(`agent: health: ${line}`);

  const server = await startAgentServer({
    host: args.host,
    port: args.port,
    token: () => token.current,
    role: args.role,
    registry,
    // refusals are bounded by the per-address back-off; the backed-off attempts are not logged
    onUpgradeRequest: (i) => {
      if (!i.authorized && !i.reason?.startsWith("backing off")) console.error(`agent: refused upgrade from ${i.remoteAddress ?? "?"}: ${i.reason}`);
    },
    onOldTokenClosed: (i) => console.error(`agent: closed a connection from ${i.remoteAddress ?? "?"} opened with the previous token`),
    ...(tls ? { tls } : {}),
    metrics: metricsRenderer({
      ipvs,
      info: { version: AGENT_VERSION, role: args.role, startedAt: Date.now() },
      errors: netlinkErrors,
      ...(ha ? { haStatus: () => ha.status() } : {}),
      ...(health ? { healthStatus: async () => health.manager.status() } : {}),
    }),
  });
  const extra = loaded.length ? `; modules ${loaded.map((m) => m.replace(/^\.\/|\.ts$/g, "")).join(",")}` : "";
  const mtls = args.tlsClientCaFile ? "; client certificates required" : "";
  token.watch();

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) process.exit(130); // a second signal: the operator wants out now
      stopping = true;
      console.error(`agent: ${signal}, shutting down`);
      token.close();
      await server.close();
      // a managed keepalived is stopped with SIGTERM: it releases its VIPs for the peer
      await ha?.shutdown().catch((e: Error) => console.error(`agent: ha: shutdown: ${e.message}`));
      await health?.stop();
      await saving?.saved(); // changes already made reach the file before we exit
      ipvs?.close();
      resolve(0);
    };
    process.on("SIGTERM", () => void stop("SIGTERM"));
    process.on("SIGINT", () => void stop("SIGINT"));
    process.on("SIGHUP", () => {
      if (!token.reload()) console.error(`agent: SIGHUP: token in ${args.tokenFile} unchanged`);
    });
    // printed only now: whoever waits for this line may signal the agent right away
    console.log(`agent listening on ${server.url} (role ${args.role}${extra}${mtls})`);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ArgsError) {
      console.error(`agent: ${err.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`agent: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
