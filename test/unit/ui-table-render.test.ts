// components/ui/table.tsx rendered to HTML: each part gives the classes the hand-written
// tables had (compact, roomy and snug padding, the inline gaps, the ruled rows, the header band
// and its strong labels, the row rule, numeric cells), `bare`
// and `look` drop them, and `className` adds to them, so a converted table looks as before.
import { createElement as h, type FunctionComponent, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

// loaded by path: the root tsconfig (which type-checks test/) has no JSX (ui-health-render.test.ts)
type P = Record<string, unknown> & { children?: ReactNode };
const TABLE = "../../components/ui/table.tsx";
const ui = (await import(/* @vite-ignore */ TABLE)) as Record<"Table" | "THead" | "TBody" | "Tr" | "Th" | "Td", FunctionComponent<P>>;
const { Table, THead, TBody, Tr, Th, Td } = ui;

/** The class sets of every element, in document order (order inside a class attribute has no effect). */
function classSets(html: string): string[][] {
  return [...html.matchAll(/<(\w+)([^>]*)>/g)].map(([, tag, attrs]) => {
    const cls = /class="([^"]*)"/.exec(attrs ?? "")?.[1] ?? "";
    return [tag!, ...cls.split(/\s+/).filter(Boolean).sort()];
  });
}
const set = (tag: string, cls: string) => [tag, ...cls.split(" ").filter(Boolean).sort()];

describe("ui/table", () => {
  it("a compact table has the band, px-2 py-1 headers, ruled rows and px-2 py-1.5 cells", () => {
    const html = renderToStaticMarkup(
      h(Table, { "data-testid": "t" }, h(THead, null, h(Tr, { bare: true }, h(Th, null, "Name"), h(Th, { numeric: true }, "Count"))), h(TBody, null, h(Tr, { className: "align-top", "data-testid": "row" }, h(Td, { className: "font-mono" }, "a"), h(Td, { numeric: true, className: "tabular-nums" }, "1")))),
    );
    expect(html).toContain('data-testid="t"');
    expect(html).toContain('data-testid="row"');
    expect(classSets(html)).toEqual([
      set("table", "w-full text-sm"),
      set("thead", "bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-900"),
      set("tr", ""),
      set("th", "px-2 py-1"),
      set("th", "px-2 py-1 text-right"),
      set("tbody", ""),
      set("tr", "border-t border-zinc-200 align-top dark:border-zinc-800"),
      set("td", "px-2 py-1.5 font-mono"),
      set("td", "px-2 py-1.5 text-right tabular-nums"),
    ]);
    // no empty class attributes on the bare parts
    expect(html).not.toContain('class=""');
  });

  it("a roomy table pads every cell px-3 py-2; plain and bare heads, bare cells and a replaced table class", () => {
    const html = renderToStaticMarkup(
      h(Table, { density: "roomy", className: "w-full font-mono text-xs" }, h(THead, { look: "plain" }, h(Tr, { bare: true }, h(Th, null, "a"))), h(THead, { look: "bare" }, h(Tr, { bare: true, className: "border-b" }, h(Th, { bare: true, className: "py-1" }, "b"))), h(TBody, null, h(Tr, null, h(Td, null, "x"), h(Td, { bare: true, numeric: true, className: "px-2" }, "y")))),
    );
    expect(classSets(html)).toEqual([
      set("table", "w-full font-mono text-xs"),
      set("thead", "text-left text-xs text-zinc-500"),
      set("tr", ""),
      set("th", "px-3 py-2"),
      set("thead", ""),
      set("tr", "border-b"),
      set("th", "py-1"),
      set("tbody", ""),
      set("tr", "border-t border-zinc-200 dark:border-zinc-800"),
      set("td", "px-3 py-2"),
      set("td", "px-2 text-right"),
    ]);
  });

  it("snug: roomy headers over px-3 py-1.5 rows", () => {
    const html = renderToStaticMarkup(h(Table, { density: "snug" }, h(THead, null, h(Tr, { bare: true }, h(Th, { numeric: true }, "a"))), h(TBody, null, h(Tr, null, h(Td, { className: "pl-7" }, "x"), h(Td, { numeric: true, className: "tabular-nums" }, "1")))));
    expect(classSets(html)).toEqual([
      set("table", "w-full text-sm"),
      set("thead", "bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-900"),
      set("tr", ""),
      set("th", "px-3 py-2 text-right"),
      set("tbody", ""),
      set("tr", "border-t border-zinc-200 dark:border-zinc-800"),
      set("td", "px-3 py-1.5 pl-7"),
      set("td", "px-3 py-1.5 text-right tabular-nums"),
    ]);
  });

  it("inline and inline-tight: a pr-4 / pr-3 gap after each cell, no padding, no rules; strong head labels", () => {
    const inline = renderToStaticMarkup(h(Table, { density: "inline", className: "text-sm" }, h(THead, { look: "plain" }, h(Tr, null, h(Th, null, "a"), h(Th, { bare: true, numeric: true }, "n"))), h(TBody, null, h(Tr, null, h(Td, null, "x"), h(Td, { bare: true, numeric: true }, "1")))));
    expect(classSets(inline)).toEqual([set("table", "text-sm"), set("thead", "text-left text-xs text-zinc-500"), set("tr", ""), set("th", "pr-4"), set("th", "text-right"), set("tbody", ""), set("tr", ""), set("td", "pr-4"), set("td", "text-right")]);
    const tight = renderToStaticMarkup(h(Table, { density: "inline-tight", className: "mt-1 text-xs" }, h(THead, { look: "plain", tone: "strong" }, h(Tr, null, h(Th, null, "a"))), h(TBody, null, h(Tr, null, h(Td, null, "x")))));
    expect(classSets(tight)).toEqual([set("table", "mt-1 text-xs"), set("thead", "text-left text-xs text-zinc-600 dark:text-zinc-400"), set("tr", ""), set("th", "pr-3"), set("tbody", ""), set("tr", ""), set("td", "pr-3")]);
    const band = renderToStaticMarkup(h(Table, null, h(THead, { tone: "strong" })));
    expect(classSets(band)[1]).toEqual(set("thead", "bg-zinc-50 text-left text-xs text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400"));
    expect(inline + tight).not.toContain('class=""');
  });

  it("ruled: no padding, a line under the header row and under each body row", () => {
    const html = renderToStaticMarkup(h(Table, { density: "ruled", className: "w-full text-left text-sm" }, h(THead, { look: "bare" }, h(Tr, null, h(Th, { className: "py-1" }, "a"), h(Th, null, "b"))), h(TBody, null, h(Tr, { className: "align-top" }, h(Td, { className: "py-2" }, "x"), h(Td, null, "y")), h(Tr, { bare: true }, h(Td, { colSpan: 2 }, "none")))));
    expect(classSets(html)).toEqual([
      set("table", "w-full text-left text-sm"),
      set("thead", ""),
      set("tr", "border-b border-zinc-200 dark:border-zinc-700"),
      set("th", "py-1"),
      set("th", ""),
      set("tbody", ""),
      set("tr", "border-b border-zinc-100 align-top dark:border-zinc-800"),
      set("td", "py-2"),
      set("td", ""),
      set("tr", ""),
      set("td", ""),
    ]);
    expect(html).not.toContain('class=""');
  });
});
