// --restore at boot leaves refused lines out and restores the rest (agent/rules/boot-restore.ts),
// over the real import (agent/rules/import.ts) and the fake kernel table.
import { describe, expect, it } from "vitest";
import { RESTORE_ROUNDS, restoreLeavingOutRefused } from "@/agent/rules/boot-restore.ts";
import { importRules } from "@/agent/rules/import.ts";
import type { ResultData } from "@/protocol/agent/catalog.ts";

type RulesImported = ResultData<"rules.import">;
import { FakeIpvs } from "./agent-ws-fakes.ts";

const importInto = (ipvs: FakeIpvs) => (text: string) =>
  importRules(ipvs, { format: "ipvsadm", text }, "replace", false) as Promise<RulesImported>;

const SAVED = [
  "-A -t 10.1.1.1:80 -s rr",
  "-a -t 10.1.1.1:80 -r 10.0.0.11:80 -m -w 1",
  "-A -u 10.1.1.2:53 -s twos",
  "-a -u 10.1.1.2:53 -r 10.0.0.12:53 -m -w 2",
  "-A -t 10.1.1.3:443 -s wlc",
  "-a -t 10.1.1.3:443 -r 10.0.0.13:443 -m -w 3",
  "",
].join("\n");

describe("restoreLeavingOutRefused", () => {
  it("restores every service it can and names each line it left out, by the file's line numbers", async () => {
    const ipvs = new FakeIpvs();
    const { result, leftOut } = await restoreLeavingOutRefused(SAVED, importInto(ipvs));
    expect(result.applied).toBe(true);
    expect([...ipvs.services.values()].map((s) => s.key)).toEqual([
      { protocol: "tcp", address: "10.1.1.1", port: 80 },
      { protocol: "tcp", address: "10.1.1.3", port: 443 },
    ]);
    expect(leftOut.map((l) => l.line)).toContain(3);
    expect(leftOut.find((l) => l.line === 3)).toMatchObject({ text: "-A -u 10.1.1.2:53 -s twos" });
    expect(leftOut.find((l) => l.line === 3)!.reason).toMatch(/twos/);
    // nothing else was touched: the good services and their real servers are all there
    expect(leftOut.every((l) => l.line === 3 || l.line === 4)).toBe(true);
    expect([...ipvs.services.values()].map((s) => s.destinations.length)).toEqual([1, 1]);
  });

  it("a file without refusals imports in one round and leaves nothing out", async () => {
    const ipvs = new FakeIpvs();
    const calls: string[] = [];
    const { result, leftOut } = await restoreLeavingOutRefused("-A -t 10.1.1.1:80 -s rr\n", (t) => {
      calls.push(t);
      return importInto(ipvs)(t);
    });
    expect(result.applied).toBe(true);
    expect(leftOut).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it("stops at an error that names no line, and gives up after a bounded number of rounds", async () => {
    const noLine = await restoreLeavingOutRefused("-A -t 10.1.1.1:80 -s rr\n", async () => ({
      changes: [], applied: false, errors: [{ message: "ROLLBACK INCOMPLETE" }],
    }));
    expect(noLine.result.applied).toBe(false);
    expect(noLine.leftOut).toEqual([]);
    let rounds = 0;
    const text = Array.from({ length: 10 }, (_, i) => `-A -t 10.1.1.${i + 1}:80 -s rr`).join("\n");
    const stubborn = await restoreLeavingOutRefused(text, async () => {
      rounds++;
      return { changes: [], applied: false, errors: [{ line: rounds, message: "refused" }] };
    });
    expect(rounds).toBe(RESTORE_ROUNDS);
    expect(stubborn.result.applied).toBe(false);
    expect(stubborn.leftOut.map((l) => l.line)).toEqual([1, 2, 3]);
  });
});
