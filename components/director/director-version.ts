"use client";
// The version of the director's table the page shows (DirectorDetailView.version). Forms send
// the version they were opened on as `baseVersion`, so an edit made against a table that has
// changed since (another operator, ipvsadm) is refused with 409 instead of overwriting it.
import { createContext, useContext } from "react";

export const DirectorVersionContext = createContext<string | undefined>(undefined);

export function useDirectorVersion(): string | undefined {
  return useContext(DirectorVersionContext);
}

/** A request body with the base version when one is known. */
export function withBaseVersion<T extends object>(body: T, baseVersion: string | undefined): T & { baseVersion?: string } {
  return baseVersion === undefined ? body : { ...body, baseVersion };
}
