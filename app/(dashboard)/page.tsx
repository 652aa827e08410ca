import { FleetOverview } from "@/components/fleet/fleet-overview.tsx";
import { FleetTotalsPanel } from "@/components/fleet/fleet-totals-panel.tsx";
import { RegisterDirectorForm } from "@/components/fleet/register-director-form.tsx";
import { RequireRole } from "@/components/auth/session.tsx";

export const metadata = { title: "Fleet" };

export default function FleetPage() {
  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="fleet-title">
        <h1 id="fleet-title" className="mb-4 text-2xl font-semibold">
          Fleet
        </h1>
        <div className="flex flex-col gap-6">
          <FleetTotalsPanel />
          <FleetOverview />
        </div>
      </section>
      <RequireRole min="admin">
        <section aria-labelledby="register-title" className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
          <h2 id="register-title" className="mb-3 text-lg font-semibold">
            Register a director
          </h2>
          <RegisterDirectorForm />
        </section>
      </RequireRole>
    </div>
  );
}
