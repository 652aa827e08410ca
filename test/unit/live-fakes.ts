// A live socket that is open from the start (the page's LiveSocket), for tests that feed the
// live client frames: receive() delivers one as the server would send it.
import type { LiveSocket } from "@/components/live/live-client.ts";

export function openLiveSocket(protocol = "lvs-live.v1"): LiveSocket & { receive(m: unknown): void } {
  const s = {
    readyState: 1,
    protocol,
    send() {},
    close() {},
    onopen: null as (() => void) | null,
    onclose: null,
    onerror: null,
    onmessage: null as ((ev: { data: unknown }) => void) | null,
    receive(m: unknown) {
      s.onmessage?.({ data: JSON.stringify(m) });
    },
  };
  return s;
}
