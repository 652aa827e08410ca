// The tables moved onto components/ui/table.tsx render the same table markup as the
// hand-written tables they replaced: the same parts in the same order, each with the same
// classes, data-testid, aria and other attributes (table-skeletons.json was captured from the
// hand-written markup with the same fixtures). Cell contents are the components' own and not
// compared here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderTables, skeleton } from "./table-conversion-fixtures.ts";

const expected = JSON.parse(readFileSync(new URL("./table-skeletons.json", import.meta.url), "utf8")) as Record<string, string[]>;
const rendered = await renderTables();

describe("converted tables keep their markup", () => {
  it("covers every captured table", () => {
    expect(Object.keys(rendered).sort()).toEqual(Object.keys(expected).filter((k) => !k.startsWith("_")).sort());
  });

  for (const name of Object.keys(rendered)) {
    it(name, () => {
      const parts = skeleton(rendered[name]!);
      // the fixture reaches the table's rows (not an empty or loading state)
      expect(parts.filter((p) => p.startsWith("<td")).length, "body cells").toBeGreaterThan(0);
      expect(parts).toEqual(expected[name]);
    });
  }

  it("the skeleton sees a changed class, attribute or part", () => {
    const base = skeleton('<table class="b a"><tbody><tr data-testid="r"><td class="x">1</td></tr></tbody></table>');
    expect(base).toEqual(['<table class="a b">', "<tbody>", '<tr data-testid="r">', '<td class="x">', "</td>", "</tr>", "</tbody>", "</table>"]);
    expect(skeleton('<table class="a b"><tbody><tr data-testid="r"><td class="x y">1</td></tr></tbody></table>')).not.toEqual(base);
    expect(skeleton('<table class="a b"><tbody><tr><td class="x">1</td></tr></tbody></table>')).not.toEqual(base);
    expect(skeleton('<table class="a b"><thead><tr data-testid="r"><td class="x">1</td></tr></thead></table>')).not.toEqual(base);
  });
});
