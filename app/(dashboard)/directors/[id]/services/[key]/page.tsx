import { decodeSegment } from "@/components/lib/paths.ts";
import { ServiceGate } from "@/components/director/route-gates.tsx";
import { ServiceDetail } from "@/components/service/service-detail.tsx";

type Params = Promise<{ id: string; key: string }>;

export async function generateMetadata({ params }: { params: Params }) {
  const p = await params;
  return { title: `${decodeSegment(p.key)} on ${decodeSegment(p.id)}` };
}

export default async function ServicePage({ params }: { params: Params }) {
  const p = await params;
  const director = decodeSegment(p.id);
  const service = decodeSegment(p.key);
  return (
    <ServiceGate director={director} service={service}>
      <ServiceDetail director={director} service={service} />
    </ServiceGate>
  );
}
