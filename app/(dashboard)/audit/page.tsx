import { AuditLog } from "@/components/audit/audit-log.tsx";

export const metadata = { title: "Audit log" };

export default function AuditPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <AuditLog />
    </div>
  );
}
