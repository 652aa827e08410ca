// "Skip to content": the page's first tab stop, hidden until focused; it moves the focus to the
// <main> (id MAIN_ID, tabIndex -1 so it can take the focus) past the header's links.
export const MAIN_ID = "main";

export function SkipLink() {
  return (
    <a
      href={`#${MAIN_ID}`}
      className="sr-only rounded-md bg-sky-700 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
    >
      Skip to content
    </a>
  );
}
