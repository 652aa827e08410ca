// lvsctl --server against the real dashboard server on port 0 with real agents over
// FakeIpvs (the HA pair fixture for groups): the same ipvsadm output as direct agent mode,
// "# dir" headers and --json for several directors, changes on one director and on a whole
// group (every member or none, the refusing member named), the dashboard's versions (409 on
// a stale --if-version), the audit naming the user, and the refusals: --all with a change,
// a viewer's token (403), a revoked or wrong token (401). The last test runs the real
// command line (cli/lvsctl.ts) as a child process.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { serviceKeyString } from "@/protocol/dashboard/index.ts";
import type { ApiTokenCreated } from "@/protocol/dashboard/tokens.ts";
import { parseIpvsadmArgs } from "@/protocol/ipvsadm/args.ts";
import { type CliIo, runCommand } from "@/cli/run-command.ts";
import { splitServerArgs } from "@/cli/server-args.ts";
import { runServerMode } from "@/cli/server-mode.ts";
import { TOKEN } from "./agent-ws-harness.ts";
import { GROUP, type Pair, SVC_KEY, startPair } from "./server-ha-pair.ts";
import type { TestServer } from "./server-helpers.ts";

let p: Pair | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function lvsctl(s: TestServer, token: string, line: string[], stdin = ""): Promise<Run> {
  let out = "";
  let err = "";
  const io: CliIo = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    readStdin: async () => stdin,
  };
  const a = splitServerArgs(["--server", s.url, ...line]);
  const code = await runServerMode(parseIpvsadmArgs(a.rest), a, token, io);
  return { code, out, err };
}

/** What lvsctl prints through the agent directly (the break-glass mode) for the same line. */
async function direct(url: string, line: string[]): Promise<string> {
  const c = new AgentClient({ url, token: TOKEN, reconnect: false, heartbeatMs: 0 });
  await c.connect();
  let out = "";
  try {
    await runCommand(parseIpvsadmArgs(line), c, {
      out: (t) => {
        out += t;
      },
      err: () => {},
      readStdin: async () => "",
    });
  } finally {
    c.close();
  }
  return out;
}

async function tokenFor(s: TestServer, role: "viewer" | "operator" | "admin", username: string): Promise<string> {
  const c = role === "admin" ? s : await s.client(role, username);
  const r = await c.api<ApiTokenCreated>("POST", "/api/auth/tokens", { name: `${username} cli` });
  if (r.status !== 201) throw new Error(`token for ${username}: ${r.status}`);
  return r.body.token;
}

const dest = (pair: Pair, i: number, address: string) => pair.agents[i]!.ipvs.services.get(SVC_KEY)?.destinations.find((d) => d.key.address === address);
const weights = (pair: Pair) => pair.agents.map((_a, i) => dest(pair, i, "10.0.0.11")?.config.weight ?? null);

