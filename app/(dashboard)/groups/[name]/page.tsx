import { GroupPage } from "@/components/ha/group-page.tsx";
import { decodeSegment } from "@/components/lib/paths.ts";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `Group ${decodeSegment((await params).name)}` };
}

export default async function GroupRoute({ params }: { params: Promise<{ name: string }> }) {
  return <GroupPage name={decodeSegment((await params).name)} />;
}
