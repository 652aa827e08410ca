// lvsctl --server against the real dashboard server (in-process, as server-rollback.test.ts
// runs it) linked to the ha lab's two agents, registered as the HA group "ha-pair" (dir1 and
// dir2 hold the same rules, VRRP by keepalived). lvsctl is the real command line
// (cli/lvsctl.ts, a child process) with a personal API token; the real ipvsadm in each
// director's namespace is the oracle (issue 13 item 1):
// - `-d dir1 -Ln` (and -Sn) prints what `ipvsadm -Ln` prints in dir1;
// - `-g ha-pair -e ...` changes the real server on both members (ipvsadm on both);
// - a stale `--if-version` is refused with the dashboard's 409 text and changes no kernel;
// - a `-g` change one member refuses is rolled back on the other and names the member;
// - `-g -R` imports on both members (a member's refusal puts the other back: both kernels as
//   before), `-g -C` empties both kernels.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardLogin, sessionApi } from "@/lab/dashboard.ts";
import { defaultRules } from "@/lab/directors.ts";
import type { ApiTokenCreated } from "@/protocol/dashboard/tokens.ts";
import { type RunningServer, createServer } from "@/server/http/server.ts";
import { haDirector, haOk, haState, pairNormal, until } from "./lab-ha.ts";

const ADMIN = { username: "admin", password: "lvsctl-server-admin-password" };
const GROUP = "ha-pair";
const MEMBERS = ["dir1", "dir2"] as const;
const NAT = "172.16.0.100:80";
let server: RunningServer;
let dataDir: string;
let token = "";
let session = { cookie: "", csrf: "" };

interface Run {
  code: number;
  out: string;
  err: string;
}

/** The real command line, as an operator runs it (token from LVSCTL_API_TOKEN). */
function lvsctl(...args: string[]): Promise<Run> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ["--import", "tsx", "cli/lvsctl.ts", "--server", server.url, ...args],
      { timeout: 90_000, env: { ...process.env, LVSCTL_API_TOKEN: token } },
      (e, out, err) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err }),
    ),
  );
}

const api = sessionApi(() => ({ url: server.url, session }));

const save = (d: string) => haOk(d, ["ipvsadm", "-S", "-n"]);
const saves = () => Promise.all(MEMBERS.map(save));
const rs1Weight = (s: string) => Number(/-a -t 172\.16\.0\.100:80 -r 10\.0\.0\.11:80 -m -w (\d+)/.exec(s)?.[1] ?? Number.NaN);

/** The server's view of a director follows its kernel (a re-list after each change). */
const viewWeight = (d: string) => server.app.fleet.get(d).state.services.get(`tcp:${NAT}`)?.destinations.get("10.0.0.11:80")?.config.weight;

async function resetRules(): Promise<void> {
  for (const d of MEMBERS) {
    await haOk(d, ["ipvsadm", "-C"]);
    await haOk(d, ["ipvsadm", "-R"], { stdin: defaultRules("ha", haState().realServers) });
  }
}