describe("lvsctl --server", () => {
  it("-d prints what the agent mode prints; -g and --all print each director under # headers; --json has the versions", async () => {
    p = await startPair();
    const token = await tokenFor(p.s, "operator", "olga");
    for (const line of [["-Ln"], ["-Ln", "--stats"], ["-Sn"], ["-L", "--timeout"], ["-Ln", "-t", "172.16.0.100:80"]]) {
      const r = await lvsctl(p.s, token, ["-d", "dir1", ...line]);
      expect(r, line.join(" ")).toMatchObject({ code: 0, err: "" });
      expect(r.out).toBe(await direct(p.agents[0]!.h.server.url, line));
    }
    const g = await lvsctl(p.s, token, ["-g", GROUP, "-Ln"]);
    expect(g.code).toBe(0);
    const one = await direct(p.agents[0]!.h.server.url, ["-Ln"]);
    const two = await direct(p.agents[1]!.h.server.url, ["-Ln"]);
    // the MASTER first, as group changes run
    expect(g.out).toBe(`# dir1\n${one}# dir2\n${two}`);
    const all = await lvsctl(p.s, token, ["--all", "-Sn"]);
    expect(all.out).toMatch(/^# dir1\n-A -t 172\.16\.0\.100:80 -s wlc\n[\s\S]*# dir2\n-A -t/);
    const json = JSON.parse((await lvsctl(p.s, token, ["--all", "--json", "-Ln"])).out) as { directors: { director: string; version: string; data: { services: unknown[] } }[] };
    expect(json.directors.map((d) => [d.director, d.version, d.data.services.length])).toEqual([
      ["dir1", p.s.app.fleet.get("dir1").state.version, 2],
      ["dir2", p.s.app.fleet.get("dir2").state.version, 2],
    ]);
    expect((await lvsctl(p.s, token, ["-d", "nope", "-Ln"])).err).toMatch(/nope/);
  });

  it("changes one director through the dashboard: audited under the user's name, a stale --if-version gets the 409 text", async () => {
    p = await startPair();
    const token = await tokenFor(p.s, "operator", "olga");
    const v0 = p.s.app.fleet.get("dir1").state.version;
    expect(await lvsctl(p.s, token, ["-d", "dir1", "-a", "-t", "172.16.0.100:80", "-r", "10.0.0.12:80", "-m", "-w", "2"])).toMatchObject({ code: 0, err: "" });
    expect(dest(p, 0, "10.0.0.12")?.config.weight).toBe(2);
    expect(dest(p, 1, "10.0.0.12")).toBeUndefined();
    const stale = await lvsctl(p.s, token, ["-d", "dir1", "--if-version", v0, "-e", "-t", "172.16.0.100:80", "-r", "10.0.0.11:80", "-w", "9"]);
    expect(stale.code).toBe(255);
    expect(stale.err).toMatch(new RegExp(`the table of director dir1 changed since version ${v0} \\(now [0-9a-f]{16}\\): reload and redo the change`));
    expect(weights(p)).toEqual([5, 5]);
    const now = p.s.app.fleet.get("dir1").state.version;
    expect(await lvsctl(p.s, token, ["-d", "dir1", "--if-version", now, "-e", "-t", "172.16.0.100:80", "-r", "10.0.0.11:80", "-w", "9"])).toMatchObject({ code: 0 });
    expect(weights(p)).toEqual([9, 5]);
    // table-wide verbs: timeouts, zero, restore
    expect((await lvsctl(p.s, token, ["-d", "dir1", "--set", "100", "20", "30"])).code).toBe(0);
    expect((await lvsctl(p.s, token, ["-d", "dir1", "-L", "--timeout"])).out).toBe("Timeout (tcp tcpfin udp): 100 20 30\n");
    expect((await lvsctl(p.s, token, ["-d", "dir1", "-Z"])).code).toBe(0);
    expect((await lvsctl(p.s, token, ["-d", "dir1", "-R"], "-A -t 172.16.0.100:8080 -s rr\n")).code).toBe(0);
    expect([...p.agents[0]!.ipvs.services.keys()].length).toBe(3);
    const rows = p.s.app.db.prepare("SELECT user, action, director, ok FROM audit WHERE user = 'olga' AND action NOT LIKE 'auth.%' AND action NOT LIKE 'group.seed%' AND action NOT LIKE 'director.%' AND action NOT LIKE 'token.%' ORDER BY id").all();
    expect(rows).toEqual([
      { user: "olga", action: "dest.create", director: "dir1", ok: 1 },
      { user: "olga", action: "dest.update", director: "dir1", ok: 0 },
      { user: "olga", action: "dest.update", director: "dir1", ok: 1 },
      { user: "olga", action: "timeouts.set", director: "dir1", ok: 1 },
      { user: "olga", action: "zero", director: "dir1", ok: 1 },
      { user: "olga", action: "rules.import", director: "dir1", ok: 1 },
    ]);
  });

  it("-g changes every member or none: a refusal rolls back and names the member; one audit entry per change", async () => {
    p = await startPair();
    const token = await tokenFor(p.s, "operator", "olga");
    expect(await lvsctl(p.s, token, ["-g", GROUP, "-e", "-t", "172.16.0.100:80", "-r", "10.0.0.11:80", "-w", "7"])).toMatchObject({ code: 0, err: "" });
    expect(weights(p)).toEqual([7, 7]);
    p.agents[1]!.ipvs.failOn = p.agents[1]!.ipvs.mutations + 1;
    const refused = await lvsctl(p.s, token, ["-g", GROUP, "-e", "-t", "172.16.0.100:80", "-r", "10.0.0.11:80", "-w", "3"]);
    expect(refused.code).toBe(255);
    expect(refused.err).toMatch(/group ha: director dir2 refused the change: .*rolled back on dir1/);
    expect(weights(p)).toEqual([7, 7]);
    const stale = await lvsctl(p.s, token, ["-g", GROUP, "--if-version", "0123456789abcdef", "-d", "-t", "172.16.0.100:80", "-r", "10.0.0.11:80"]);
    expect(stale.err).toMatch(/the desired table of group ha changed since version 0123456789abcdef/);
    expect(weights(p)).toEqual([7, 7]);
    expect((await lvsctl(p.s, token, ["-g", GROUP, "--set", "90", "0", "0"])).code).toBe(0);
    for (const a of p.agents) expect((await direct(a.h.server.url, ["-L", "--timeout"]))).toBe("Timeout (tcp tcpfin udp): 90 120 300\n");
    const rows = p.s.app.db.prepare("SELECT user, action, ok FROM audit WHERE action LIKE 'group.%' AND action <> 'group.seed' ORDER BY id").all();
    expect(rows).toEqual([
      { user: "olga", action: "group.dest.update", ok: 1 },
      { user: "olga", action: "group.dest.update", ok: 0 },
      { user: "olga", action: "group.dest.delete", ok: 0 },
      { user: "olga", action: "group.timeouts.set", ok: 1 },
    ]);
  });

  it("-g -R imports on every member or none (a refusal puts the changed ones back); -g -C empties both and the desired table", async () => {
    p = await startPair();
    const token = await tokenFor(p.s, "operator", "olga");
    const counts = () => p!.agents.map((a) => a.ipvs.services.size);
    const before = counts();
    const add = "-A -t 172.16.0.100:8080 -s rr\n-a -t 172.16.0.100:8080 -r 10.0.0.11:8080 -m -w 2\n";
    expect(await lvsctl(p.s, token, ["-g", GROUP, "-R"], add)).toMatchObject({ code: 0, err: "" });
    expect(counts()).toEqual(before.map((n) => n + 1));
    for (const a of p.agents) expect(await direct(a.h.server.url, ["-S", "-n"])).toContain("-a -t 172.16.0.100:8080 -r 10.0.0.11:8080 -m -w 2");
    expect(p.s.app.groups.desired(GROUP)!.desired.map((x) => serviceKeyString(x.key))).toContain("tcp:172.16.0.100:8080");
    // dir2 refuses: dir1 (changed first, the MASTER) is put back
    p.agents[1]!.ipvs.failOn = p.agents[1]!.ipvs.mutations + 1;
    const refused = await lvsctl(p.s, token, ["-g", GROUP, "-R"], "-A -t 172.16.0.100:8081 -s rr\n");
    expect(refused.code).toBe(255);
    expect(refused.err).toMatch(/group ha: director dir2 refused the change: .*rolled back on dir1/);
    expect(counts()).toEqual(before.map((n) => n + 1));
    for (const a of p.agents) expect(await direct(a.h.server.url, ["-S", "-n"])).not.toContain("8081");
    // -C: every member empty, and the desired table with them (no drift to undo it)
    expect(await lvsctl(p.s, token, ["-g", GROUP, "-C"])).toMatchObject({ code: 0, err: "" });
    expect(counts()).toEqual([0, 0]);
    expect(p.s.app.groups.desired(GROUP)!.desired).toEqual([]);
    const rows = p.s.app.db.prepare("SELECT user, action, ok FROM audit WHERE action IN ('group.rules.import', 'group.flush') ORDER BY id").all();
    expect(rows).toEqual([
      { user: "olga", action: "group.rules.import", ok: 1 },
      { user: "olga", action: "group.rules.import", ok: 0 },
      { user: "olga", action: "group.flush", ok: 1 },
    ]);
    // each entry keeps every member's table before and after (as make identical's does)
    const states = p.s.app.db.prepare("SELECT action, before_state, after_state FROM audit WHERE action IN ('group.rules.import', 'group.flush') ORDER BY id").all() as { action: string; before_state: string; after_state: string }[];
    const [imported, , flushed] = states.map((r) => ({ before: JSON.parse(r.before_state) as Record<string, string>, after: JSON.parse(r.after_state) as Record<string, string> }));
    expect(Object.keys(imported!.before).sort()).toEqual(["dir1", "dir2"]);
    expect(imported!.before.dir1).not.toContain("172.16.0.100:8080");
    expect(imported!.after.dir2).toContain("-a -t 172.16.0.100:8080 -r 10.0.0.11:8080 -m -w 2");
    expect(flushed!.before.dir1).toContain("172.16.0.100:8080");
    expect(flushed!.after).toEqual({ dir1: "", dir2: "" });
  });

  it("refuses a change with --all, a viewer's change (403), a revoked or wrong token (401)", async () => {
    p = await startPair();
    const op = await tokenFor(p.s, "operator", "olga");
    const all = await lvsctl(p.s, op, ["--all", "-D", "-t", "172.16.0.100:80"]);
    expect(all.code).toBe(2);
    expect(all.err).toMatch(/--all runs read-only verbs only/);
    const viewer = await tokenFor(p.s, "viewer", "vera");
    expect((await lvsctl(p.s, viewer, ["-d", "dir1", "-Ln"])).code).toBe(0);
    const denied = await lvsctl(p.s, viewer, ["-d", "dir1", "-D", "-t", "172.16.0.100:80"]);
    expect(denied.code).toBe(255);
    expect(denied.err).toMatch(/needs the operator role; vera is viewer/);
    expect((await lvsctl(p.s, viewer, ["-g", GROUP, "-D", "-t", "172.16.0.100:80"])).err).toMatch(/operator role/);
    expect(p.agents.every((a) => a.ipvs.services.size === 2)).toBe(true);
    const wrong = await lvsctl(p.s, `lvsf_${"x".repeat(43)}`, ["-d", "dir1", "-Ln"]);
    expect(wrong).toMatchObject({ code: 2, out: "" });
    expect(wrong.err).toMatch(/API token is not valid/);
    const id = p.s.app.auth.tokens.list(p.s.app.auth.users.byName("olga")!.id)[0]!.id;
    p.s.app.auth.tokens.revoke(p.s.app.auth.users.byName("olga")!.id, id);
    const revoked = await lvsctl(p.s, op, ["-d", "dir1", "-Ln"]);
    expect(revoked.code).toBe(2);
    expect(revoked.err).toMatch(/was revoked/);
  });

  it("the command line: --server with --token-file, -d told from ipvsadm's -d", async () => {
    p = await startPair();
    const token = await tokenFor(p.s, "operator", "olga");
    const dir = mkdtempSync(join(tmpdir(), "lvsctl-server-"));
    try {
      const file = join(dir, "token");
      writeFileSync(file, `${token}\n`, { mode: 0o600 });
      const run = (...args: string[]) =>
        new Promise<Run>((resolve) =>
          execFile(process.execPath, ["--import", "tsx", "cli/lvsctl.ts", ...args], { timeout: 60_000 }, (e, out, err) =>
            resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
          ),
        );
      const listed = await run("--server", p.s.url, "--token-file", file, "-d", "dir1", "-Ln");
      expect(listed).toMatchObject({ code: 0, err: "" });
      expect(listed.out).toBe(await direct(p.agents[0]!.h.server.url, ["-Ln"]));
      const del = await run("--server", p.s.url, "--token-file", file, "-d", "dir2", "-d", "-t", "172.16.0.100:80", "-r", "10.0.0.11:80");
      expect(del).toMatchObject({ code: 0, err: "" });
      expect(weights(p)).toEqual([5, null]);
      const none = await run("--server", p.s.url, "--token-file", file, "-Ln");
      expect(none.code).toBe(2);
      expect(none.err).toMatch(/needs -d DIRECTOR, -g GROUP or --all/);
      expect(listed.err + del.err + none.err).not.toContain(token);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
