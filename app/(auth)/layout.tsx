import type { ReactNode } from "react";
import { MAIN_ID } from "@/components/ui/skip-link.tsx";

// Sign-in and first-run pages: no navigation, nothing that needs a session.
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main id={MAIN_ID} tabIndex={-1} className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 px-4">
      <p className="text-lg font-semibold">LVS Fleet</p>
      {children}
    </main>
  );
}
