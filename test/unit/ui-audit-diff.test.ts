// What an audit entry changed, inline (components/audit/audit-diff.ts), from the states the
// server keeps (server/http/audit-state.ts): a weight, an added or removed real server, a
// service created, an imported table's lines, a state that could not be read; nothing for
// entries without state, running or interrupted ones.
import { describe, expect, it } from "vitest";
import { auditChangeLines, auditChanges } from "@/components/audit/audit-diff.ts";
import { AUDIT_INTERRUPTED_RESULT } from "@/protocol/dashboard/index.ts";

const dest = (weight: number) => ({ forwarding: "masq", weight, upperThreshold: 0, lowerThreshold: 0, tunnel: null });
const svc = (dests: Record<string, number>) => ({
  service: "tcp:172.16.0.100:80",
  config: { scheduler: "wlc", flags: [], timeout: 0 },
  destinations: Object.fromEntries(Object.entries(dests).map(([k, w]) => [k, dest(w)])),
});
const ok = { ok: true, result: null };
const texts = (e: Parameters<typeof auditChanges>[0]) => auditChanges(e).map((c) => `${c.kind} ${c.text}`);

describe("audit diff", () => {
  it("a weight change is one line: '10.0.0.11:80 weight 1 → 5'", () => {
    expect(texts({ ...ok, before: svc({ "10.0.0.11:80": 1, "10.0.0.12:80": 1 }), after: svc({ "10.0.0.11:80": 5, "10.0.0.12:80": 1 }) })).toEqual([
      "~ 10.0.0.11:80 weight 1 → 5",
    ]);
  });

  it("real servers added and removed, a service created and deleted", () => {
    expect(texts({ ...ok, before: svc({ "10.0.0.11:80": 1 }), after: svc({ "10.0.0.11:80": 1, "10.0.0.12:80": 2 }) })).toEqual([
      "+ 10.0.0.12:80 added (forwarding masq, weight 2, upperThreshold 0, lowerThreshold 0)",
    ]);
    expect(texts({ ...ok, before: svc({ "10.0.0.11:80": 1 }), after: svc({}) })).toEqual(["- 10.0.0.11:80 removed"]);
    expect(texts({ ...ok, before: null, after: svc({}) })[0]).toMatch(/^\+ added \(service tcp:172\.16\.0\.100:80, scheduler wlc/);
    expect(texts({ ...ok, before: svc({}), after: null })).toEqual(["- removed"]);
  });

  it("a table's text: the lines removed and added", () => {
    const before = "-A -t 172.16.0.100:80 -s wlc\n-a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 1\n";
    const after = "-A -t 172.16.0.100:80 -s wlc\n-a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 5\n";
    expect(texts({ ...ok, before, after })).toEqual(["- -a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 1", "+ -a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 5"]);
  });

  it("scalars and settings by their path; a state that could not be read says so", () => {
    expect(texts({ ...ok, before: { "net.ipv4.vs.expire_nodest_conn": 0 }, after: { "net.ipv4.vs.expire_nodest_conn": 1 } })).toEqual(["~ net.ipv4.vs.expire_nodest_conn 0 → 1"]);
    expect(texts({ ...ok, before: { id: "d1", group: null }, after: { id: "d1", group: "ha" } })).toEqual(["~ group none → ha"]);
    expect(texts({ ...ok, before: { unavailable: "director d1 is offline" }, after: svc({}) })).toEqual(["~ state before unavailable: director d1 is offline"]);
  });

  it("nothing for entries without state, running or interrupted, or when nothing differs", () => {
    expect(auditChanges({ ...ok, before: null, after: null })).toEqual([]);
    expect(auditChanges({ ...ok, before: svc({ a: 1 }), after: svc({ a: 1 }) })).toEqual([]);
    expect(auditChanges({ ok: null, result: null, before: svc({ a: 1 }), after: null })).toEqual([]);
    expect(auditChanges({ ok: false, result: AUDIT_INTERRUPTED_RESULT, before: svc({ a: 1 }), after: null })).toEqual([]);
    const many = auditChanges({ ...ok, before: svc({ a: 1, b: 1, c: 1, d: 1, e: 1 }), after: svc({ a: 2, b: 2, c: 2, d: 2, e: 2 }) });
    expect(auditChangeLines(many)).toMatchObject({ more: 1 });
    expect(auditChangeLines(many).shown).toHaveLength(4);
  });
});
