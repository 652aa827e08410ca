// sysctl.get / sysctl.set over SysctlService: the allow-list and the value checks live in
// agent/sysctl/ (one place for both roles); this module only maps its errors onto the
// protocol's codes. A name outside the allow-list is the caller's mistake (bad_request).
import { ProtocolError } from "@/protocol/errors.ts";
import type { ErrorCode } from "@/protocol/errors.ts";
import type { SysctlErrorCode } from "@/protocol/sysctl.ts";
import type { SysctlEntry } from "@/protocol/sysctl.ts";
import { SysctlError } from "../sysctl/allowlist.ts";
import { SysctlService } from "../sysctl/sysctl.ts";
import type { HandlerMap } from "./context.ts";
import type { HandlerDeps } from "./deps.ts";

const CODE: Record<SysctlErrorCode, ErrorCode> = {
  "not-allowed": "bad_request",
  "invalid-value": "bad_request",
  "not-found": "not_found",
  io: "internal",
};

export function sysctlErrorToProtocol(err: unknown): unknown {
  if (!(err instanceof SysctlError)) return err;
  return new ProtocolError(CODE[err.code], err.message, { reason: err.code });
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw sysctlErrorToProtocol(err);
  }
}

export function sysctlHandlers(service: SysctlService): HandlerMap {
  return {
    "sysctl.get": ({ names }, ctx) =>
      mapped(async () => {
        let entries: SysctlEntry[];
        if (names === undefined) entries = await service.list();
        else {
          entries = [];
          for (const name of names) {
            if (ctx.signal.aborted) break;
            entries.push(await service.get(name));
          }
        }
        return { values: Object.fromEntries(entries.map((e) => [e.name, e.value])), entries };
      }),
    "sysctl.set": ({ name, value, persist }) => mapped(() => service.set(name, value, { persist })),
  };
}

export function createHandlers(deps: HandlerDeps): HandlerMap {
  const h = deps.host;
  return sysctlHandlers(
    new SysctlService({
      ...(h?.procSysRoot === undefined ? {} : { procRoot: h.procSysRoot }),
      ...(h?.sysctlPersistFile === undefined ? {} : { persistFile: h.sysctlPersistFile }),
    }),
  );
}
