// Rule-set import on a real director: all or nothing. A rule set whose last line the kernel
// refuses leaves `ipvsadm -S -n` exactly as before, in merge (lvsctl -R) and replace mode; a
// good rule set lands as ipvsadm -R would land it. Director 1, reset to the defaults at the end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, runCommand } from "@/cli/run-command.ts";
import type { AgentClient } from "@/protocol/node/agent-client.ts";
import { parseIpvsadmArgs } from "@/protocol/ipvsadm/args.ts";
import { clearAll, connectAgent, director, ipvsadm, ok, resetRules } from "./lab.ts";
import { randomRules } from "./rules-gen.ts";

const d = director(1);
const other = director(2);
let client: AgentClient;

async function lvsctlRestore(text: string): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const io: CliIo = { out: () => undefined, err: (t) => err.push(t), readStdin: async () => text };
  const code = await runCommand(parseIpvsadmArgs(["-R"]), client, io);
  return { code, err: err.join("") };
}

const sortedLines = (t: string) => t.split("\n").filter(Boolean).sort();

beforeAll(async () => {
  client = await connectAgent(d);
});
afterAll(async () => {
  client?.close();
  await clearAll(d.name);
  await resetRules(d.name);
});

describe("rules import on the real kernel", () => {
  it("merge (lvsctl -R): a failing last line rolls everything back", async () => {
    await clearAll(d.name);
    await ok(d.name, ["ipvsadm", "-R"], randomRules(7, 12).text);
    const before = await ipvsadm(d.name, "-S", "-n");
    const text = [
      "-A -t 198.51.100.1:80 -s wrr -p 30",
      "-a -t 198.51.100.1:80 -r 10.0.0.11:8080 -m -w 3",
      "-A -u 198.51.100.2:53 -s rr",
      "# a comment line is fine for lvsctl",
      "-a -t 198.51.100.1:80 -r 224.0.0.5:80 -m",
    ].join("\n");
    const r = await lvsctlRestore(text);
    expect(r.code).toBe(255);
    expect(r.err).toBe("line 5: Invalid operation.  Possibly wrong module version, address not unicast, ... (rolled back)\n");
    expect(await ipvsadm(d.name, "-S", "-n")).toBe(before);
  });

  it("merge: a line that cannot work is refused before anything is sent", async () => {
    const before = await ipvsadm(d.name, "-S", "-n");
    const lines = before.split("\n").filter((l) => l.startsWith("-a "));
    const victim = lines[0]!.split(" -r ")[0]!.slice(3);
    const rs = lines[0]!.split(" -r ")[1]!.split(" ")[0]!;
    const text = [`-e ${victim} -r ${rs} -w 0`, `-d ${victim} -r ${rs}`, `-D ${victim}`, "-a -f 999999 -r 10.0.0.11:80"].join("\n");
    const r = await lvsctlRestore(text);
    expect(r.code).toBe(255);
    expect(r.err).toMatch(/^line 4: (Service not defined|.*No such service)/);
    expect(await ipvsadm(d.name, "-S", "-n")).toBe(before);
  });

  it("a kernel refusal mid-way after edits: the table, thresholds included, is as before", async () => {
    const before = await ipvsadm(d.name, "-S", "-n");
    const thresholdsBefore = await ipvsadm(d.name, "-L", "-n", "--thresholds");
    const lines = before.split("\n").filter((l) => l.startsWith("-a "));
    const victim = lines[lines.length - 1]!.split(" -r ")[0]!.slice(3);
    const rs = lines[lines.length - 1]!.split(" -r ")[1]!.split(" ")[0]!;
    const text = [`-e ${victim} -r ${rs} -w 5 -x 50 -y 10`, "-A -t 198.51.100.9:80 -s rr", "-a -t 198.51.100.9:80 -r 255.255.255.255 -m"].join("\n");
    const r = await lvsctlRestore(text);
    expect([r.code, r.err.startsWith("line 3: Invalid operation")]).toEqual([255, true]);
    expect(await ipvsadm(d.name, "-S", "-n")).toBe(before);
    expect(await ipvsadm(d.name, "-L", "-n", "--thresholds")).toBe(thresholdsBefore);
  });

  it("replace: failure restores the old table; success equals ipvsadm -C; ipvsadm -R", async () => {
    const before = await ipvsadm(d.name, "-S", "-n");
    const { text } = randomRules(99, 15);
    const failing = `${text}-a -t 198.51.100.1:80 -r 224.0.0.5:80 -m\n`.replace(/^/, "-A -t 198.51.100.1:80 -s rr\n");
    const bad = await client.request("rules.import", { source: { format: "ipvsadm", text: failing }, mode: "replace" }, { deadlineMs: 120_000 });
    expect(bad.applied).toBe(false);
    expect(bad.errors[0]?.message).toMatch(/rolled back\)$/);
    expect(await ipvsadm(d.name, "-S", "-n")).toBe(before);

    const good = await client.request("rules.import", { source: { format: "ipvsadm", text }, mode: "replace" }, { deadlineMs: 120_000 });
    expect(good).toMatchObject({ applied: true, errors: [] });
    await clearAll(other.name);
    await ok(other.name, ["ipvsadm", "-R"], text);
    // another namespace hashes services differently, so compare the lines as sets
    expect(sortedLines(await ipvsadm(d.name, "-S", "-n"))).toEqual(sortedLines(await ipvsadm(other.name, "-S", "-n")));
    expect(sortedLines(await ipvsadm(d.name, "-L", "-n", "--thresholds"))).toEqual(sortedLines(await ipvsadm(other.name, "-L", "-n", "--thresholds")));
    await clearAll(other.name);
    await resetRules(other.name);
  });
});
