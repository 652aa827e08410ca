// The rule behind "Accept new certificate" on the fleet overview's rows and the director
// page's header (one component, components/fleet/trust-actions.tsx): admins only, and only
// while the director's link is "untrusted".
import { describe, expect, it } from "vitest";
import { offersCertificateAcceptance } from "@/components/fleet/trust-state.ts";
import { LinkState } from "@/protocol/dashboard/index.ts";

describe("offersCertificateAcceptance", () => {
  it("offers it to an admin for an untrusted director", () => {
    expect(offersCertificateAcceptance(true, "untrusted")).toBe(true);
  });

  it("never for another link state, a director not loaded yet, or a non-admin", () => {
    const others = LinkState.options.filter((l) => l !== "untrusted");
    expect(others).toEqual(["connecting", "online", "offline", "unauthorized"]);
    for (const link of [...others, undefined]) expect(offersCertificateAcceptance(true, link), String(link)).toBe(false);
    for (const link of LinkState.options) expect(offersCertificateAcceptance(false, link), link).toBe(false);
  });
});
