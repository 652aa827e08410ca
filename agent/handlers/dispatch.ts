// Runs one validated request: role check, handler lookup, deadline. Never throws: every
// outcome is a result (ok or error) for the caller to send.
import { ProtocolError } from "@/protocol/errors.ts";
import type { ErrorBody } from "@/protocol/errors.ts";
import { DEFAULT_DEADLINE_MS, type Request, type Role, rolesOf } from "@/protocol/agent/catalog.ts";
import type { Handler, HandlerContext, Subscription } from "./context.ts";
import { toProtocolError } from "./errors.ts";
import type { HandlerRegistry } from "./registry.ts";

export type Outcome = { ok: true; data: unknown } | { ok: false; error: ErrorBody };

export interface DispatchEnv {
  role: Role;
  registry: HandlerRegistry;
  /** aborted when the connection goes away */
  connectionSignal: AbortSignal;
  emit(id: string, type: Request["type"], data: unknown): void;
  subscribe(id: string, type: Request["type"]): Subscription;
  unsubscribe(id: string): boolean;
}

export async function dispatch(req: Request, env: DispatchEnv): Promise<Outcome> {
  if (!rolesOf(req.type).includes(env.role)) {
    return fail(new ProtocolError("forbidden", `${req.type} is not available on a ${env.role} agent`));
  }
  const handler = env.registry.get(req.type) as Handler<typeof req.type> | undefined;
  if (!handler) {
    return fail(new ProtocolError("unsupported", `${req.type} is not implemented by this agent`));
  }
  const deadlineMs = req.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const controller = new AbortController();
  const onConnectionGone = () => controller.abort(new ProtocolError("unavailable", "peer disconnected"));
  env.connectionSignal.addEventListener("abort", onConnectionGone, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      const err = new ProtocolError("timeout", `${req.type} exceeded its ${deadlineMs} ms deadline`);
      controller.abort(err);
      resolve(fail(err));
    }, deadlineMs);
  });
  const ctx: HandlerContext = {
    id: req.id,
    role: env.role,
    signal: controller.signal,
    deadline: Date.now() + deadlineMs,
    emit: (data) => {
      if (!controller.signal.aborted) env.emit(req.id, req.type, data);
    },
    subscribe: () => env.subscribe(req.id, req.type),
    unsubscribe: (id) => env.unsubscribe(id),
  };
  const run = (async (): Promise<Outcome> => {
    try {
      return { ok: true, data: await handler(req.payload as never, ctx) };
    } catch (err) {
      return fail(toProtocolError(err));
    }
  })();
  try {
    return await Promise.race([run, timedOut]);
  } finally {
    clearTimeout(timer);
    env.connectionSignal.removeEventListener("abort", onConnectionGone);
  }
}

function fail(err: ProtocolError): Outcome {
  return { ok: false, error: err.toBody() };
}
