import { ConnectionsView } from "../../../../../components/conns/connections-view.tsx";
import { decodeSegment } from "../../../../../components/lib/paths.ts";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Connections of ${decodeSegment((await params).id)}` };
}

export default async function ConnectionsPage({ params }: { params: Promise<{ id: string }> }) {
  return <ConnectionsView director={decodeSegment((await params).id)} />;
}
