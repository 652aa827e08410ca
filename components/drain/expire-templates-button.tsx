"use client";
// Sets net.ipv4.vs.expire_quiescent_template=1 on the director, so the persistence templates
// of a weight-0 real server expire and its clients move to other servers.
import { useAction } from "../hooks/use-action.ts";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";

export const EXPIRE_QUIESCENT_TEMPLATE = "net.ipv4.vs.expire_quiescent_template";

export function ExpireTemplatesButton({ director }: { director: string }) {
  const action = useAction(() => api.sysctls.set({ params: { id: director }, body: { name: EXPIRE_QUIESCENT_TEMPLATE, value: "1", persist: false } }));
  return (
    <span className="inline-flex items-center gap-2">
      <Button size="sm" busy={action.busy} onClick={() => void action.run()}>
        Set expire_quiescent_template=1
      </Button>
      {action.result !== undefined && !action.error && <span role="status">expire_quiescent_template is now 1</span>}
      <ErrorMessage error={action.error} />
    </span>
  );
}
