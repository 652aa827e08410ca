// The connection page's own URL: filters, page and auto-refresh written and read back, the
// defaults left out, and anything malformed falling back to the default.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ConnsPageState, connsStateFromUrl, connsStateToUrl, NO_FILTERS, REFRESH_CHOICES } from "@/components/conns/conns-query.ts";

describe("connections page URL", () => {
  it("leaves the defaults out and writes the rest (page 1-based)", () => {
    expect(connsStateToUrl({ filters: NO_FILTERS, page: 0, refresh: 0 }).toString()).toBe("");
    const q = connsStateToUrl({ filters: { ...NO_FILTERS, realServer: " 10.0.0.11:80 ", state: "ESTABLISHED", sort: "expires", order: "desc", templates: "exclude" }, page: 2, refresh: 10 });
    expect(q.toString()).toBe("state=ESTABLISHED&realServer=10.0.0.11%3A80&templates=exclude&sort=expires&order=desc&page=3&refresh=10");
    expect(connsStateFromUrl(q)).toEqual({ filters: { ...NO_FILTERS, realServer: "10.0.0.11:80", state: "ESTABLISHED", sort: "expires", order: "desc", templates: "exclude" }, page: 2, refresh: 10 });
  });

  it("reads malformed values as the defaults", () => {
    const s = connsStateFromUrl(new URLSearchParams("templates=some&sort=size&order=up&page=-2&refresh=7&vip=fwmark%201"));
    expect(s).toEqual({ filters: { ...NO_FILTERS, vip: "fwmark 1" }, page: 0, refresh: 0 });
    expect(connsStateFromUrl(new URLSearchParams("page=1.5")).page).toBe(0);
  });

  it("round-trips any state the form can produce", () => {
    const text = fc.string({ maxLength: 20 }).map((s) => s.trim());
    const state: fc.Arbitrary<ConnsPageState> = fc.record({
      filters: fc.record({
        protocol: fc.constantFrom("", "TCP", "UDP"),
        state: text,
        client: text,
        vip: text,
        realServer: text,
        templates: fc.constantFrom("include", "exclude", "only"),
        sort: fc.constantFrom("", "expires", "client", "state", "dest"),
        order: fc.constantFrom("asc", "desc"),
      }),
      page: fc.integer({ min: 0, max: 1000 }),
      refresh: fc.constantFrom(...REFRESH_CHOICES),
    });
    fc.assert(
      fc.property(state, (s) => {
        const back = connsStateFromUrl(new URLSearchParams(connsStateToUrl(s).toString()));
        // the order only matters (and is only kept) with a sort
        expect(back).toEqual({ ...s, filters: { ...s.filters, order: s.filters.sort ? s.filters.order : "asc" } });
      }),
    );
  });
});
