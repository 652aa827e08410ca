"use client";
// The dashboard's tables: the house classes written once. A table is `compact` (cells px-2,
// headers py-1, body cells py-1.5: audit, sysctls, health history, connections) or `roomy`
// (px-3 py-2: fleet, HA members); the density is set on <Table> and read by its cells, so a
// row component (AuditRow, SysctlRow) needs no prop for it. `bare` drops a part's house
// classes for the few tables styled on their own (users, tokens: ruled rows without padding);
// `className` adds to the house classes, so it must not restate what they set.
import { createContext, type HTMLAttributes, type TableHTMLAttributes, type TdHTMLAttributes, type ThHTMLAttributes, useContext } from "react";

export type TableDensity = "compact" | "roomy";

const PAD: Record<TableDensity, { th: string; td: string }> = {
  compact: { th: "px-2 py-1", td: "px-2 py-1.5" },
  roomy: { th: "px-3 py-2", td: "px-3 py-2" },
};

/** The grey band of small left-aligned labels above a table's rows. */
const HEAD_BAND = "bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-900";
/** The same labels without the band (tables inside a card). */
const HEAD_PLAIN = "text-left text-xs text-zinc-500";
/** A hairline above each body row. */
const ROW_RULE = "border-t border-zinc-200 dark:border-zinc-800";

const Density = createContext<TableDensity>("compact");

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
}

export function THead({ look = "band", className, ...rest }: THeadProps) {
  const house = look === "band" ? HEAD_BAND : look === "plain" ? HEAD_PLAIN : "";
  const cls = join(house, className);
  return <thead className={cls || undefined} {...rest} />;
}

export function TBody(props: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody {...props} />;
}

export interface TrProps extends HTMLAttributes<HTMLTableRowElement> {
  /** no hairline (header rows, spacer rows, rows styled on their own) */
  bare?: boolean;
}

export function Tr({ bare = false, className, ...rest }: TrProps) {
  const cls = join(bare ? "" : ROW_RULE, className);
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
  const pad = PAD[useContext(Density)].th;
  return <th className={cellClass(pad, { numeric, bare }, className)} {...rest} />;
}

export function Td({ numeric, bare, className, ...rest }: TdHTMLAttributes<HTMLTableCellElement> & CellLook) {
  const pad = PAD[useContext(Density)].td;
  return <td className={cellClass(pad, { numeric, bare }, className)} {...rest} />;
}
