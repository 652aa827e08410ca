// Light/dark theme: an explicit choice in localStorage wins, otherwise prefers-color-scheme.
// The `dark` class on <html> drives Tailwind's dark variant (app/globals.css). The inline
// script runs before the first paint so a dark page never flashes white.

export const THEME_STORAGE_KEY = "lvs-fleet-theme";
export type Theme = "light" | "dark";

/** The theme to use: a stored "light"/"dark" wins, anything else falls back to the system. */
export function resolveTheme(stored: string | null, systemPrefersDark: boolean): Theme {
  if (stored === "light" || stored === "dark") return stored;
  return systemPrefersDark ? "dark" : "light";
}

/** Inline <head> script: same rule as resolveTheme, written out because it runs before React. */
export const THEME_INIT_SCRIPT = `(function(){try{var s=localStorage.getItem(${JSON.stringify(
  THEME_STORAGE_KEY,
)});var d=s==="dark"||(s!=="light"&&window.matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d);document.documentElement.style.colorScheme=d?"dark":"light"}catch(e){}})()`;
