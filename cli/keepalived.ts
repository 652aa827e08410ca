// lvsctl -R / -S --format keepalived: keepalived.conf in (read here, with the files it
// includes, then sent whole to the agent, which replaces its table and its checks) and out.
import type { RequestInput, RequestType, ResultData } from "@/protocol/agent/catalog.ts";
import { KeepalivedSyntaxError, parseKeepalived } from "@/protocol/keepalived/parse.ts";

interface AgentLike {
  request<T extends RequestType>(type: T, payload: RequestInput<T>, opts?: { deadlineMs?: number }): Promise<ResultData<T>>;
}
interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
}

/** `--format keepalived` taken out of the arguments (the rest goes to the ipvsadm parser). */
export function takeFormat(args: string[]): { format: "ipvsadm" | "keepalived"; rest: string[] } {
  const i = args.indexOf("--format");
  if (i < 0) return { format: "ipvsadm", rest: args };
  const f = args[i + 1];
  if (f !== "keepalived" && f !== "ipvsadm") throw new Error(`--format is ipvsadm or keepalived, got ${JSON.stringify(f)}`);
  return { format: f, rest: [...args.slice(0, i), ...args.slice(i + 2)] };
}

export async function keepalivedRestore(agent: AgentLike, io: Io, readFile: (path: string) => string | null): Promise<number> {
  const text = await io.readStdin();
  const files: Record<string, string> = {};
  try {
    // parsed here too: a syntax error is reported before anything is sent, and includes are read
    parseKeepalived(text, { file: "stdin", read: (p) => { const t = readFile(p); if (t !== null) files[p] = t; return t; } });
  } catch (e) {
    if (!(e instanceof KeepalivedSyntaxError)) throw e;
    io.err(`${e.message}\n`);
    return 2;
  }
  const r = await agent.request(
    "rules.import",
    { source: { format: "keepalived", text, files }, mode: "replace", dryRun: false, report: "counts" },
    { deadlineMs: 600_000 },
  );
  for (const w of r.warnings ?? []) io.err(`warning: ${w.message}\n`);
  for (const e of r.errors) io.err(e.line === undefined ? `${e.message}\n` : `line ${e.line}: ${e.message}\n`);
  return r.applied ? 0 : 255;
}

export async function keepalivedSave(agent: AgentLike, io: Io): Promise<number> {
  const r = await agent.request("rules.export", { format: "keepalived" }, { deadlineMs: 300_000 });
  if (r.format !== "keepalived") throw new Error("the agent answered another format");
  io.out(r.text);
  return 0;
}
