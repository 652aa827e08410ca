"use client";
// The connection table of one director: server-side filters and paging, a progress bar while
// the agent reads /proc/net/ip_vs_conn, aggregates, and the virtualized rows; read again when
// the director comes back online. The filters, the page and the auto-refresh live in the URL
// (a reload or a shared link shows the same view); auto-refresh reads again that many seconds
// after the previous read finished, never while one runs or while the tab is hidden.
import { useSearchParams } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { useConns } from "../hooks/use-conns.ts";
import { useOnReconnect } from "../hooks/use-on-reconnect.ts";
import { formatBytes, formatCount } from "../lib/format.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { ConnAggregates } from "./conn-aggregates.tsx";
import { ConnTable } from "./conn-table.tsx";
import { type ConnFilters, connsQueryParams, connsStateFromUrl, connsStateToUrl, PAGE_SIZE, REFRESH_CHOICES } from "./conns-query.ts";

export function ConnectionsView({ director }: { director: string }) {
  const params = useSearchParams();
  const [initial] = useState(() => connsStateFromUrl(new URLSearchParams(params.toString())));
  const [form, setForm] = useState<ConnFilters>(initial.filters);
  const [applied, setApplied] = useState<ConnFilters>(initial.filters);
  const [page, setPage] = useState(initial.page);
  const [refresh, setRefresh] = useState(initial.refresh);
  const conns = useConns(director);
  const { read, loading } = conns;

  useEffect(() => {
    void read(connsQueryParams(applied, page));
  }, [read, applied, page]);
  // a read while the director was offline failed: read again when it is back
  useOnReconnect(director, () => void read(connsQueryParams(applied, page)));

  // the URL follows the applied state (replaceState: Next keeps useSearchParams in step, no navigation)
  useEffect(() => {
    const q = connsStateToUrl({ filters: applied, page, refresh }).toString();
    const url = `${window.location.pathname}${q ? `?${q}` : ""}`;
    if (url !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(window.history.state, "", url);
  }, [applied, page, refresh]);

  useEffect(() => {
    if (refresh <= 0 || loading) return;
    const t = setTimeout(() => {
      if (!document.hidden) void read(connsQueryParams(applied, page));
    }, refresh * 1000);
    return () => clearTimeout(t);
  }, [refresh, loading, read, applied, page]);

  const text = (k: keyof ConnFilters) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setPage(0);
    setApplied({ ...form });
  };
  const r = conns.result;
  const pages = r ? Math.max(1, Math.ceil(r.matched / PAGE_SIZE)) : 1;

  return (
    <div className="flex flex-col gap-4">
      <form onSubmit={submit} aria-label="Connection filters" className="grid items-end gap-3 sm:grid-cols-4 lg:grid-cols-8">
        <SelectField label="Protocol" value={form.protocol} onChange={text("protocol")} options={[{ value: "", label: "any" }, "TCP", "UDP", "SCTP", "IP"]} />
        <TextField label="State" value={form.state} onChange={text("state")} placeholder="ESTABLISHED,FIN_WAIT" />
        <TextField label="Client" value={form.client} onChange={text("client")} placeholder="10.0.0.0/8" />
        <TextField label="VIP" value={form.vip} onChange={text("vip")} placeholder="172.16.0.100:80 or fwmark 1" />
        <TextField label="Real server" value={form.realServer} onChange={text("realServer")} placeholder="10.0.1.11:80" />
        <SelectField label="Templates" value={form.templates} onChange={text("templates")} options={["include", "exclude", "only"]} />
        <SelectField
          label="Sort by"
          value={form.sort}
          onChange={text("sort")}
          options={[{ value: "", label: "kernel order" }, "expires", "client", "state", "dest"]}
        />
        <SelectField label="Order" value={form.order} onChange={text("order")} options={["asc", "desc"]} />
        <div className="flex gap-2">
          <Button type="submit" variant="primary" busy={conns.loading}>
            Apply
          </Button>
          <Button onClick={() => void read(connsQueryParams(applied, page))} disabled={conns.loading}>
            Refresh
          </Button>
        </div>
        <SelectField
          label="Auto-refresh"
          value={String(refresh)}
          onChange={(e) => setRefresh(Number(e.target.value))}
          options={REFRESH_CHOICES.map((s) => ({ value: String(s), label: s === 0 ? "off" : `every ${s} s` }))}
        />
      </form>
      {conns.loading && conns.progress && (
        <div className="flex flex-col gap-1">
          <progress aria-label="Reading the connection table" className="h-2 w-full" />
          <span className="text-xs text-zinc-500" role="status">
            reading the connection table: {formatCount(conns.progress.entries)} entries, {formatBytes(conns.progress.bytes)}
          </span>
        </div>
      )}
      <ErrorMessage error={conns.error} />
      {r && (
        <>
          <p className="text-sm" data-testid="conn-summary">
            {formatCount(r.matched)} of {formatCount(r.scanned)} entries match; showing {r.matched === 0 ? 0 : formatCount(r.offset + 1)}–
            {formatCount(r.offset + r.entries.length)}
          </p>
          {r.matched === 0 ? (
            <p className="rounded-lg border border-dashed border-zinc-300 p-4 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400" data-testid="conn-empty" role="status">
              {r.scanned === 0 ? "The connection table is empty: no connection goes through this director now." : "No connection matches these filters. Loosen or clear a filter and apply again."}
            </p>
          ) : (
            <>
              <ConnAggregates aggregates={r.aggregates} />
              <ConnTable entries={r.entries} />
            </>
          )}
          <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
            <Button size="sm" disabled={page === 0 || conns.loading} onClick={() => setPage((p) => p - 1)}>
              Previous page
            </Button>
            <span>
              page {page + 1} of {pages}
            </span>
            <Button size="sm" disabled={page + 1 >= pages || conns.loading} onClick={() => setPage((p) => p + 1)}>
              Next page
            </Button>
          </nav>
        </>
      )}
    </div>
  );
}
