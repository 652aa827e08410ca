// Imports that do what the preview says (agent/rules/plan-diff.ts): a replace sends only the
// difference from the live table (each changed entry one call, nothing else touched), a merge
// with existing "update" adds or updates and never answers "already exists" for an entry the
// preview shows as a change. Checked with the agent's own apply code on the fake kernel table.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyRules } from "@/agent/rules/apply.ts";
import { exportRules, importRules } from "@/agent/rules/import.ts";
import type { Destination, ServiceConfig } from "@/protocol/ipvs.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { destKeyString, serviceKeyString } from "@/protocol/ipvsadm/ruleset.ts";
import { formatSave, parseRestore } from "@/protocol/ipvsadm/save.ts";
import { diffRules, diffRulesMerge } from "@/protocol/rules-diff.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { destinationArb, serviceArb, serviceRulesArb } from "./ipvsadm-arbitraries.ts";

async function seeded(rules: ServiceRules[]): Promise<FakeIpvs> {
  const c = new FakeIpvs({ kernelOrder: true });
  for (const s of rules) {
    await c.createService({ key: s.key, config: s.config });
    for (const d of [...s.destinations].reverse()) await c.createDestination(s.key, d);
  }
  c.mutations = 0;
  c.calls = [];
  return c;
}

const ops = (text: string) => {
  const p = parseRestore(text);
  expect(p.errors).toEqual([]);
  return p.operations;
};
/** the table as a set of -S lines: the order of servers inside a service is not compared */
const lineSet = (r: readonly ServiceRules[]) => formatSave(r, { thresholds: true, sort: false }).split("\n").filter(Boolean).sort();

/** A live table and a proposed one made from it: services kept, dropped or edited, servers kept,
 * dropped or re-weighted, new servers and new services. */
const tablePair = serviceRulesArb(4, 4).chain((live) => {
  const perService = (s: ServiceRules) =>
    fc.record({
      action: fc.constantFrom("keep", "drop", "edit"),
      config: serviceArb(s.key).map((x) => x.config),
      dests: fc.array(fc.record({ action: fc.constantFrom("keep", "drop", "weight"), weight: fc.integer({ min: 0, max: 1000 }) }), {
        minLength: s.destinations.length,
        maxLength: s.destinations.length,
      }),
      added: fc.uniqueArray(destinationArb(s.key), { maxLength: 2, selector: (d) => destKeyString(d.key) }),
    });
  return fc.tuple(fc.tuple(...live.map(perService)), serviceRulesArb(2, 3)).map(([plans, extra]) => {
    const proposed: ServiceRules[] = [];
    live.forEach((s, i) => {
      const p = plans[i]!;
      if (p.action === "drop") return;
      const have = new Set(s.destinations.map((d) => destKeyString(d.key)));
      const destinations: Destination[] = [];
      s.destinations.forEach((d, j) => {
        const a = p.dests[j]!;
        if (a.action === "keep") destinations.push(d);
        if (a.action === "weight") destinations.push({ key: d.key, config: { ...d.config, weight: a.weight } });
      });
      for (const d of p.added) if (!have.has(destKeyString(d.key))) destinations.push(d);
      const config: ServiceConfig = p.action === "edit" ? p.config : s.config;
      proposed.push({ key: s.key, config, destinations });
    });
    const taken = new Set(live.map((s) => serviceKeyString(s.key)));
    for (const s of extra) if (!taken.has(serviceKeyString(s.key))) proposed.push(s);
    return { live, proposed };
  });
});

/** live with the proposed services and servers added or put in place (nothing removed). */
function mergeTables(live: readonly ServiceRules[], proposed: readonly ServiceRules[]): ServiceRules[] {
  const out = new Map(live.map((s) => [serviceKeyString(s.key), { ...s, destinations: [...s.destinations] }]));
  for (const p of proposed) {
    const cur = out.get(serviceKeyString(p.key));
    if (!cur) {
      out.set(serviceKeyString(p.key), p);
      continue;
    }
    cur.config = p.config;
    for (const d of p.destinations) {
      const at = cur.destinations.findIndex((x) => destKeyString(x.key) === destKeyString(d.key));
      if (at >= 0) cur.destinations[at] = d;
      else cur.destinations.push(d);
    }
  }
  return [...out.values()];
}

