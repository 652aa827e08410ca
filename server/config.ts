// Options of `npm start` (server/main.ts) from flags and environment, and the optional JSON
// config file: {"directors": [{name, url, token | tokenFile, group?, role?, addresses?,
// fingerprint256?}]}. A relative tokenFile is read relative to the config file.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { DirectorRegistration, Password } from "@/protocol/dashboard/index.ts";
import { parseTrustedProxy } from "./auth/client-address.ts";
import { parsePrometheusUrl } from "./history/prometheus.ts";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export interface ServerArgs {
  host: string;
  port: number;
  dataDir: string;
  configFile: string | null;
  /** Secure cookies behind a TLS-terminating proxy */
  secureCookies: boolean;
  /** the browser-facing origin when a proxy rewrites Host (Origin checks) */
  publicOrigin: string | null;
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed (--trusted-proxy, repeated) */
  trustedProxies: string[];
  /** the key file that seals agent tokens (null: beside the data folder; LVS_FLEET_SECRET_KEY wins) */
  secretKeyFile: string | null;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** first start only: create this admin when no user exists (password read from a file) */
  adminUsername: string;
  adminPasswordFile: string | null;
  /** --metrics-token-file: the bearer token of /metrics and /api/prometheus/targets */
  metricsTokenFile: string | null;
  /** --prometheus: the charts' ranges beyond SQLite's from this Prometheus (server/history/source.ts) */
  prometheus: string | null;
}

export const USAGE = `usage: npm start -- [--host ADDR] [--port N] [--data DIR] [--config FILE]
  --host    listen address (default 127.0.0.1)
  --port    listen port (default 3000, or PORT)
  --data    data folder for the SQLite store (default .data, or LVS_FLEET_DATA)
  --config  JSON file with {"directors": [...]} upserted at start (or LVS_FLEET_CONFIG)
  --secure-cookies          mark cookies Secure (TLS terminated by a proxy in front)
  --public-origin URL       the origin browsers use (https://lvs.example.com) when a proxy rewrites Host
  --secret-key-file F       the key sealing agent tokens in the store, outside --data (default DIR.key beside
                            it, created 0600; or LVS_FLEET_SECRET_KEY_FILE; LVS_FLEET_SECRET_KEY=base64 wins)
  --trusted-proxy CIDR      a reverse proxy whose X-Forwarded-For names the client (repeat for several)
  --session-idle-minutes N  sign out after N minutes without a request (default 60)
  --session-max-hours N     sign out N hours after signing in at the latest (default 12)
  --admin-password-file F   first start only: create the admin (--admin-username, default admin)
                            with the password in F when no user exists (or LVS_FLEET_ADMIN_PASSWORD_FILE)
  --metrics-token-file F    serve /metrics and /api/prometheus/targets to Prometheus presenting the token
                            in F as a bearer token (0600, at least 16 characters; re-read when it changes)
  --prometheus URL          read the charts' ranges beyond the SQLite store (24h and 7d before the store's
                            first minute, and 30d) from this Prometheus's query_range (docs/metrics.md)`;

export function parseServerArgs(argv: readonly string[], env: Record<string, string | undefined> = process.env): ServerArgs {
  const out: ServerArgs = {
    host: "127.0.0.1",
    port: env.PORT ? Number(env.PORT) : 3000,
    dataDir: env.LVS_FLEET_DATA || ".data",
    configFile: env.LVS_FLEET_CONFIG || null,
    secureCookies: false,
    publicOrigin: null,
    trustedProxies: [],
    secretKeyFile: env.LVS_FLEET_SECRET_KEY_FILE || null,
    sessionIdleMinutes: 60,
    sessionMaxHours: 12,
    adminUsername: env.LVS_FLEET_ADMIN_USERNAME || "admin",
    adminPasswordFile: env.LVS_FLEET_ADMIN_PASSWORD_FILE || null,
    metricsTokenFile: null,
    prometheus: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes("=") ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)] : [flag, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new ConfigError(`${name} needs a value`);
      return v;
    };
    if (name === "--host") out.host = value();
    else if (name === "--port") out.port = Number(value());
    else if (name === "--data") out.dataDir = value();
    else if (name === "--config") out.configFile = value();
    else if (name === "--secure-cookies") out.secureCookies = true;
    else if (name === "--public-origin") out.publicOrigin = value();
    else if (name === "--secret-key-file") out.secretKeyFile = value();
    else if (name === "--trusted-proxy") out.trustedProxies.push(cidr(value()));
    else if (name === "--session-idle-minutes") out.sessionIdleMinutes = positive(name, value());
    else if (name === "--session-max-hours") out.sessionMaxHours = positive(name, value());
    else if (name === "--admin-username") out.adminUsername = value();
    else if (name === "--admin-password-file") out.adminPasswordFile = value();
    else if (name === "--metrics-token-file") out.metricsTokenFile = value();
    else if (name === "--prometheus") out.prometheus = prometheusUrl(value());
    else throw new ConfigError(`unknown option ${flag}\n${USAGE}`);
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) {
    throw new ConfigError("the port must be an integer from 0 to 65535");
  }
  if (out.publicOrigin !== null && !/^https?:\/\/[^/]+$/.test(out.publicOrigin)) {
    throw new ConfigError("--public-origin must be scheme://host[:port], e.g. https://lvs.example.com");
  }
  return out;
}

function prometheusUrl(v: string): string {
  try {
    return parsePrometheusUrl(v);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function cidr(v: string): string {
  try {
    parseTrustedProxy(v);
  } catch (err) {
    throw new ConfigError(`--trusted-proxy: ${(err as Error).message}`);
  }
  return v;
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number`);
  return n;
}

/** The first admin's password from a file (trailing newline removed); checked like any password. */
export function readAdminPassword(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } catch (err) {
    throw new ConfigError(`cannot read the admin password file ${file}: ${(err as Error).message}`);
  }
  const ok = Password.safeParse(text);
  if (!ok.success) throw new ConfigError(`the admin password in ${file} is not acceptable: ${ok.error.issues[0]?.message}`);
  return text;
}

const ConfigDirector = DirectorRegistration.omit({ token: true }).extend({
  token: z.string().min(1).max(512).optional(),
  tokenFile: z.string().min(1).optional(),
});
export const ConfigFile = z.object({ directors: z.array(ConfigDirector).default([]) });

export function loadConfigFile(file: string): DirectorRegistration[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read config ${file}: ${(err as Error).message}`);
  }
  const parsed = ConfigFile.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ConfigError(`config ${file}: ${i?.path.join(".")}: ${i?.message}`);
  }
  return parsed.data.directors.map((d, n) => {
    const { tokenFile, token, ...rest } = d;
    if ((token === undefined) === (tokenFile === undefined)) {
      throw new ConfigError(`config ${file}: directors.${n} (${d.name}) needs exactly one of token or tokenFile`);
    }
    let t = token;
    if (tokenFile !== undefined) {
      try {
        t = readFileSync(resolve(dirname(file), tokenFile), "utf8").trim();
      } catch (err) {
        throw new ConfigError(`config ${file}: directors.${n}: cannot read tokenFile: ${(err as Error).message}`);
      }
    }
    return DirectorRegistration.parse({ ...rest, token: t });
  });
}
