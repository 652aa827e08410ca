// Guest-side runner for test/lab/ipvs-client.test.ts: reads a JSON list of client operations
// on stdin, runs them in order with NetlinkIpvsClient in this network namespace, and prints one
// JSON result per operation. Batched because every node start costs seconds under TCG.
// `raw*` operations skip validation to provoke kernel errors (unknown scheduler...).
import { readFileSync } from "node:fs";
import { NetlinkIpvsClient } from "@/agent/ipvs/client.ts";
import { encodeServiceFull } from "@/agent/ipvs/codec-service.ts";
import { K } from "@/agent/ipvs/constants.ts";
import { IpvsValidationError, toIpvsError } from "@/agent/ipvs/errors.ts";
import { GenlFamily, resolveFamily } from "@/agent/netlink/genl.ts";
import { NetlinkTransport } from "@/agent/netlink/transport.ts";
import type { Service } from "@/protocol/ipvs.ts";

export interface Op {
  op: string;
  args?: unknown[];
}
export type OpResult =
  | { ok: unknown; ms: number }
  | { error: { name: string; op?: string; errno?: number; code?: string; message: string; issues?: string[] } };

async function main(): Promise<void> {
  const ops = JSON.parse(readFileSync(0, "utf8")) as Op[];
  const client = await NetlinkIpvsClient.open({ sockets: Number(process.env.IPVS_SOCKETS ?? 4) });
  const transport = new NetlinkTransport();
  const fam = new GenlFamily(transport, await resolveFamily(transport, "IPVS"));
  const out: OpResult[] = [];
  for (const { op, args = [] } of ops) {
    const t0 = performance.now();
    try {
      let ok: unknown;
      if (op === "rawCreateService") {
        try {
          await fam.call("createService", K.IPVS_CMD_NEW_SERVICE, encodeServiceFull(args[0] as Service));
        } catch (e) {
          throw toIpvsError("createService", e);
        }
      } else {
        const fn = (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[op];
        if (typeof fn !== "function") throw new Error(`unknown op ${op}`);
        ok = await fn.apply(client, args);
      }
      out.push({ ok: ok ?? null, ms: performance.now() - t0 });
    } catch (e) {
      const err = e as Error & { op?: string; errno?: number; code?: string };
      out.push({
        error: {
          name: err.name,
          op: err.op,
          errno: err.errno,
          code: err.code,
          message: err.message,
          issues: e instanceof IpvsValidationError ? e.issues : undefined,
        },
      });
    }
  }
  client.close();
  transport.close();
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
