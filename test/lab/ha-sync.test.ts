// IPVS connection sync in the ha lab's pair, in the real kernel: the master's established
// entries appear in the backup's `ipvsadm -Lnc` (the sync daemons the agents run), and slow
// downloads through the NAT and the DR VIP, started before `lab fail dir1`, complete through dir2.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DR_VIP, NAT_VIP } from "@/lab/directors.ts";
import { bundleGuestScript } from "@/lab/api.ts";
import { fail, haInstance, haOk, haRun, pairNormal, restorePair, until, vips, vrrpState } from "./lab-ha.ts";

/** the 4 MiB file every real server serves (lab/guest/director-ha.sh) */
const BIG = 4 * 1024 * 1024;
/** bytes/s: about 32 s for the file, long enough to span a failover */
const RATE = 128 * 1024;

interface Entry {
  state: string;
  source: string;
  virtual: string;
  destination: string;
}

async function entries(name: "dir1" | "dir2"): Promise<Entry[]> {
  const out = await haOk(name, ["ipvsadm", "-Lnc"]);
  return out
    .split("\n")
    .slice(2)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 6)
    .map(([, , state, source, virtual, destination]) => ({ state: state!, source: source!, virtual: virtual!, destination: destination! }));
}

const established = (es: Entry[], vip: string) => es.filter((e) => e.state === "ESTABLISHED" && e.virtual === `${vip}:80`);
const key = (e: Entry) => `${e.source} ${e.virtual} ${e.destination}`;

/** A slow download of the big file from client1 (test/lab/guest/slow-download.ts); resolves
 * with its exit code and its JSON line. (curl --limit-rate was seen finishing 4 MiB at 128k in
 * 1.5 s here: it does not hold the connection open long enough.) */
async function slowDownload(vip: string): Promise<{ code: number | null; out: string }> {
  const script = await bundleGuestScript(haInstance(), "test/lab/guest/slow-download.ts");
  const r = await haRun("client1", ["node", script, `http://${vip}/big`, String(RATE), "150000"], { timeoutMs: 180_000 });
  return { code: r.code, out: `${r.stdout}${r.stderr}`.trim() };
}

describe("ha connection sync (the ha lab's pair)", () => {
  beforeAll(async () => {
    await until("dir1 MASTER holding every VIP, dir2 BACKUP", pairNormal, 30_000, 250);
  }, 60_000);
  afterAll(async () => {
    await restorePair();
  }, 240_000);

  it("the backup's ipvsadm -Lnc lists the master's established entries; downloads started before `fail dir1` complete through dir2 (NAT and DR)", async () => {
    const downloads = [NAT_VIP, DR_VIP].map((vip) => ({ vip, done: slowDownload(vip) }));
    // both downloads established through dir1, and their entries synced to dir2 (an entry of
    // an earlier test may still be expiring in dir1's table: each VIP needs one live match)
    let synced: Entry[] = [];
    let seen = "";
    await until(
      "dir2 lists dir1's established entries of both VIPs",
      async () => {
        const master = await entries("dir1");
        const backupEntries = await entries("dir2");
        seen = `dir1:\n${master.map((e) => `${e.state} ${key(e)}`).join("\n")}\ndir2:\n${backupEntries.map((e) => `${e.state} ${key(e)}`).join("\n")}`;
        // the backup's copy keeps the master's addresses; its state label is its own (a DR
        // entry ESTABLISHED on the master was seen as FIN_WAIT on the backup)
        const backup = new Set(backupEntries.map(key));
        synced = [NAT_VIP, DR_VIP].flatMap((vip) => established(master, vip).filter((e) => backup.has(key(e))));
        return [NAT_VIP, DR_VIP].every((vip) => synced.some((e) => e.virtual === `${vip}:80`));
      },
      20_000,
      250,
    ).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; last seen:\n${seen}`);
    });
    console.log(`ha sync: dir2 holds dir1's established entries:\n${synced.map(key).join("\n")}`);
    expect(await vrrpState("dir2")).toBe("BACKUP");

    await fail("dir1", "links");
    await until("dir2 holding every VIP", async () => (await vips("dir2")).length === 3, 20_000, 100);
    const statsAtFail = await haOk("dir2", ["ipvsadm", "-Ln", "--stats"]);
    for (const d of downloads) {
      const r = await d.done;
      console.log(`ha sync: download through ${d.vip} across the failover: exit ${r.code}, ${r.out}`);
      expect(r.code, `curl through ${d.vip}: ${r.out}`).toBe(0);
      const got = JSON.parse(r.out.split("\n").at(-1)!) as { status: number; bytes: number; ms: number };
      expect(got.status).toBe(200);
      expect(got.bytes).toBe(BIG);
    }
    // and dir2 carried them: its services counted the packets of the rest of the downloads
    const inPkts = (stats: string, vip: string) => Number(new RegExp(`^TCP\\s+${vip.replaceAll(".", "\\.")}:80\\s+\\d+\\s+(\\d+)`, "m").exec(stats)?.[1] ?? Number.NaN);
    const statsAfter = await haOk("dir2", ["ipvsadm", "-Ln", "--stats"]);
    for (const vip of [NAT_VIP, DR_VIP]) expect(inPkts(statsAfter, vip), `dir2's InPkts of ${vip}`).toBeGreaterThan(inPkts(statsAtFail, vip));
  }, 240_000);
});
