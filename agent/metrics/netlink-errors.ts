// Counts the IPVS client's failures for lvs_agent_netlink_errors_total: a Proxy around the
// client the handlers use, so every call (handlers, stats polls, the scrape) is counted
// without the client or the handlers knowing about metrics.
import type { IpvsClient } from "../ipvs/types.ts";

export class NetlinkErrorCounts {
  readonly #byOp = new Map<string, Map<string, number>>();

  add(op: string, code: string): void {
    let m = this.#byOp.get(op);
    if (!m) {
      m = new Map();
      this.#byOp.set(op, m);
    }
    m.set(code, (m.get(code) ?? 0) + 1);
  }

  snapshot(): [string, Map<string, number>][] {
    return [...this.#byOp].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/** the errno name of an IpvsError (EEXIST, ...), or the error's class for transport failures */
function codeOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && /^[A-Z][A-Z0-9_]{0,31}$/.test(code)) return code;
  return err instanceof Error ? err.name.slice(0, 64) : "unknown";
}

/** The same client; each rejected promise of a method is counted under the method's name. */
export function countingErrors<T extends IpvsClient>(client: T, counts: NetlinkErrorCounts): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function" || typeof prop !== "string") return v;
      return (...args: unknown[]) => {
        const r = (v as (...a: unknown[]) => unknown).apply(target, args);
        if (r instanceof Promise) {
          return r.catch((err: unknown) => {
            // validation failures never reached the kernel: they are not netlink errors
            if ((err as Error)?.name !== "IpvsValidationError") counts.add(prop, codeOf(err));
            throw err;
          });
        }
        return r;
      };
    },
  });
}
