// Command line of agent/main.ts, parsed with util.parseArgs; every mistake becomes an
// ArgsError with a message an operator can act on (main prints it and exits 2).
import { parseArgs } from "node:util";
import type { Role } from "@/protocol/agent/catalog.ts";
import { isLoopbackHost } from "@/protocol/plaintext.ts";

/** Where the default --tls-auto keeps the agent's identity (the packaged agent's state dir). */
export const DEFAULT_TLS_DIR = "/var/lib/lvs-agent/tls";

export class ArgsError extends Error {
  override readonly name = "ArgsError";
}

export interface AgentArgs {
  host: string;
  port: number;
  tokenFile: string;
  tls: { certFile: string; keyFile: string } | null;
  /** --tls-auto DIR: self-signed certificate generated there on first start, then reused.
   * The default (DEFAULT_TLS_DIR) when no TLS option and no plaintext option is given. */
  tlsAutoDir: string | null;
  /** true when tlsAutoDir is the default rather than asked for */
  tlsAutoDefault: boolean;
  /** ws:// instead of wss://: --no-tls (loopback only) or --insecure-plaintext (anywhere) */
  plaintext: "loopback" | "insecure" | null;
  /** --tls-client-ca FILE: mutual TLS, client certificates must be signed by this CA */
  tlsClientCaFile: string | null;
  role: Role;
  saveFile: string | null;
  restore: boolean;
  /** where sysctl.set with persist writes (default /etc/sysctl.d/90-lvs-agent.conf) */
  sysctlFile: string | null;
  /** re-apply that file at start (values survive a reboot) */
  applySysctlFile: boolean;
  /** --ha-spec FILE: the HA spec, applied at start when present, rewritten by ha.configure */
  haSpecFile: string | null;
  /** --keepalived: the agent's child process (managed) or the system's unit (systemd) */
  keepalivedMode: "managed" | "systemd";
  /** --keepalived-bin PATH; null: keepalived on PATH */
  keepalivedBin: string | null;
  /** --keepalived-dir DIR: notify fifo, managed mode's config and pid files */
  keepalivedDir: string;
  /** --keepalived-conf FILE: the config the systemd unit reads; null: /etc/keepalived/keepalived.conf */
  keepalivedConf: string | null;
  /** --checks-file FILE: the health checks' configuration (default: the save file + ".checks.json") */
  checksFile: string | null;
  /** --allow-script-checks: MISC_CHECK scripts may run (opt-in: the agent runs as root) */
  allowScriptChecks: boolean;
}

export const USAGE =
  "usage: agent/main.ts --listen HOST:PORT --token-file FILE\n" +
  "                     [--tls-auto DIR | --tls-cert FILE --tls-key FILE | --no-tls | --insecure-plaintext]\n" +
  "                     [--tls-client-ca FILE]\n" +
  "                     [--role director|realserver] [--save-file FILE] [--restore]\n" +
  "                     [--sysctl-file FILE] [--apply-sysctl-file]\n" +
  "                     [--ha-spec FILE] [--keepalived managed|systemd] [--keepalived-bin PATH]\n" +
  "                     [--keepalived-dir DIR] [--keepalived-conf FILE]\n" +
  "                     [--checks-file FILE] [--allow-script-checks]";

/** Paths keepalived.conf names (notify_fifo) are rendered unquoted: no blanks or parser characters. */
function keepalivedPath(flag: string, p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  if (!/^\/[A-Za-z0-9_./@+-]*$/.test(p)) throw new ArgsError(`${flag} must be an absolute path of letters, digits and _ . / @ + -, got ${JSON.stringify(p)}`);
  return p;
}

/** "127.0.0.1:9400", "[::1]:9400", "0.0.0.0:0" */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s);
  if (!m) throw new ArgsError(`--listen must be HOST:PORT or [IPv6]:PORT, got ${JSON.stringify(s)}`);
  const port = Number(m[3]);
  if (port > 65535) throw new ArgsError(`--listen port ${port} is above 65535`);
  return { host: (m[1] ?? m[2])!, port };
}

/**
 * ws:// is asked for with --no-tls (loopback listen addresses only: a local proxy or lvsctl on
 * the same host) or --insecure-plaintext (any address, said on purpose). --no-tls elsewhere
 * stops the agent with what to do instead.
 */
function plaintextMode(noTls: boolean, insecure: boolean, tlsAsked: boolean, host: string, port: number): AgentArgs["plaintext"] {
  if (!noTls && !insecure) return null;
  if (tlsAsked) throw new ArgsError(`${insecure ? "--insecure-plaintext" : "--no-tls"} serves ws://: not together with --tls-auto/--tls-cert`);
  if (insecure) return "insecure";
  if (isLoopbackHost(host)) return "loopback";
  throw new ArgsError(
    `--no-tls on ${host.includes(":") ? `[${host}]` : host}:${port}, which is not a loopback address, would send the agent's bearer token ` +
      "(root on this host) in clear over the network. Keep TLS (the default: a self-signed certificate in " +
      `${DEFAULT_TLS_DIR}, or --tls-auto DIR, or --tls-cert/--tls-key), listen on 127.0.0.1 or ::1, or, on a network you ` +
      "trust, say so with --insecure-plaintext instead of --no-tls",
  );
}

