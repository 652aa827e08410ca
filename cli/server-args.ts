// lvsctl --server's own options, taken out of the line before ipvsadm's parser sees it:
//   --server URL, -d/--director NAME (repeatable), -g/--group NAME, --all, --json,
//   --if-version V, --ca FILE; the token from --token-file FILE, LVSCTL_TOKEN_FILE or
//   LVSCTL_API_TOKEN. `-d NAME` and `-g NAME` are told from ipvsadm's -d (delete real
//   server, always followed by -t/-u/-f) and -g (gatewaying, no argument) by their value:
//   a name that does not start with "-".
export interface ServerArgs {
  server: string;
  directors: string[];
  group: string | null;
  all: boolean;
  json: boolean;
  ifVersion: string | null;
  ca: string | null;
  rest: string[];
}

export class ServerArgsError extends Error {}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** `argv` after splitLvsctlArgs (cli/args.ts) took --agent/--token-file/--fingerprint out. */
export function splitServerArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): ServerArgs {
  const out: ServerArgs = { server: env.LVSCTL_SERVER ?? "", directors: [], group: null, all: false, json: false, ifVersion: null, ca: env.LVSCTL_CA ?? null, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === "") throw new ServerArgsError(`${name} needs a value`);
      return v;
    };
    const next = argv[i + 1];
    const named = next !== undefined && !next.startsWith("-");
    switch (name) {
      case "--server":
        out.server = value();
        continue;
      case "--all":
        out.all = true;
        continue;
      case "--json":
        out.json = true;
        continue;
      case "--if-version":
        out.ifVersion = value();
        continue;
      case "--ca":
        out.ca = value();
        continue;
      case "--director":
        out.directors.push(checked(value(), name));
        continue;
      case "--group":
        out.group = checked(value(), name);
        continue;
      case "-d":
        if (named) {
          out.directors.push(checked(next, "-d"));
          i++;
          continue;
        }
        break;
      case "-g":
        if (named) {
          out.group = checked(next, "-g");
          i++;
          continue;
        }
        break;
    }
    out.rest.push(a);
  }
  const chosen = (out.directors.length > 0 ? 1 : 0) + (out.group !== null ? 1 : 0) + (out.all ? 1 : 0);
  if (chosen === 0) throw new ServerArgsError("lvsctl --server needs -d DIRECTOR, -g GROUP or --all");
  if (chosen > 1) throw new ServerArgsError("lvsctl --server takes one of -d DIRECTOR, -g GROUP or --all");
  if (!/^https?:\/\/[^/]+\/?$/.test(out.server)) throw new ServerArgsError(`--server must be the dashboard's URL, http(s)://host:port (got "${out.server}")`);
  return out;
}

function checked(v: string, opt: string): string {
  if (!NAME.test(v)) throw new ServerArgsError(`${opt} ${JSON.stringify(v)}: not a director or group name`);
  return v;
}
