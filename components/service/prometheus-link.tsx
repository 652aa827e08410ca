"use client";
import { useCan } from "../auth/session.tsx";
import { useApi } from "../hooks/use-api.ts";

export function PrometheusLink() {
  const signedIn = useCan("viewer");
  const { data } = useApi("GET /api/history/source", signedIn ? {} : null, { revalidateOnFocus: false });
  if (!data?.prometheusUrl) return null;
  return (
    <a href={data.prometheusUrl} target="_blank" rel="noreferrer" className="text-sm hover:underline">
      Prometheus ↗
    </a>
  );
}
