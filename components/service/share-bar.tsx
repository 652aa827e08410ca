// A real server's share of its service's current traffic as a bar and a percentage
// (topology-layout.ts trafficShares: bytes/s in + out, or active connections when no bytes
// flow; the title says which). data-testid="share", data-share = the fraction (3 decimals).
import { formatShare, shareBasisText, type TrafficShare } from "./topology-layout.ts";

export function ShareBar({ share }: { share: TrafficShare }) {
  const text = formatShare(share.share);
  return (
    <span className="flex items-center gap-1.5" data-testid="share" data-share={share.share.toFixed(3)} data-basis={share.basis} title={`${text} ${shareBasisText(share.basis)}`}>
      {/* the bar is a picture of the number next to it, which screen readers get with its basis */}
      <span
        aria-hidden="true"
        className="block h-1.5 w-12 shrink-0 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-700"
      >
        <span className="block h-full rounded-full bg-sky-600 dark:bg-sky-400" style={{ width: `${Math.min(100, share.share * 100)}%` }} />
      </span>
      <span className="text-xs tabular-nums">
        {text}
        <span className="sr-only"> {shareBasisText(share.basis)}</span>
      </span>
    </span>
  );
}
