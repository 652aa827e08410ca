import Link from "next/link";

// What notFound() renders inside the dashboard's layout: an unknown director or service URL.
export default function NotFound() {
  return (
    <div className="flex flex-col gap-2" data-testid="not-found">
      <h1 className="text-2xl font-semibold">404: not found</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-300">No director, realserver agent or service is registered under this address.</p>
      <Link href="/" className="text-sm text-sky-700 hover:underline dark:text-sky-400">
        Back to the fleet
      </Link>
    </div>
  );
}
