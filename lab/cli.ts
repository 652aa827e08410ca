// `npm run lab -- <verb>`: real LVS directors in QEMU guests. See docs/lab.md.
import { parseArgs } from "node:util";
import { down, exec, reboot, setRealServerUp, setTrafficRate, status, UP_DEFAULTS, up } from "./api.ts";
import { ensureAll } from "./fetch.ts";
import { FAIL_MODES, type FailMode, failDirector, haStatus, healDirector } from "./ha-ops.ts";
import { DEFAULT_INSTANCE, type Topology } from "./state.ts";

const USAGE = `usage: npm run lab -- <verb> [options]
  fetch                          install Debian packages and the guest kernel (first use)
  up [--directors N] [--directors-per-guest K] [--topology nat|dr|mixed|ha]
     [--real-servers R] [--rate RPS] [--no-agent]
                                 boot guests, build directors, print agent URLs and tokens
                                 (ha: the pair dir1/dir2 on one segment, VIPs by keepalived)
  status                         guests and directors, alive or not, with ports
  exec [-i] <director|ns|guest> -- <command...>
                                 run a command in that namespace (-i: pass our stdin to it);
                                 prints its output and exits with its code
  traffic <director> --rate R [--service VIP:PORT]...
                                 change the traffic generator (0 stops it)
  fail <director> [--mode links|keepalived]
                                 ha: links (default) sets the director's segment link down, a
                                 dead box to its peer; keepalived sends SIGTERM to its keepalived
                                 (VIPs released, the agent does not restart it)
  heal <director> [--mode links|keepalived]
                                 undoes fail: links up; or ha.configure with the current spec
                                 (the agent starts keepalived again)
  rs-down <real server>          stop that real server's httpd (dir1-rs2; ha: rs2); rs-up starts it
  reboot <guest>                 reboot a guest (IPVS rules are lost, as on a real reboot)
  down                           stop every guest of the instance
options for every verb: --instance NAME (default "${DEFAULT_INSTANCE}", or $LVS_LAB_INSTANCE)`;

function int(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} takes a whole number, got "${v}"`);
  return Number(v);
}

async function main(argv: string[]): Promise<number> {
  const dash = argv.indexOf("--");
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const rest = dash >= 0 ? argv.slice(dash + 1) : [];
  const { values, positionals } = parseArgs({
    args: own,
    allowPositionals: true,
    options: {
      instance: { type: "string" },
      directors: { type: "string" },
      "directors-per-guest": { type: "string" },
      topology: { type: "string" },
      "real-servers": { type: "string" },
      rate: { type: "string" },
      service: { type: "string", multiple: true },
      "no-agent": { type: "boolean" },
      stdin: { type: "boolean", short: "i" },
      json: { type: "boolean" },
      mode: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [verb, target] = positionals;
  const instance = values.instance ?? process.env.LVS_LAB_INSTANCE ?? DEFAULT_INSTANCE;
  const log = (l: string) => console.error(l);
  if (values.help || !verb) {
    console.log(USAGE);
    return verb || values.help ? 0 : 2;
  }
  switch (verb) {
    case "fetch":
      ensureAll(log);
      return 0;
    case "up": {
      const topology = (values.topology ?? UP_DEFAULTS.topology) as Topology;
      if (!["nat", "dr", "mixed", "ha"].includes(topology)) throw new Error(`--topology must be nat, dr, mixed or ha`);
      const s = await up({
        ...UP_DEFAULTS,
        instance,
        log,
        directors: int(values.directors, "directors", UP_DEFAULTS.directors),
        directorsPerGuest: int(values["directors-per-guest"], "directors-per-guest", UP_DEFAULTS.directorsPerGuest),
        realServers: int(values["real-servers"], "real-servers", UP_DEFAULTS.realServers),
        trafficRate: int(values.rate, "rate", UP_DEFAULTS.trafficRate),
        topology,
        agents: !values["no-agent"],
      });
      if (values.json) console.log(JSON.stringify(s.directors, null, 2));
      else {
        console.log(`lab "${instance}" is up: ${s.guests.length} guest(s), ${s.directors.length} director(s), topology ${s.topology}`);
        for (const d of s.directors) {
          console.log(s.withAgents ? `${d.name}  guest ${d.guest}  agent ${d.agentUrl}  token ${d.agentToken}` : `${d.name}  guest ${d.guest}  (no agent)`);
          const rs = s.withAgents ? d.realServerAgent : undefined;
          if (rs) console.log(`${rs.name}  realserver ${rs.address}  agent ${rs.url}  token ${rs.token}`);
        }
      }
      return 0;
    }
    case "status": {
      const st = await status(instance);
      const ha = st.state.topology === "ha" && st.guests.every((g) => g.responding) ? await haStatus(st.state) : undefined;
      if (values.json) {
        console.log(JSON.stringify({ ...st, ...(ha ? { ha } : {}) }, null, 2));
        return 0;
      }
      for (const g of st.guests) {
        console.log(`${g.name}  pid ${g.pid ?? "-"}  ${g.alive ? (g.responding ? "up" : "NOT RESPONDING") : "DOWN"}  control 127.0.0.1:${g.controlPort}`);
        if (g.consoleTail) console.log(g.consoleTail.replace(/^/gm, "    | "));
        for (const d of st.state.directors.filter((x) => x.guest === g.name)) {
          const agent = g.processes.find((p) => p.name === `agent-${d.name}`);
          const a = !st.state.withAgents ? "no agent" : agent?.alive ? `agent up ${d.agentUrl}` : "agent DOWN";
          const h = ha?.find((x) => x.name === d.name);
          const vrrp = h ? `  vrrp ${h.vrrp}  vips ${h.vipsHeld.join(" ") || "-"}${h.segmentLink === "down" ? "  segment link DOWN" : ""}` : "";
          console.log(`  ${d.name}  ${a}${vrrp}`);
        }
      }
      return st.guests.every((g) => g.alive && g.responding) ? 0 : 1;
    }
    case "exec": {
      if (!target || rest.length === 0) throw new Error("usage: exec <director> -- <command...>");
      const r = await exec(instance, target, rest, { stdin: values.stdin ? await readStdin() : undefined });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      return r.code ?? 128;
    }
    case "traffic": {
      if (!target || values.rate === undefined) throw new Error("usage: traffic <director> --rate R [--service VIP:PORT]");
      await setTrafficRate(instance, target, int(values.rate, "rate", 0), values.service);
      return 0;
    }
    case "fail":
    case "heal": {
      const mode = (values.mode ?? "links") as FailMode;
      if (!target || !FAIL_MODES.includes(mode)) throw new Error(`usage: ${verb} <director> [--mode links|keepalived]`);
      await (verb === "fail" ? failDirector : healDirector)(instance, target, mode);
      console.log(`${target}: ${verb === "fail" ? "failed" : "healed"} (${mode})`);
      return 0;
    }
    case "rs-down":
    case "rs-up":
      if (!target) throw new Error(`usage: ${verb} <real server>`);
      await setRealServerUp(instance, target, verb === "rs-up");
      console.log(`${target}: httpd ${verb === "rs-up" ? "started" : "stopped"}`);
      return 0;
    case "reboot":
      if (!target) throw new Error("usage: reboot <guest>");
      await reboot(instance, target, log);
      console.log(`${target} rebooted`);
      return 0;
    case "down":
      console.log(`stopped ${await down(instance)} guest(s)`);
      return 0;
    default:
      console.error(`unknown verb "${verb}"\n${USAGE}`);
      return 2;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`lab: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
