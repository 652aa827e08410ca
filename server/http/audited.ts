// Every mutation is written to the audit log before it runs and completed after it, with the
// signed-in user, its result or the error, and (for rule-changing mutations) the affected
// state before and after: `state` is read once before the action and once after it.
import type { Dashboard } from "../dashboard.ts";
import type { Principal } from "../auth/auth.ts";
import { toProtocolError } from "./respond.ts";

export interface AuditedAction {
  action: string;
  director: string | null;
  target: string | null;
  request: unknown;
  /** the state this action changes (a service's view, sysctl values, the rules text) */
  state?: () => unknown;
  /** for actions that report a refusal in their result rather than by failing (an import
   * the agent rolled back answers `applied: false`): whether the result is a success */
  succeeded?: (result: unknown) => boolean;
}

async function snapshot(a: AuditedAction): Promise<unknown> {
  if (!a.state) return null;
  try {
    return (await a.state()) ?? null;
  } catch (err) {
    // the state could not be read (agent offline, service absent): say so, do not block
    return { unavailable: toProtocolError(err).message };
  }
}

export async function audited<T>(app: Dashboard, principal: Principal | null, a: AuditedAction, run: () => Promise<T>): Promise<T> {
  const { state: _state, succeeded, ...entry } = a;
  const before = await snapshot(a);
  const id = app.audit.begin({ user: principal?.user.username ?? "anonymous", ...entry, before });
  try {
    const result = await run();
    app.audit.finish(id, succeeded ? succeeded(result) : true, result ?? null, await snapshot(a));
    app.hub.poke();
    return result;
  } catch (err) {
    app.audit.finish(id, false, { error: toProtocolError(err).toBody() }, await snapshot(a));
    throw err;
  }
}
