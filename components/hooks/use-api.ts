"use client";
// One SWR hook for every GET of the REST contract: the key is the call's URL (so a
// mutate(url(...)) elsewhere refreshes it), the fetcher the typed client's parsed call.
import useSWR, { type SWRConfiguration } from "swr";
import type { RouteReply } from "@/protocol/dashboard/route-types.ts";
import type { RouteKey } from "@/protocol/dashboard/routes.ts";
import { type ArgList, type CallArgs, call, url } from "../lib/api-client.ts";

type GetRoute = Extract<RouteKey, `GET ${string}`>;

/** `args` null: nothing is fetched (the resource is not wanted yet). */
export function useApi<K extends GetRoute>(key: K, args: CallArgs<K> | null, config?: SWRConfiguration<RouteReply<K>>) {
  const list = [args ?? undefined] as ArgList<K>;
  return useSWR<RouteReply<K>>(args === null ? null : url(key, ...list), () => call(key, ...list), config);
}
