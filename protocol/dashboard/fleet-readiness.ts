// GET /api/readiness/fleet: DR readiness of every realserver agent, for every VIP of the online
// directors' direct-routing services that send to its addresses. One request answered by the
// server (each agent asked once per VIP), instead of the browser asking every director's
// services and then each DR service's readiness.
import { ReadinessEntry } from "./rest.ts";
import { z } from "zod";

export const AgentVipReadiness = z.object({
  director: z.string(),
  service: z.string(),
  /** null for fwmark services (no single VIP to check) */
  vip: z.string().nullable(),
  entry: ReadinessEntry,
});
export type AgentVipReadiness = z.infer<typeof AgentVipReadiness>;

export const FleetReadinessView = z.object({
  /** by realserver agent id; each list failures first (not ready, check failed, ready), then by director and service */
  byAgent: z.record(z.string(), z.array(AgentVipReadiness)),
  /** directors that could not be read, "dir1: why" */
  errors: z.array(z.string()),
});
export type FleetReadinessView = z.infer<typeof FleetReadinessView>;
