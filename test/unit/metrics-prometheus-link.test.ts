// GET /api/history/source: the server's --prometheus URL for the header's link (the header
// itself, and the chart's points from a real Prometheus, are in test/lab/prometheus.test.ts).
import { afterEach, describe, expect, it } from "vitest";
import { removeDir, startServer, type TestServer } from "./server-helpers.ts";

let s: TestServer | undefined;
afterEach(async () => {
  if (!s) return;
  await s.close();
  removeDir(s.dataDir);
  s = undefined;
});

describe("GET /api/history/source", () => {
  it("names the --prometheus URL to any signed-in role, normalised as the charts use it", async () => {
    s = await startServer({ prometheus: { url: "http://prom.example:9090/prefix/" } });
    const viewer = await s.client("viewer");
    const r = await viewer.api<{ prometheusUrl: string | null }>("GET", "/api/history/source");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ prometheusUrl: "http://prom.example:9090/prefix" });
    expect((await s.anonymous.api("GET", "/api/history/source")).status).toBe(401);
  });

  it("is null without --prometheus (the header shows no link)", async () => {
    s = await startServer();
    const viewer = await s.client("viewer");
    expect((await viewer.api("GET", "/api/history/source")).body).toEqual({ prometheusUrl: null });
  });
});
