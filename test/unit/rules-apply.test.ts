// applyRules against an interface-level fake that fails on the Nth mutating call: after a
// failure the table (configs and server order) is exactly what it was before.
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { RulesApplyError, RulesValidationError, applyRules, previewRules } from "@/agent/rules/apply.ts";
import { applyAndSave, restoreRules, saveRules } from "@/agent/rules/save-file.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { formatSave, parseRestore } from "@/protocol/ipvsadm/save.ts";
import { serviceRulesArb } from "./ipvsadm-arbitraries.ts";
import { BatchingFakeIpvs, FakeIpvs } from "./agent-ws-fakes.ts";

async function seeded(rules: ServiceRules[], batching = false): Promise<FakeIpvs> {
  const c = batching ? new BatchingFakeIpvs({ kernelOrder: true }) : new FakeIpvs({ kernelOrder: true });
  for (const s of rules) {
    await c.createService({ key: s.key, config: s.config });
    for (const d of [...s.destinations].reverse()) await c.createDestination(s.key, d);
  }
  c.mutations = 0;
  c.calls = [];
  return c;
}

const state = async (c: FakeIpvs) => ({ services: await c.listServices(), timeouts: await c.getTimeouts() });
const ops = (text: string) => {
  const p = parseRestore(text);
  expect(p.errors).toEqual([]);
  return p.operations;
};

