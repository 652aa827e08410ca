// Secrets at rest (issue 14 item 6): agent tokens are sealed (AES-256-GCM) in SQLite with a key
// outside the data folder, rows from before are sealed at start, the database and its -wal/-shm
// are 0600, and a data folder or key file other users can read is refused with how to fix it.
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { Dashboard } from "@/server/dashboard.ts";
import { openDatabase } from "@/server/store/db.ts";
import { SecretBox, defaultKeyFile } from "@/server/store/secrets.ts";
import { type TestServer, closeTestServer, startServer, tempDirs } from "./server-helpers.ts";

const AGENT_TOKEN = "agent-token-0123456789-abcdef";
let s: TestServer | undefined;
const dirs = tempDirs("lvs-fleet-secrets-");
afterEach(async () => {
  await closeTestServer(s, []);
  s = undefined;
  dirs.removeAll();
});
const newDir = dirs.make;
const rawRows = (dataDir: string) => {
  const db = new Database(join(dataDir, "lvs-fleet.sqlite"), { readonly: true });
  const rows = db.prepare("SELECT id, registration FROM directors").all() as { id: string; registration: string }[];
  db.close();
  return rows;
};

describe("agent tokens at rest", () => {
  it("are sealed in the database and open again after a restart with the key file beside the data folder", async () => {
    const dataDir = newDir();
    s = await startServer({ dataDir });
    const r = await s.api("POST", "/api/directors", { name: "d1", url: "ws://127.0.0.1:9", token: AGENT_TOKEN });
    expect(r.status).toBe(201);
    await s.close();
    s = undefined;
    const text = JSON.stringify(rawRows(dataDir)) + readFileSync(join(dataDir, "lvs-fleet.sqlite")).toString("latin1");
    expect(text).not.toContain(AGENT_TOKEN);
    expect(rawRows(dataDir)[0]!.registration).toMatch(/"token":"enc:v1:/);
    const key = defaultKeyFile(dataDir);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const again = new Dashboard({ dataDir });
    again.start();
    expect(again.fleet.links()[0]!.registration.token).toBe(AGENT_TOKEN);
    again.close();
  });

  it("plaintext rows from before are sealed at start", () => {
    const dataDir = newDir();
    const db = openDatabase(dataDir);
    db.prepare("INSERT INTO directors (id, registration, created_at) VALUES (?, ?, ?)").run(
      "old",
      JSON.stringify({ name: "old", url: "ws://127.0.0.1:9", token: AGENT_TOKEN, group: "", role: "director", addresses: [] }),
      1,
    );
    db.close();
    const app = new Dashboard({ dataDir });
    app.start();
    expect(app.fleet.get("old").registration.token).toBe(AGENT_TOKEN);
    app.close();
    expect(rawRows(dataDir)[0]!.registration).not.toContain(AGENT_TOKEN);
  });

  it("another key does not open them: the start fails saying which key to use", async () => {
    const dataDir = newDir();
    s = await startServer({ dataDir });
    await s.api("POST", "/api/directors", { name: "d1", url: "ws://127.0.0.1:9", token: AGENT_TOKEN });
    await s.close();
    s = undefined;
    expect(() => new Dashboard({ dataDir, secretKey: { key: Buffer.alloc(32, 7).toString("base64") } })).toThrow(/does not open with this key/);
  });

  it("the key from the environment (base64 of 32 bytes) instead of a file", () => {
    const dataDir = newDir();
    const key = Buffer.alloc(32, 3).toString("base64");
    const app = new Dashboard({ dataDir, secretKey: { key } });
    app.fleet.register({ name: "d2", url: "ws://127.0.0.1:9", token: AGENT_TOKEN, group: "", role: "director", addresses: [] });
    app.close();
    expect(existsSync(defaultKeyFile(dataDir))).toBe(false);
    expect(() => SecretBox.load(dataDir, { key: "c2hvcnQ=" })).toThrow(/32 bytes/);
  });

  it("a key file inside the data folder or readable by others is refused", () => {
    const dataDir = newDir();
    expect(() => SecretBox.load(dataDir, { file: join(dataDir, "k") })).toThrow(/inside the data folder/);
    const file = `${dataDir}.key`;
    writeFileSync(file, `${Buffer.alloc(32, 1).toString("base64")}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(() => SecretBox.load(dataDir)).toThrow(/chmod 600/);
  });
});

describe("file modes", () => {
  it("the database, -wal and -shm are 0600", () => {
    const dataDir = newDir();
    const app = new Dashboard({ dataDir });
    for (const f of ["lvs-fleet.sqlite", "lvs-fleet.sqlite-wal", "lvs-fleet.sqlite-shm"]) {
      expect(statSync(join(dataDir, f)).mode & 0o777, f).toBe(0o600);
    }
    app.close();
  });

  it("a data folder other users can read is refused, with the chmod to run", () => {
    const dataDir = newDir();
    chmodSync(dataDir, 0o755);
    expect(() => openDatabase(dataDir)).toThrow(new RegExp(`chmod 700 ${dataDir}`));
    chmodSync(dataDir, 0o750);
    expect(() => new Dashboard({ dataDir })).toThrow(/accessible by other users/);
  });
});
