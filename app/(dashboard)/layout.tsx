import Link from "next/link";
import type { ReactNode } from "react";
import { AuthGate } from "../../components/auth/auth-gate.tsx";
import { MainNav } from "../../components/auth/main-nav.tsx";
import { UserMenu } from "../../components/auth/user-menu.tsx";
import { LiveIndicator } from "../../components/live/live-indicator.tsx";
import { PrometheusLink } from "../../components/service/prometheus-link.tsx";
import { ThemeToggle } from "../../components/theme/theme-toggle.tsx";

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
          <Link href="/" className="text-lg font-semibold">
            LVS Fleet
          </Link>
          <MainNav />
          <PrometheusLink />
          <div className="ml-auto flex items-center gap-3">
            <LiveIndicator />
            <ThemeToggle />
            <UserMenu />
          </div>
        </div>
      </header>
      <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        <AuthGate>{children}</AuthGate>
      </main>
    </div>
  );
}
