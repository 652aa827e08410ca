// A real server's health view as the health pages render it: up, in the pool, last check ok.
import type { DirectorHealthView, RsHealthView } from "@/protocol/dashboard/health.ts";

export const rsHealth = (key: string, over: Partial<RsHealthView> = {}): RsHealthView => ({
  key,
  address: key.split(":")[0]!,
  port: 80,
  state: "up",
  configuredWeight: 1,
  inPool: true,
  lastResult: { ok: true, reason: "ok", latencyMs: 3, at: 1_000 },
  consecutiveFailures: 0,
  transitions: [],
  checkers: ["HTTP_GET"],
  ...over,
});

/** Director dir1's health view with one checked service and its real servers. */
export const directorHealth = (service: string, realServers: Record<string, RsHealthView>): DirectorHealthView => ({
  director: "dir1",
  status: "active",
  error: null,
  scriptChecksAllowed: false,
  time: 2_000,
  services: { [service]: { key: service, quorumUp: true, liveWeight: 1, sorryServerActive: false, realServers } },
});
