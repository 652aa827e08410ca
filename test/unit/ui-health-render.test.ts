// The health parts rendered to HTML (react-dom/server, SWR fed through its fallback as the
// REST replies would): the badge on each real-server row of a service card, a real server
// health removed from the kernel still listed as down, the transition history, and the checks
// editor's fields marked where the schema refused them.
import { directorHealth, rsHealth } from "./ui-health-fixtures.ts";
import { createElement, type FunctionComponent, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { SWRConfig } from "swr";
import { describe, expect, it } from "vitest";
import type { CheckerForm } from "@/components/health/checks-form-model.ts";
import { newChecker, realServerForm, realServerSettings } from "@/components/health/checks-form-model.ts";
import { healthStatusNote } from "@/components/health/health-state.ts";
import { url } from "@/components/lib/api-client.ts";
import type { ServiceHealthView } from "@/protocol/dashboard/health.ts";
import type { DestinationView, ServiceView } from "@/protocol/dashboard/index.ts";

// The .tsx components are loaded by path: this project's root tsconfig (which type-checks
// test/) has no JSX; tsconfig.next.json checks the components themselves. Their props are
// restated here by hand (not checked against the components: a changed signature shows up as
// a failing render here, not as a type error).
const COMPONENTS = "../../components/";
const load = async <T>(path: string): Promise<T> => (await import(/* @vite-ignore */ `${COMPONENTS}${path}`)) as T;
const { SESSION_PATH } = await load<{ SESSION_PATH: string }>("auth/session.tsx");
const { ServiceCard } = await load<{ ServiceCard: FunctionComponent<{ director: string; group: string; svc: ServiceView }> }>("service/service-card.tsx");
const { HealthHistory } = await load<{ HealthHistory: FunctionComponent<{ svc: ServiceHealthView | undefined }> }>("health/health-history.tsx");
const { CheckerFields } = await load<{
  CheckerFields: FunctionComponent<{ index: number; value: CheckerForm; set: () => void; remove: () => void; errors: Record<string, string>; scriptChecksAllowed: boolean }>;
}>("health/checker-fields.tsx");

const SVC = "tcp:172.16.0.100:80";
const traffic = { cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0, activeConns: 0, inactiveConns: 0 };
const dest = (key: string): DestinationView => ({
  key,
  address: key.split(":")[0]!,
  port: 80,
  config: { forwarding: "masq", weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: null },
  persistConns: 0,
  traffic,
  drainJob: null,
});
const service: ServiceView = {
  key: SVC,
  config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false },
  traffic,
  destinations: { "10.0.0.11:80": dest("10.0.0.11:80"), "10.0.0.13:80": dest("10.0.0.13:80") },
};
const health = directorHealth(SVC, {
  "10.0.0.11:80": rsHealth("10.0.0.11:80", {}),
  "10.0.0.12:80": rsHealth("10.0.0.12:80", {
    state: "down",
    inPool: false,
    consecutiveFailures: 2,
    lastResult: { ok: false, reason: "connect refused", latencyMs: 0.5, at: 1_500 },
    transitions: [{ from: "up", to: "down", reason: "connect refused", at: 1_500 }],
  }),
});

function render(node: ReactNode, fallback: Record<string, unknown> = {}): string {
  const session = { user: { id: 1, username: "op", role: "operator", createdAt: 0 }, csrfToken: "t", setupNeeded: false, expiresAt: null };
  return renderToStaticMarkup(createElement(SWRConfig, { value: { fallback: { [SESSION_PATH]: session, ...fallback }, provider: () => new Map() } }, node));
}

/** the HTML of one row (data-testid="dest-row-<key>") */
function row(html: string, key: string): string {
  const at = html.indexOf(`data-testid="dest-row-${key}"`);
  expect(at, `row ${key}`).toBeGreaterThan(0);
  return html.slice(at, html.indexOf("</tr>", at));
}

describe("the service card with health", () => {
  it("puts a badge on each checked row, a dash on an unchecked one, and lists the server health removed", () => {
    const html = render(createElement(ServiceCard, { director: "dir1", group: "", svc: service }), { [url("GET /api/directors/:id/health", { params: { id: "dir1" } })]: health });
    expect(row(html, "10.0.0.11:80")).toMatch(/data-testid="health-state" data-state="up"/);
    expect(row(html, "10.0.0.11:80")).toContain("last check ok, 3.0 ms");
    expect(row(html, "10.0.0.13:80")).toMatch(/data-testid="health-state" data-state="none"/);
    // 10.0.0.12 is not in the kernel's table (removed by health): still a row, down
    const held = row(html, "10.0.0.12:80");
    expect(held).toContain('data-held-out="true"');
    expect(held).toMatch(/data-state="down"/);
    expect(held).toContain("connect refused");
    expect(held).toContain("Edit checks");
  });

  it("shows no health column values and no held-out row before the health view arrives", () => {
    const html = render(createElement(ServiceCard, { director: "dir1", group: "", svc: service }));
    expect(html).not.toContain("10.0.0.12:80");
    expect(row(html, "10.0.0.11:80")).toMatch(/data-state="none"/);
  });
});

describe("the transition history", () => {
  it("lists each transition with its time, real server, states and reason", () => {
    const html = renderToStaticMarkup(createElement(HealthHistory, { svc: health.services[SVC] }));
    expect(html).toContain('data-dest="10.0.0.12:80" data-from="up" data-to="down"');
    expect(html).toContain("1970-01-01 00:00:01Z");
    expect(html).toContain("up → ✕ down");
    expect(html).toContain("connect refused");
    expect(renderToStaticMarkup(createElement(HealthHistory, { svc: undefined }))).toContain("No transitions yet.");
  });

  it("explains a view that is not current", () => {
    expect(healthStatusNote({ status: "active", error: null })).toBeNull();
    expect(healthStatusNote({ status: "error", error: "health.get timed out" })).toContain("health.get timed out");
    for (const s of ["pending", "none", "offline"] as const) expect(healthStatusNote({ status: s, error: null })).toMatch(/\w{4}/);
  });
});

describe("the checker's fields", () => {
  it("marks exactly the fields the schema refused", () => {
    const c = { ...newChecker("HTTP_GET"), connectPort: "0", urls: [{ path: "x", statusCode: "", digest: "", virtualhost: "", regex: "" }] };
    const r = realServerSettings({ ...realServerForm(undefined), checkers: [c] }, false);
    expect(r.ok).toBe(false);
    const errors = r.ok ? {} : r.errors;
    const html = renderToStaticMarkup(createElement(CheckerFields, { index: 0, value: c, set: () => {}, remove: () => {}, errors, scriptChecksAllowed: false }));
    expect(html.match(/aria-invalid="true"/g)?.length).toBe(2);
    expect(html).toContain("a path starting with / (no spaces)");
    expect(html).toContain("connect_port");
    for (const label of ["url path", "status_code", "digest (md5)", "regex", "delay_loop (s)", "retry", "delay_before_retry (s)", "warmup (s)", "connect_timeout (s)", "alpha (start down)", "bindto", "connect_ip"]) {
      expect(html, label).toContain(`>${label}</label>`);
    }
  });
});
