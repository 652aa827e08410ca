"use client";
// Progress and outcome of one mutation: `busy` while it runs (for the button), then either
// `error` (shown verbatim by ErrorMessage) or `result`. A newer run supersedes an older one.
import { useCallback, useRef, useState } from "react";

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: unknown;
  result: R | undefined;
  reset: () => void;
}

export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<R | undefined>(undefined);
  const generation = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;

  const run = useCallback(async (...args: A) => {
    const gen = ++generation.current;
    setBusy(true);
    setError(null);
    try {
      const r = await fnRef.current(...args);
      if (gen === generation.current) setResult(r);
      return r;
    } catch (e) {
      if (gen === generation.current) setError(e);
      return undefined;
    } finally {
      if (gen === generation.current) setBusy(false);
    }
  }, []);

  const reset = useCallback(() => {
    generation.current++;
    setBusy(false);
    setError(null);
    setResult(undefined);
  }, []);

  return { run, busy, error, result, reset };
}
