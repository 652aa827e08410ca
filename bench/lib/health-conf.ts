// The keepalived.conf of the health-check benchmark: 100 NAT virtual servers (one VIP, ports
// 10000-10099) of 10 real servers each, every real server checked every second (delay_loop 1)
// with TCP_CHECK or HTTP_GET. The 10 real servers are the lab's 5 real-server namespaces, each
// answering on port 80 (the lab's busybox httpd) and 8080 (a second httpd the benchmark starts):
// 5 real servers per director keep the lab's build of a director within its time limit.
// The same text is run by keepalived --check and imported into the agent (rules.import, format
// keepalived).
export const HEALTH_BENCH = { services: 100, perService: 10, vip: "172.16.0.100", firstPort: 10000, realServers: 5, rsPorts: [80, 8080] } as const;

export type CheckKind = "TCP" | "HTTP";

function checker(kind: CheckKind): string[] {
  // connect_timeout 3: well above a check's time on a loaded guest, so no check should fail
  if (kind === "TCP") return ["      TCP_CHECK {", "        connect_timeout 3", "      }"];
  return ["      HTTP_GET {", "        url {", "          path /", "          status_code 200", "        }", "        connect_timeout 3", "      }"];
}

/** Every real server's address and port: each address on each of HEALTH_BENCH.rsPorts. */
export function healthBenchTargets(addresses: readonly string[]): { ip: string; port: number }[] {
  const t = addresses.flatMap((ip) => HEALTH_BENCH.rsPorts.map((port) => ({ ip, port })));
  if (t.length !== HEALTH_BENCH.perService) throw new Error(`the benchmark needs ${HEALTH_BENCH.perService} real servers per service, got ${t.length}`);
  return t;
}

export function healthBenchConf(kind: CheckKind, realServers: readonly { ip: string; port: number }[]): string {
  const out = ["global_defs {", "  router_id lvs_fleet_bench", "}", ""];
  for (let i = 0; i < HEALTH_BENCH.services; i++) {
    out.push(`virtual_server ${HEALTH_BENCH.vip} ${HEALTH_BENCH.firstPort + i} {`, "  delay_loop 1", "  lb_algo rr", "  lb_kind NAT", "  protocol TCP");
    for (const { ip, port } of realServers) out.push(`  real_server ${ip} ${port} {`, "    weight 1", ...checker(kind), "  }");
    out.push("}", "");
  }
  return out.join("\n");
}

/** Lines of `ipvsadm -S -n` the configuration makes: one per service and per real server. */
export const HEALTH_BENCH_RULE_LINES = HEALTH_BENCH.services * (1 + HEALTH_BENCH.perService);
