// The overview's grouping: directors by group (named groups alphabetically, the ungrouped
// last), each group's directors by name.
import type { DirectorView } from "@/protocol/dashboard/index.ts";

export interface DirectorGroup {
  group: string;
  directors: DirectorView[];
}

export function groupDirectors(directors: Iterable<DirectorView>): DirectorGroup[] {
  const byGroup = new Map<string, DirectorView[]>();
  for (const d of directors) {
    const list = byGroup.get(d.group) ?? [];
    list.push(d);
    byGroup.set(d.group, list);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)))
    .map(([group, list]) => ({ group, directors: list.sort((x, y) => x.name.localeCompare(y.name) || x.id.localeCompare(y.id)) }));
}
