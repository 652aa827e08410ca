// A tiny inline SVG line of the last minute; no axes, the number next to it gives the scale.
export function sparklinePath(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return "";
  const max = Math.max(...values.map((v) => (Number.isFinite(v) ? v : 0)), 0);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const y = max > 0 ? height - ((Number.isFinite(v) ? Math.max(v, 0) : 0) / max) * (height - 2) - 1 : height - 1;
      return `${i === 0 ? "M" : "L"}${(i * step).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

export function Sparkline({ values, label, width = 96, height = 24 }: { values: readonly number[]; label: string; width?: number; height?: number }) {
  return (
    <svg role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="text-sky-600 dark:text-sky-400">
      <path d={sparklinePath(values, width, height)} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
