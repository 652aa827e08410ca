// Guest-side client for agents that only the guest can reach (a realserver-role agent in a
// real-server namespace): sends each [type, payload] and prints the outcomes as JSON.
// usage: agent-requests URL TOKEN '[["type", {payload}], ...]'
import { AgentClient } from "@/protocol/node/agent-client.ts";

const [url, token, listJson] = process.argv.slice(2);
const list = JSON.parse(listJson ?? "[]") as [string, object][];
const c = new AgentClient({ url: url!, token: token!, heartbeatMs: 0 });
await c.connect();
const out: object[] = [];
for (const [type, payload] of list) {
  try {
    out.push({ type, ok: true, data: await c.request(type as never, payload as never) });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    out.push({ type, ok: false, code: err.code, message: err.message });
  }
}
c.close();
process.stdout.write(`${JSON.stringify(out)}\n`, () => process.exit(0));
