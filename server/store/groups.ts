// The desired IPVS table of each HA group, one JSON row per group (table ha_groups, db.ts
// migration 3). The table is a rule set (services with their real servers, configurations
// only): what every member of the group should carry.
import { z } from "zod";
import { DesiredSource } from "@/protocol/dashboard/index.ts";
import { Destination, Service } from "@/protocol/ipvs.ts";
import type { Db } from "./db.ts";

export const DesiredTable = z.array(Service.extend({ destinations: z.array(Destination) }));
export type DesiredTable = z.infer<typeof DesiredTable>;

export interface StoredGroup {
  name: string;
  desired: DesiredTable;
  source: DesiredSource;
  from: string | null;
  updatedAt: number;
}

interface Row {
  name: string;
  desired: string;
  source: string;
  from_director: string | null;
  updated_at: number;
}

export class GroupStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  get(name: string): StoredGroup | null {
    const r = this.#db.prepare("SELECT * FROM ha_groups WHERE name = ?").get(name) as Row | undefined;
    if (!r) return null;
    return {
      name: r.name,
      desired: DesiredTable.parse(JSON.parse(r.desired)),
      source: DesiredSource.parse(r.source),
      from: r.from_director,
      updatedAt: r.updated_at,
    };
  }

  save(g: StoredGroup): void {
    this.#db
      .prepare(
        `INSERT INTO ha_groups (name, desired, source, from_director, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET desired = excluded.desired, source = excluded.source,
           from_director = excluded.from_director, updated_at = excluded.updated_at`,
      )
      .run(g.name, JSON.stringify(g.desired), g.source, g.from, g.updatedAt);
  }
}
