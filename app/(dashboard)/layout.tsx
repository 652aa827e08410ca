import Link from "next/link";
import type { ReactNode } from "react";
import { AuthGate } from "@/components/auth/auth-gate.tsx";
import { MainNav } from "@/components/auth/main-nav.tsx";
import { UserMenu } from "@/components/auth/user-menu.tsx";
import { LiveIndicator } from "@/components/live/live-indicator.tsx";
import { PrometheusLink } from "@/components/service/prometheus-link.tsx";
import { ThemeToggle } from "@/components/theme/theme-toggle.tsx";
import { HeaderMenu } from "@/components/ui/header-menu.tsx";
import { MAIN_ID } from "@/components/ui/skip-link.tsx";

// The header row: the name and the live dot always, the rest (links, theme, user) in the
// HeaderMenu, which folds behind a "Menu" button on phones.
export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-3 px-4 py-3">
          <Link href="/" className="text-lg font-semibold">
            LVS Fleet
          </Link>
          <LiveIndicator />
          <HeaderMenu>
            <MainNav />
            <PrometheusLink />
            <div className="flex flex-wrap items-center gap-3 md:ml-auto">
              <ThemeToggle />
              <UserMenu />
            </div>
          </HeaderMenu>
        </div>
      </header>
      <main id={MAIN_ID} tabIndex={-1} className="mx-auto w-full max-w-7xl min-w-0 flex-1 px-4 py-6">
        <AuthGate>{children}</AuthGate>
      </main>
    </div>
  );
}
