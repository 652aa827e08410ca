"use client";
// One read of a director's connection table: GET .../conns streams NDJSON progress lines then
// the result (or an error). The progress is state for the page's progress bar. A failed read
// clears the previous result, so a bad filter does not leave another filter's summary shown.
import { useCallback, useRef, useState } from "react";
import type { ConnQueryResult } from "@/protocol/conntable.ts";
import { ConnsStreamLine } from "@/protocol/dashboard/index.ts";
import { ndjsonLines } from "../conns/ndjson.ts";
import { ApiRequestError, errorFromResponse } from "../lib/api.ts";
import { url } from "../lib/api-client.ts";

export interface ConnsRead {
  loading: boolean;
  progress: { bytes: number; entries: number } | null;
  result: ConnQueryResult | null;
  error: unknown;
  read: (query: URLSearchParams) => Promise<void>;
}

export function useConns(director: string): ConnsRead {
  const [loading, setLoading] = useState(false);
  const [progress, setProgress] = useState<ConnsRead["progress"]>(null);
  const [result, setResult] = useState<ConnQueryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  const read = useCallback(
    async (query: URLSearchParams) => {
      abort.current?.abort();
      const ac = new AbortController();
      abort.current = ac;
      setLoading(true);
      setError(null);
      setProgress({ bytes: 0, entries: 0 });
      try {
        const res = await fetch(url("GET /api/directors/:id/conns", { params: { id: director }, query: Object.fromEntries(query) }), { signal: ac.signal, headers: { accept: "application/x-ndjson" } });
        if (!res.ok) throw await errorFromResponse(res);
        if (!res.body) throw new ApiRequestError(res.status, "internal", "the server sent no body");
        let finished = false;
        for await (const raw of ndjsonLines(res.body)) {
          const line = ConnsStreamLine.safeParse(raw);
          if (!line.success) continue;
          const m = line.data;
          if (m.type === "progress") setProgress({ bytes: m.bytes, entries: m.entries });
          else if (m.type === "result") {
            setResult(m.data);
            finished = true;
          } else throw new ApiRequestError(0, m.error.code, m.error.message, m.error.details);
        }
        if (!finished) throw new ApiRequestError(0, "internal", "the connection table stream ended without a result");
      } catch (e) {
        if (ac.signal.aborted) return;
        // the last result answered other filters (or an older table): never show it as this one's
        setResult(null);
        setError(e instanceof Error && e.name === "TypeError" ? new ApiRequestError(0, "network", e.message) : e);
      } finally {
        if (abort.current === ac) {
          setLoading(false);
          setProgress(null);
        }
      }
    },
    [director],
  );

  return { loading, progress, result, error, read };
}
