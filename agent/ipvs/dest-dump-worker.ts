// Worker thread side of DestDumpPool: runs GET_DEST dumps on its own sockets and decodes them,
// so a listing uses a second CPU (the kernel builds each dump in the caller's syscall, so
// sockets in one thread cannot run in parallel).
import { parentPort, workerData } from "node:worker_threads";
import type { Family } from "../../protocol/ipvs.ts";
import { GenlFamily } from "../netlink/genl.ts";
import { NetlinkTransport } from "../netlink/transport.ts";
import { decodeDestDump } from "./codec-dest-fast.ts";
import { K } from "./constants.ts";

export interface DumpJob {
  id: number;
  /** identifying SERVICE attributes of each service */
  requests: Uint8Array[];
  families: Family[];
}

const { familyId, version, sockets, timeoutMs } = workerData as { familyId: number; version: number; sockets: number; timeoutMs: number };
const transport = new NetlinkTransport({ sockets, timeoutMs });
const fam = new GenlFamily(transport, { id: familyId, name: "IPVS", version, hdrsize: 0, maxattr: 0 }, timeoutMs);

parentPort!.on("message", async (job: DumpJob) => {
  try {
    const replies = await fam.dumpMany(K.IPVS_CMD_GET_DEST, job.requests.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength)));
    const result = replies.map((r, i) => decodeDestDump("listServices", r, job.families[i]!));
    parentPort!.postMessage({ id: job.id, result });
  } catch (e) {
    const err = e as Error & { errno?: number; kernelMessage?: string | null };
    parentPort!.postMessage({ id: job.id, error: { name: err.name, message: err.message, errno: err.errno, kernelMessage: err.kernelMessage ?? null } });
  }
});