describe("replace applies only the difference", () => {
  it("property: the table becomes the imported one, with one call per changed entry and none for the rest", async () => {
    await fc.assert(
      fc.asyncProperty(tablePair, async ({ live, proposed }) => {
        const client = await seeded(live);
        await applyRules(client, ops(formatSave(proposed, { thresholds: true })), "replace");
        expect(lineSet(await client.listServices())).toEqual(lineSet(proposed));
        // a deleted service takes its real servers with it: one call for all of them
        const diff = diffRules(live, proposed);
        const gone = new Set(diff.filter((c) => c.action === "delete" && !c.destination).map((c) => serviceKeyString(c.service)));
        const expected = diff.filter((c) => !(c.destination && gone.has(serviceKeyString(c.service))));
        expect(client.calls).toHaveLength(expected.length);
        expect(client.calls).not.toContain("flush");
      }),
      { numRuns: 200 },
    );
  });

  it("a one-weight change of an export is one updateDestination", async () => {
    const client = await seeded([]);
    await applyRules(
      client,
      ops(`-A -t 10.0.0.1:80 -s wrr
-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 5
-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 5
-A -u 10.0.0.1:53 -s rr
-a -u 10.0.0.1:53 -r 10.0.1.1:53 -m -w 1`),
    );
    client.calls = [];
    const { text } = (await exportRules(client, "ipvsadm")) as { text: string };
    const edited = text.replace("-r 10.0.1.2:80 -m -w 5", "-r 10.0.1.2:80 -m -w 3");
    expect(edited).not.toBe(text);
    const preview = await importRules(client, { format: "ipvsadm", text: edited }, "replace", true);
    expect(preview.counts).toEqual({ create: 0, update: 1, delete: 0 });
    const r = await importRules(client, { format: "ipvsadm", text: edited }, "replace", false);
    expect(r).toMatchObject({ applied: true, errors: [] });
    expect(client.calls).toEqual(["updateDestination"]);
    const d = (await client.listServices()).find((s) => s.key.protocol === "tcp")!.destinations.find((x) => x.key.address === "10.0.1.2")!;
    expect(d.config.weight).toBe(3);
  });

  it("a refused change rolls back and names the line (or, for a delete, what it deleted)", async () => {
    const live = ops("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1\n-A -t 10.0.0.2:80 -s rr");
    for (const [failOn, want] of [
      [1, /^-D -t 10\.0\.0\.2:80: Invalid operation/],
      [2, /^Invalid operation/],
    ] as const) {
      const client = new FakeIpvs({ kernelOrder: true });
      await applyRules(client, live);
      const before = await client.listServices();
      client.failOn = client.mutations + failOn;
      const r = await importRules(client, { format: "ipvsadm", text: "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 2" }, "replace", false);
      expect(r.applied).toBe(false);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]!.message).toMatch(want);
      expect(r.errors[0]!.message).toMatch(/\(rolled back\)$/);
      expect(r.errors[0]!.line).toBe(failOn === 1 ? undefined : 2);
      expect(await client.listServices()).toEqual(before);
    }
  });
});

describe("merge adds or updates", () => {
  it("property: an -S text merged with existing 'update' never fails and gives live + imported, one call per change", async () => {
    await fc.assert(
      fc.asyncProperty(tablePair, async ({ live, proposed }) => {
        const client = await seeded(live);
        const text = formatSave(proposed, { thresholds: true });
        const preview = await importRules(client, { format: "ipvsadm", text }, "merge", true, "changes", null, "update");
        expect(preview.errors).toEqual([]);
        const r = await importRules(client, { format: "ipvsadm", text }, "merge", false, "changes", null, "update");
        expect(r.errors).toEqual([]);
        expect(r.changes).toEqual(preview.changes);
        const merged = diffRulesMerge(live, proposed);
        expect(r.changes.length).toBe(merged.length);
        expect(client.calls).toHaveLength(merged.length);
        expect(lineSet(await client.listServices())).toEqual(lineSet(mergeTables(live, proposed)));
      }),
      { numRuns: 200 },
    );
  });

  it("the issue's case: export, -w 5 to -w 3, merge: preview 1 changed, apply succeeds with one call", async () => {
    const client = await seeded([]);
    await applyRules(client, ops("-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 5\n-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 5"));
    client.calls = [];
    const { text } = (await exportRules(client, "ipvsadm")) as { text: string };
    const edited = text.replace("-r 10.0.1.1:80 -m -w 5", "-r 10.0.1.1:80 -m -w 3");
    const preview = await importRules(client, { format: "ipvsadm", text: edited }, "merge", true, "changes", null, "update");
    expect(preview.counts).toEqual({ create: 0, update: 1, delete: 0 });
    expect(preview.errors).toEqual([]);
    const r = await importRules(client, { format: "ipvsadm", text: edited }, "merge", false, "changes", null, "update");
    expect(r).toMatchObject({ applied: true, errors: [] });
    expect(client.calls).toEqual(["updateDestination"]);
  });

  it("ipvsadm -R's merge (existing 'fail', lvsctl -R) still refuses an -A of an existing service", async () => {
    const client = await seeded([]);
    await applyRules(client, ops("-A -t 10.0.0.1:80 -s wrr"));
    const r = await importRules(client, { format: "ipvsadm", text: "-A -t 10.0.0.1:80 -s rr" }, "merge", false);
    expect(r.applied).toBe(false);
    expect(r.errors).toEqual([{ line: 1, message: "Service already exists" }]);
  });

  it("a file adding the same service twice is still refused with existing 'update'", async () => {
    const client = await seeded([]);
    const r = await importRules(client, { format: "ipvsadm", text: "-A -t 10.0.0.1:80 -s rr\n-A -t 10.0.0.1:80 -s wrr" }, "merge", true, "changes", null, "update");
    expect(r.errors).toEqual([{ line: 2, message: "Service already exists" }]);
  });
});
