"use client";
// Unregisters a director after a confirmation (its IPVS rules stay untouched on the host).
import { useSWRConfig } from "swr";
import { useAction } from "../hooks/use-action.ts";
import { api, url } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";

export function DeleteDirectorButton({ id, name }: { id: string; name: string }) {
  const { mutate } = useSWRConfig();
  const action = useAction(async () => {
    await api.directors.remove({ params: { id } });
    await mutate(url("GET /api/directors"));
  });
  const onClick = () => {
    if (window.confirm(`Unregister director ${name}? Its IPVS rules stay as they are on the host.`)) void action.run();
  };
  return (
    <div className="flex flex-col items-end gap-1">
      <Button size="sm" variant="outline-danger" busy={action.busy} onClick={onClick} aria-label={`Delete director ${name}`}>
        Delete
      </Button>
      {action.error ? <ErrorMessage error={action.error} /> : null}
    </div>
  );
}
