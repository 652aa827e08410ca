// The page's one LiveClient, created on first use in the browser (never during server
// rendering: there is no socket there), connected to /api/live on the page's own origin.
import { LIVE_CLOSE, LIVE_VERSION, liveSubprotocol } from "@/protocol/live-close.ts";
import { goToLogin } from "../lib/api.ts";
import { LiveClient, type LiveSocket } from "./live-client.ts";

let shared: LiveClient | null = null;

export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/api/live`;
}

export function sharedLiveClient(): LiveClient {
  if (!shared) {
    shared = new LiveClient({
      connect: () => {
        const ws = new WebSocket(liveUrl(window.location), [liveSubprotocol(LIVE_VERSION)]);
        // the server closed the socket because the session ended
        ws.addEventListener("close", (e) => {
          if (e.code === LIVE_CLOSE.sessionEnded) goToLogin();
        });
        return ws as unknown as LiveSocket;
      },
      backoff: { initialDelayMs: 500, maxDelayMs: 10_000, jitter: 0.3 },
      // the views' zod schemas load as their own chunk, from now on (frames wait for them)
      views: import("@/protocol/dashboard/topic-schemas.ts").then((m) => m.readTopicView),
    });
  }
  return shared;
}
