"use client";
// useLiveTopic(topic): the current view of a live topic (snapshot plus applied deltas) from
// the page's shared socket; subscribing on mount and releasing on unmount keeps the reference
// count right even under React's strict-mode double effects.
import { useCallback, useSyncExternalStore } from "react";
import type { TopicKind, TopicName, TopicViews } from "@/protocol/dashboard/topics.ts";
import type { ConnectionStatus, TopicState } from "./live-client.ts";
import { sharedLiveClient } from "./live-socket.ts";

const NONE: TopicState = Object.freeze({ data: undefined, ready: false, seq: -1, error: null });

export interface LiveTopic<T> {
  /** undefined until the first snapshot */
  data: T | undefined;
  ready: boolean;
  error: TopicState["error"];
}

/** `topic` null = subscribe to nothing (e.g. while a parameter is not known yet). A name
 * from `topics.*` (protocol/dashboard/topics.ts) types the view it carries. */
export function useLiveTopic<K extends TopicKind>(topic: TopicName<K> | null): LiveTopic<TopicViews[K]>;
export function useLiveTopic<T>(topic: string | null): LiveTopic<T>;
export function useLiveTopic<T>(topic: string | null): LiveTopic<T> {
  const subscribe = useCallback(
    (onChange: () => void) => (topic ? sharedLiveClient().subscribe(topic, onChange) : () => {}),
    [topic],
  );
  const getSnapshot = useCallback(() => (topic ? sharedLiveClient().getState(topic) : NONE), [topic]);
  const state = useSyncExternalStore(subscribe, getSnapshot, () => NONE);
  return { data: state.data as T | undefined, ready: state.ready, error: state.error };
}

const subscribeStatus = (onChange: () => void) => sharedLiveClient().onStatus(onChange);
const getStatus = () => sharedLiveClient().status;

const getRefusal = () => sharedLiveClient().refusal;

/** Why the server refused the live socket (status "refused"), for the indicator's title. */
export function useLiveRefusal(): string | null {
  return useSyncExternalStore(subscribeStatus, getRefusal, () => null);
}

/** The shared socket's state for the header's indicator; "connecting" during server rendering. */
export function useLiveStatus(): ConnectionStatus {
  return useSyncExternalStore(subscribeStatus, getStatus, () => "connecting" as const);
}
