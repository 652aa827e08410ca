"use client";
// The header's collapsible part: on wide screens its children sit in the header row; below the
// md breakpoint (768 px) they fold behind a "Menu" button, so a phone's 390 px header never
// pushes Sign out off-screen. The children render once (no second copy for phones): CSS shows
// them inline or, when the menu is open, as a column under the header row.
import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useId, useState } from "react";

export function HeaderMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const path = usePathname();

  // a followed link closes the menu (the layout, and so this state, survives navigation)
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path is the trigger, not an input
  useEffect(() => {
    setOpen(false);
  }, [path]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <>
      <button
        type="button"
        className="ml-auto rounded-md border border-zinc-300 px-2 py-1 text-sm md:hidden dark:border-zinc-700"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">{open ? "✕" : "☰"}</span> Menu
      </button>
      <div
        id={id}
        data-testid="header-menu"
        className={`${open ? "flex" : "hidden"} w-full flex-col gap-3 md:flex md:w-auto md:flex-1 md:flex-row md:items-center md:gap-6`}
      >
        {children}
      </div>
    </>
  );
}
