// The oracle for the agent's node_ipvs_* series: Debian's prometheus-node-exporter (1.5.0)
// with only its IPVS collector, in the same director namespace as our agent, over the same
// kernel table. Every node_ipvs series it exposes must be exposed by us with the same labels,
// HELP and TYPE, and a value within the traffic between the scrapes (none: the director is
// quiet); the series counts are equal; promtool check metrics is clean on our page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlFor } from "@/lab/api.ts";
import { promtoolCheckMetrics } from "../unit/metrics-fixtures.ts";
import { director, ipvsadm, labState, ok, quiet, resetRules, run } from "./lab.ts";

interface Page {
  /** name{sorted labels} -> value */
  samples: Map<string, number>;
  /** "# HELP ..." and "# TYPE ..." lines by family */
  meta: Map<string, string[]>;
}

function parsePage(text: string, prefix: string): Page {
  const samples = new Map<string, number>();
  const meta = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (m) {
      if (m[2]!.startsWith(prefix)) meta.set(m[2]!, [...(meta.get(m[2]!) ?? []), line]);
      continue;
    }
    const s = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!s || !s[1]!.startsWith(prefix)) continue;
    const labels = [...(s[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => `${l[1]}="${l[2]}"`).sort();
    const key = `${s[1]}{${labels.join(",")}}`;
    expect(samples.has(key), `${key} twice`).toBe(false);
    samples.set(key, Number(s[3]));
  }
  return { samples, meta };
}

describe("agent /metrics against node_exporter's IPVS collector", () => {
  const d = director(1);
  const address = `10.254.${d.index}.2`;
  const name = `node-exporter-${d.name}`;
  const c = controlFor(labState(), d.guest);
  const nodeExporter = () => ok(d.name, ["busybox", "wget", "-q", "-O", "-", `http://${address}:9100/metrics`]);
  const ours = async () => {
    const res = await fetch(`${d.agentUrl.replace(/^ws/, "http")}/metrics`, { headers: { authorization: `Bearer ${d.agentToken}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    await quiet(d.name);
    await resetRules(d.name);
    // beside the lab's NAT and DR services: fwmark (its mark as %08X, no address), UDP,
    // IPv6, a weight-0 server and one real server in two services
    for (const argv of [
      ["-A", "-f", "26", "-s", "wlc", "-p", "300"],
      ["-a", "-f", "26", "-r", "10.0.0.11:0", "-g", "-w", "3"],
      ["-a", "-f", "26", "-r", "10.0.0.12:0", "-g", "-w", "0"],
      ["-A", "-u", "172.16.0.100:53", "-s", "rr"],
      ["-a", "-u", "172.16.0.100:53", "-r", "10.0.0.11:53", "-m", "-w", "2"],
      ["-A", "-t", "[2001:db8::100]:80", "-s", "rr"],
      ["-a", "-t", "[2001:db8::100]:80", "-r", "[2001:db8:0:1::11]:8080", "-m", "-w", "1"],
    ]) {
      await ipvsadm(d.name, ...argv);
    }
    // some connections and counters to compare
    for (let i = 0; i < 4; i++) await run(`${d.name}-c`, ["busybox", "wget", "-q", "-O", "/dev/null", "http://172.16.0.100/"]);
    await c.spawn(name, d.name, ["prometheus-node-exporter", "--collector.disable-defaults", "--collector.ipvs", `--web.listen-address=${address}:9100`]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await run(d.name, ["busybox", "wget", "-q", "-O", "/dev/null", `http://${address}:9100/metrics`]);
      if (r.code === 0) break;
      if (Date.now() > deadline) throw new Error(`node_exporter did not answer on ${address}:9100: ${r.stderr}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // the kernel folds per-CPU counters on its 2 s estimator tick
    await new Promise((r) => setTimeout(r, 3000));
  }, 120_000);

  afterAll(async () => {
    await c.stop(name).catch(() => undefined);
    await resetRules(d.name);
  });

  it("exposes every node_ipvs series node_exporter exposes, same labels, HELP, TYPE and values", async () => {
    const before = parsePage(await ours(), "node_ipvs_");
    const node = parsePage(await nodeExporter(), "node_ipvs_");
    const after = parsePage(await ours(), "node_ipvs_");
    // the table above has 10 real servers: 3 backend series each, plus the 5 totals
    expect(node.samples.size).toBe(5 + 3 * 10);
    expect(after.samples.size).toBe(node.samples.size);
    expect([...after.samples.keys()].sort()).toEqual([...node.samples.keys()].sort());
    expect(new Map([...after.meta].sort())).toEqual(new Map([...node.meta].sort()));
    for (const [key, v] of node.samples) {
      const lo = Math.min(before.samples.get(key)!, after.samples.get(key)!);
      const hi = Math.max(before.samples.get(key)!, after.samples.get(key)!);
      expect(v, key).toBeGreaterThanOrEqual(lo);
      expect(v, key).toBeLessThanOrEqual(hi);
    }
    // the labels as node_exporter spells them, checked on a few known entries
    expect(node.samples.get('node_ipvs_backend_weight{local_address="",local_mark="0000001A",local_port="0",proto="FWM",remote_address="10.0.0.12",remote_port="0"}')).toBe(0);
    expect(node.samples.get('node_ipvs_backend_weight{local_address="2001:db8::100",local_mark="",local_port="80",proto="TCP",remote_address="2001:db8:0:1::11",remote_port="8080"}')).toBe(1);
    expect(node.samples.get("node_ipvs_connections_total{}")).toBeGreaterThanOrEqual(4);
  });

  it("our whole page is clean under promtool check metrics", async () => {
    const r = promtoolCheckMetrics(await ours());
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("401 without the token, from the host through the relay", async () => {
    const res = await fetch(`${d.agentUrl.replace(/^ws/, "http")}/metrics`);
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("node_ipvs");
  });
});
