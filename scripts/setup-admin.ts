// `npm run setup-admin`: creates a dashboard admin in the server's database, from the machine
// itself (whoever can write the data folder already owns the dashboard). Prompts for the
// username and the password (not echoed), or takes --username and --password-file for
// scripts. Refuses an existing username unless --reset, which sets a new password and admin
// role for it (and ends its sessions): the way back in after a lost admin password.
// Safe while the server runs (SQLite WAL); the server sees the user at its next request.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { Password, Username } from "@/protocol/dashboard/index.ts";
import { hashPassword } from "@/server/auth/passwords.ts";
import { SessionStore, DEFAULT_SESSION_LIMITS } from "@/server/auth/sessions.ts";
import { UserStore } from "@/server/auth/users.ts";
import { AuditLog } from "@/server/store/audit.ts";
import { openDatabase } from "@/server/store/db.ts";

const USAGE = `usage: npm run setup-admin -- [--data DIR] [--username NAME] [--password-file FILE] [--reset]
  --data           the server's data folder (default .data, or LVS_FLEET_DATA)
  --username       the admin's username (prompted without it)
  --password-file  a file holding the password (prompted, twice, without it)
  --reset          the user exists: set this password and the admin role`;

class UsageError extends Error {}

function parseArgs(argv: string[]) {
  const out = { dataDir: process.env.LVS_FLEET_DATA || ".data", username: null as string | null, passwordFile: null as string | null, reset: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (!v) throw new UsageError(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--data") out.dataDir = value();
    else if (a === "--username") out.username = value();
    else if (a === "--password-file") out.passwordFile = value();
    else if (a === "--reset") out.reset = true;
    else throw new UsageError(`unknown option ${a}\n${USAGE}`);
  }
  return out;
}

/** Reads one line from the terminal; `hidden` does not echo what is typed. */
function ask(question: string, hidden: boolean): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  if (hidden) {
    // echo nothing but the prompt itself
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.startsWith(question)) process.stdout.write(question);
    };
  }
  return new Promise((res) =>
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stdout.write("\n");
      res(answer);
    }),
  );
}

function check<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new UsageError(`${what}: ${r.error.issues[0]?.message}`);
  return r.data;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const username = check(Username, args.username ?? (await ask("admin username: ", false)).trim(), "username");
  let password: string;
  if (args.passwordFile) password = readFileSync(args.passwordFile, "utf8").replace(/\r?\n$/, "");
  else {
    password = await ask("password (at least 10 characters): ", true);
    if ((await ask("password again: ", true)) !== password) throw new UsageError("the passwords differ");
  }
  check(Password, password, "password");

  const db = openDatabase(resolve(args.dataDir));
  try {
    const users = new UserStore(db);
    const hash = await hashPassword(password);
    const existing = users.byName(username);
    const audit = new AuditLog(db);
    if (existing) {
      if (!args.reset) throw new UsageError(`a user named ${existing.username} exists; add --reset to set its password and make it admin`);
      users.setPasswordHash(existing.id, hash);
      if (existing.role !== "admin") users.setRole(existing.id, "admin");
      new SessionStore(db, DEFAULT_SESSION_LIMITS).deleteForUser(existing.id);
      audit.record({ user: "setup-admin", action: "user.update", director: null, target: existing.username, request: { role: "admin", password: "(reset)" } }, true, null);
      console.log(`${existing.username} is an admin with the new password (its sessions ended)`);
    } else {
      users.create(username, hash, "admin");
      audit.record({ user: "setup-admin", action: "user.create", director: null, target: username, request: { role: "admin" } }, true, null);
      console.log(`admin ${username} created in ${resolve(args.dataDir)}`);
    }
  } finally {
    db.close();
  }
}

main().catch((err: unknown) => {
  console.error(`setup-admin: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
