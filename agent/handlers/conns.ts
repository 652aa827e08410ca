// conns.read: one connection-table query per request over the agent's single ConnTableReader,
// so concurrent viewers share one read of /proc/net/ip_vs_conn (each read() of that file
// restarts a kernel hash walk). The table is read only when asked, never on a timer.
import { ProtocolError } from "@/protocol/errors.ts";
import { ConnReadAbortedError, ConnReadError, ConnTableReader } from "../conntable/reader.ts";
import { ConnQueryError } from "../conntable/query.ts";
import { ConnParseError } from "../conntable/parse.ts";
import type { HandlerContext, HandlerMap } from "./context.ts";
import type { HandlerDeps } from "./deps.ts";

/** Turns the conntable's own errors into protocol errors; anything else is rethrown as is. */
export function connErrorToProtocol(err: unknown, signal: AbortSignal): unknown {
  if (err instanceof ConnReadAbortedError) {
    // the deadline's or the disconnect's reason says why the read stopped
    const reason: unknown = signal.reason;
    return reason instanceof ProtocolError ? reason : new ProtocolError("unavailable", err.message);
  }
  if (err instanceof ConnQueryError) return new ProtocolError("bad_request", err.message);
  if (err instanceof ConnParseError) {
    return new ProtocolError("internal", `unexpected line in the connection table: ${err.message}`);
  }
  if (err instanceof ConnReadError) {
    const missing = (err.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
    return new ProtocolError(
      "unavailable",
      missing ? "no connection table here (is the ip_vs module loaded in this namespace?)" : err.message,
    );
  }
  return err;
}

export function connsHandlers(reader: ConnTableReader): HandlerMap {
  return {
    "conns.read": async (query, ctx: HandlerContext) => {
      try {
        // the reader throttles progress to its interval (~100 ms) and sends a final done:true
        return await reader.query(query, { signal: ctx.signal, onProgress: (p) => ctx.emit(p) });
      } catch (err) {
        throw connErrorToProtocol(err, ctx.signal);
      }
    },
  };
}

export function createHandlers(deps: HandlerDeps): HandlerMap {
  // only directors have an IPVS table; the catalog forbids conns.read to realservers anyway
  if (deps.role !== "director") return {};
  const path = deps.host?.connTablePath;
  return connsHandlers(new ConnTableReader(path === undefined ? {} : { path }));
}
