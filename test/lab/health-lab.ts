// Helpers of the health-check lab tests (health-*.test.ts), on the ha lab: dir1 and dir2 share
// the real servers rs1..rs3 on one segment, so both directors check the very same servers.
// The oracle is always the real ipvsadm in the director's namespace.
import { controlFor, setRealServerUp } from "@/lab/api.ts";
import { withAgent } from "@/lab/ha-ops.ts";
import type { AgentClient } from "@/protocol/node/agent-client.ts";
import type { HealthStatus, RsHealthStatus } from "@/protocol/health.ts";
import { haDirector, haInstance, haOk, haState } from "./lab-ha.ts";

export type HaName = "dir1" | "dir2";

/** `ipvsadm -S -n` with the services in a fixed order (the kernel lists them in the order of
 * its hash table, which mixes in the namespace, so two directors may list the same table in
 * two orders); each service keeps its real servers in the kernel's order. */
export function normalizeSave(text: string): string {
  const blocks: string[][] = [];
  for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
    if (line.startsWith("-A ") || blocks.length === 0) blocks.push([line]);
    else blocks.at(-1)!.push(line);
  }
  return blocks
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0))
    .map((b) => b.join("\n"))
    .join("\n");
}

export async function saveOf(name: HaName): Promise<string> {
  return normalizeSave(await haOk(name, ["ipvsadm", "-S", "-n"]));
}

/** The weight of real server `rs` ("10.0.0.12:80") in service `svc` ("-t 172.16.0.150:80") of
 * an ipvsadm -S -n text, or null when the service does not hold it. */
export function weightIn(save: string, svc: string, rs: string): number | null {
  for (const line of save.split("\n")) {
    if (!line.startsWith(`-a ${svc} -r ${rs} `)) continue;
    const m = / -w (\d+)/.exec(line);
    if (!m) throw new Error(`no weight in "${line}"`);
    return Number(m[1]);
  }
  return null;
}

/** `lab rs-down` / `rs-up` of the ha lab (rs1..rs3). */
export const rsDown = (rs: string) => setRealServerUp(haInstance(), rs, false);
export const rsUp = (rs: string) => setRealServerUp(haInstance(), rs, true);

/** A request to a director's agent, with the address the state has now (after a restart). */
export function agentOf<T>(name: HaName, f: (a: AgentClient) => Promise<T>): Promise<T> {
  return withAgent(haDirector(name), f);
}

export function healthOf(name: HaName): Promise<HealthStatus> {
  return agentOf(name, (a) => a.request("health.get", {}, { deadlineMs: 20_000 }));
}

export function rsHealth(st: HealthStatus, svcAddress: string, rs: string): RsHealthStatus | undefined {
  return st.realServers.find((r) => r.service.protocol !== "fwmark" && r.service.address === svcAddress && `${r.key.address}:${r.key.port}` === rs);
}

/**
 * Polls `condition` on the given directors' `ipvsadm -S -n` (all at once, every ~stepMs) from
 * t0 until each holds it or timeoutMs passed; returns per director the ms from t0 to the first
 * poll that saw it (null: never). The bound is asserted by the caller, so a miss says by how much.
 */
export async function measure(names: HaName[], t0: number, condition: (save: string) => boolean, timeoutMs: number, stepMs = 200): Promise<Record<string, number | null>> {
  const seen: Record<string, number | null> = Object.fromEntries(names.map((n) => [n, null]));
  while (Date.now() - t0 < timeoutMs && names.some((n) => seen[n] === null)) {
    await Promise.all(
      names
        .filter((n) => seen[n] === null)
        .map(async (n) => {
          const save = await saveOf(n);
          if (condition(save) && seen[n] === null) seen[n] = Date.now() - t0;
        }),
    );
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return seen;
}

/** Runs the real keepalived's checker process (no VRRP) as a named lab process in a director,
 * with its own pid files so it never meets the VRRP keepalived the director's agent runs. */
export async function startOracleKeepalived(name: HaName, dir: string, conf: string): Promise<void> {
  const d = haDirector(name);
  await haOk(name, ["sh", "-c", `mkdir -p ${dir} && cat > ${dir}/keepalived.conf`], { stdin: conf });
  await controlFor(haState(), d.guest).spawn(`oracle-keepalived-${name}`, name, [
    "keepalived", "--dont-fork", "--log-console", "--log-detail", "--check",
    "-f", `${dir}/keepalived.conf`, "-p", `${dir}/keepalived.pid`, "-c", `${dir}/checkers.pid`, "-r", `${dir}/vrrp.pid`,
  ]);
}

export async function stopOracleKeepalived(name: HaName): Promise<void> {
  await controlFor(haState(), haDirector(name).guest).stop(`oracle-keepalived-${name}`);
}

/** The oracle's log (its --log-console output), for failure messages. */
export async function oracleLog(name: HaName): Promise<string> {
  return haOk(name, ["sh", "-c", `tail -n 40 /run/lab/logs/oracle-keepalived-${name}.log || true`]);
}
