// How often each director's stats events actually reached the server: the server records
// every event in its 1 s history (GET /api/directors/:id/history?range=15m; one slot per
// second, null where no event arrived), so the share of filled seconds in the measured window
// is the achieved event rate (at most 1 per second by construction of the slots).
import { directorIdOf, History } from "@/protocol/dashboard/index.ts";
import { summarize, type Summary } from "./stats.ts";

export async function achievedEventRate(baseUrl: string, cookie: string, names: string[], fromMs: number, toMs: number): Promise<{ perDirector: Record<string, number>; summary: Summary }> {
  const from = Math.ceil(fromMs / 1000);
  const to = Math.floor(toMs / 1000);
  if (to <= from) throw new RangeError("the window is shorter than a second");
  const perDirector: Record<string, number> = {};
  for (const name of names) {
    const r = await fetch(`${baseUrl}/api/directors/${directorIdOf(name)}/history?range=15m`, { headers: { cookie } });
    if (!r.ok) throw new Error(`history of ${name}: HTTP ${r.status} ${await r.text()}`);
    const h = History.parse(await r.json());
    let filled = 0;
    h.time.forEach((t, i) => {
      if (t >= from && t < to && h.total.cps[i] !== null && h.total.cps[i] !== undefined) filled++;
    });
    perDirector[name] = filled / (to - from);
  }
  return { perDirector, summary: summarize(Object.values(perDirector)) };
}
