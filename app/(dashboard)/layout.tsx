import Link from "next/link";
import type { ReactNode } from "react";
import { LiveIndicator } from "../../components/live/live-indicator.tsx";
import { ThemeToggle } from "../../components/theme/theme-toggle.tsx";

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
          <Link href="/" className="text-lg font-semibold">
            LVS Fleet
          </Link>
          <nav aria-label="Main" className="flex gap-4 text-sm">
            <Link href="/" className="hover:underline">
              Fleet
            </Link>
            <Link href="/audit" className="hover:underline">
              Audit log
            </Link>
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <LiveIndicator />
            <ThemeToggle />
          </div>
        </div>
      </header>
      <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">{children}</main>
    </div>
  );
}
