// Guest-side runner for test/lab/sysctl.test.ts, run in a namespace with `node --import tsx`.
// Reads a JSON list of operations on stdin and prints one JSON result per operation (batched:
// every node start costs seconds under TCG). /proc/sys is the namespace's own.
import { readFileSync } from "node:fs";
import { drReadiness } from "@/agent/realserver/readiness.ts";
import { bindVip, unbindVip } from "@/agent/realserver/vip.ts";
import { SysctlService } from "@/agent/sysctl/sysctl.ts";

type Op =
  | { op: "get"; name: string }
  | { op: "set"; name: string; value: string; persist?: boolean }
  | { op: "list" }
  | { op: "apply" }
  | { op: "bind" | "unbind" | "ready"; vip: string };

const ops = JSON.parse(readFileSync(0, "utf8")) as Op[];
const persistFile = process.env.PERSIST_FILE;
const sysctl = new SysctlService(persistFile ? { persistFile } : {});
const out: unknown[] = [];
for (const o of ops) {
  try {
    let ok: unknown;
    if (o.op === "get") ok = await sysctl.get(o.name);
    else if (o.op === "set") ok = await sysctl.set(o.name, o.value, { persist: o.persist ?? false });
    else if (o.op === "list") ok = await sysctl.list();
    else if (o.op === "apply") ok = await sysctl.applyPersisted();
    else if (o.op === "bind") ok = await bindVip(o.vip);
    else if (o.op === "unbind") ok = await unbindVip(o.vip);
    else ok = await drReadiness(o.vip);
    out.push({ ok });
  } catch (err) {
    const e = err as Error & { code?: string };
    out.push({ error: { name: e.name, code: e.code, message: e.message } });
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
