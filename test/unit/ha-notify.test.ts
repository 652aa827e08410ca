// keepalived's notify_fifo lines: the pure parser (property tests against its formatter), the
// line splitter over arbitrary chunking, and the FIFO reader on a real FIFO (O_RDWR|O_NONBLOCK
// wrapped in a net.Socket: lines arrive while the event loop stays free, and a writer closing
// its end is not an EOF).
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { FifoReader } from "@/agent/ha/fifo.ts";
import { LineSplitter, type NotifyLine, formatNotifyLine, parseNotifyLine } from "@/agent/ha/notify-line.ts";

const lineArb: fc.Arbitrary<NotifyLine> = fc.oneof(
  fc.record({
    kind: fc.constant("INSTANCE" as const),
    name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/),
    state: fc.constantFrom("MASTER" as const, "BACKUP" as const, "FAULT" as const, "STOP" as const),
    priority: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant("GROUP" as const),
    name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/),
    state: fc.constantFrom("MASTER" as const, "BACKUP" as const, "FAULT" as const, "STOP" as const),
    priority: fc.constant(null),
  }),
);

describe("parseNotifyLine", () => {
  it("reads keepalived's own lines", () => {
    expect(parseNotifyLine('INSTANCE "VI_1" MASTER 150')).toEqual({ kind: "INSTANCE", name: "VI_1", state: "MASTER", priority: 150 });
    expect(parseNotifyLine('GROUP "G1" BACKUP')).toEqual({ kind: "GROUP", name: "G1", state: "BACKUP", priority: null });
    expect(parseNotifyLine('INSTANCE "VI_1" FAULT 0')).toMatchObject({ state: "FAULT", priority: 0 });
  });

  it("gives null for what is not a VRRP state line (checkers' lines, unknown states, junk)", () => {
    for (const l of ['VS "10.0.0.1:80" UP', 'RS "10.0.0.11:80" "10.0.0.1:80" DOWN', 'INSTANCE "VI_1" DELETED 0', 'INSTANCE VI_1 MASTER 150', 'INSTANCE "VI_1" MASTER 300', "", "MASTER"]) {
      expect(parseNotifyLine(l)).toBeNull();
    }
  });

  it("parse(format(x)) == x for every line", () => {
    fc.assert(
      fc.property(lineArb, (l) => {
        expect(parseNotifyLine(formatNotifyLine(l))).toEqual(l);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => {
      const r = parseNotifyLine(s);
      if (r) expect(formatNotifyLine(r)).toBe(s.trimEnd());
    }));
  });
});

describe("LineSplitter", () => {
  it("gives the same lines however the stream is cut", () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 10 }), (lines, cuts) => {
        const text = lines.map((l) => `${formatNotifyLine(l)}\n`).join("");
        const s = new LineSplitter();
        const out: string[] = [];
        let at = 0;
        for (let i = 0; at < text.length; i++) {
          const n = cuts[i % cuts.length]!;
          out.push(...s.push(text.slice(at, at + n)));
          at += n;
        }
        expect(out.map(parseNotifyLine)).toEqual(lines);
      }),
    );
  });
});

describe("FifoReader on a real FIFO", () => {
  const dir = mkdtempSync(join(tmpdir(), "ha-fifo-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the FIFO, reads lines from writers that come and go, and does not block the loop", async () => {
    const path = join(dir, "notify.fifo");
    const got: string[] = [];
    const errors: Error[] = [];
    const r = await FifoReader.open(path, (l) => got.push(l), (e) => errors.push(e));
    // the loop is free: a timer fires while nobody writes
    await new Promise((res) => setTimeout(res, 20));
    for (const chunk of ['INSTANCE "VI_1" BACKUP 150\nGROUP "G" BA', 'CKUP\n', 'INSTANCE "VI_1" MASTER 150\n']) {
      // each write from a new writer that closes again, as keepalived does across restarts
      const fd = openSync(path, "w");
      writeSync(fd, chunk);
      closeSync(fd);
      await new Promise((res) => setTimeout(res, 30));
    }
    const deadline = Date.now() + 3000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    r.close();
    expect(got).toEqual(['INSTANCE "VI_1" BACKUP 150', 'GROUP "G" BACKUP', 'INSTANCE "VI_1" MASTER 150']);
    expect(errors).toEqual([]);
    // a second open reuses the FIFO; a regular file in its place is refused
    (await FifoReader.open(path, () => {}, () => {})).close();
    const file = join(dir, "plain");
    closeSync(openSync(file, "w"));
    await expect(FifoReader.open(file, () => {}, () => {})).rejects.toThrow(/not a FIFO/);
  });
});
