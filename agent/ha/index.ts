// HA through keepalived (VRRP) on a director: the entry the agent's main uses.
//
// Agent flags (agent/args.ts):
//   --ha-spec FILE            the HA spec as JSON (protocol/ha.ts HaSpec, or null); applied at
//                             start when the file exists; ha.configure rewrites it atomically
//   --keepalived managed|systemd   managed (default): keepalived is the agent's child process;
//                             systemd: the system's keepalived unit is reloaded
//   --keepalived-bin PATH     default: keepalived on PATH (or /usr/sbin, /sbin)
//   --keepalived-dir DIR      notify fifo, and in managed mode keepalived.conf and pid files;
//                             default /var/lib/lvs-agent/keepalived
//   --keepalived-conf FILE    systemd mode: the config the unit reads (/etc/keepalived/keepalived.conf)
// A keepalived that dies is reported (ha.get / the "ha" event) and not restarted: a repeated
// ha.configure, or an agent restart with --ha-spec, starts it again. On SIGTERM the agent stops a
// managed keepalived (which releases its VIPs). docs/ha.md has the whole story.
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { HaSpec } from "@/protocol/ha.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import type { RunIp } from "../realserver/ip-command.ts";
import { ManagedKeepalived } from "./managed.ts";
import { HaManager } from "./manager.ts";
import { findProgram } from "./run-command.ts";
import { SystemdKeepalived } from "./systemd.ts";
import { parseSpec } from "./validate.ts";

export { haHandlers } from "./handlers.ts";
export { HaManager } from "./manager.ts";

export const DEFAULT_KEEPALIVED_DIR = "/var/lib/lvs-agent/keepalived";
export const DEFAULT_SYSTEMD_CONF = "/etc/keepalived/keepalived.conf";

export interface HaAgentOptions {
  ipvs: IpvsClient;
  runIp: RunIp;
  mode: "managed" | "systemd";
  /** null: keepalived found on PATH */
  keepalivedBin: string | null;
  keepalivedDir: string;
  /** systemd mode's config file; null: /etc/keepalived/keepalived.conf */
  keepalivedConf: string | null;
  specFile: string | null;
  onNote?: (message: string) => void;
}

/** keepalived's router_id from the host name (one word of letters, digits, _ and -). */
export function routerIdFromHostname(name = hostname()): string {
  const s = name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 32);
  return /^[A-Za-z]/.test(s) ? s : `h${s}`.slice(0, 32);
}

export function createHaManager(o: HaAgentOptions): HaManager {
  const bin = o.keepalivedBin ?? findProgram("keepalived") ?? "keepalived";
  const runner =
    o.mode === "managed"
      ? new ManagedKeepalived({ bin, dir: o.keepalivedDir })
      : new SystemdKeepalived({ configFile: o.keepalivedConf ?? DEFAULT_SYSTEMD_CONF });
  return new HaManager({
    ipvs: o.ipvs,
    runIp: o.runIp,
    runner,
    keepalivedBin: bin,
    dir: o.keepalivedDir,
    specFile: o.specFile,
    defaultRouterId: routerIdFromHostname(),
    ...(o.onNote ? { onNote: o.onNote } : {}),
  });
}

/** At start: the spec file's spec (validated like ha.configure), null when absent or "null". */
export async function readSpecFile(path: string): Promise<HaSpec | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not JSON: ${(err as Error).message}`);
  }
  return json === null ? null : parseSpec(json);
}

export function managedPaths(dir: string): { config: string; fifo: string } {
  return { config: join(dir, "keepalived.conf"), fifo: join(dir, "notify.fifo") };
}
