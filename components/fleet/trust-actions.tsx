"use client";
// Admin actions on an agent's trust: accept the certificate an untrusted agent presents (after
// showing its fingerprint, which the admin compares with the agent's start-up log line) and
// rotate the agent token (the new one is shown once). Used on the director page's header and
// on the fleet overview's rows.
import { useState } from "react";
import { useSWRConfig } from "swr";
import type { IssuedToken, LinkState } from "@/protocol/dashboard/index.ts";
import { useCan } from "../auth/session.tsx";
import { useAction } from "../hooks/use-action.ts";
import { api, url } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { IssuedTokenNotice } from "./issued-token.tsx";
import { offersCertificateAcceptance } from "./trust-state.ts";

/** Renders nothing unless offersCertificateAcceptance(): every place passes the link as it is. */
export function AcceptCertificateButton({ id, name, link, className = "" }: { id: string; name: string; link: LinkState; className?: string }) {
  const { mutate } = useSWRConfig();
  const action = useAction(async () => {
    const info = await api.directors.get({ params: { id } });
    const presented = info.trust?.presented;
    if (!presented) return;
    const ok = window.confirm(
      `Accept the new certificate of ${name}?\n\nPresented fingerprint (SHA-256):\n${presented}\n\n` +
        `Previously pinned:\n${info.trust?.pinned ?? "(none)"}\n\nCompare it with the "agent tls fingerprint" line the agent logged at start.`,
    );
    if (!ok) return;
    await api.directors.trust({ params: { id }, body: { fingerprint256: presented } });
    await mutate(url("GET /api/directors"));
  });
  if (!offersCertificateAcceptance(useCan("admin"), link)) return null;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <Button size="sm" variant="primary" busy={action.busy} onClick={() => void action.run()}>
        Accept new certificate
      </Button>
      {action.error ? <ErrorMessage error={action.error} /> : null}
    </div>
  );
}

export function RotateTokenButton({ id, name }: { id: string; name: string }) {
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const action = useAction(async () => {
    if (!window.confirm(`Generate a new agent token for ${name}? The open link stays up; install the new token on the agent next.`)) return;
    setIssued(await api.directors.issueToken({ params: { id } }));
  });
  if (!useCan("admin")) return null;
  return (
    <div className="flex flex-col gap-1">
      <Button size="sm" variant="secondary" busy={action.busy} onClick={() => void action.run()}>
        Rotate token
      </Button>
      {issued ? <IssuedTokenNotice issued={issued} onDone={() => setIssued(null)} /> : null}
      {action.error ? <ErrorMessage error={action.error} /> : null}
    </div>
  );
}
