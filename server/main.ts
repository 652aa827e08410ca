// `npm start`: the dashboard server. Next.js (production build from `npm run build`), REST and
// the live WebSocket on one port; links to every registered director. The only place in
// server/ that logs or exits.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfigFile, parseServerArgs, readAdminPassword } from "./config.ts";
import { createServer } from "./http/server.ts";
import { metricsTokenSource } from "./metrics/token.ts";
import { StoreSetupError } from "./store/db.ts";
import { isStoreError, isWriteFault } from "./store/health.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<void> {
  const args = parseServerArgs(process.argv.slice(2));
  // every file this process creates (database, -wal/-shm, key, exports) is its user's only
  process.umask(0o077);
  const directors = args.configFile ? loadConfigFile(args.configFile) : [];
  // next is CommonJS: its module.exports (the factory) is the default export at runtime
  const next = (await import("next")).default as unknown as typeof import("next/dist/server/next.js").default;
  const nextApp = next({ dev: false, dir: repoRoot });
  await nextApp.prepare().catch((err: Error) => {
    throw /production build/i.test(err.message)
      ? new ConfigError(`no Next.js production build in ${repoRoot}: run \`npm run build\` first (${err.message})`)
      : err;
  });
  const handle = nextApp.getRequestHandler();
  const server = await createServer({
    host: args.host,
    port: args.port,
    dataDir: resolve(args.dataDir),
    secretKey: {
      ...(process.env.LVS_FLEET_SECRET_KEY ? { key: process.env.LVS_FLEET_SECRET_KEY } : {}),
      ...(args.secretKeyFile ? { file: resolve(args.secretKeyFile) } : {}),
    },
    directors,
    ...(args.metricsTokenFile ? { metricsToken: metricsTokenSource(resolve(args.metricsTokenFile)) } : {}),
    ...(args.prometheus ? { prometheus: { url: args.prometheus } } : {}),
    next: (req, res) => handle(req, res),
    auth: {
      secureCookies: args.secureCookies,
      trustedProxies: args.trustedProxies,
      ...(args.publicOrigin ? { publicOrigin: args.publicOrigin } : {}),
      session: { idleMs: args.sessionIdleMinutes * 60_000, absoluteMs: args.sessionMaxHours * 3_600_000 },
      ...(args.adminPasswordFile ? { initialAdmin: { username: args.adminUsername, password: readAdminPassword(args.adminPasswordFile) } } : {}),
    },
  });
  server.app.storeHealth.on((e) => {
    if (e.type === "recovered") console.error(`server: the store is writable again (it was read-only since ${new Date(e.after.time).toISOString()})`);
    else console.error(`server: store fault in ${e.fault.where}: ${e.fault.code} ${e.fault.message}${e.readOnly ? " (read-only: changes are refused until writes succeed)" : ""}`);
  });
  // the last line of defence: a store fault somewhere no one caught is reported and survived;
  // anything else is a bug, and the process ends rather than run in an unknown state
  const fatal = (err: unknown, what: string) => {
    if (isStoreError(err) || isWriteFault(err)) {
      server.app.storeHealth.report(what, err);
      return;
    }
    console.error(`server: ${what}: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  };
  process.on("uncaughtException", (err) => fatal(err, "uncaught exception"));
  process.on("unhandledRejection", (err) => fatal(err, "unhandled rejection"));
  console.log(`lvs-fleet dashboard listening on ${server.url} (data ${resolve(args.dataDir)}, ${server.app.fleet.links().length} directors)`);
  if (server.app.interruptedAudits > 0) {
    console.log(`audit: ${server.app.interruptedAudits} entries left running by the previous run are marked interrupted`);
  }
  const code = server.app.auth.setupCode;
  if (code !== null) {
    console.log(`no dashboard user yet: open ${server.url}/setup and enter the setup code ${code}, or run \`npm run setup-admin\``);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`server: ${signal}, closing agent links and flushing the store`);
    await server.close();
    await nextApp.close?.();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  const told = err instanceof ConfigError || err instanceof StoreSetupError;
  console.error(`server: ${told ? (err as Error).message : (err as Error).stack ?? String(err)}`);
  process.exit(told ? 2 : 1);
});
