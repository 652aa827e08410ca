// lvsctl's own options, taken out of argv wherever they appear; the rest is ipvsadm's.
export interface LvsctlArgs {
  agent: string | null;
  tokenFile: string | null;
  rest: string[];
}

export function splitLvsctlArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): LvsctlArgs {
  let agent = env.LVSCTL_AGENT ?? null;
  let tokenFile = env.LVSCTL_TOKEN_FILE ?? null;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (name === "--agent" || name === "--token-file") {
      const value = eq > 0 ? a.slice(eq + 1) : (argv[++i] ?? "");
      if (name === "--agent") agent = value;
      else tokenFile = value;
      continue;
    }
    rest.push(a);
  }
  return { agent, tokenFile, rest };
}
