import { SetupForm } from "@/components/auth/setup-form.tsx";

export const metadata = { title: "First run" };

export default function SetupPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">Create the first admin</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        No dashboard user exists yet. Enter the setup code from the server&apos;s log, or run <code>npm run setup-admin</code> on the server instead.
      </p>
      <SetupForm />
    </div>
  );
}
