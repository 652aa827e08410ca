// IPVS connection sync in the ha lab's pair, in the real kernel: the master's established
// entries appear in the backup's `ipvsadm -Lnc` (the sync daemons the agents run), and slow
// downloads through the NAT and the DR VIP, started before `lab fail dir1`, complete through dir2.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DR_VIP, NAT_VIP } from "../../lab/directors.ts";
import { fail, haOk, haRun, pairNormal, restorePair, until, vips, vrrpState } from "./lab-ha.ts";

/** the 4 MiB file every real server serves (lab/guest/director-ha.sh) */
const BIG = 4 * 1024 * 1024;
/** bytes/s: about 16 s for the file, long enough to span a failover */
const RATE = "256k";

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

/** A rate-limited download of the big file from client1; resolves with curl's -w line. */
function slowDownload(vip: string): Promise<{ code: number | null; out: string }> {
  return haRun("client1", ["curl", "-sS", "--limit-rate", RATE, "--max-time", "120", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", `http://${vip}/big`], {
    timeoutMs: 150_000,
  }).then((r) => ({ code: r.code, out: `${r.stdout}${r.stderr}`.trim() }));
}

describe("ha connection sync (the ha lab's pair)", () => {
  beforeAll(async () => {
    await until("dir1 MASTER holding every VIP, dir2 BACKUP", pairNormal, 30_000, 250);
  }, 60_000);
  afterAll(async () => {
    await restorePair();
  }, 120_000);

  it("the backup's ipvsadm -Lnc lists the master's established entries; downloads started before `fail dir1` complete through dir2 (NAT and DR)", async () => {
    const downloads = [NAT_VIP, DR_VIP].map((vip) => ({ vip, done: slowDownload(vip) }));
    // both downloads established through dir1, and their entries synced to dir2
    let master: Entry[] = [];
    await until(
      "dir2 lists dir1's established entries of both VIPs",
      async () => {
        master = await entries("dir1");
        const backup = new Set((await entries("dir2")).filter((e) => e.state === "ESTABLISHED").map(key));
        return [NAT_VIP, DR_VIP].every((vip) => established(master, vip).length > 0 && established(master, vip).every((e) => backup.has(key(e))));
      },
      20_000,
      250,
    );
    console.log(`ha sync: dir2 holds dir1's established entries:\n${[NAT_VIP, DR_VIP].flatMap((v) => established(master, v).map(key)).join("\n")}`);
    expect(await vrrpState("dir2")).toBe("BACKUP");

    await fail("dir1", "links");
    await until("dir2 holding every VIP", async () => (await vips("dir2")).length === 3, 20_000, 100);
    const statsAtFail = await haOk("dir2", ["ipvsadm", "-Ln", "--stats"]);
    for (const d of downloads) {
      const r = await d.done;
      console.log(`ha sync: download through ${d.vip} across the failover: exit ${r.code}, ${r.out}`);
      expect(r.code, `curl through ${d.vip}: ${r.out}`).toBe(0);
      expect(r.out).toBe(`200 ${BIG}`);
    }
    // and dir2 carried them: its services counted the packets of the rest of the downloads
    const inPkts = (stats: string, vip: string) => Number(new RegExp(`^TCP\\s+${vip.replaceAll(".", "\\.")}:80\\s+\\d+\\s+(\\d+)`, "m").exec(stats)?.[1] ?? Number.NaN);
    const statsAfter = await haOk("dir2", ["ipvsadm", "-Ln", "--stats"]);
    for (const vip of [NAT_VIP, DR_VIP]) expect(inPkts(statsAfter, vip), `dir2's InPkts of ${vip}`).toBeGreaterThan(inPkts(statsAtFail, vip));
  }, 240_000);
});
