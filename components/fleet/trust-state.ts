// When "Accept new certificate" is offered: to admins, while the director's link is
// "untrusted" (its agent presents a certificate other than the pinned one). Pure and in a .ts
// file so that the unit tests (no JSX) check the rule the fleet row and the page header share.
import type { LinkState } from "@/protocol/dashboard/index.ts";

export function offersCertificateAcceptance(isAdmin: boolean, link: LinkState | undefined): boolean {
  return isAdmin && link === "untrusted";
}
