"use client";
// A refused request: the server's (or kernel's) message verbatim, then what to do about it.
import type { ReactNode } from "react";
import { GROUP_CONFLICT_HINT, groupRefusalLines, isGroupVersionConflict } from "../ha/group-errors.ts";
import { ApiRequestError, errorHint } from "../lib/api.ts";

/** A director table's 409 (protocol's VersionConflictDetails), told by its shape without zod. */
function isVersionConflict(d: unknown): boolean {
  if (typeof d !== "object" || d === null) return false;
  const o = d as Record<string, unknown>;
  return typeof o["director"] === "string" && typeof o["baseVersion"] === "string" && typeof o["version"] === "string" && typeof o["state"] === "object" && o["state"] !== null;
}

export function ErrorMessage({ error, className = "" }: { error: unknown; className?: string }) {
  if (!error) return null;
  const e =
    error instanceof ApiRequestError
      ? error
      : new ApiRequestError(0, "internal", error instanceof Error ? error.message : String(error));
  const refusal = groupRefusalLines(e.details);
  return (
    <div role="alert" className={`rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200 ${className}`}>
      <p className="font-mono break-words whitespace-pre-wrap">{e.message}</p>
      {/* a group-wide change one member refused: which one, and where it was rolled back */}
      {refusal && (
        <ul className="mt-1 list-disc pl-5 text-xs" data-testid="group-refusal">
          {refusal.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
      <p className="mt-1 text-xs">
        {e.code !== "internal" && e.code !== "network" && <span className="font-semibold">{e.code}: </span>}
        {isVersionConflict(e.details)
          ? "The director's table changed since you opened this (another operator or ipvsadm): check the current table, then redo the change."
          : isGroupVersionConflict(e.details)
            ? GROUP_CONFLICT_HINT
            : errorHint(e.code)}
      </p>
    </div>
  );
}

export function SuccessMessage({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
      {children}
    </p>
  );
}
