"use client";
// Buttons keep their accessible name while busy (the label stays, aria-busy says why it is
// disabled), so tests and screen readers find "Drain" before, during and after the request.
import type { ButtonHTMLAttributes } from "react";

const VARIANTS = {
  // sky-700 under white text: 5.9:1 (sky-600 is 4.02:1, under WCAG AA), in both themes
  primary: "bg-sky-700 text-white hover:bg-sky-800 disabled:bg-sky-500",
  secondary:
    "border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-100 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-400",
  warning: "bg-amber-500 text-zinc-950 hover:bg-amber-600 disabled:bg-amber-300",
  // Delete, out of the primary visual path: red text and border, no fill, so a row's filled
  // buttons (Drain, Edit) are the everyday ones and a destructive one is found, not stared at
  "outline-danger":
    "border border-red-300 bg-transparent text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950",
} as const;

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: keyof typeof VARIANTS;
  busy?: boolean;
  size?: "sm" | "md";
}

export function Button({ variant = "secondary", busy = false, size = "md", className = "", children, disabled, ...rest }: ButtonProps) {
  const pad = size === "sm" ? "px-2 py-0.5 text-xs" : "px-3 py-1.5 text-sm";
  return (
    <button
      type="button"
      {...rest}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      data-variant={variant}
      className={`inline-flex items-center gap-1.5 rounded-md font-medium disabled:cursor-not-allowed disabled:opacity-70 ${pad} ${VARIANTS[variant]} ${className}`}
    >
      {busy && (
        <span aria-hidden="true" className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-current border-t-transparent" />
      )}
      {children}
    </button>
  );
}
