// Which changes of a director's link state the pages react to. Pure, so that it is unit-tested
// apart from React.
import type { LinkState } from "@/protocol/dashboard/index.ts";

/**
 * Whether the link has just come back: online now, and another state seen before (offline,
 * connecting, unauthorized, untrusted). The first state seen (`prev` undefined, the fleet
 * not loaded yet) and online -> online are not a return: the page's own first read covers them.
 */
export function cameBackOnline(prev: LinkState | undefined, next: LinkState | undefined): boolean {
  return next === "online" && prev !== undefined && prev !== "online";
}
