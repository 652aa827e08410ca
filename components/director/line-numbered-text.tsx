"use client";
// A monospace text area with a line-number gutter, so an error's "line 11" can be found: the
// gutter is a column of numbers scrolled with the text (no wrapping, so one row is one line).
import { useRef } from "react";

export function LineNumberedText({
  id,
  value,
  onChange,
  placeholder,
  rows = 8,
}: {
  id: string;
  value: string;
  onChange: (text: string) => void;
  placeholder?: string;
  rows?: number;
}) {
  const gutter = useRef<HTMLPreElement>(null);
  const count = Math.max(rows, value.split("\n").length);
  const numbers = Array.from({ length: count }, (_, i) => i + 1).join("\n");
  return (
    <div className="flex overflow-hidden rounded-md border border-zinc-300 bg-white font-mono text-xs leading-5 dark:border-zinc-600 dark:bg-zinc-900">
      <pre
        ref={gutter}
        aria-hidden="true"
        data-testid="line-numbers"
        className="m-0 overflow-hidden border-r border-zinc-200 bg-zinc-50 px-2 py-2 text-right text-zinc-600 select-none dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
        style={{ height: `${rows * 1.25 + 1}rem` }}
      >
        {numbers}
      </pre>
      <textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
        rows={rows}
        wrap="off"
        spellCheck={false}
        placeholder={placeholder}
        className="flex-1 resize-y bg-transparent p-2 leading-5 whitespace-pre outline-none"
        style={{ height: `${rows * 1.25 + 1}rem` }}
      />
    </div>
  );
}
