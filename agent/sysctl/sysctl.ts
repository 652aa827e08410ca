// Reads and sets allow-listed sysctls through /proc/sys (root injectable), and keeps the ones
// the operator asked to persist in a file under /etc/sysctl.d/, re-applied at start on request.
// Values are validated before any write; the kernel's own refusal (EINVAL) is reported too.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { SysctlApplyReport, SysctlEntry, SysctlSetResult } from "@/protocol/sysctl.ts";
import { listAllowedSysctls, type ResolvedSysctl, resolveSysctl, SysctlError, validateSysctlValue } from "./allowlist.ts";

export const DEFAULT_PROC_SYS = "/proc/sys";
export const DEFAULT_PERSIST_FILE = "/etc/sysctl.d/90-lvs-agent.conf";

export interface SysctlServiceOptions {
  procRoot?: string;
  persistFile?: string;
}

function ioError(name: string, err: unknown): SysctlError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "EINVAL") return new SysctlError("invalid-value", `${name}: the kernel refused the value (EINVAL)`);
  if (code === "ENOENT") return new SysctlError("not-found", `${name}: no such sysctl on this kernel`);
  return new SysctlError("io", `${name}: ${(err as Error)?.message ?? String(err)}`);
}

/** `key = value` lines of a sysctl.d file; '/' separators are the same as '.' here. */
export function parseSysctlConf(text: string): { name: string; value: string; ignoreErrors: boolean; line: number }[] {
  const out: { name: string; value: string; ignoreErrors: boolean; line: number }[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    const eq = line.indexOf("=");
    if (eq < 0) return;
    let name = line.slice(0, eq).trim();
    const ignoreErrors = name.startsWith("-");
    if (ignoreErrors) name = name.slice(1).trim();
    out.push({ name: normalizeName(name), value: line.slice(eq + 1).trim(), ignoreErrors, line: i });
  });
  return out;
}

/** The key written to sysctl.d: slash-separated when a part (a VLAN interface) contains a dot,
 * because systemd-sysctl and sysctl(8) read every dot of a dotted key as a separator. */
export function confKey(r: ResolvedSysctl): string {
  return r.parts.some((p) => p.includes(".")) ? r.parts.join("/") : r.parts.join(".");
}

function normalizeName(name: string): string {
  return name.includes("/") ? name.replaceAll("/", ".") : name;
}

export class SysctlService {
  readonly procRoot: string;
  readonly persistFile: string;

  constructor(options: SysctlServiceOptions = {}) {
    this.procRoot = options.procRoot ?? DEFAULT_PROC_SYS;
    this.persistFile = options.persistFile ?? DEFAULT_PERSIST_FILE;
  }

  /** Every allow-listed sysctl present here, with its value. */
  async list(): Promise<SysctlEntry[]> {
    const out: SysctlEntry[] = [];
    for (const name of await listAllowedSysctls(this.procRoot)) {
      try {
        out.push(await this.get(name));
      } catch (err) {
        // a file that vanished (interface removed) or is unreadable is left out, not fatal
        if (!(err instanceof SysctlError)) throw err;
      }
    }
    return out;
  }

  async get(name: string): Promise<SysctlEntry> {
    const r = await resolveSysctl(this.procRoot, name);
    return { name, value: await this.readResolved(r), doc: r.doc };
  }

  /** Validates, writes, and optionally persists. Returns the previous and the new value (as read back). */
  async set(name: string, value: string, options: { persist?: boolean } = {}): Promise<SysctlSetResult> {
    const r = await resolveSysctl(this.procRoot, name);
    const normalized = validateSysctlValue(r, value);
    const previous = await this.readResolved(r);
    try {
      await writeFile(this.pathOf(r), `${normalized}\n`);
    } catch (err) {
      throw ioError(name, err);
    }
    const now = await this.readResolved(r);
    const persist = options.persist ?? false;
    if (persist) await this.persist(confKey(r), normalized);
    return { name, previous, value: now, persisted: persist };
  }

  /** The name/value pairs of the persistence file (empty when it does not exist). */
  async readPersisted(): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const l of parseSysctlConf(await this.readPersistFile())) map.set(l.name, l.value);
    return map;
  }

  /** Re-applies the persistence file (at agent start, when asked); failures are reported, not thrown. */
  async applyPersisted(): Promise<SysctlApplyReport> {
    const report: SysctlApplyReport = { file: this.persistFile, applied: [], failed: [] };
    for (const l of parseSysctlConf(await this.readPersistFile())) {
      try {
        const r = await this.set(l.name, l.value);
        report.applied.push({ name: l.name, value: r.value });
      } catch (err) {
        if (l.ignoreErrors) continue;
        report.failed.push({ name: l.name, value: l.value, error: (err as Error).message });
      }
    }
    return report;
  }

  private pathOf(r: ResolvedSysctl): string {
    return join(this.procRoot, ...r.parts);
  }

  private async readResolved(r: ResolvedSysctl): Promise<string> {
    try {
      const text = await readFile(this.pathOf(r), "utf8");
      return text.endsWith("\n") ? text.slice(0, -1) : text;
    } catch (err) {
      throw ioError(r.name, err);
    }
  }

  private async readPersistFile(): Promise<string> {
    try {
      return await readFile(this.persistFile, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
      throw new SysctlError("io", `reading ${this.persistFile}: ${(err as Error).message}`);
    }
  }

  /** Merges one setting into the file: the first line for the name is replaced, later duplicates
   * dropped, everything else (comments, other keys) kept; written to a temp file and renamed. */
  private async persist(key: string, value: string): Promise<void> {
    const lines = (await this.readPersistFile()).split("\n");
    if (lines.at(-1) === "") lines.pop();
    const entries = parseSysctlConf(lines.join("\n"));
    const name = normalizeName(key);
    const mine = new Set(entries.filter((e) => e.name === name).map((e) => e.line));
    const out: string[] = [];
    let replaced = false;
    lines.forEach((line, i) => {
      if (!mine.has(i)) out.push(line);
      else if (!replaced) {
        out.push(`${key} = ${value}`);
        replaced = true;
      }
    });
    if (!replaced) {
      if (out.length === 0) out.push("# Written by the LVS agent: sysctls kept across reboots.");
      out.push(`${key} = ${value}`);
    }
    const dir = dirname(this.persistFile);
    const tmp = join(dir, `.${basename(this.persistFile)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await mkdir(dir, { recursive: true });
      const fh = await open(tmp, "w", 0o644);
      try {
        await fh.writeFile(`${out.join("\n")}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.persistFile);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new SysctlError("io", `writing ${this.persistFile}: ${(err as Error).message}`);
    }
  }
}
