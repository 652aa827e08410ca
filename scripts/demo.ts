// `npm run demo`: the lab's ha topology (one guest, to spare the two cores): two real directors
// on one segment as a keepalived VRRP pair (dir1 MASTER), traffic from client1 to both VIPs, an
// agent each, one HA group in the dashboard serving both, and Debian's Prometheus on the host
// scraping both agents through the dashboard's http_sd (lab/prometheus.ts) when it is
// installed. Runs in the foreground; Ctrl-C stops Prometheus, the dashboard and the lab.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { down, status, UP_DEFAULTS, up } from "@/lab/api.ts";
import { type Dashboard, ensureBuilt, labDirectorsForDashboard, startDashboard } from "@/lab/dashboard.ts";
import { CACHE_DIR, REPO_ROOT } from "@/lab/paths.ts";
import { freePorts } from "@/lab/ports.ts";
import { type LabPrometheus, PROMETHEUS_BIN, prometheusAvailable, startPrometheus } from "@/lab/prometheus.ts";

const instance = process.env.LVS_LAB_INSTANCE ?? "demo";

async function main(): Promise<void> {
  // Build first: a failing build should not leave a guest running.
  ensureBuilt((l) => console.log(l));
  const existing = await status(instance).catch(() => null);
  if (existing?.guests.some((g) => g.alive)) await down(instance);
  console.log("demo: starting an HA pair of LVS directors in a QEMU guest (about a minute)...");
  const s = await up({ ...UP_DEFAULTS, instance, topology: "ha", directors: 2, directorsPerGuest: 2, trafficRate: 5, log: (l) => console.log(l) });
  console.log("\ndemo: the pair is up (dir1 MASTER), with live traffic through a NAT and a DR VIP:");
  for (const d of s.directors) {
    console.log(`  ${d.name}  agent ${s.withAgents ? d.agentUrl : "(not in this checkout)"}  token ${d.agentToken}`);
  }
  console.log(`\n  look inside:   npm run lab -- exec --instance ${instance} dir1 -- ipvsadm -Ln --stats`);
  console.log(`  VRRP, VIPs:    npm run lab -- status --instance ${instance}`);
  console.log(`  fail over:     npm run lab -- fail dir1 --instance ${instance}   (then: heal dir1)`);
  if (existsSync(join(REPO_ROOT, "cli", "lvsctl.ts")) && s.withAgents) {
    const d = s.directors[0]!;
    console.log(`  through agent: (umask 077; echo ${d.agentToken} > /tmp/t1) && npm run lvsctl -- --agent ${d.agentUrl} --token-file /tmp/t1 -Ln --stats`);
  }
  let dashboard: Dashboard | null = null;
  let prometheus: LabPrometheus | null = null;
  if (s.withAgents) {
    const demoDir = join(CACHE_DIR, "demo");
    mkdirSync(demoDir, { recursive: true, mode: 0o700 });
    // the server's metrics token: Prometheus presents it on /api/prometheus/targets and /metrics
    const metricsToken = randomBytes(18).toString("base64url");
    const tokenFile = join(demoDir, "metrics.token");
    writeFileSync(tokenFile, `${metricsToken}\n`, { mode: 0o600 });
    const withProm = prometheusAvailable();
    const promPort = Number(process.env.PROMETHEUS_PORT ?? (await freePorts(1))[0]);
    console.log("\ndemo: starting the dashboard...");
    dashboard = await startDashboard({
      dataDir: join(demoDir, "data"),
      port: Number(process.env.PORT ?? 3000),
      directors: labDirectorsForDashboard(s, "ha-pair"),
      args: ["--metrics-token-file", tokenFile, ...(withProm ? ["--prometheus", `http://127.0.0.1:${promPort}`] : [])],
    });
    if (withProm) {
      console.log("demo: starting Prometheus (scrapes both agents through the dashboard's http_sd)...");
      prometheus = await startPrometheus({
        dir: join(demoDir, "prometheus"),
        port: promPort,
        serverUrl: dashboard.url,
        metricsToken,
        agents: s.directors.map((d) => ({ id: d.name, token: d.agentToken })),
        scrapeIntervalS: 5,
      }).catch((e: unknown) => {
        console.log(`demo: Prometheus did not start, the dashboard runs without it: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
        return null;
      });
    } else {
      console.log(`demo: ${PROMETHEUS_BIN} is missing (Debian: apt-get install prometheus): the dashboard runs without Prometheus`);
    }
    console.log(`\n  dashboard:     ${dashboard.url}   <- open this`);
    console.log(`  sign in as:    ${dashboard.admin.username} / ${dashboard.admin.password}   (kept in ${join(dashboard.dataDir, "admin-password")})`);
    if (prometheus) console.log(`  prometheus:    ${prometheus.url}   (the dashboard's 24h/7d/30d charts read it; try lvs_real_server_connections_total)`);
  }
  console.log(`\ndemo: press Ctrl-C to stop ${prometheus ? "Prometheus, " : ""}the dashboard and the lab.`);
  const stop = async () => {
    console.log("\ndemo: stopping the dashboard and the lab...");
    await prometheus?.stop();
    await dashboard?.stop();
    await down(instance);
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  setInterval(() => {}, 1 << 30);
}

main().catch(async (e: unknown) => {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  await down(instance).catch(() => {});
  process.exit(1);
});
