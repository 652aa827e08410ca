// Issue 16 item 1 on the real kernel: a Replace import that changes one weight applies only
// that change (the service's and every real server's counters in `ipvsadm -Ln --stats --exact`
// survive it; a flush and rebuild would zero them), and a Merge import of the exported text with
// one -w changed applies as its preview said (add or update, no "already exists"). Both go
// through the agent's rules.import exactly as the dashboard's server sends them
// (server/http/routes-rules.ts: existing "update", a dry run for the preview). ipvsadm is the
// oracle. Director 1, reset to the lab's defaults at the end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NAT_VIP } from "@/lab/directors.ts";
import type { AgentClient } from "@/protocol/node/agent-client.ts";
import { connectAgent, director, ipvsadm, quiet, resetRules, sh } from "./lab.ts";

const d = director(1);
const CLIENT = `${d.name}-c`;
const RS = "10.0.0.12:80";
const REQUESTS = 9;
let client: AgentClient;

/** `ipvsadm -Ln --stats --exact`: every service and real server row with its five counters */
async function stats(): Promise<string[]> {
  const out = await ipvsadm(d.name, "-Ln", "--stats", "--exact");
  return out.split("\n").filter((l) => /^(TCP|UDP|SCTP|FWM)\s|^\s+->\s+\d/.test(l)).map((l) => l.trim().replace(/\s+/g, " "));
}

/** the NAT service's Conns (the first counter of its row) */
function serviceConns(rows: string[]): number {
  const row = rows.find((r) => r.startsWith(`TCP ${NAT_VIP}:80 `));
  if (!row) throw new Error(`no TCP ${NAT_VIP}:80 row in ipvsadm --stats: ${rows.join(" | ")}`);
  return Number(row.split(" ")[2]);
}

function weightOf(save: string, rs: string): number | null {
  const m = new RegExp(`^-a -t ${NAT_VIP.replace(/\./g, "\\.")}:80 -r ${rs.replace(/\./g, "\\.")} \\S+ -w (\\d+)`, "m").exec(save);
  return m ? Number(m[1]) : null;
}

/** the exported text (the dashboard's Export: the agent's rules.export) with RS's -w set to w */
async function exportedWithWeight(w: number): Promise<string> {
  const out = await client.request("rules.export", { format: "ipvsadm" });
  if (out.format === "json") throw new Error("rules.export answered json for format ipvsadm");
  const line = new RegExp(`^(-a -t ${NAT_VIP.replace(/\./g, "\\.")}:80 -r ${RS.replace(/\./g, "\\.")} \\S+) -w \\d+`, "m");
  expect(out.text).toMatch(line);
  return out.text.replace(line, `$1 -w ${w}`);
}

const request = (text: string, mode: "replace" | "merge", dryRun: boolean) =>
  client.request("rules.import", { source: { format: "ipvsadm", text }, mode, dryRun, existing: "update" }, { deadlineMs: 120_000 });

beforeAll(async () => {
  await quiet(d.name);
  await resetRules(d.name);
  client = await connectAgent(d);
  await sh(CLIENT, `for i in $(seq ${REQUESTS}); do busybox wget -q -O /dev/null http://${NAT_VIP}/; done`);
  // the kernel folds per-CPU counters on its 2 s estimator tick
  const deadline = Date.now() + 10_000;
  while (serviceConns(await stats()) !== REQUESTS) {
    if (Date.now() > deadline) throw new Error(`ipvsadm --stats never showed ${REQUESTS} conns: ${(await stats()).join(" | ")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 120_000);

afterAll(async () => {
  client?.close();
  await resetRules(d.name);
});

/** one update of RS, weight before → after, nothing else */
function expectOneWeightChange(changes: { action: string; destination?: unknown; before?: unknown; after?: unknown }[], from: number, to: number) {
  expect(changes).toHaveLength(1);
  const [c] = changes;
  expect(c!.action).toBe("update");
  expect(c!.destination).toMatchObject({ address: RS.split(":")[0], port: 80 });
  expect(c!.before).toMatchObject({ weight: from });
  expect(c!.after).toMatchObject({ weight: to });
}

describe("rules import of a one-weight change on the real kernel", () => {
  it("replace: the preview is one change, the apply sets the weight and leaves every counter as it was", async () => {
    const statsBefore = await stats();
    expect(serviceConns(statsBefore)).toBe(REQUESTS);
    const saveBefore = await ipvsadm(d.name, "-S", "-n");
    expect(weightOf(saveBefore, RS)).toBe(1);
    const text = await exportedWithWeight(4);

    const preview = await request(text, "replace", true);
    expect(preview.errors).toEqual([]);
    expectOneWeightChange(preview.changes, 1, 4);
    expect(await ipvsadm(d.name, "-S", "-n")).toBe(saveBefore);

    const applied = await request(text, "replace", false);
    expect(applied).toMatchObject({ applied: true, errors: [] });
    expectOneWeightChange(applied.changes, 1, 4);
    const saveAfter = await ipvsadm(d.name, "-S", "-n");
    expect(weightOf(saveAfter, RS)).toBe(4);
    // only that line differs, and in the same order (a rebuilt table may hash differently)
    expect(saveAfter).toBe(saveBefore.replace(new RegExp(`(-r ${RS.replace(/\./g, "\\.")} \\S+) -w 1`), "$1 -w 4"));
    // a flush + rebuild zeroes the counters; wait past an estimator tick so a reset would show
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await stats()).toEqual(statsBefore);
  });

  it("merge of the exported text with one -w changed: applies what the preview said, no 'already exists'", async () => {
    const statsBefore = await stats();
    const text = await exportedWithWeight(2);
    const preview = await request(text, "merge", true);
    expect(preview.errors).toEqual([]);
    expectOneWeightChange(preview.changes, 4, 2);

    const applied = await request(text, "merge", false);
    expect(JSON.stringify(applied.errors)).not.toMatch(/already exists/i);
    expect(applied).toMatchObject({ applied: true, errors: [] });
    expect(applied.changes).toEqual(preview.changes);
    const save = await ipvsadm(d.name, "-S", "-n");
    expect(weightOf(save, RS)).toBe(2);
    // every other real server still at the lab's weight 1
    const others = save.split("\n").filter((l) => l.startsWith("-a ") && !l.includes(`-t ${NAT_VIP}:80 -r ${RS} `));
    expect(others.length).toBeGreaterThan(0);
    for (const l of others) expect(l).toMatch(/ -w 1$/);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await stats()).toEqual(statsBefore);
  });
});
