// The server's SQLite database: one file in the data folder, WAL journal, and schema
// migrations applied in order by version (PRAGMA user_version), each in its own transaction.
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

/** The store cannot be opened safely (permissions, key): the message says how to fix it. */
export class StoreSetupError extends Error {
  override readonly name = "StoreSetupError";
}

export const DB_FILE = "lvs-fleet.sqlite";

/** Append only: a released migration never changes, a new schema is a new entry. */
const MIGRATIONS: readonly string[] = [
  // 1: directors, audit log, drain jobs, stats history
  `
  CREATE TABLE directors (
    id TEXT PRIMARY KEY,
    registration TEXT NOT NULL,          -- DirectorRegistration JSON, token included
    created_at INTEGER NOT NULL
  );
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time INTEGER NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    director TEXT,
    target TEXT,
    request TEXT,
    ok INTEGER,                          -- NULL while the action runs
    result TEXT
  );
  CREATE INDEX audit_director ON audit(director, id);
  CREATE INDEX audit_action ON audit(action, id);
  CREATE TABLE drain_jobs (
    id TEXT PRIMARY KEY,
    job TEXT NOT NULL,                   -- DrainJob JSON
    status TEXT NOT NULL,
    started_at INTEGER NOT NULL
  );
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    director TEXT NOT NULL,
    service TEXT NOT NULL,               -- '' = the director total
    destination TEXT NOT NULL,           -- '' = the service total
    UNIQUE(director, service, destination)
  );
  -- one row per series and minute: 60 one-second samples x 7 TrafficPoint fields, float32,
  -- NaN where no sample arrived
  CREATE TABLE samples_1s (
    series INTEGER NOT NULL,
    minute INTEGER NOT NULL,             -- unix minute
    data BLOB NOT NULL,
    PRIMARY KEY (series, minute)
  ) WITHOUT ROWID;
  CREATE INDEX samples_1s_minute ON samples_1s(minute);
  CREATE TABLE rollup_1m (
    series INTEGER NOT NULL,
    minute INTEGER NOT NULL,
    cps REAL, in_pps REAL, out_pps REAL, in_bps REAL, out_bps REAL,
    active_conns REAL, inactive_conns REAL,
    PRIMARY KEY (series, minute)
  ) WITHOUT ROWID;
  CREATE INDEX rollup_1m_minute ON rollup_1m(minute);
  `,
  // 2: dashboard users and sessions; the audit log becomes append-only and keeps the state
  // before and after each rule-changing mutation
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,         -- argon2id PHC string
    role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,            -- sha256 of the cookie value: a leaked database holds no usable session
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  ALTER TABLE audit ADD COLUMN before_state TEXT;
  ALTER TABLE audit ADD COLUMN after_state TEXT;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  -- the only update: completing a running entry (ok NULL -> 0/1) with its result and after-state
  CREATE TRIGGER audit_complete_once BEFORE UPDATE ON audit
  WHEN OLD.ok IS NOT NULL OR NEW.ok IS NULL
    OR NEW.id IS NOT OLD.id OR NEW.time IS NOT OLD.time OR NEW.user IS NOT OLD.user
    OR NEW.action IS NOT OLD.action OR NEW.director IS NOT OLD.director
    OR NEW.target IS NOT OLD.target OR NEW.request IS NOT OLD.request
    OR NEW.before_state IS NOT OLD.before_state
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: only a running entry can be completed, once'); END;
  `,
  // 3: HA groups: the desired IPVS table of each group (server/groups/)
  `
  CREATE TABLE ha_groups (
    name TEXT PRIMARY KEY,               -- the directors' group label
    desired TEXT NOT NULL,               -- DesiredTable JSON: services with their real servers
    source TEXT NOT NULL,                -- DesiredSource: seeded-master, seeded-first, adopted, changed
    from_director TEXT,                  -- the member it was copied from (seeded, adopted)
    updated_at INTEGER NOT NULL
  );
  `,
  // 4: audit retention (store/audit-archive.ts): old entries may be deleted only inside the
  // transaction of an archive, whose row (open while it runs) names the range exported; any
  // other DELETE is refused as before, and archive rows themselves are append-only
  `
  CREATE TABLE audit_archives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time INTEGER NOT NULL,
    user TEXT NOT NULL,
    before_time INTEGER NOT NULL,        -- entries older than this ...
    up_to_id INTEGER NOT NULL,           -- ... with an id up to this were exported
    rows INTEGER NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    open INTEGER NOT NULL CHECK (open IN (0, 1))
  );
  DROP TRIGGER audit_no_delete;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  WHEN NOT EXISTS (SELECT 1 FROM audit_archives a WHERE a.open = 1 AND OLD.id <= a.up_to_id AND OLD.time < a.before_time AND OLD.ok IS NOT NULL)
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_archives_no_delete BEFORE DELETE ON audit_archives
  BEGIN SELECT RAISE(ABORT, 'the audit archive list is append-only'); END;
  CREATE TRIGGER audit_archives_close_once BEFORE UPDATE ON audit_archives
  WHEN OLD.open = 0 OR NEW.open <> 0 OR NEW.id IS NOT OLD.id OR NEW.time IS NOT OLD.time OR NEW.user IS NOT OLD.user
    OR NEW.before_time IS NOT OLD.before_time OR NEW.up_to_id IS NOT OLD.up_to_id OR NEW.rows IS NOT OLD.rows
    OR NEW.file IS NOT OLD.file OR NEW.sha256 IS NOT OLD.sha256
  BEGIN SELECT RAISE(ABORT, 'the audit archive list is append-only'); END;
  `,
  // 5: the write probe of a read-only store (store/health.ts): one row, rewritten
  `
  CREATE TABLE store_probe (id INTEGER PRIMARY KEY, data BLOB, time INTEGER NOT NULL);
  `,
  // 6: personal API tokens (lvsctl --server; store/api-tokens.ts): only the token's SHA-256
  `
  CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    last_used_at INTEGER,
    last_used_address TEXT
  );
  CREATE INDEX api_tokens_user ON api_tokens(user_id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating) the store. Refuses a data folder other users can read or enter: it holds
 * the audit log, sessions and director settings. */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new StoreSetupError(`the data folder ${dataDir} is accessible by other users (mode ${mode.toString(8)}): chmod 700 ${dataDir}`);
  }
  const file = join(dataDir, DB_FILE);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  migrate(db);
  // the -wal and -shm files exist now (WAL mode, after the migration's writes)
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`the database has schema version ${current}, newer than this server (${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
