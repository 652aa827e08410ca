// Audit retention: entries older than a cutoff are exported to a file (JSON lines, oldest
// first, written and fsynced before anything is deleted), then deleted in one transaction
// that also records the archive (range, row count, the file's SHA-256) in audit_archives and
// as an "audit.archive" audit entry. The DELETE trigger (store/db.ts, migration 4) allows
// deleting only the exported range while that transaction's archive row is open; everything
// newer stays append-only. Running entries (ok NULL) are never archived.
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { AuditLog } from "./audit.ts";
import type { Db } from "./db.ts";

export class AuditArchiveError extends Error {
  override readonly name = "AuditArchiveError";
}

export interface ArchiveOptions {
  /** entries with time < this (ms) */
  before: number;
  /** the export; must not exist yet */
  file: string;
  /** who runs it (the audit entry's user) */
  user: string;
}

export interface ArchiveResult {
  rows: number;
  file: string;
  sha256: string;
  upToId: number;
}

export function archiveAudit(db: Db, o: ArchiveOptions): ArchiveResult {
  const file = resolve(o.file);
  const last = db.prepare("SELECT max(id) AS id FROM audit WHERE time < ? AND ok IS NOT NULL").get(o.before) as { id: number | null };
  if (last.id === null) return { rows: 0, file, sha256: "", upToId: 0 };
  const upToId = last.id;
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (err) {
    throw new AuditArchiveError(`cannot create ${file}: ${(err as Error).message}${(err as NodeJS.ErrnoException).code === "EEXIST" ? " (it exists: choose a new file)" : ""}`);
  }
  const hash = createHash("sha256");
  let rows = 0;
  try {
    const select = db.prepare("SELECT * FROM audit WHERE id <= ? AND time < ? AND ok IS NOT NULL ORDER BY id");
    for (const row of select.iterate(upToId, o.before)) {
      const line = `${JSON.stringify(row)}\n`;
      writeSync(fd, line);
      hash.update(line);
      rows++;
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw err;
  }
  closeSync(fd);
  const sha256 = hash.digest("hex");
  const audit = new AuditLog(db);
  try {
    db.transaction(() => {
      const a = db
        .prepare("INSERT INTO audit_archives (time, user, before_time, up_to_id, rows, file, sha256, open) VALUES (?, ?, ?, ?, ?, ?, ?, 1)")
        .run(Date.now(), o.user, o.before, upToId, rows, file, sha256);
      const deleted = db.prepare("DELETE FROM audit WHERE id <= ? AND time < ? AND ok IS NOT NULL").run(upToId, o.before).changes;
      // the export and the delete must be the same rows, or nothing happens
      if (deleted !== rows) throw new AuditArchiveError(`exported ${rows} entries but ${deleted} matched the delete: nothing was deleted`);
      db.prepare("UPDATE audit_archives SET open = 0 WHERE id = ?").run(a.lastInsertRowid);
      audit.record(
        { user: o.user, action: "audit.archive", director: null, target: file, request: { before: new Date(o.before).toISOString(), upToId } },
        true,
        { rows, file, sha256 },
      );
    })();
  } finally {
    audit.close();
  }
  return { rows, file, sha256, upToId };
}
