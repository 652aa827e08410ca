import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Service, ServiceState } from "@/protocol/ipvs.ts";
import type { IpvsClient } from "@/agent/ipvs/types.ts";
import { withSaveFile } from "@/agent/rules/saving-client.ts";

const stats = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };

function fakeClient(): { client: IpvsClient; lists: () => number } {
  const services: ServiceState[] = [];
  let lists = 0;
  const client = {
    async listServices() {
      lists++;
      return structuredClone(services);
    },
    async createService(svc: ServiceState) {
      if (services.some((s) => JSON.stringify(s.key) === JSON.stringify(svc.key))) throw new Error("EEXIST");
      services.push({ ...svc, stats, destinations: [] });
    },
    async flush() {
      services.length = 0;
    },
    async info() {
      return { version: "1.2.1", connTableSize: 4096 };
    },
  } as unknown as IpvsClient;
  return { client, lists: () => lists };
}

const svc = (port: number): Service => ({
  key: { protocol: "tcp", address: "10.1.1.1", port },
  config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false },
});

describe("withSaveFile", () => {
  it("writes the rules after changes, coalescing a burst into few saves", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "save-")), "rules");
    const { client, lists } = fakeClient();
    const saving = withSaveFile(client, path, (e) => {
      throw e;
    });
    for (let p = 1; p <= 50; p++) await saving.createService(svc(p));
    await saving.saved();
    const text = readFileSync(path, "utf8");
    expect(text.split("\n").filter((l) => l.startsWith("-A"))).toHaveLength(50);
    expect(text).toContain("-A -t 10.1.1.1:50 -s rr");
    expect(lists()).toBeLessThanOrEqual(2);
  });

  it("saves after a failed change too, and leaves reads alone", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "save-")), "rules");
    const { client, lists } = fakeClient();
    const saving = withSaveFile(client, path, () => {});
    expect((await saving.info()).version).toBe("1.2.1");
    await saving.saved();
    expect(lists()).toBe(0);
    await saving.createService(svc(80));
    await expect(saving.createService(svc(80))).rejects.toThrow("EEXIST");
    await saving.flush();
    await saving.saved();
    expect(readFileSync(path, "utf8").split("\n").filter((l) => l.startsWith("-A"))).toEqual([]);
  });

  it("after a batch writes the table its caller noted, without listing; a foreign change means a listing", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "save-")), "rules");
    const { client, lists } = fakeClient();
    (client as { applyBatch?: unknown }).applyBatch = async (changes: { service: Service }[]) => {
      for (const c of changes) await client.createService(c.service);
      return changes.map(() => ({ status: "done" }));
    };
    const saving = withSaveFile(client, path, (e) => {
      throw e;
    });
    const since = saving.mutationCount!();
    await saving.applyBatch!([{ op: "createService", service: svc(81) }]);
    const noted = [{ ...svc(81), destinations: [] }];
    saving.noteTable!(noted, since, 1);
    await saving.saved();
    expect(lists()).toBe(0);
    expect(readFileSync(path, "utf8")).toContain("-A -t 10.1.1.1:81 -s rr\n");
    // someone else changed the table in between: the note is not trusted
    const since2 = saving.mutationCount!();
    await saving.createService(svc(82));
    await saving.applyBatch!([{ op: "createService", service: svc(83) }]);
    saving.noteTable!(noted, since2, 1);
    await saving.saved();
    expect(lists()).toBe(1);
    expect(readFileSync(path, "utf8").split("\n").filter((l) => l.startsWith("-A"))).toHaveLength(3);
  });

  it("never lists the kernel while a change is in flight (an import's batches), only once it is quiet", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "save-")), "rules");
    const { client, lists } = fakeClient();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    (client as { applyBatch?: unknown }).applyBatch = async (changes: { service: Service }[]) => {
      await gate;
      for (const c of changes) await client.createService(c.service);
      return changes.map(() => ({ status: "done" }));
    };
    const saving = withSaveFile(client, path, () => {}, 10);
    await saving.flush(); // marks the file dirty
    const batch = saving.applyBatch!([{ op: "createService", service: svc(90) }]);
    await new Promise((r) => setTimeout(r, 80));
    expect(lists()).toBe(0); // the batch is still in flight: no listing of a half-made table
    release();
    await batch;
    await saving.saved();
    expect(lists()).toBe(1);
    expect(readFileSync(path, "utf8")).toContain("-A -t 10.1.1.1:90 -s rr");
  });
});