describe("lvsctl --server through the dashboard (real kernel, ha lab)", () => {
  beforeAll(async () => {
    await until("dir1 MASTER holding every VIP, dir2 BACKUP", pairNormal, 60_000, 250);
    // another file may have left its rules: both members start from the lab's default table
    await resetRules();
    dataDir = mkdtempSync(join(tmpdir(), "lvsctl-server-"));
    // The links' heartbeat is given 10 s instead of the default 2.5 s: the agents run in a TCG
    // guest on a loaded 2-core host, and each lvsctl child process (tsx) takes a core for
    // seconds, so a pong can come late without the link being broken; a dropped link would fail
    // the request in flight ("connection to the agent was lost"), which is not what is tested.
    server = await createServer({ port: 0, dataDir, auth: { initialAdmin: ADMIN }, link: { heartbeatMs: 2000, heartbeatTimeoutMs: 10_000, statsIntervalMs: 5000 } });
    session = await dashboardLogin({ url: server.url, admin: ADMIN });
    for (const name of MEMBERS) {
      const d = haDirector(name);
      const r = await api("POST", "/api/directors", { name, url: d.agentUrl, token: d.agentToken, group: GROUP });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      await until(`${name} online`, async () => server.app.fleet.get(name).online, 60_000, 200);
    }
    const t = await api<ApiTokenCreated>("POST", "/api/auth/tokens", { name: "lab lvsctl" });
    expect(t.status).toBe(201);
    token = t.body.token;
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await resetRules();
  }, 120_000);

  it("-d dir1 -Ln (and -Sn) prints what ipvsadm -Ln prints in dir1; -d dir2 likewise", async () => {
    for (const d of MEMBERS) {
      const ln = await lvsctl("-d", d, "-Ln");
      expect(ln.err).toBe("");
      expect(ln.code).toBe(0);
      expect(ln.out).toBe(await haOk(d, ["ipvsadm", "-Ln"]));
      const sn = await lvsctl("-d", d, "-Sn");
      expect(sn.code).toBe(0);
      expect(sn.out).toBe(await save(d));
    }
    // a group read: each member under its "# name" header, MASTER (dir1) first
    const g = await lvsctl("-g", GROUP, "-Sn");
    expect(g.code).toBe(0);
    const [s1, s2] = await saves();
    expect(g.out).toBe(`# dir1\n${s1}# dir2\n${s2}`);
  });

  it("-g ha-pair -e changes the real server on both members; audited as the token's user", async () => {
    const before = await saves();
    expect(before.map(rs1Weight)).toEqual([1, 1]);
    const r = await lvsctl("-g", GROUP, "-e", "-t", NAT, "-r", "10.0.0.11:80", "-m", "-w", "7");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const after = await saves();
    expect(after.map(rs1Weight)).toEqual([7, 7]);
    // nothing else moved
    for (const i of [0, 1]) expect(after[i]!.replace(/-w 7/, "-w 1")).toBe(before[i]);
    const audit = await api<{ user: string; action: string; ok: boolean | null }[]>("GET", "/api/audit?action=group.dest.update");
    expect(audit.body[0]).toMatchObject({ user: ADMIN.username, action: "group.dest.update", ok: true });
  });

  it("a stale --if-version gets the 409 text and changes no kernel (-d and -g)", async () => {
    const json = JSON.parse((await lvsctl("-d", "dir1", "--json", "-Ln")).out) as { directors: { director: string; version: string }[] };
    const v0 = json.directors[0]!.version;
    expect(v0).toMatch(/^[0-9a-f]{16}$/);
    // a change after that read makes v0 stale
    expect((await lvsctl("-d", "dir1", "--if-version", v0, "-e", "-t", NAT, "-r", "10.0.0.11:80", "-m", "-w", "8")).code).toBe(0);
    await until("the server's view of dir1 at weight 8", async () => viewWeight("dir1") === 8, 20_000, 100);
    const before = await saves();
    expect(before.map(rs1Weight)).toEqual([8, 7]);
    const stale = await lvsctl("-d", "dir1", "--if-version", v0, "-e", "-t", NAT, "-r", "10.0.0.11:80", "-m", "-w", "9");
    expect(stale.code).toBe(255);
    expect(stale.err).toMatch(new RegExp(`the table of director dir1 changed since version ${v0} \\(now [0-9a-f]{16}\\): reload and redo the change`));
    expect(await saves()).toEqual(before);
    const gStale = await lvsctl("-g", GROUP, "--if-version", "0123456789abcdef", "-e", "-t", NAT, "-r", "10.0.0.11:80", "-m", "-w", "9");
    expect(gStale.code).toBe(255);
    expect(gStale.err).toMatch(/the desired table of group ha-pair changed since version 0123456789abcdef/);
    expect(await saves()).toEqual(before);
  });

  it("a -g change one member refuses: rolled back on the other, the member named, both kernels as before", async () => {
    // a service made by hand on dir2 only: creating it group-wide is refused there, after
    // dir1 (the MASTER, changed first) already has it
    await haOk("dir2", ["ipvsadm", "-A", "-t", "172.16.0.100:443", "-s", "rr"]);
    try {
      const before = await saves();
      const r = await lvsctl("-g", GROUP, "-A", "-t", "172.16.0.100:443", "-s", "wlc");
      expect(r.code).toBe(255);
      expect(r.err).toMatch(/group ha-pair: director dir2 refused the change: .*; rolled back on dir1; the group's desired table is unchanged/);
      expect(await saves()).toEqual(before);
    } finally {
      await haOk("dir2", ["ipvsadm", "-D", "-t", "172.16.0.100:443"]);
    }
  });

  /** lvsctl with the text on its standard input (-R). */
  const restore = (text: string, ...args: string[]) =>
    new Promise<Run>((resolve) => {
      const child = execFile(
        process.execPath,
        ["--import", "tsx", "cli/lvsctl.ts", "--server", server.url, ...args, "-R"],
        { timeout: 90_000, env: { ...process.env, LVSCTL_API_TOKEN: token } },
        (e, out, err) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err }),
      );
      child.stdin?.end(text);
    });

  it("-g -R imports on both members, or on none when one refuses; -g -C empties both kernels", async () => {
    try {
      const ok = await restore("-A -t 172.16.0.199:80 -s rr\n-a -t 172.16.0.199:80 -r 10.0.0.12:80 -m -w 3\n", "-g", GROUP);
      expect(ok).toMatchObject({ code: 0, err: "" });
      for (const s of await saves()) expect(s).toContain("-a -t 172.16.0.199:80 -r 10.0.0.12:80 -m -w 3");
      // a service made by hand on dir1 only: adding a real server to it works on dir1 (the
      // MASTER, first) and is refused on dir2, so dir1 is put back
      await haOk("dir1", ["ipvsadm", "-A", "-t", "172.16.0.198:80", "-s", "rr"]);
      const before = await saves();
      const refused = await restore("-a -t 172.16.0.198:80 -r 10.0.0.11:80 -m -w 1\n", "-g", GROUP);
      expect(refused.code).toBe(255);
      expect(refused.err).toMatch(/group ha-pair: director dir2 refused the change: .*rolled back on dir1/);
      expect(await saves()).toEqual(before);
      const flush = await lvsctl("-g", GROUP, "-C");
      expect(flush).toMatchObject({ code: 0, err: "" });
      for (const d of MEMBERS) expect((await haOk(d, ["ipvsadm", "-S", "-n"])).trim()).toBe("");
    } finally {
      await resetRules();
    }
  });
});
