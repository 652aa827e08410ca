import "./globals.css";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { THEME_INIT_SCRIPT } from "@/components/theme/theme.ts";
import { SkipLink } from "@/components/ui/skip-link.tsx";

export const metadata = { title: { default: "LVS Fleet", template: "%s · LVS Fleet" } };

// The page CSP (server/http/security-headers.ts) allows only scripts with this request's
// nonce; reading the request headers also makes every page render per request, as a nonce needs.
export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // The theme script changes <html>'s class before hydration: React must accept the DOM.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours, needed before first paint */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <SkipLink />
        {children}
      </body>
    </html>
  );
}
