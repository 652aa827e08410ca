// When the connections page reads its table again by itself: when the director's link comes
// back online after any other state, never on the first state seen nor while it stays online.
import { describe, expect, it } from "vitest";
import { cameBackOnline } from "@/components/lib/link-transitions.ts";
import { LinkState } from "@/protocol/dashboard/index.ts";

describe("cameBackOnline", () => {
  it("is true when the link is online again after any other state", () => {
    for (const prev of ["offline", "connecting", "unauthorized", "untrusted"] as const) {
      expect(cameBackOnline(prev, "online"), `${prev} -> online`).toBe(true);
    }
  });

  it("is false for the first state seen, a link staying online, going down, or the director gone", () => {
    const no: [LinkState | undefined, LinkState | undefined][] = [
      [undefined, "online"],
      ["online", "online"],
      ["online", "offline"],
      ["offline", "connecting"],
      ["connecting", "untrusted"],
      ["offline", undefined],
      [undefined, undefined],
    ];
    for (const [prev, next] of no) expect(cameBackOnline(prev, next), `${prev} -> ${next}`).toBe(false);
    // every state is covered by one of the two tests
    expect(new Set(LinkState.options)).toEqual(new Set(["connecting", "online", "offline", "unauthorized", "untrusted"]));
  });

  it("fires once along offline -> connecting -> online, and not when the link drops", () => {
    const states = ["online", "offline", "connecting", "online", "online", "offline"] as const;
    const fired = states.map((s, i) => cameBackOnline(i === 0 ? undefined : states[i - 1], s));
    expect(fired).toEqual([false, false, false, true, false, false]);
  });
});
