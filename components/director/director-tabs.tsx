"use client";
// Tabs between a director's pages; the current one is marked with aria-current. A realserver
// agent has no IPVS table: no Services or Connections tab (its connections answer "forbidden").
import Link from "next/link";
import { usePathname } from "next/navigation";
import { pages } from "../lib/paths.ts";
import { useIsRealServerAgent } from "./director-gate.tsx";

export function DirectorTabs({ id }: { id: string }) {
  const path = usePathname();
  const rs = useIsRealServerAgent(id);
  const tabs = rs
    ? [
        { href: pages.director(id), label: "Real server" },
        { href: pages.sysctls(id), label: "Sysctls" },
      ]
    : [
        { href: pages.director(id), label: "Services" },
        { href: pages.connections(id), label: "Connections" },
        { href: pages.sysctls(id), label: "Sysctls" },
      ];
  return (
    <nav aria-label="Director" className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((t) => {
        const here = decodeURIComponent(path ?? "");
        const target = decodeURIComponent(t.href);
        // a service page belongs to the Services tab
        const current = here === target || (t.label === "Services" && here.startsWith(`${target}/services/`));
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={current ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-1.5 text-sm ${current ? "border-sky-600 font-medium" : "border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
