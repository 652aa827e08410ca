import type { ReactNode } from "react";
import { DirectorGate } from "@/components/director/director-gate.tsx";
import { DirectorHeader } from "@/components/director/director-header.tsx";
import { DirectorTabs } from "@/components/director/director-tabs.tsx";
import { decodeSegment } from "@/components/lib/paths.ts";

export default async function DirectorLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const id = decodeSegment((await params).id);
  return (
    <DirectorGate id={id}>
      <div className="flex flex-col gap-4">
        <DirectorHeader id={id} />
        <DirectorTabs id={id} />
        {children}
      </div>
    </DirectorGate>
  );
}
