// The large rule set of benchmarks 1 and 2: `services` virtual services (TCP and UDP
// alternating; rr for every third service, wlc otherwise), each with `perService` NAT real servers of varied weight,
// in ipvsadm-restore syntax. Addresses stay clear of the lab's own subnets (10.0.0.0/24,
// 172.16.0.0/24, 10.254.0.0/16); the director's default route makes them all acceptable.
import type { BenchLab } from "./session.ts";

export interface RuleSetSize {
  services: number;
  perService: number;
}

export const BIG_RULES: RuleSetSize = { services: 5000, perService: 4 };

export function virtualAddress(i: number): string {
  return `192.168.${(i >> 8) & 255}.${i & 255}`;
}

export function restoreText({ services, perService }: RuleSetSize): string {
  if (services > 65536 || perService > 150) throw new RangeError("rule set too large for the address plan");
  const lines: string[] = [];
  for (let i = 0; i < services; i++) {
    const proto = i % 2 === 0 ? "-t" : "-u";
    const port = i % 2 === 0 ? 80 + (i % 7) : 53;
    const vip = `${virtualAddress(i)}:${port}`;
    lines.push(`-A ${proto} ${vip} -s ${i % 3 === 0 ? "rr" : "wlc"}`);
    for (let j = 0; j < perService; j++) {
      lines.push(`-a ${proto} ${vip} -r 10.${100 + j}.${(i >> 8) & 255}.${i & 255}:${port === 53 ? 53 : 8080} -m -w ${1 + ((i + j) % 5)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Where the benchmarks put the rule file inside the guest (a tmpfs, not the read-only 9p root). */
export const GUEST_RULES_FILE = "/run/bench-rules.txt";

/** Copies the rule text into the guest (for `ipvsadm -R < file`). */
export async function putRulesFile(lab: BenchLab, text: string): Promise<void> {
  await lab.run(lab.guest, ["sh", "-c", `cat > ${GUEST_RULES_FILE}`], { stdin: text });
}

/** Lines of `ipvsadm -S -n` in the director: services + real servers present. */
export async function savedLineCount(lab: BenchLab): Promise<number> {
  return Number((await lab.sh(lab.director.name, "ipvsadm -S -n | wc -l")).trim());
}
