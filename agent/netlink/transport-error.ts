// The transport's own failures (socket errors, timeouts, malformed datagrams, closed), apart
// from the kernel's answers (NetlinkError in genl.ts).
export class TransportError extends Error {
  override name = "TransportError";
}
