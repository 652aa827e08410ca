// Which sysctls the agent touches, where they live under /proc/sys, and value checks made
// before anything is written. Names are resolved to paths only from validated parts, so no
// input can reach outside the allow-listed files (no '/', no '..', interfaces must exist).
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { SysctlDoc, SysctlErrorCode } from "@/protocol/sysctl.ts";
import { CONF_SYSCTLS, OTHER_SYSCTLS, VS_SYSCTLS } from "./vs-table.ts";

export class SysctlError extends Error {
  override name = "SysctlError";
  constructor(
    readonly code: SysctlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ResolvedSysctl {
  name: string;
  /** Path components below the /proc/sys root. */
  parts: string[];
  doc: SysctlDoc | undefined;
}

const CONF_PREFIX = "net.ipv4.conf.";
const VS_PREFIX = "net.ipv4.vs.";
/** Characters Linux allows in interface names that are also safe as one path component. */
const IFNAME = /^[A-Za-z0-9_.@+-]{1,15}$/;
const VS_NAME = /^[a-z0-9_]{1,64}$/;

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export function isValidIfname(ifname: string): boolean {
  return IFNAME.test(ifname) && ifname !== "." && ifname !== "..";
}

/**
 * Maps an allow-listed dotted name to its file, or throws SysctlError("not-allowed") for
 * anything else and ("not-found") when the interface or IPVS file does not exist.
 */
export async function resolveSysctl(procRoot: string, name: string): Promise<ResolvedSysctl> {
  const fixed = Object.hasOwn(OTHER_SYSCTLS, name) ? OTHER_SYSCTLS[name] : undefined;
  if (fixed !== undefined) return { name, parts: name.split("."), doc: fixed };

  if (name.startsWith(CONF_PREFIX)) {
    // net.ipv4.conf.<ifname>.<key>: the interface name may itself contain dots (VLANs)
    const rest = name.slice(CONF_PREFIX.length);
    const dot = rest.lastIndexOf(".");
    let ifname = rest.slice(0, dot);
    const key = rest.slice(dot + 1);
    // sysctl(8) spelling of a dot inside an interface name ("eth0/100" for eth0.100); only
    // plain name pieces are translated, so '/' can never reach the path
    if (ifname.includes("/")) {
      if (!/^[A-Za-z0-9_@+-]+(\/[A-Za-z0-9_@+-]+)+$/.test(ifname)) {
        throw new SysctlError("not-allowed", `${name}: ${JSON.stringify(ifname)} is not an interface name`);
      }
      ifname = ifname.replaceAll("/", ".");
    }
    const doc = CONF_SYSCTLS[key];
    if (dot < 0 || doc === undefined || !Object.hasOwn(CONF_SYSCTLS, key)) {
      throw new SysctlError("not-allowed", `${name}: only ${Object.keys(CONF_SYSCTLS).join(", ")} are allowed under ${CONF_PREFIX}<interface>`);
    }
    if (!isValidIfname(ifname)) throw new SysctlError("not-allowed", `${name}: ${JSON.stringify(ifname)} is not an interface name`);
    if (!(await isDir(join(procRoot, "net", "ipv4", "conf", ifname)))) {
      throw new SysctlError("not-found", `${name}: no interface ${ifname} (not under net/ipv4/conf)`);
    }
    return { name, parts: ["net", "ipv4", "conf", ifname, key], doc };
  }

  if (name.startsWith(VS_PREFIX)) {
    const key = name.slice(VS_PREFIX.length);
    if (!VS_NAME.test(key)) throw new SysctlError("not-allowed", `${name}: not an IPVS sysctl name`);
    const parts = ["net", "ipv4", "vs", key];
    if (!(await isFile(join(procRoot, ...parts)))) {
      throw new SysctlError("not-found", `${name}: this kernel has no such IPVS sysctl (is ip_vs loaded?)`);
    }
    return { name, parts, doc: Object.hasOwn(VS_SYSCTLS, key) ? VS_SYSCTLS[key] : undefined };
  }

  throw new SysctlError(
    "not-allowed",
    `${name}: not an LVS sysctl (allowed: net.ipv4.ip_forward, net.ipv6.conf.all.forwarding, ` +
      `${CONF_PREFIX}<interface>.{${Object.keys(CONF_SYSCTLS).join(",")}}, ${VS_PREFIX}*)`,
  );
}

/** Every allow-listed name present on this host: IPVS names are listed from the directory. */
export async function listAllowedSysctls(procRoot: string): Promise<string[]> {
  const names: string[] = [];
  for (const n of Object.keys(OTHER_SYSCTLS)) if (await isFile(join(procRoot, ...n.split(".")))) names.push(n);
  let ifaces: string[] = [];
  try {
    ifaces = (await readdir(join(procRoot, "net", "ipv4", "conf"))).filter(isValidIfname).sort();
  } catch {
    // no IPv4 conf tree (unusual): nothing to list
  }
  const first = ["all", "default", "lo"].filter((i) => ifaces.includes(i));
  for (const iface of [...first, ...ifaces.filter((i) => !first.includes(i))]) {
    for (const key of Object.keys(CONF_SYSCTLS)) names.push(`${CONF_PREFIX}${iface}.${key}`);
  }
  try {
    const vs = await readdir(join(procRoot, "net", "ipv4", "vs"));
    for (const key of vs.filter((k) => VS_NAME.test(k)).sort()) names.push(VS_PREFIX + key);
  } catch {
    // ip_vs not loaded in this netns: no IPVS sysctls
  }
  return names;
}

const INTEGER = /^-?\d{1,10}$/;

/**
 * Checks a value against the name's rule and returns it normalized for writing (numbers
 * separated by one space). Names without a table entry (newer IPVS ones) take integers only.
 */
export function validateSysctlValue(resolved: ResolvedSysctl, raw: string): string {
  const value = raw.trim();
  const bad = (why: string): never => {
    throw new SysctlError("invalid-value", `${resolved.name}: ${JSON.stringify(raw)} ${why}`);
  };
  const rule = resolved.doc?.rule ?? { kind: "int" as const, count: 1, min: -2147483648, max: 2147483647 };
  if (rule.kind === "cpulist") {
    if (!/^(\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*)?$/.test(value)) bad("is not a CPU list such as 0-3,6");
    return value;
  }
  const words = value === "" ? [] : value.split(/\s+/);
  // without a table entry, accept 1..8 integers and let the kernel judge the rest
  const countOk = resolved.doc === undefined ? words.length >= 1 && words.length <= 8 : words.length === rule.count;
  if (!countOk) bad(`needs ${rule.count === 1 ? "one integer" : `${rule.count} integers`}`);
  const nums = words.map((w) => {
    if (!INTEGER.test(w)) bad("is not an integer");
    const n = Number(w);
    if (n < rule.min || n > rule.max) bad(`is out of range ${rule.min}..${rule.max}`);
    return n;
  });
  const key = resolved.parts.at(-1);
  if (key === "sync_ports" && resolved.parts[2] === "vs" && (nums[0]! & (nums[0]! - 1)) !== 0) bad("must be a power of 2");
  if (key === "sync_threshold" && resolved.parts[2] === "vs" && nums[1] !== 0 && nums[0]! >= nums[1]!) {
    bad("needs threshold < period (or period 0)");
  }
  if (key === "arp_ignore" && nums[0]! >= 4 && nums[0]! <= 7) bad("is reserved (use 0-3 or 8)");
  return nums.join(" ");
}
