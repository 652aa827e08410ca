// lvsctl's help text: its own options, then ipvsadm's command syntax (which it accepts as is).
export const VERSION = "lvsctl 0.1.0 (ipvsadm v1.31 command syntax and output formats)\n";

export const USAGE = `${VERSION}Usage:
  lvsctl --server URL --token-file FILE {-d DIRECTOR ...|-g GROUP|--all} [--json] <ipvsadm options>
  lvsctl --agent URL --token-file FILE <ipvsadm options>      (break-glass: one agent, its token)
  lvsctl --ha --agent URL [--agent URL2 ...] --token-file FILE [--token-file FILE2 ...]

through the dashboard (as your user: its role, the table versions, the audit log):
  --server URL         the dashboard, e.g. https://dash:3000 (or LVSCTL_SERVER)
  --token-file FILE    your personal API token (account page; or LVSCTL_API_TOKEN)
  -d DIRECTOR          one director (repeatable); ipvsadm's -d -t ... still deletes a server
  -g GROUP             an HA group: reads per member, a change on every member or none
  --all                every director, read-only verbs only
  --json               the data per director instead of ipvsadm's text
  --if-version V       change only if the table (a group: its desired table) is at version V
                       (--json shows it); -E/-e always check the version they merged with
  --ca FILE            PEM of the CA of the dashboard's certificate (or LVSCTL_CA)

straight to one agent (or LVSCTL_AGENT / LVSCTL_TOKEN_FILE / LVSCTL_FINGERPRINT):
  --agent URL          agent WebSocket URL, e.g. ws://10.0.0.1:9400 or wss://10.0.0.1:9400
  --token-file FILE    file holding the agent's bearer token
  --fingerprint FP     wss:// only: the SHA-256 fingerprint the agent printed at start
                       (AB:CD:...); checked before the token is sent
  --ha                 each agent's VRRP state and the VIPs it holds (like ip -br addr),
                       keepalived's and the sync daemons' state; several --agent allowed,
                       with one --token-file for all or one per agent

ipvsadm syntax:
  -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe engine] [-b sched-flags]
  -D virtual-service
  -C
  -R                   (rules from stdin; applied all or nothing)
  -S [-n]
  -a|e virtual-service -r server-address [options]
  -d virtual-service -r server-address
  -L|l [virtual-service] [options]
  -Z [virtual-service]
  --set tcp tcpfin udp
  --start-daemon {master|backup} [daemon-options]
  --stop-daemon {master|backup}
  -h

Differences from ipvsadm: addresses and ports are numeric only (no name lookups, output is
always numeric); -E and -e change only the fields given (ipvsadm resets the others to its
defaults); -R applies every line or none.
`;
