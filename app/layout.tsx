import "./globals.css";
import type { ReactNode } from "react";
import { THEME_INIT_SCRIPT } from "../components/theme/theme.ts";

export const metadata = { title: { default: "LVS Fleet", template: "%s · LVS Fleet" } };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme script changes <html>'s class before hydration: React must accept the DOM.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours, needed before first paint */}
        <script dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        {children}
      </body>
    </html>
  );
}
