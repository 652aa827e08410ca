// Runs iproute2 with an argv array (never a shell string). The command prefix is injectable:
// ["ip"] on the host, ["ip", "-n", "<netns>"] for a named namespace, or an nsenter wrapper.
import { execFile } from "node:child_process";

export class IpCommandError extends Error {
  override name = "IpCommandError";
  constructor(
    readonly argv: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`${argv.join(" ")}: ${stderr.trim() || `exit ${exitCode}`}`);
  }
}

export type RunIp = (args: readonly string[]) => Promise<string>;

const NETNS = /^[A-Za-z0-9_.-]{1,64}$/;

export function ipRunner(prefix: readonly string[] = ["ip"]): RunIp {
  const [cmd, ...base] = prefix;
  if (cmd === undefined) throw new TypeError("empty ip command prefix");
  return (args) =>
    new Promise((resolve, reject) => {
      const argv = [...base, ...args];
      execFile(cmd, argv, { timeout: 15_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        if (err) {
          const code = typeof err.code === "number" ? err.code : null;
          reject(new IpCommandError([cmd, ...argv], String(stderr), code));
        } else resolve(String(stdout));
      });
    });
}

/** `ip -n <netns>`: the name is checked so it cannot smuggle options. */
export function ipInNetns(netns: string): RunIp {
  if (!NETNS.test(netns) || netns.startsWith("-") || netns === "." || netns === "..") {
    throw new TypeError(`not a network namespace name: ${JSON.stringify(netns)}`);
  }
  return ipRunner(["ip", "-n", netns]);
}

interface AddrInfo {
  family?: string;
  local?: string;
  prefixlen?: number;
}

/** Addresses on an interface from `ip -j addr show dev <if>`. */
export async function interfaceAddresses(run: RunIp, ifname: string): Promise<{ address: string; prefixLength: number }[]> {
  const out = await run(["-j", "addr", "show", "dev", ifname]);
  const links = JSON.parse(out || "[]") as { addr_info?: AddrInfo[] }[];
  const result: { address: string; prefixLength: number }[] = [];
  for (const link of links) {
    for (const a of link.addr_info ?? []) {
      if (typeof a.local === "string" && typeof a.prefixlen === "number") result.push({ address: a.local, prefixLength: a.prefixlen });
    }
  }
  return result;
}

/** Whether the local table holds a `local <vip>` route on lo (the one the kernel adds with the address). */
export async function hasLocalRoute(run: RunIp, vip: string, v6: boolean): Promise<boolean> {
  const out = await run([v6 ? "-6" : "-4", "-j", "route", "show", "table", "local", vip]);
  const routes = JSON.parse(out || "[]") as { type?: string; dst?: string; dev?: string }[];
  return routes.some((r) => r.type === "local" && r.dev === "lo");
}
