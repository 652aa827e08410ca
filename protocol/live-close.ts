// Close codes of /api/live (4000-4999 are the application's): the browser acts on each. Apart
// from protocol/dashboard/live.ts's schemas so that the browser's live client loads no zod for them.
export const LIVE_CLOSE = {
  /** the session ended: sign in again (no reconnect) */
  sessionEnded: 4401,
  /** this session (or user) has too many live sockets open: another tab must close first */
  tooManySockets: 4429,
} as const;
