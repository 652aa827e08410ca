import { decodeSegment } from "../../../../../../components/lib/paths.ts";
import { ServiceDetail } from "../../../../../../components/service/service-detail.tsx";

type Params = Promise<{ id: string; key: string }>;

export async function generateMetadata({ params }: { params: Params }) {
  const p = await params;
  return { title: `${decodeSegment(p.key)} on ${decodeSegment(p.id)}` };
}

export default async function ServicePage({ params }: { params: Params }) {
  const p = await params;
  return <ServiceDetail director={decodeSegment(p.id)} service={decodeSegment(p.key)} />;
}
