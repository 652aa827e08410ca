import { DirectorServices } from "@/components/director/director-services.tsx";
import { decodeSegment } from "@/components/lib/paths.ts";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: decodeSegment((await params).id) };
}

export default async function DirectorPage({ params }: { params: Promise<{ id: string }> }) {
  return <DirectorServices id={decodeSegment((await params).id)} />;
}
