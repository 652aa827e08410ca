// The table listing, the agent's hot path (5,000 services and 20,000 real servers must list at
// least as fast as `ipvsadm -Ln`): one GET_SERVICE dump whose replies are decoded in place and
// turned straight into the GET_DEST requests, written back to back into one block, then all
// GET_DEST dumps streamed over the transport and decoded in place (genl-stream.ts). No reply
// message is copied or kept, and nothing is allocated per request.
import type { Family } from "@/protocol/ipvs.ts";
import { NLM_F_DUMP } from "../netlink/genl.ts";
import type { GenlFamily } from "../netlink/genl.ts";
import { RequestBlockWriter, endsReply, findTopAttr, streamRequests } from "../netlink/genl-stream.ts";
import { SERVICE_KEY_CONTAINER_MAX, writeServiceKeyContainer } from "./codec-service-fast.ts";
import { K } from "./constants.ts";

/** How one listing decodes a service and a destination container (rows or objects). */
export interface ListingShape<S, D> {
  service(b: Buffer, start: number, end: number): S;
  family(s: S): Family;
  dest(b: Buffer, start: number, end: number, family: Family): D;
}

export interface ListedEntry<S, D> {
  service: S;
  dests: D[];
}

const OP = "listServices";

export async function listTable<S, D>(fam: GenlFamily, shape: ListingShape<S, D>): Promise<ListedEntry<S, D>[]> {
  const entries: ListedEntry<S, D>[] = [];
  const families: Family[] = [];
  const destRequests = new RequestBlockWriter(fam.info, K.IPVS_CMD_GET_DEST, NLM_F_DUMP, 1024);
  const serviceRequest = new RequestBlockWriter(fam.info, K.IPVS_CMD_GET_SERVICE, NLM_F_DUMP, 1);
  serviceRequest.add(0, (_b, at) => at);
  await streamRequests(
    fam.transport,
    serviceRequest.finish(),
    (_i, b, start, end) => {
      if (endsReply(OP, b, start, end)) return;
      const a = findTopAttr(b, start, end, K.IPVS_CMD_ATTR_SERVICE);
      if (a < 0) return;
      const stop = a + b.readUInt16LE(a);
      const service = shape.service(b, a + 4, stop);
      entries.push({ service, dests: [] });
      families.push(shape.family(service));
      destRequests.add(SERVICE_KEY_CONTAINER_MAX, (out, at) => writeServiceKeyContainer(b, a + 4, stop, out, at));
    },
    fam.timeoutMs,
  );
  await streamRequests(
    fam.transport,
    destRequests.finish(),
    (i, b, start, end) => {
      if (endsReply(OP, b, start, end)) return;
      const a = findTopAttr(b, start, end, K.IPVS_CMD_ATTR_DEST);
      if (a >= 0) entries[i]!.dests.push(shape.dest(b, a + 4, a + b.readUInt16LE(a), families[i]!));
    },
    fam.timeoutMs,
  );
  return entries;
}
