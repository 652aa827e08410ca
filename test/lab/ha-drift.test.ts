// Drift of an HA pair with the real kernel and the lab's real agents (the ha topology): the
// dashboard server (in-process, without Next) links to dir1 and dir2 as one group; a weight
// changed by hand with `ipvsadm -e` on dir2 shows as drift within 5 s with the ipvsadm-save
// diff; the preview of "Make identical" lists one real-server update, the run applies exactly
// that one change, and `ipvsadm -S -n` (the oracle) is byte-identical on both directors
// afterwards. (That the rest's counters survive is checked in test/unit/server-ha-drift.test.ts:
// the backup carries no traffic of its own here, so its counters are 0 either way.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GroupDrift, GroupsView, MakeIdenticalResult } from "@/protocol/dashboard/index.ts";
import { type RunningServer, createServer } from "@/server/http/server.ts";
import { ADMIN, type Client, login } from "../unit/server-helpers.ts";
import { haDirector, haOk, restorePair, until } from "./lab-ha.ts";

const GROUP = "ha-pair";
let server: RunningServer;
let dataDir: string;
let admin: Client;

const save = (name: string) => haOk(name, ["ipvsadm", "-S", "-n"]);

async function group(): Promise<GroupsView["groups"][string]> {
  const r = await admin.api<GroupsView>("GET", "/api/groups");
  return GroupsView.parse(r.body).groups[GROUP]!;
}

describe("HA drift against the real kernel", () => {
  beforeAll(async () => {
    await restorePair();
    dataDir = mkdtempSync(join(tmpdir(), "server-ha-lab-"));
    server = await createServer({ port: 0, dataDir, auth: { initialAdmin: ADMIN }, link: { statsIntervalMs: 1000 } });
    admin = await login(server.url, ADMIN.username, ADMIN.password);
    for (const name of ["dir1", "dir2"] as const) {
      const d = haDirector(name);
      const r = await admin.api("POST", "/api/directors", { name, url: d.agentUrl, token: d.agentToken, group: GROUP });
      expect(r.status).toBe(201);
    }
    await until("both online and the group seeded", async () => server.app.fleet.get("dir1").online && server.app.fleet.get("dir2").online && server.app.groups.desired(GROUP) !== null, 30_000, 200);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await restorePair();
  }, 120_000);

  it("ipvsadm -e on dir2 is drift within 5 s; make identical (previewed) makes ipvsadm -S -n byte-identical", async () => {
    const g0 = await group();
    // seeded from the VRRP MASTER, and both directors carry the lab's default table
    expect(g0.desired).toMatchObject({ source: "seeded-master", from: "dir1" });
    expect(g0.master).toBe("dir1");
    expect(g0.members.dir1!.drift).toBe("in_sync");
    expect(g0.members.dir2!.drift).toBe("in_sync");
    const before = await save("dir1");
    expect(await save("dir2")).toBe(before);

    // a real server line of the saved table, edited by hand on dir2 with another weight
    const line = before.split("\n").find((l) => l.startsWith("-a "))!;
    const weight = Number(/ -w (\d+)/.exec(line)![1]);
    const edited = line.replace(/^-a /, "-e ").replace(/ -w \d+/, ` -w ${weight + 7}`);
    const t0 = Date.now();
    await haOk("dir2", ["ipvsadm", ...edited.split(" ")]);
    const ms = await until("drift of dir2 on the server", async () => (await group()).members.dir2!.drift === "drifted", 5_000, 100);
    console.log(`drift shown ${ms} ms after ipvsadm -e (${Date.now() - t0} ms with the edit)`);
    const g1 = await group();
    expect(g1.drifted).toEqual(["dir2"]);
    expect(g1.members.dir2!.changes).toBe(1);

    const drift = GroupDrift.parse((await admin.api("GET", `/api/groups/${GROUP}/drift`)).body);
    expect(drift.members.dir2!.status, JSON.stringify(drift.members.dir2)).toBe("drifted");
    const changedLine = line.replace(/ -w \d+/, ` -w ${weight + 7}`);
    expect(drift.members.dir2!.diff).toEqual([`-${changedLine}`, `+${line}`]);
    expect(drift.members.dir1!.status).toBe("in_sync");

    const preview = MakeIdenticalResult.parse((await admin.api("POST", `/api/groups/${GROUP}/identical`, { dryRun: true })).body);
    expect(preview.members.dir2!.status).toBe("would_change");
    expect(preview.members.dir2!.changes.map((c) => c.action)).toEqual(["update"]);
    expect(await save("dir2")).toContain(changedLine);

    const run = MakeIdenticalResult.parse((await admin.api("POST", `/api/groups/${GROUP}/identical`, {})).body);
    expect(run.members.dir2).toMatchObject({ status: "changed", applied: 1, error: null });
    expect(run.members.dir2!.changes).toEqual(preview.members.dir2!.changes);
    expect(run.members.dir1!.status).toBe("unchanged");
    const [s1, s2] = [await save("dir1"), await save("dir2")];
    expect(s2).toBe(s1);
    expect(s1).toBe(before);
    await until("in sync again", async () => (await group()).members.dir2!.drift === "in_sync", 5_000, 100);
  }, 120_000);
});
