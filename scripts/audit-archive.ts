// `npm run audit-archive -- --before DATE --out FILE [--data DIR] [--user NAME]`: audit
// retention. Exports every audit entry older than DATE to FILE (JSON lines, oldest first),
// then deletes exactly those in one audited step (server/store/audit-archive.ts); newer entries
// stay append-only. Run it on the server's machine (whoever can write the data folder owns the
// dashboard); safe while the server runs (SQLite WAL). Keep FILE (and its SHA-256, printed and
// recorded in the log) wherever audit records must be kept.
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { AuditArchiveError, archiveAudit } from "@/server/store/audit-archive.ts";
import { StoreSetupError, openDatabase } from "@/server/store/db.ts";

const USAGE = `usage: npm run audit-archive -- --before DATE --out FILE [--data DIR] [--user NAME]
  --before  archive entries older than this (ISO date or time, e.g. 2026-01-01)
  --out     the export to write (JSON lines; must not exist)
  --data    the server's data folder (default .data, or LVS_FLEET_DATA)
  --user    the name recorded in the audit entry (default: archive:<login name>)`;

class UsageError extends Error {}

function parse(argv: readonly string[]) {
  const o = { dataDir: process.env.LVS_FLEET_DATA || ".data", before: NaN, out: "", user: `archive:${userInfo().username}` };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--data") o.dataDir = value();
    else if (a === "--before") {
      const t = value();
      o.before = /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : NaN;
      if (!Number.isFinite(o.before)) throw new UsageError(`--before ${t}: not an ISO date (2026-01-01 or 2026-01-01T12:00:00Z)`);
    } else if (a === "--out") o.out = value();
    else if (a === "--user") o.user = value();
    else throw new UsageError(`unknown option ${a}`);
  }
  if (!Number.isFinite(o.before) || !o.out) throw new UsageError("--before and --out are required");
  return o;
}

try {
  const o = parse(process.argv.slice(2));
  const db = openDatabase(resolve(o.dataDir));
  try {
    const r = archiveAudit(db, { before: o.before, file: o.out, user: o.user });
    if (r.rows === 0) console.log(`no audit entries older than ${new Date(o.before).toISOString()}: nothing written or deleted`);
    else console.log(`archived ${r.rows} audit entries older than ${new Date(o.before).toISOString()} to ${r.file} (sha256 ${r.sha256})`);
  } finally {
    db.close();
  }
} catch (err) {
  const known = err instanceof UsageError || err instanceof AuditArchiveError || err instanceof StoreSetupError;
  console.error(`audit-archive: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}${err instanceof UsageError ? `\n${USAGE}` : ""}`);
  process.exit(known ? 2 : 1);
}
