// Every mutation is written to the audit log before it runs and completed after it, with
// its result or the error. Users come later: everything is "anonymous" for now.
import type { Dashboard } from "../app.ts";
import { toProtocolError } from "./respond.ts";

export const ANONYMOUS = "anonymous";

export interface AuditedAction {
  action: string;
  director: string | null;
  target: string | null;
  request: unknown;
}

export async function audited<T>(app: Dashboard, a: AuditedAction, run: () => Promise<T>): Promise<T> {
  const id = app.audit.begin({ user: ANONYMOUS, ...a });
  try {
    const result = await run();
    app.audit.finish(id, true, result ?? null);
    app.hub.poke();
    return result;
  } catch (err) {
    app.audit.finish(id, false, { error: toProtocolError(err).toBody() });
    throw err;
  }
}
