"use client";
// The header's links, by role: the audit log for operators and admins, users for admins; then
// the fleet search. They wrap (the search on a line of its own) in a phone's folded menu.
import Link from "next/link";
import { useCan } from "./session.tsx";
import { FleetSearch } from "../search/fleet-search.tsx";

export function MainNav() {
  const operator = useCan("operator");
  const admin = useCan("admin");
  return (
    <nav aria-label="Main" className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
      <Link href="/" className="hover:underline">
        Fleet
      </Link>
      {operator && (
        <Link href="/audit" className="hover:underline">
          Audit log
        </Link>
      )}
      {admin && (
        <Link href="/users" className="hover:underline">
          Users
        </Link>
      )}
      <FleetSearch />
    </nav>
  );
}
