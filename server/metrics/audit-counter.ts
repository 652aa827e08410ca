// Audit writes for /metrics, counted by wrapping the AuditLog instance's writing methods (the
// store itself knows nothing of metrics). begin/finish are the two halves of an audited
// change, record a one-shot entry, refused a refusal (batched by the store).
import { type Exposition, renderLabels } from "@/protocol/prometheus-text.ts";

const WRITERS = ["begin", "finish", "record", "refused"] as const;

export class AuditCounter {
  readonly #ok = new Map<string, number>();
  readonly #failed = new Map<string, number>();

  /** Wraps `audit`'s writing methods in place; methods it does not have are skipped. */
  attach(audit: object): this {
    const target = audit as Record<string, unknown>;
    for (const m of WRITERS) {
      const f = target[m];
      if (typeof f !== "function") continue;
      target[m] = (...args: unknown[]) => {
        try {
          const r = (f as (...a: unknown[]) => unknown).apply(audit, args);
          this.#ok.set(m, (this.#ok.get(m) ?? 0) + 1);
          return r;
        } catch (err) {
          this.#failed.set(m, (this.#failed.get(m) ?? 0) + 1);
          throw err;
        }
      };
    }
    return this;
  }

  write(out: Exposition): void {
    out.family("lvs_fleet_audit_writes_total", "counter", "Audit log writes since the server started, by kind (begin and finish of a change, record, refused).");
    for (const m of WRITERS) out.sample("lvs_fleet_audit_writes_total", renderLabels([["kind", m]]), this.#ok.get(m) ?? 0);
    out.family("lvs_fleet_audit_write_errors_total", "counter", "Audit log writes that failed (SQLite refused them).");
    for (const m of WRITERS) out.sample("lvs_fleet_audit_write_errors_total", renderLabels([["kind", m]]), this.#failed.get(m) ?? 0);
  }
}
