"use client";
// Delete, out of the primary visual path: an outline button (red text and border, no fill),
// so a row's or a card's filled buttons are the everyday ones (Drain, Edit) and a destructive
// one is found but not stared at. Same busy behaviour as ui/button.tsx.
import type { ButtonHTMLAttributes } from "react";

export function DeleteButton({ busy = false, children = "Delete", disabled, className = "", ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { busy?: boolean }) {
  return (
    <button
      type="button"
      {...rest}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      data-variant="outline-danger"
      className={`inline-flex items-center gap-1.5 rounded-md border border-red-300 bg-transparent px-2 py-0.5 text-xs font-medium text-red-700 hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-70 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950 ${className}`}
    >
      {busy && <span aria-hidden="true" className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-current border-t-transparent" />}
      {children}
    </button>
  );
}
