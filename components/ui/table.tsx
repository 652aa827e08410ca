"use client";
// The dashboard's tables: the house classes written once. The density, set on <Table> and
// read by its parts (so a row component such as AuditRow or DestinationRow needs no prop for
// it), gives the cells' padding and the rows' rules:
// - compact: cells px-2, headers py-1, body cells py-1.5 (audit, sysctls, health history,
//   connections, real servers); roomy: px-3 py-2 (fleet, HA members); snug: roomy headers over
//   tighter px-3 py-1.5 rows (fleet totals). Each body row has a hairline above it.
// - inline / inline-tight: no padding but a pr-4 / pr-3 gap after each cell, and no rules:
//   small tables inside a card (connection counts, DR checks); the last column, with no gap,
//   is `bare`.
// - ruled: no padding, a line under the header row and under each body row (users, tokens).
// `tone="strong"` on <THead> darkens its labels (text-zinc-600, for the cards that need the
// contrast). `bare` drops a part's house classes for a part styled on its own; `className`
// adds to the house classes, so it must not restate what they set.
import { createContext, type HTMLAttributes, type TableHTMLAttributes, type TdHTMLAttributes, type ThHTMLAttributes, useContext } from "react";

export type TableDensity = "compact" | "roomy" | "snug" | "inline" | "inline-tight" | "ruled";

/** A hairline above each body row. */
const ROW_RULE = "border-t border-zinc-200 dark:border-zinc-800";

interface DensityLook {
  th: string;
  td: string;
  /** a body row's rule */
  row: string;
  /** a header row's rule */
  headRow: string;
}

const LOOK: Record<TableDensity, DensityLook> = {
  compact: { th: "px-2 py-1", td: "px-2 py-1.5", row: ROW_RULE, headRow: "" },
  roomy: { th: "px-3 py-2", td: "px-3 py-2", row: ROW_RULE, headRow: "" },
  snug: { th: "px-3 py-2", td: "px-3 py-1.5", row: ROW_RULE, headRow: "" },
  inline: { th: "pr-4", td: "pr-4", row: "", headRow: "" },
  "inline-tight": { th: "pr-3", td: "pr-3", row: "", headRow: "" },
  ruled: { th: "", td: "", row: "border-b border-zinc-100 dark:border-zinc-800", headRow: "border-b border-zinc-200 dark:border-zinc-700" },
};

/** The small left-aligned labels above a table's rows, soft (zinc-500) or strong (zinc-600). */
const HEAD_TEXT = { soft: "text-left text-xs text-zinc-500", strong: "text-left text-xs text-zinc-600 dark:text-zinc-400" };
/** The grey band behind them. */
const HEAD_BAND = "bg-zinc-50 dark:bg-zinc-900";

const Density = createContext<TableDensity>("compact");
/** set by THead: its rows take the header row's rule */
const InHead = createContext(false);

function join(house: string, extra: string | undefined): string {
  if (!extra) return house;
  return house ? `${house} ${extra}` : extra;
}

export interface TableProps extends TableHTMLAttributes<HTMLTableElement> {
  density?: TableDensity;
}

/** `className` replaces the default "w-full text-sm" (a table's width and type size vary). */
export function Table({ density = "compact", className = "w-full text-sm", ...rest }: TableProps) {
  return (
    <Density.Provider value={density}>
      <table className={className} {...rest} />
    </Density.Provider>
  );
}

export interface THeadProps extends HTMLAttributes<HTMLTableSectionElement> {
  /** band: grey background (default); plain: labels only; bare: no house classes */
  look?: "band" | "plain" | "bare";
  /** soft: zinc-500 labels (default); strong: zinc-600 (zinc-400 dark) */
  tone?: "soft" | "strong";
}

export function THead({ look = "band", tone = "soft", className, ...rest }: THeadProps) {
  const house = look === "bare" ? "" : look === "band" ? `${HEAD_BAND} ${HEAD_TEXT[tone]}` : HEAD_TEXT[tone];
  const cls = join(house, className);
  return (
    <InHead.Provider value={true}>
      <thead className={cls || undefined} {...rest} />
    </InHead.Provider>
  );
}

export function TBody(props: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody {...props} />;
}

export interface TrProps extends HTMLAttributes<HTMLTableRowElement> {
  /** no rule (spacer rows, rows styled on their own; header rows have none but in a ruled table) */
  bare?: boolean;
}

export function Tr({ bare = false, className, ...rest }: TrProps) {
  const look = LOOK[useContext(Density)];
  const rule = useContext(InHead) ? look.headRow : look.row;
  const cls = join(bare ? "" : rule, className);
  return <tr className={cls || undefined} {...rest} />;
}

interface CellLook {
  /** right-aligned (numbers) */
  numeric?: boolean;
  /** no house padding: `className` says all */
  bare?: boolean;
}

function cellClass(pad: string, look: CellLook, className: string | undefined): string | undefined {
  const house = [look.bare ? "" : pad, look.numeric ? "text-right" : ""].filter(Boolean).join(" ");
  return join(house, className) || undefined;
}

export function Th({ numeric, bare, className, ...rest }: ThHTMLAttributes<HTMLTableCellElement> & CellLook) {
  const pad = LOOK[useContext(Density)].th;
  return <th className={cellClass(pad, { numeric, bare }, className)} {...rest} />;
}

export function Td({ numeric, bare, className, ...rest }: TdHTMLAttributes<HTMLTableCellElement> & CellLook) {
  const pad = LOOK[useContext(Density)].td;
  return <td className={cellClass(pad, { numeric, bare }, className)} {...rest} />;
}
