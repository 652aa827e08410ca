import { decodeSegment } from "@/components/lib/paths.ts";
import { DirectorSysctls } from "@/components/sysctls/director-sysctls.tsx";
import { ReadinessPanel } from "@/components/sysctls/readiness-panel.tsx";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Sysctls of ${decodeSegment((await params).id)}` };
}

export default async function SysctlsPage({ params }: { params: Promise<{ id: string }> }) {
  const id = decodeSegment((await params).id);
  return (
    <div className="flex flex-col gap-8">
      <DirectorSysctls director={id} />
      <ReadinessPanel director={id} />
    </div>
  );
}
