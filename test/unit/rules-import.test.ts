// rules.import / rules.export / rules.diff semantics over the interface-level fake client.
import { describe, expect, it } from "vitest";
import { diffSource, exportRules, importRules } from "@/agent/rules/import.ts";
import type { RulesSource } from "@/protocol/agent/rules.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";

const text = (t: string): RulesSource => ({ format: "ipvsadm", text: t });

async function table(lines: string): Promise<FakeIpvs> {
  const c = new FakeIpvs({ kernelOrder: true });
  const r = await importRules(c, text(lines), "merge", false);
  expect(r.errors).toEqual([]);
  c.mutations = 0;
  return c;
}

describe("importRules", () => {
  it("dry run reports the changes and applies nothing", async () => {
    const c = await table("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -w 1");
    const r = await importRules(c, text("-A -u 10.0.0.5:53 -s rr"), "replace", true);
    expect(r.applied).toBe(false);
    expect(r.changes.map((x) => [x.action, x.destination?.address ?? x.service.protocol])).toEqual([
      ["delete", "10.0.0.2"],
      ["delete", "tcp"],
      ["create", "udp"],
    ]);
    expect(c.mutations).toBe(0);
  });

  it("report counts: the same import answers only the number of changes of each kind", async () => {
    const lines = "-A -u 10.0.0.5:53 -s rr\n-a -u 10.0.0.5:53 -r 10.0.0.9 -w 2\n-E -t 10.0.0.1:80 -s wrr";
    const full = await importRules(await table("-A -t 10.0.0.1:80 -s rr"), text(lines), "merge", true);
    const counted = await importRules(await table("-A -t 10.0.0.1:80 -s rr"), text(lines), "merge", false, "counts");
    expect(full.changes).toHaveLength(3);
    expect(full.counts).toEqual({ create: 2, update: 1, delete: 0 });
    expect(counted).toMatchObject({ applied: true, changes: [], counts: { create: 2, update: 1, delete: 0 } });
  });

  it("a kernel refusal is reported with its line and the table is rolled back", async () => {
    const c = await table("-A -t 10.0.0.1:80 -s rr");
    const before = await c.listServices();
    c.failOn = 2;
    const r = await importRules(c, text("-a -t 10.0.0.1:80 -r 10.0.0.2\n\n-a -t 10.0.0.1:80 -r 10.0.0.3"), "merge", false);
    expect(r).toMatchObject({ applied: false, errors: [{ line: 3, message: expect.stringMatching(/^Invalid operation.*\(rolled back\)$/) }] });
    expect(await c.listServices()).toEqual(before);
  });

  it("syntax errors and kernel-like refusals come back together, sorted by line", async () => {
    const c = await table("-A -t 10.0.0.1:80 -s rr");
    const r = await importRules(c, text("-A -t 10.0.0.1:80 -s rr\n-A -t 10.0.0.9\n"), "merge", false);
    expect(r.errors).toEqual([
      { line: 1, message: "Service already exists" },
      { line: 2, message: "Zero port specified for non-persistent service" },
    ]);
    expect(r.applied).toBe(false);
  });

  it("JSON merge creates and updates but deletes nothing; export round-trips", async () => {
    const c = await table("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -w 1\n-A -u 10.0.0.5:53 -s rr");
    const exported = await exportRules(c, "json");
    if (exported.format !== "json") throw new Error();
    const svc = exported.rules.services.find((s) => s.key.protocol === "tcp")!;
    const edited = {
      services: [
        { ...svc, config: { ...svc.config, scheduler: "wlc" as const }, destinations: [{ ...svc.destinations[0]!, config: { ...svc.destinations[0]!.config, weight: 9 } }] },
      ],
    };
    const r = await importRules(c, { format: "json", rules: edited }, "merge", false);
    expect(r.applied).toBe(true);
    const after = await c.listServices();
    expect(after).toHaveLength(2);
    expect(after.find((s) => s.key.protocol === "tcp")!.destinations[0]!.config.weight).toBe(9);
    expect(await diffSource(c, await exportRules(c, "ipvsadm"))).toEqual([]);
    expect((await exportRules(c, "ipvsadm")) as { text: string }).toMatchObject({ text: expect.stringContaining("-A -t 10.0.0.1:80 -s wlc\n") });
  });

  it("diffSource refuses text that does not parse, naming the line, instead of an empty preview", async () => {
    const c = new FakeIpvs({ kernelOrder: true });
    await expect(diffSource(c, { format: "ipvsadm", text: "-A -t 10.0.0.1:80 -s rr\nthis is not a rule\n" })).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("line 2"),
    });
  });
});
