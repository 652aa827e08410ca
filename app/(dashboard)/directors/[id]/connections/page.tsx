import { Suspense } from "react";
import { ConnectionsView } from "@/components/conns/connections-view.tsx";
import { DirectorOnlyGate } from "@/components/director/route-gates.tsx";
import { decodeSegment } from "@/components/lib/paths.ts";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Connections of ${decodeSegment((await params).id)}` };
}

export default async function ConnectionsPage({ params }: { params: Promise<{ id: string }> }) {
  const id = decodeSegment((await params).id);
  return (
    <DirectorOnlyGate id={id}>
      {/* the filters are read from the URL (useSearchParams needs a Suspense boundary) */}
      <Suspense>
        <ConnectionsView director={id} />
      </Suspense>
    </DirectorOnlyGate>
  );
}
