// Close codes of /api/live (4000-4999 are the application's): the browser acts on each. Apart
// from protocol/dashboard/live.ts's schemas so that the browser's live client loads no zod for them.
export const LIVE_CLOSE = {
  /** the session ended: sign in again (no reconnect) */
  sessionEnded: 4401,
  /** this session (or user) has too many live sockets open: another tab must close first */
  tooManySockets: 4429,
  /** the page speaks another version of the live protocol than the server: reload the page */
  versionMismatch: 4409,
} as const;

/** The live protocol's version; the page offers it as the WebSocket subprotocol
 * `lvs-live.v<version>` and the server answers a different one with close code 4409. */
export const LIVE_VERSION = 1;
export const liveSubprotocol = (version: number): string => `lvs-live.v${version}`;

/** The version a subprotocol names ("lvs-live.v3" is 3), or null for anything else. */
export function liveVersionOf(protocol: string | undefined): number | null {
  const m = /^lvs-live\.v([0-9]{1,6})$/.exec(protocol ?? "");
  return m ? Number(m[1]) : null;
}
