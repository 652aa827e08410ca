// Sync daemons switched with VRRP (agent/ha/sync.ts) on the fake IpvsClient, and the atomic
// write that keepalived.conf and the spec file go through.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomic } from "@/agent/ha/atomic-write.ts";
import { switchSync, wantedSync } from "@/agent/ha/sync.ts";
import type { VrrpState } from "@/protocol/ha.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";

const SYNC = { interface: "br0", syncId: 7 };

describe("wantedSync", () => {
  it("MASTER anywhere wins, then BACKUP/FAULT, else none", () => {
    const st = fc.constantFrom<VrrpState>("MASTER", "BACKUP", "FAULT", "STOP", "UNKNOWN");
    fc.assert(
      fc.property(fc.array(st, { maxLength: 5 }), (states) => {
        const w = wantedSync(states);
        if (states.includes("MASTER")) expect(w).toBe("master");
        else if (states.includes("BACKUP") || states.includes("FAULT")) expect(w).toBe("backup");
        else expect(w).toBe("none");
      }),
    );
  });
});

describe("switchSync", () => {
  it("backup -> master -> none, each time the other daemon stopped first", async () => {
    const ipvs = new FakeIpvs();
    let s = await switchSync(ipvs, SYNC, "backup");
    expect(s).toEqual({ wanted: "backup", daemons: [{ state: "backup", mcastInterface: "br0", syncId: 7 }], error: null });
    s = await switchSync(ipvs, SYNC, "master");
    expect(ipvs.calls).toEqual(["startDaemon", "stopDaemon", "startDaemon"]);
    expect(s.daemons).toEqual([{ state: "master", mcastInterface: "br0", syncId: 7 }]);
    // already right: nothing sent
    await switchSync(ipvs, SYNC, "master");
    expect(ipvs.calls).toHaveLength(3);
    s = await switchSync(ipvs, SYNC, "none");
    expect(s).toEqual({ wanted: "none", daemons: [], error: null });
  });

  it("a daemon with another syncid or interface is replaced", async () => {
    const ipvs = new FakeIpvs();
    ipvs.daemons = [{ state: "master", mcastInterface: "eth9", syncId: 1 }];
    const s = await switchSync(ipvs, SYNC, "master");
    expect(s.daemons).toEqual([{ state: "master", mcastInterface: "br0", syncId: 7 }]);
  });

  it("a refused step is reported, the others still run", async () => {
    const ipvs = new FakeIpvs({ failOn: 2 });
    ipvs.daemons = [{ state: "backup", mcastInterface: "br0", syncId: 7 }, { state: "master", mcastInterface: "br0", syncId: 3 }];
    const s = await switchSync(ipvs, SYNC, "none");
    expect(s.error).toMatch(/^stop the master sync daemon: /);
    expect(s.daemons).toEqual([{ state: "master", mcastInterface: "br0", syncId: 3 }]);
  });
});

describe("writeFileAtomic", () => {
  const dir = mkdtempSync(join(tmpdir(), "ha-atomic-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the directory, writes 0600, replaces the content, leaves no temp file", async () => {
    const f = join(dir, "sub", "keepalived.conf");
    await writeFileAtomic(f, "one\n");
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "sub")).mode & 0o777).toBe(0o700);
    const ino = statSync(f).ino;
    await writeFileAtomic(f, "two\n");
    expect(readFileSync(f, "utf8")).toBe("two\n");
    // a new inode: a reader holding the old file never sees a mix
    expect(statSync(f).ino).not.toBe(ino);
    expect(readdirSync(join(dir, "sub"))).toEqual(["keepalived.conf"]);
  });

  it("a failing check leaves the old file as it was, and no temp file", async () => {
    const f = join(dir, "kept.conf");
    writeFileSync(f, "old\n");
    let seen = "";
    await expect(
      writeFileAtomic(f, "new\n", 0o600, async (tmp) => {
        seen = readFileSync(tmp, "utf8");
        throw new Error("keepalived -t said no");
      }),
    ).rejects.toThrow(/said no/);
    expect(seen).toBe("new\n");
    expect(readFileSync(f, "utf8")).toBe("old\n");
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(existsSync(join(dir, "never.conf"))).toBe(false);
  });
});
