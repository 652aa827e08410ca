// The conns.read request of benchmark 4, shared by the host side and the guest fallback so
// both measure the same work: a 1000-entry page plus every aggregate, as the UI asks.
import type { ConnQueryInput } from "@/protocol/conntable.ts";

export const BENCH_QUERY: ConnQueryInput = {
  limit: 1000,
  aggregates: { byState: true, byRealServer: true, topClients: 10 },
};
