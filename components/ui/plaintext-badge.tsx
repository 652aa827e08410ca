import { agentUrlSecurity } from "@/protocol/plaintext.ts";

/**
 * Marks a director whose agent link is ws://: its bearer token (root on the director) and
 * every table change cross that link in clear. Off loopback the server accepted it only
 * because an admin registered it as insecure; on loopback it never leaves the host.
 */
export function PlaintextBadge({ url }: { url: string }) {
  const s = agentUrlSecurity(url);
  if (!s?.plaintext) return null;
  const title = s.loopback
    ? "ws:// without TLS, to a loopback address: the agent's token does not leave this host"
    : "ws:// without TLS: the agent's token crosses the network in clear (registered as insecure)";
  const style = s.loopback
    ? "bg-zinc-200 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100"
    : "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200";
  return (
    <span className={`ml-2 rounded px-1.5 py-0.5 text-xs font-medium ${style}`} title={title} data-testid="plaintext-badge">
      {s.loopback ? "plaintext (loopback)" : "plaintext"}
    </span>
  );
}
