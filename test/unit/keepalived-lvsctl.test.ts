// lvsctl -R/-S --format keepalived against a fake agent: includes are read and sent, a syntax
// error is reported before anything is sent, warnings reach stderr, -S prints the export.
import { describe, expect, it } from "vitest";
import { keepalivedRestore, keepalivedSave, takeFormat } from "@/cli/keepalived.ts";

function fakeIo(stdin: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), readStdin: async () => stdin } };
}

describe("lvsctl --format keepalived", () => {
  it("takes the flag out of the arguments", () => {
    expect(takeFormat(["-R", "--format", "keepalived"])).toEqual({ format: "keepalived", rest: ["-R"] });
    expect(() => takeFormat(["--format", "yaml"])).toThrow(/ipvsadm or keepalived/);
  });

  it("-R sends the text and its includes; warnings go to stderr", async () => {
    const sent: unknown[] = [];
    const agent = {
      request: async (type: string, payload: unknown) => {
        sent.push({ type, payload });
        return { changes: [], applied: true, errors: [], warnings: [{ line: 3, message: "(vs.conf: Line 3) Unknown keyword 'x'" }] };
      },
    };
    const { err, io } = fakeIo("include vs.conf\n");
    const files: Record<string, string> = { "vs.conf": "virtual_server 10.0.0.1 80 {\n protocol TCP\n}\n" };
    expect(await keepalivedRestore(agent as never, io, (p) => files[p] ?? null)).toBe(0);
    expect(sent).toEqual([{ type: "rules.import", payload: { source: { format: "keepalived", text: "include vs.conf\n", files }, mode: "replace", dryRun: false, report: "counts" } }]);
    expect(err).toEqual(["warning: (vs.conf: Line 3) Unknown keyword 'x'\n"]);
  });

  it("-R with a syntax error sends nothing and exits 2", async () => {
    const agent = { request: async () => { throw new Error("must not be called"); } };
    const { err, io } = fakeIo("virtual_server 10.0.0.1 80 {\n");
    expect(await keepalivedRestore(agent as never, io, () => null)).toBe(2);
    expect(err[0]).toMatch(/line 1, column 28/);
  });

  it("-S prints the agent's export", async () => {
    const agent = { request: async () => ({ format: "keepalived", text: "virtual_server 10.0.0.1 80 {\n}\n" }) };
    const { out, io } = fakeIo("");
    expect(await keepalivedSave(agent as never, io)).toBe(0);
    expect(out.join("")).toBe("virtual_server 10.0.0.1 80 {\n}\n");
  });
});
