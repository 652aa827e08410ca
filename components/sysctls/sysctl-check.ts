// Checks a sysctl value against the agent's documented rule before it is sent, so the form
// can say what is wrong; the agent checks again (and the kernel has the last word).
import type { SysctlRule } from "@/protocol/sysctl.ts";

/** null when acceptable; otherwise what is expected. */
export function checkSysctlValue(rule: SysctlRule | undefined, value: string): string | null {
  const v = value.trim();
  if (v === "") return "a value is required";
  if (!rule) return null;
  if (rule.kind === "cpulist") {
    return /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(v) ? null : 'a CPU list such as "0-3,6"';
  }
  const parts = v.split(/\s+/);
  const count = rule.count ?? 1;
  if (parts.length !== count) return count === 1 ? "one whole number" : `${count} whole numbers separated by spaces`;
  for (const p of parts) {
    if (!/^-?\d+$/.test(p)) return "whole numbers only";
    const n = Number(p);
    if (n < rule.min || n > rule.max) return `${count === 1 ? "a number" : "each number"} in ${rule.min}..${rule.max}${rule.note ? ` (${rule.note})` : ""}`;
  }
  return null;
}

/** The rule as a short hint: "0..1", "2 numbers in 0..2147483647", "CPU list". */
export function describeRule(rule: SysctlRule | undefined): string {
  if (!rule) return "";
  if (rule.kind === "cpulist") return "CPU list";
  const range = `${rule.min}..${rule.max}`;
  const n = rule.count ?? 1;
  return `${n === 1 ? range : `${n} numbers in ${range}`}${rule.note ? `; ${rule.note}` : ""}`;
}
