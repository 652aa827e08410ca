"use client";
// Downloads the director's rules as `ipvsadm -S -n` text, or as a keepalived.conf with its
// health checks (GET /api/directors/:id/rules?format=keepalived).
import { useAction } from "../hooks/use-action.ts";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";

export function ExportButton({ director, format = "ipvsadm" }: { director: string; format?: "ipvsadm" | "keepalived" }) {
  const action = useAction(async () => {
    const text = await api.rules.text({ params: { id: director }, query: format === "ipvsadm" ? {} : { format } });
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = format === "keepalived" ? `${director}-keepalived.conf` : `${director}-ipvsadm.rules`;
    a.click();
    URL.revokeObjectURL(url);
    return text;
  });
  return (
    <span className="inline-flex flex-col gap-1">
      <Button busy={action.busy} onClick={() => void action.run()}>
        {format === "keepalived" ? "Export keepalived.conf" : "Export"}
      </Button>
      <ErrorMessage error={action.error} />
    </span>
  );
}