describe("applyRules", () => {
  it("replace mode: the table becomes the rule set, or stays as it was when the Nth call fails", async () => {
    await fc.assert(
      fc.asyncProperty(serviceRulesArb(4, 4), serviceRulesArb(4, 4), fc.integer({ min: 1, max: 40 }), async (live, proposed, n) => {
        const client = await seeded(live);
        const before = await state(client);
        const lines = ops(formatSave(proposed, { thresholds: true }) + "--set 10 0 30\n");
        client.failOn = n;
        try {
          await applyRules(client, lines, "replace");
          expect(n).toBeGreaterThan(client.mutations);
          // same rules; the server order follows the order of the lines, so compare as sets
          const lineSet = (r: ServiceRules[]) => formatSave(r, { thresholds: true, sort: false }).split("\n").sort();
          expect(lineSet(await client.listServices())).toEqual(lineSet(proposed));
          expect(client.timeouts).toEqual({ tcp: 10, tcpFin: 120, udp: 30 });
        } catch (e) {
          if (!(e instanceof RulesApplyError)) throw e;
          expect(e.rolledBack).toBe(true);
          expect(e.rollbackErrors).toEqual([]);
          expect(e.kernelMessage).toMatch(/^Invalid operation/);
          expect(await state(client)).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("batched (several changes per write, the kernel going on after a refusal): same all-or-nothing outcome", async () => {
    await fc.assert(
      fc.asyncProperty(serviceRulesArb(4, 4), serviceRulesArb(4, 4), fc.integer({ min: 1, max: 40 }), fc.boolean(), async (live, proposed, n, replace) => {
        const client = (await seeded(live, true)) as BatchingFakeIpvs;
        const before = await state(client);
        const lines = ops(formatSave(proposed, { thresholds: true }) + "--set 10 0 30\n");
        client.failOn = n;
        const lineSet = (r: ServiceRules[]) => formatSave(r, { thresholds: true, sort: false }).split("\n").sort();
        try {
          const report = await applyRules(client, lines, replace ? "replace" : "merge");
          expect(n).toBeGreaterThan(client.mutations);
          expect(client.batches).toBeGreaterThan(0);
          expect(lineSet(await client.listServices())).toEqual(lineSet(report.expected));
        } catch (e) {
          if (e instanceof RulesValidationError && !replace) {
            expect(client.mutations).toBe(0); // a merge that clashes with the live table
            return;
          }
          if (!(e instanceof RulesApplyError)) throw e;
          expect(e.rolledBack).toBe(true);
          expect(await state(client)).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("merge mode: edits and deletes are undone in reverse on failure", async () => {
    const live = ops(`-A -t 10.0.0.1:80 -s rr -p 60
-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1
-a -t 10.0.0.1:80 -r 10.0.0.3:80 -g -w 1
-a -t 10.0.0.1:80 -r 10.0.0.4:8080 -m -w 7 -x 10 -y 5
-A -u 10.0.0.9:53 -s sh -b sh-port
-a -u 10.0.0.9:53 -r 10.0.0.2:53 -i -w 2 --tun-type gue --tun-port 6080 --tun-csum`);
    const change = ops(`-E -t 10.0.0.1:80 -s wrr
-e -t 10.0.0.1:80 -r 10.0.0.4:8080 -w 0
-d -t 10.0.0.1:80 -r 10.0.0.3
-D -u 10.0.0.9:53
-A -f 5 -s lc
-a -f 5 -r 10.0.0.8:0 -m
-Z
-C`);
    for (let n = 1; n <= 9; n++) {
      const client = new FakeIpvs({ kernelOrder: true });
      await applyRules(client, live);
      const before = await state(client);
      client.failOn = client.mutations + n;
      const result = await applyRules(client, change).then(
        () => "ok",
        (e: unknown) => e,
      );
      if (result === "ok") {
        expect(n).toBe(9);
        expect(client.services.size).toBe(0);
      } else {
        expect(result).toBeInstanceOf(RulesApplyError);
        expect((result as RulesApplyError).line).toBe(n);
        expect(await state(client)).toEqual(before);
      }
    }
  });

  it("keeps the fields an -e did not name (no ipvsadm -e reset)", async () => {
    const client = new FakeIpvs({ kernelOrder: true });
    await applyRules(client, ops("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.4:8080 -m -w 7 -x 10 -y 5"));
    await applyRules(client, ops("-e -t 10.0.0.1:80 -r 10.0.0.4:8080 -w 0"));
    const d = (await client.listServices())[0]!.destinations[0]!;
    expect(d.config).toEqual({ forwarding: "masq", weight: 0, upperThreshold: 10, lowerThreshold: 5, tunnel: null });
  });

  it("reports every bad line before sending anything", async () => {
    const client = await seeded([]);
    const lines = ops(`-A -t 10.0.0.1:80 -s rr
-A -t 10.0.0.1:80 -s wrr
-a -t 10.0.0.7:80 -r 10.0.0.2
-a -t 10.0.0.1:80 -r 10.0.0.2 -x 5 -y 9
-e -t 10.0.0.1:80 -r 10.0.0.9 -w 3`);
    const err = await applyRules(client, lines).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RulesValidationError);
    expect((err as RulesValidationError).problems.map((p) => [p.line, p.message])).toEqual([
      [2, "Service already exists"],
      [3, "Service not defined"],
      [4, "Numerical result out of range (lower threshold above upper threshold)"],
      [5, "No such destination"],
    ]);
    expect(client.mutations).toBe(0);
  });

  it("previews an import as a diff without touching the kernel", async () => {
    const client = await seeded([]);
    await applyRules(client, ops("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -w 1"));
    const p = previewRules(await client.listServices(), ops("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -w 4"), "replace");
    expect(p.problems).toEqual([]);
    expect(p.changes.map((c) => [c.action, c.fields])).toEqual([["update", ["weight"]]]);
  });
});

describe("save file", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("writes atomically, keeps thresholds, and restores into an empty table", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rules-save-"));
    dirs.push(dir);
    const path = join(dir, "rules");
    const client = new FakeIpvs({ kernelOrder: true });
    await applyAndSave(client, "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.4:8080 -m -w 7 -x 10 -y 5\n", "merge", path);
    const text = await readFile(path, "utf8");
    expect(text).toContain("-a -t 10.0.0.1:80 -r 10.0.0.4:8080 -m -w 7 -x 10 -y 5\n");
    expect(await readdir(dir)).toEqual(["rules"]);
    const fresh = new FakeIpvs({ kernelOrder: true });
    await fresh.createService({ key: { protocol: "udp", address: "10.9.9.9", port: 53 }, config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
    await restoreRules(fresh, path);
    expect(await fresh.listServices()).toEqual(await client.listServices());
    await saveRules(fresh, path);
    expect(await readFile(path, "utf8")).toBe(text);
    expect(await restoreRules(fresh, join(dir, "missing"))).toBeNull();
  });
});
