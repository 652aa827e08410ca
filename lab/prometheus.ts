// Debian's Prometheus on the host, scraping the lab's director agents through the dashboard
// server's GET /api/prometheus/targets (http_sd), as deploy/prometheus/prometheus.yml does for
// a fleet: used by `npm run demo` and test/lab/prometheus.test.ts. The lab's agents are reached
// through their host-loopback forwards (ws:// there, so http_sd says http). Each lab agent has
// its own token, so there is one job per director, each keeping only its director's target
// (deploy/prometheus/README.md: one job per token).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePorts } from "./ports.ts";
import { stopProcessGroup } from "./process-group.ts";

export const PROMETHEUS_BIN = process.env.LVS_PROMETHEUS ?? "/usr/bin/prometheus";

export function prometheusAvailable(): boolean {
  return existsSync(PROMETHEUS_BIN);
}

export interface PrometheusAgent {
  /** the director's id in the dashboard (http_sd's director_id label) */
  id: string;
  token: string;
}

export interface PrometheusConfigOptions {
  /** the dashboard server, e.g. http://127.0.0.1:3000 */
  serverUrl: string;
  /** the server's --metrics-token-file token (http_sd and its /metrics need it) */
  metricsToken: string;
  agents: PrometheusAgent[];
  /** folder for the token files the config names (0600) */
  dir: string;
  scrapeIntervalS: number;
}

function secret(dir: string, name: string, value: string): string {
  const f = join(dir, name);
  writeFileSync(f, `${value}\n`, { mode: 0o600 });
  return f;
}

/** prometheus.yml for the lab (JSON is YAML); the token files are written beside it. */
export function prometheusConfig(o: PrometheusConfigOptions): string {
  const interval = `${o.scrapeIntervalS}s`;
  const metricsToken = secret(o.dir, "metrics.token", o.metricsToken);
  const sd = (query: string) => ({
    url: `${o.serverUrl}/api/prometheus/targets?${query}`,
    // short, so that a director added in the dashboard is scraped soon after
    refresh_interval: "5s",
    // type said explicitly: Prometheus 2.42 sends an http_sd authorization without its
    // default "Bearer " prefix (seen in the lab: the server answered 401)
    authorization: { type: "Bearer", credentials_file: metricsToken },
  });
  const server = new URL(o.serverUrl);
  return JSON.stringify(
    {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
      scrape_configs: [
        { job_name: "lvs-fleet-server", authorization: { credentials_file: metricsToken }, static_configs: [{ targets: [server.host] }] },
        ...o.agents.map((a) => ({
          job_name: `lvs-agent-${a.id}`,
          authorization: { credentials_file: secret(o.dir, `agent-${a.id}.token`, a.token) },
          http_sd_configs: [sd("role=director")],
          relabel_configs: [{ source_labels: ["director_id"], regex: a.id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), action: "keep" }],
        })),
      ],
    },
    null,
    2,
  );
}

export interface LabPrometheus {
  url: string;
  port: number;
  dir: string;
  proc: ChildProcess;
  /** everything Prometheus printed, for failure messages */
  output(): string;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions extends Omit<PrometheusConfigOptions, "dir"> {
  /** config, token files and the TSDB (dir/data) go here */
  dir: string;
  /** default: a free port on 127.0.0.1 */
  port?: number;
  startTimeoutMs?: number;
}

/** Starts Prometheus (its own process group) and resolves once /-/ready answers 200. */
export async function startPrometheus(o: StartPrometheusOptions): Promise<LabPrometheus> {
  if (!prometheusAvailable()) throw new Error(`${PROMETHEUS_BIN} is missing (Debian: apt-get install prometheus)`);
  mkdirSync(join(o.dir, "data"), { recursive: true, mode: 0o700 });
  const config = join(o.dir, "prometheus.yml");
  writeFileSync(config, prometheusConfig(o), { mode: 0o600 });
  const port = o.port ?? (await freePorts(1))[0]!;
  const proc = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(o.dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=30d",
    ],
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let out = "";
  proc.stdout?.on("data", (b) => (out += String(b)));
  proc.stderr?.on("data", (b) => (out += String(b)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcessGroup(proc);
  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited (${proc.exitCode}):\n${out.slice(-4000)}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready on ${url} in time:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, dir: o.dir, proc, output: () => out, stop };
}