/** env LVS_AGENT_TLS_DIR moves the default --tls-auto folder (an install without /var/lib). */
export function parseAgentArgs(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): AgentArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        listen: { type: "string" },
        "token-file": { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "tls-auto": { type: "string" },
        "tls-client-ca": { type: "string" },
        "no-tls": { type: "boolean", default: false },
        "insecure-plaintext": { type: "boolean", default: false },
        role: { type: "string", default: "director" },
        "save-file": { type: "string" },
        restore: { type: "boolean", default: false },
        "sysctl-file": { type: "string" },
        "apply-sysctl-file": { type: "boolean", default: false },
        "checks-file": { type: "string" },
        "allow-script-checks": { type: "boolean", default: false },
        "ha-spec": { type: "string" },
        keepalived: { type: "string", default: "managed" },
        "keepalived-bin": { type: "string" },
        "keepalived-dir": { type: "string" },
        "keepalived-conf": { type: "string" },
      },
    }));
  } catch (err) {
    throw new ArgsError((err as Error).message);
  }
  const str = (k: string) => values[k] as string | undefined;
  const listen = str("listen");
  if (!listen) throw new ArgsError("--listen HOST:PORT is required");
  const tokenFile = str("token-file");
  if (!tokenFile) throw new ArgsError("--token-file FILE is required (the agent never runs without a token)");
  const role = str("role");
  if (role !== "director" && role !== "realserver") {
    throw new ArgsError(`--role must be director or realserver, got ${JSON.stringify(role)}`);
  }
  const cert = str("tls-cert");
  const key = str("tls-key");
  if ((cert === undefined) !== (key === undefined)) {
    throw new ArgsError("--tls-cert and --tls-key go together");
  }
  const askedAuto = str("tls-auto") ?? null;
  if (askedAuto !== null && cert !== undefined) {
    throw new ArgsError("--tls-auto generates its own certificate: use it or --tls-cert/--tls-key, not both");
  }
  const { host, port } = parseListen(listen);
  const plaintext = plaintextMode(values["no-tls"] === true, values["insecure-plaintext"] === true, askedAuto !== null || cert !== undefined, host, port);
  // TLS unless told otherwise: an agent started without any TLS option serves wss:// with its
  // own self-signed identity, so its root token never crosses the network in clear by default
  const tlsAutoDefault = plaintext === null && askedAuto === null && cert === undefined;
  const tlsAutoDir = askedAuto ?? (tlsAutoDefault ? env.LVS_AGENT_TLS_DIR || DEFAULT_TLS_DIR : null);
  const tlsClientCaFile = str("tls-client-ca") ?? null;
  if (tlsClientCaFile !== null && plaintext !== null) {
    throw new ArgsError("--tls-client-ca needs TLS: drop --no-tls/--insecure-plaintext");
  }
  const saveFile = str("save-file") ?? null;
  const restore = values.restore === true;
  if (restore && !saveFile) throw new ArgsError("--restore needs --save-file");
  if (saveFile && role === "realserver") throw new ArgsError("--save-file is for directors (realservers have no IPVS table)");
  const keepalivedMode = str("keepalived");
  if (keepalivedMode !== "managed" && keepalivedMode !== "systemd") {
    throw new ArgsError(`--keepalived must be managed or systemd, got ${JSON.stringify(keepalivedMode)}`);
  }
  const haSpecFile = str("ha-spec") ?? null;
  if (haSpecFile && role === "realserver") throw new ArgsError("--ha-spec is for directors (VRRP moves a director's VIPs)");
  return {
    host,
    port,
    tokenFile,
    tls: cert && key ? { certFile: cert, keyFile: key } : null,
    tlsAutoDir,
    tlsAutoDefault,
    plaintext,
    tlsClientCaFile,
    role,
    saveFile,
    restore,
    sysctlFile: str("sysctl-file") ?? null,
    applySysctlFile: values["apply-sysctl-file"] === true,
    checksFile: str("checks-file") ?? (saveFile ? `${saveFile}.checks.json` : null),
    allowScriptChecks: values["allow-script-checks"] === true,
    haSpecFile,
    keepalivedMode,
    keepalivedBin: str("keepalived-bin") ?? null,
    keepalivedDir: keepalivedPath("--keepalived-dir", str("keepalived-dir")) ?? "/var/lib/lvs-agent/keepalived",
    keepalivedConf: keepalivedPath("--keepalived-conf", str("keepalived-conf")) ?? null,
  };
}

/** Token file rules: not empty, not readable or writable by others (it is a password). */
export function checkTokenFile(content: string, mode: number): string {
  if ((mode & 0o007) !== 0) {
    throw new ArgsError(`token file is accessible by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  }
  const token = content.trim();
  if (token.length === 0) throw new ArgsError("token file is empty");
  if (/\s/.test(token)) throw new ArgsError("token must be one line without spaces");
  if (token.length < 16) throw new ArgsError("token is shorter than 16 characters");
  return token;
}
