// The real-server table's columns, one grid for every service card: a fixed layout with these
// widths (of a table at least 72rem wide), so Weight, Active, Drain, ... line up from one card
// to the next whatever each card's contents. Held-out and edit rows span them. The head is
// ui/table's, inside the card's compact <Table>.
import { Th, THead, Tr } from "../ui/table.tsx";

export const RS_COLUMNS = [
  { label: "Real server", width: "11%" },
  { label: "State", width: "10%" },
  { label: "Share", width: "8%" },
  { label: "Forwarding", width: "8%" },
  { label: "Weight", width: "5%", right: true },
  { label: "Thresholds", width: "6%", right: true },
  { label: "Active", width: "5%", right: true },
  { label: "Inactive", width: "5%", right: true },
  { label: "Conn/s", width: "5%", right: true },
  { label: "In / out", width: "10%", right: true },
  { label: "Drain", width: "17%" },
  { label: "Actions", width: "10%", srOnly: true },
] as const;

export const RS_COLUMN_COUNT = RS_COLUMNS.length;

export function RsColumnsHead() {
  return (
    <>
      <colgroup>
        {RS_COLUMNS.map((c) => (
          <col key={c.label} style={{ width: c.width }} />
        ))}
      </colgroup>
      <THead look="plain">
        <Tr bare>
          {RS_COLUMNS.map((c) => (
            <Th key={c.label} numeric={"right" in c}>
              {"srOnly" in c ? <span className="sr-only">{c.label}</span> : c.label}
            </Th>
          ))}
        </Tr>
      </THead>
    </>
  );
}
