// Host-side helper of test/lab/ipvs-client.test.ts (kept here with the other ipvs-* lab
// helpers): the text `ipvsadm -S -n` prints for a domain configuration, and a parser of the
// `ipvsadm -Ln --thresholds` listing. Written from the reference's grammar, independently of
// the agent's code, so the comparison with the real ipvsadm is a real check.
import type { Destination, Service, ServiceKey } from "@/protocol/ipvs.ts";

export interface ServiceWithDests {
  service: Service;
  dests: Destination[];
}

const hostPort = (address: string, port: number) => (address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`);

export function saveServiceArg(key: ServiceKey): string {
  switch (key.protocol) {
    case "tcp":
      return `-t ${hostPort(key.address, key.port)}`;
    case "udp":
      return `-u ${hostPort(key.address, key.port)}`;
    case "sctp":
      return `--sctp-service ${hostPort(key.address, key.port)}`;
    case "fwmark":
      return `-f ${key.fwmark}${key.family === "ipv6" ? " -6" : ""}`;
  }
}

/** ipvsadm 1.31 (Debian 12) prints marks >= 2^31 as negative numbers in -S and -L output. */
function asPrinted(key: ServiceKey): ServiceKey {
  return key.protocol === "fwmark" ? { ...key, fwmark: key.fwmark | 0 } : key;
}

function flagNames(s: Service): string[] {
  const sched = s.config.scheduler;
  return s.config.schedulerFlags
    .slice()
    .sort()
    .map((f) => {
      if (sched === "sh" || sched === "mh") {
        if (f === "flag-1") return `${sched}-fallback`;
        if (f === "flag-2") return `${sched}-port`;
      }
      return f;
    });
}

export function saveServiceLine(s: Service): string {
  const c = s.config;
  let line = `-A ${saveServiceArg(s.key)} -s ${c.scheduler}`;
  if (c.persistence) {
    line += ` -p ${c.persistence.timeout}`;
    const m = c.persistence.netmask;
    if (m !== "255.255.255.255" && m !== "128") line += ` -M ${m}`;
  }
  if (c.pe) line += ` --pe ${c.pe}`;
  if (c.onePacket) line += " -o";
  const flags = flagNames(s);
  if (flags.length > 0) line += ` -b ${flags.join(",")}`;
  return line;
}

const FWD = { masq: "-m", route: "-g", local: "-g", tunnel: "-i", bypass: "-m" } as const;

export function saveDestLine(svc: ServiceKey, d: Destination, withThresholds = false): string {
  const c = d.config;
  let line = `-a ${saveServiceArg(svc)} -r ${hostPort(d.key.address, d.key.port)} ${FWD[c.forwarding]} -w ${c.weight}`;
  if (withThresholds) {
    if (c.upperThreshold) line += ` -x ${c.upperThreshold}`;
    if (c.lowerThreshold) line += ` -y ${c.lowerThreshold}`;
  }
  const t = c.forwarding === "tunnel" ? (c.tunnel ?? { type: "ipip", port: 0, checksum: "nocsum" }) : null;
  if (t) {
    line += ` --tun-type ${t.type}`;
    if (t.type === "gue") line += ` --tun-port ${t.port}`;
    if (t.type !== "ipip") line += ` --tun-${t.checksum}`;
  }
  return line;
}

/** What `ipvsadm -S -n` prints (as a sorted set of lines: ipvsadm's own order is unspecified). */
export function saveLines(config: ServiceWithDests[]): string[] {
  return config
    .flatMap(({ service, dests }) => {
      const printed = { ...service, key: asPrinted(service.key) };
      return [saveServiceLine(printed), ...dests.map((d) => saveDestLine(printed.key, d))];
    })
    .sort();
}

/** Input for `ipvsadm -R`: the save grammar plus -x/-y, which -S does not print. */
export function restoreText(config: ServiceWithDests[]): string {
  return `${config.flatMap(({ service, dests }) => [saveServiceLine(service), ...dests.map((d) => saveDestLine(service.key, d, true))]).join("\n")}\n`;
}

/** `ipvsadm -Ln` service column: "TCP  10.1.1.1:80", "FWM  8 IPv6". */
export function listName(key: ServiceKey): string {
  if (key.protocol === "fwmark") return `FWM  ${key.fwmark}${key.family === "ipv6" ? " IPv6" : ""}`;
  return `${key.protocol.toUpperCase().padEnd(4)} ${hostPort(key.address, key.port)}`;
}

/** Expected "service -> real server upper lower" facts of `ipvsadm -Ln --thresholds`. */
export function thresholdFacts(config: ServiceWithDests[]): string[] {
  return config
    .flatMap(({ service, dests }) =>
      dests.map(
        (d) => `${listName(asPrinted(service.key))} -> ${hostPort(d.key.address, d.key.port)} ${d.config.upperThreshold} ${d.config.lowerThreshold}`,
      ),
    )
    .sort();
}

export function parseThresholds(text: string): string[] {
  const facts: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    const svc = /^(TCP |UDP |SCTP|FWM ) (\S+)( IPv6)? /.exec(line);
    if (svc) {
      current = `${svc[1]} ${svc[2]}${svc[3] ?? ""}`;
      continue;
    }
    const dest = /^ {2}-> (\S+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+/.exec(line);
    if (dest) facts.push(`${current} -> ${dest[1]} ${dest[2]} ${dest[3]}`);
  }
  return facts.sort();
}
