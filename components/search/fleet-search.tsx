"use client";
// The header's fleet search: a VIP (address, addr:port, "fwmark N") or a real server's
// address across every director, answered by the server in one request (GET /api/search).
// Results link to the service page; arrows move through them, Enter opens the selected one
// (the first by default), Escape closes the list.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type KeyboardEvent, useId, useState } from "react";
import { useSearch } from "../hooks/use-search.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import { KIND_TEXT, searchHits } from "./search-hits.ts";

export function FleetSearch() {
  const router = useRouter();
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [selected, setSelected] = useState(0);
  const listId = useId();
  const { data, error, isLoading } = useSearch(query);
  const hits = data ? searchHits(data) : [];
  const close = () => {
    setOpen(false);
    setSelected(0);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Escape") close();
    else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (hits.length) setSelected((i) => (i + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length);
    } else if (e.key === "Enter") {
      e.preventDefault();
      const hit = hits[selected] ?? hits[0];
      if (hit) {
        close();
        router.push(hit.href);
      }
    }
  };
  const showing = open && query.trim() !== "";
  return (
    <search className="relative" data-testid="fleet-search">
      <input
        type="search"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setSelected(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={(e) => {
          // a click on a result moves the focus into the list: keep it open for the click
          if (!e.currentTarget.parentElement?.contains(e.relatedTarget)) close();
        }}
        onKeyDown={onKey}
        placeholder="Find a VIP or real server"
        aria-label="Search the fleet for a VIP or a real-server address"
        aria-controls={showing ? listId : undefined}
        aria-expanded={showing}
        role="combobox"
        aria-autocomplete="list"
        className="h-8 w-56 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-600 dark:bg-zinc-900"
      />
      {showing && (
        <div
          id={listId}
          data-testid="search-results"
          className="absolute right-0 z-20 mt-1 max-h-96 w-[28rem] max-w-[90vw] overflow-y-auto rounded-md border border-zinc-200 bg-white p-1 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {error ? <ErrorMessage error={error} /> : null}
          {isLoading && <p className="px-2 py-1 text-zinc-500">Searching…</p>}
          {data && hits.length === 0 && (
            <p className="px-2 py-1 text-zinc-500" role="status">
              Nothing in the fleet matches “{data.query}”.
            </p>
          )}
          {hits.length > 0 && (
            <ul aria-label="Search results">
              {hits.map((h, i) => (
                <li key={h.testId}>
                  <Link
                    href={h.href}
                    onClick={close}
                    data-testid={h.testId}
                    aria-current={i === selected ? "true" : undefined}
                    className={`flex flex-col rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800 ${i === selected ? "bg-zinc-100 dark:bg-zinc-800" : ""}`}
                  >
                    <span>
                      <span className="mr-2 text-xs text-zinc-500 uppercase">{KIND_TEXT[h.kind]}</span>
                      <span className="font-mono">{h.title}</span>
                    </span>
                    <span className="text-xs text-zinc-600 dark:text-zinc-400">{h.where}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {data?.truncated && <p className="px-2 py-1 text-xs text-zinc-500">More matched: type more of the address.</p>}
        </div>
      )}
    </search>
  );
}
