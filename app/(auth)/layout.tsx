import type { ReactNode } from "react";

// Sign-in and first-run pages: no navigation, nothing that needs a session.
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 px-4">
      <p className="text-lg font-semibold">LVS Fleet</p>
      {children}
    </main>
  );
}
