// The charts' series colours (re-exported by uplot-chart.tsx): apart, so that a page can pick
// colours without loading uPlot, which loads with the chart (lazy-uplot-chart.tsx).
export const PALETTE = ["#0284c7", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#db2777", "#0d9488", "#65a30d", "#ea580c", "#4f46e5"];
