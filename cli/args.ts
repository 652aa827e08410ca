// lvsctl's own options, taken out of argv wherever they appear; the rest is ipvsadm's.
export interface LvsctlArgs {
  agent: string | null;
  tokenFile: string | null;
  /** --fingerprint AB:CD:... (or LVSCTL_FINGERPRINT): pin of a wss:// agent's certificate,
   * needed for the self-signed one of --tls-auto; absent when not given */
  fingerprint?: string;
  rest: string[];
}

export function splitLvsctlArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): LvsctlArgs {
  let agent = env.LVSCTL_AGENT ?? null;
  let tokenFile = env.LVSCTL_TOKEN_FILE ?? null;
  let fingerprint = env.LVSCTL_FINGERPRINT;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (name === "--agent" || name === "--token-file" || name === "--fingerprint") {
      const value = eq > 0 ? a.slice(eq + 1) : (argv[++i] ?? "");
      if (name === "--agent") agent = value;
      else if (name === "--fingerprint") fingerprint = value;
      else tokenFile = value;
      continue;
    }
    rest.push(a);
  }
  return { agent, tokenFile, rest, ...(fingerprint ? { fingerprint } : {}) };
}
