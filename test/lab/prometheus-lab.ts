// Helpers of test/lab/prometheus.test.ts: Prometheus's HTTP API as the test reads it, and the
// real ipvsadm's per-real-server counters as the oracle for what Prometheus stored.
import { expect } from "vitest";
import { ipvsadm } from "./lab.ts";

export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** GET <prom>/api/v1/<path>: the reply's data once its status is success. */
export async function promApi<T>(promUrl: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const url = `${promUrl}/api/v1/${path}?${new URLSearchParams(params).toString()}`;
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`${url}: HTTP ${res.status} ${body.error ?? JSON.stringify(body)}`);
  return body.data;
}

/** query_range over the last `seconds` at 1 s steps. */
export async function recent(promUrl: string, query: string, seconds: number): Promise<PromSeries[]> {
  const end = Date.now() / 1000;
  const data = await promApi<{ resultType: string; result: PromSeries[] }>(promUrl, "query_range", {
    query,
    start: String(end - seconds),
    end: String(end),
    step: "1",
  });
  expect(data.resultType).toBe("matrix");
  return data.result;
}

export const last = (s: PromSeries): number => Number(s.values.at(-1)![1]);
export const first = (s: PromSeries): number => Number(s.values[0]![1]);

/** `ipvsadm -Ln --stats --exact` of one TCP service: real server "ip:port" -> Conns. */
export async function kernelConns(target: string, vip: string): Promise<Map<string, number>> {
  const lines = (await ipvsadm(target, "-Ln", "--stats", "--exact")).split("\n");
  const at = lines.findIndex((l) => l.startsWith(`TCP  ${vip}:80 `));
  if (at < 0) throw new Error(`TCP ${vip}:80 is not in ${target}'s table`);
  const out = new Map<string, number>();
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith("  ->")) break;
    const f = l.trim().split(/\s+/);
    out.set(f[1]!, Number(f[2]));
  }
  return out;
}

/** the (non-null) values of a history column times its step: what the slots add up to */
export function slotSum(col: (number | null)[], step: number): number {
  return col.reduce<number>((s, v) => s + (v ?? 0) * step, 0);
}

/** `ipvsadm -S -n`'s real servers of the TCP services: node_exporter's six labels each */
export async function kernelBackends(target: string): Promise<string[]> {
  const out: string[] = [];
  for (const m of (await ipvsadm(target, "-S", "-n")).matchAll(/^-a -t ([\d.]+):(\d+) -r ([\d.]+):(\d+) /gm)) {
    out.push(backendKey({ local_address: m[1]!, local_port: m[2]!, local_mark: "", proto: "TCP", remote_address: m[3]!, remote_port: m[4]! }));
  }
  return out.sort();
}

export function backendKey(l: Record<string, string>): string {
  // Prometheus stores no empty label: local_mark="" comes back absent
  return ["local_address", "local_port", "local_mark", "proto", "remote_address", "remote_port"].map((k) => `${k}=${l[k] ?? ""}`).join(",");
}
