// Requests per route with their latency: a counter by method, route pattern and status class,
// and a histogram by method and route. The route is the router's pattern ("/api/directors/:id"),
// never the raw path, so the series stay few whatever the paths clients send.
import { type Exposition, renderLabels } from "@/protocol/prometheus-text.ts";

/** seconds; an API answer is milliseconds, a table write through an agent up to seconds */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class HttpMetrics {
  readonly #requests = new Map<string, { labels: [string, string][]; n: number }>();
  readonly #latency = new Map<string, { labels: [string, string][]; h: Histogram }>();

  observe(rawMethod: string, route: string, status: number, seconds: number): void {
    // the method is the client's text: only known ones become label values
    const method = METHODS.has(rawMethod) ? rawMethod : "other";
    const code = `${Math.floor(status / 100)}xx`;
    const rk = `${method} ${route} ${code}`;
    const r = this.#requests.get(rk) ?? { labels: [["code", code], ["method", method], ["route", route]], n: 0 };
    r.n++;
    this.#requests.set(rk, r);
    const lk = `${method} ${route}`;
    let l = this.#latency.get(lk);
    if (!l) {
      l = { labels: [["method", method], ["route", route]], h: { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 } };
      this.#latency.set(lk, l);
    }
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) l.h.counts[i]!++;
    l.h.sum += seconds;
    l.h.count++;
  }

  write(out: Exposition): void {
    const total = "lvs_fleet_http_requests_total";
    out.family(total, "counter", "API requests answered, by method, route pattern and status class.");
    for (const r of this.#requests.values()) out.sample(total, renderLabels(r.labels), r.n);
    const dur = "lvs_fleet_http_request_duration_seconds";
    out.family(dur, "histogram", "Time to answer an API request, by method and route pattern.");
    for (const { labels, h } of this.#latency.values()) {
      LATENCY_BUCKETS.forEach((b, i) => {
        out.sample(`${dur}_bucket`, renderLabels([...labels, ["le", String(b)]]), h.counts[i]!);
      });
      out.sample(`${dur}_bucket`, renderLabels([...labels, ["le", "+Inf"]]), h.count);
      out.sample(`${dur}_sum`, renderLabels(labels), h.sum);
      out.sample(`${dur}_count`, renderLabels(labels), h.count);
    }
  }
}
