import { RequireRole } from "@/components/auth/session.tsx";
import { UsersAdmin } from "@/components/auth/users-admin.tsx";

export const metadata = { title: "Users" };

export default function UsersPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">Users</h1>
      <RequireRole min="admin">
        <UsersAdmin />
      </RequireRole>
    </div>
  );
}
