// The browser's zod-free checks (issue 16 item 8: the fleet page's first JavaScript loads no
// zod) accept exactly what protocol's zod schemas accept, on generated messages and on broken
// ones: the live messages (LiveServerMessage), error bodies (ErrorBody) and a refused group
// change's details (GroupChangeRefusal).
import fc from "fast-check";
import { describe, it } from "vitest";
import { parseLiveServerMessage } from "@/components/live/live-message.ts";
import { groupRefusalLines } from "@/components/ha/group-errors.ts";
import { GroupChangeRefusal, LiveServerMessage } from "@/protocol/dashboard/index.ts";
import { isErrorBody } from "@/protocol/error-codes.ts";
import { ERROR_CODES, ErrorBody } from "@/protocol/errors.ts";

const code = fc.oneof(fc.constantFrom(...ERROR_CODES), fc.string());
const errorBody = fc.oneof(
  fc.record({ code, message: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] }),
  fc.record({ code, message: fc.string(), details: fc.anything() }),
  fc.anything(),
);
const topic = fc.oneof(fc.string(), fc.constant(null), fc.integer());
const seq = fc.oneof(fc.integer(), fc.double(), fc.string());
const liveMessage = fc.oneof(
  fc.record({ type: fc.constantFrom("snapshot", "delta"), topic, seq, data: fc.anything(), patch: fc.anything() }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("error"), topic, error: errorBody }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.string() }),
  fc.anything(),
);
// valid director ids only: their pattern is the server's to check, the page reads the strings
const ids = fc.array(fc.constantFrom("dir1", "dir2"), { maxLength: 3 });
const refusal = fc.oneof(
  fc.record(
    {
      group: fc.oneof(fc.string(), fc.integer()),
      member: fc.constantFrom("dir1", "dir2"),
      error: errorBody,
      rolledBack: fc.oneof(ids, fc.constant("dir1")),
      rollbackErrors: fc.array(fc.record({ director: fc.constantFrom("dir1", "dir2"), message: fc.oneof(fc.string(), fc.integer()) }), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

describe("zod-free checks agree with the schemas", () => {
  it("error bodies", () => {
    fc.assert(fc.property(errorBody, (v) => isErrorBody(v) === ErrorBody.safeParse(v).success), { numRuns: 500 });
  });
  it("live server messages", () => {
    fc.assert(
      fc.property(liveMessage, (v) => (parseLiveServerMessage(v) !== null) === LiveServerMessage.safeParse(v).success),
      { numRuns: 1000 },
    );
  });
  it("a refused group change", () => {
    fc.assert(fc.property(refusal, (v) => (groupRefusalLines(v) !== null) === GroupChangeRefusal.safeParse(v).success), { numRuns: 500 });
  });
});
