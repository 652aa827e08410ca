// The live topics of a dashboard linked to the lab's real agents, under traffic: every snapshot
// and every view rebuilt from its deltas reads with the page's reader (topic-schemas.ts, the
// null-tolerant schemas), so a real view (rates, connections, HA, health) is never refused as
// version_mismatch on the page.
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTrafficRate } from "@/lab/api.ts";
import { type Dashboard, dashboardLogin } from "@/lab/dashboard.ts";
import { NAT_VIP } from "@/lab/directors.ts";
import { readTopicView } from "@/protocol/dashboard/topic-schemas.ts";
import { topics } from "@/protocol/dashboard/topics.ts";
import { liveSubprotocol, LIVE_VERSION } from "@/protocol/live-close.ts";
import { apply } from "@/protocol/merge-patch.ts";
import { eventually, startLabDashboard } from "./dashboard-harness.ts";
import { labInstance } from "./lab.ts";

const SVC = `tcp:${NAT_VIP}:80`;
const TOPICS = [
  topics.fleet(),
  topics.drains(),
  topics.groups(),
  topics.director("dir1"),
  topics.director("dir2"),
  topics.health("dir1"),
  topics.service("dir2", SVC),
  topics.healthLatency("dir1", SVC),
];

let dash: Dashboard;
let ws: WebSocket | undefined;
const frames: { type: string; topic: string; seq: number; data?: unknown; patch?: unknown; error?: unknown }[] = [];

beforeAll(async () => {
  dash = await startLabDashboard();
  await setTrafficRate(labInstance(), "dir2", 20);
}, 240_000);

afterAll(async () => {
  ws?.close();
  await setTrafficRate(labInstance(), "dir2", 0);
  await dash?.stop();
}, 120_000);

describe("live views of the lab under traffic", () => {
  it("every snapshot and patched view of every kind reads with the page's schemas", async () => {
    const { cookie } = await dashboardLogin(dash);
    // the director topics answer once the links are up and dir2 lists its service
    await eventually("dir2 lists the NAT service", async () => {
      const r = await fetch(`${dash.url}/api/directors/dir2/services`, { headers: { cookie } });
      return r.status === 200 && (await r.text()).includes(SVC);
    }, 60_000, 500);
    const socket = new WebSocket(`${dash.url.replace(/^http/, "ws")}/api/live`, [liveSubprotocol(LIVE_VERSION)], { headers: { cookie } });
    ws = socket;
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.on("message", (d) => frames.push(JSON.parse(String(d))));
    for (const topic of TOPICS) socket.send(JSON.stringify({ type: "subscribe", topic }));
    await new Promise((r) => setTimeout(r, 15_000));

    const views = new Map<string, unknown>();
    const read: Record<string, { snapshots: number; deltas: number }> = {};
    for (const f of frames) {
      expect(f.type, JSON.stringify(f).slice(0, 300)).not.toBe("error");
      const count = read[f.topic] ?? { snapshots: 0, deltas: 0 };
      read[f.topic] = count;
      const view = f.type === "snapshot" ? f.data : apply(views.get(f.topic), f.patch);
      views.set(f.topic, view);
      if (f.type === "snapshot") count.snapshots++;
      else count.deltas++;
      const r = readTopicView(f.topic, view);
      expect(r.ok ? [] : r.issues, `${f.type} ${f.seq} of ${f.topic}`).toEqual([]);
    }
    console.log("live frames read:", JSON.stringify(read));
    for (const topic of TOPICS) expect(read[topic]?.snapshots, topic).toBeGreaterThan(0);
    // traffic moves the rates: the fleet and dir2's views changed by deltas
    expect(read[topics.fleet()]!.deltas).toBeGreaterThan(3);
    expect(read[topics.service("dir2", SVC)]!.deltas).toBeGreaterThan(3);
    const service = views.get(topics.service("dir2", SVC)) as { total: { cps: number; activeConns: number } };
    expect(service.total.cps + service.total.activeConns).toBeGreaterThan(0);
  }, 120_000);
});
