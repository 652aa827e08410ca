// The lab relays a realserver-role agent on every director's first real server to the host
// (over a management link, as on a real site). The dashboard's readiness checks use it; here:
// reachable from the host with its own token, ready for the DR VIP the lab configures, and
// refusing director operations.
import { afterAll, describe, expect, it } from "vitest";
import type { AgentClient } from "@/protocol/node/agent-client.ts";
import { connectAgent, director, ok } from "./lab.ts";

const clients: AgentClient[] = [];
afterAll(() => {
  for (const c of clients) c.close();
});

describe("the lab's realserver agents", () => {
  it("answers from the host, reports the lab's DR setup ready and refuses IPVS requests", async () => {
    const rs = director(1).realServerAgent;
    expect(rs, "lab state lists a realserver agent for dir1").toBeDefined();
    const c = await connectAgent({ agentUrl: rs!.url, agentToken: rs!.token });
    clients.push(c);
    const ready = await c.request("realserver.readiness", { vip: "172.16.0.200" });
    expect(ready.ready).toBe(true);
    // the oracle: the VIP really is on lo in that namespace
    expect(await ok(rs!.name, ["ip", "-4", "-o", "addr", "show", "dev", "lo"])).toContain("172.16.0.200/32");
    await expect(c.request("service.list", {})).rejects.toMatchObject({ code: "forbidden" });
  });

  it("refuses the director's token", async () => {
    const rs = director(2).realServerAgent!;
    await expect(connectAgent({ agentUrl: rs.url, agentToken: director(2).agentToken })).rejects.toMatchObject({ code: "unauthorized" });
  });
});
