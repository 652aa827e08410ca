// The checks editors' text state <-> the REST bodies of protocol/dashboard/health.ts
// (RealServerHealthSettings, ServiceHealthSettings), parsed with those very schemas, which are
// the agent's own (protocol/health.ts), so a form the editor accepts is one the agent accepts.
// A field's key is the schema path of its value ("checkers.0.urls.1.path"), so zod's issues
// land on the field that holds the wrong value. An empty text field means "inherit" (from
// the real server, the service, then keepalived's default), exactly as an absent value does.
import { RealServerHealthSettings, ServiceHealthSettings } from "@/protocol/dashboard/health.ts";
import type { Checker, CheckerKind, CheckTiming, HttpUrl, RealServerHealth, ServiceHealth, StatusRange } from "@/protocol/health.ts";
import type { Forwarding } from "@/protocol/ipvs.ts";
import { type FieldErrors, fieldErrors } from "../lib/form-errors.ts";

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** yes / no / "" = not set here (inherited) */
export type Tri = "" | "yes" | "no";

export interface TimingForm {
  delayLoop: string;
  retry: string;
  delayBeforeRetry: string;
  warmup: string;
  alpha: Tri;
  connectTimeout: string;
}

export interface UrlForm {
  path: string;
  /** "200-299, 301" */
  statusCode: string;
  digest: string;
  virtualhost: string;
  regex: string;
}

export interface CheckerForm extends TimingForm {
  kind: CheckerKind;
  connectIp: string;
  connectPort: string;
  bindto: string;
  urls: UrlForm[];
  virtualhost: string;
  dnsType: string;
  dnsName: string;
  /** the command and its arguments, separated by spaces */
  miscPath: string;
  miscTimeout: string;
  user: string;
}

export interface RealServerChecksForm extends TimingForm {
  inhibitOnFailure: Tri;
  checkers: CheckerForm[];
}

export interface ServiceChecksForm extends TimingForm {
  inhibitOnFailure: Tri;
  quorum: string;
  hysteresis: string;
  sorry: boolean;
  sorryAddress: string;
  sorryPort: string;
  sorryForwarding: Forwarding;
  sorryInhibit: boolean;
}

export const CHECKER_KINDS: readonly { value: CheckerKind; label: string }[] = [
  { value: "TCP_CHECK", label: "TCP_CHECK (connect)" },
  { value: "HTTP_GET", label: "HTTP_GET" },
  { value: "SSL_GET", label: "SSL_GET (HTTPS, not verified)" },
  { value: "DNS_CHECK", label: "DNS_CHECK (UDP)" },
  { value: "MISC_CHECK", label: "MISC_CHECK (script)" },
];

const EMPTY_TIMING: TimingForm = { delayLoop: "", retry: "", delayBeforeRetry: "", warmup: "", alpha: "", connectTimeout: "" };
export const NEW_URL: UrlForm = { path: "/", statusCode: "", digest: "", virtualhost: "", regex: "" };

export function newChecker(kind: CheckerKind = "TCP_CHECK"): CheckerForm {
  return { ...EMPTY_TIMING, kind, connectIp: "", connectPort: "", bindto: "", urls: [{ ...NEW_URL }], virtualhost: "", dnsType: "SOA", dnsName: ".", miscPath: "", miscTimeout: "", user: "" };
}

const text = (v: string | number | undefined | null) => (v === undefined || v === null ? "" : String(v));
const tri = (v: boolean | undefined): Tri => (v === undefined ? "" : v ? "yes" : "no");

function timingForm(t: CheckTiming): TimingForm {
  return {
    delayLoop: text(t.delayLoop),
    retry: text(t.retry),
    delayBeforeRetry: text(t.delayBeforeRetry),
    warmup: text(t.warmup),
    alpha: tri(t.alpha),
    connectTimeout: text(t.connectTimeout),
  };
}

export const formatStatusRanges = (r: StatusRange[] | undefined) => (r ?? []).map((x) => (x.from === x.to ? String(x.from) : `${x.from}-${x.to}`)).join(", ");

function checkerForm(c: Checker): CheckerForm {
  const f = { ...newChecker(c.kind), ...timingForm(c) };
  if (c.kind === "MISC_CHECK") return { ...f, miscPath: c.miscPath.join(" "), miscTimeout: text(c.miscTimeout), user: c.user };
  f.connectIp = text(c.connectIp);
  f.connectPort = text(c.connectPort);
  f.bindto = text(c.bindto);
  if (c.kind === "HTTP_GET" || c.kind === "SSL_GET") {
    const urls = c.urls.map((u: HttpUrl) => ({ path: u.path, statusCode: formatStatusRanges(u.statusCode), digest: text(u.digest), virtualhost: text(u.virtualhost), regex: text(u.regex) }));
    return { ...f, urls, virtualhost: text(c.virtualhost) };
  }
  if (c.kind === "DNS_CHECK") return { ...f, dnsType: c.type, dnsName: c.name };
  return f;
}

/** The editor's state for a real server's configuration (undefined: not checked yet). */
export function realServerForm(rs: RealServerHealth | undefined): RealServerChecksForm {
  if (!rs) return { ...EMPTY_TIMING, inhibitOnFailure: "", checkers: [] };
  return { ...timingForm(rs), inhibitOnFailure: tri(rs.inhibitOnFailure), checkers: rs.checkers.map(checkerForm) };
}

export function serviceForm(s: ServiceHealth | undefined, port: number): ServiceChecksForm {
  const sorry = s?.sorryServer ?? null;
  return {
    ...(s ? timingForm(s) : EMPTY_TIMING),
    inhibitOnFailure: tri(s?.inhibitOnFailure),
    quorum: text(s?.quorum ?? 1),
    hysteresis: text(s?.hysteresis ?? 0),
    sorry: sorry !== null,
    sorryAddress: sorry?.key.address ?? "",
    sorryPort: text(sorry?.key.port ?? port),
    sorryForwarding: sorry?.forwarding ?? "masq",
    sorryInhibit: sorry?.inhibit ?? false,
  };
}

// --- form -> body ---

/** Collects the number fields that are not numbers, so the message says so (zod would say NaN). */
class Numbers {
  readonly errors: FieldErrors = {};
  num(path: string, s: string): number | undefined {
    const t = s.trim();
    if (t === "") return undefined;
    if (!/^-?\d+(\.\d+)?$/.test(t)) {
      this.errors[path] = "a number";
      return Number.NaN;
    }
    return Number(t);
  }
}

const opt = (s: string) => (s.trim() === "" ? undefined : s.trim());
const triValue = (t: Tri) => (t === "" ? undefined : t === "yes");

/** Drops undefined members: an absent value is "inherit", and zod keeps keys it was given. */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function timingOf(f: TimingForm, n: Numbers, at: string, withTimeout = true) {
  return defined({
    delayLoop: n.num(`${at}delayLoop`, f.delayLoop),
    retry: n.num(`${at}retry`, f.retry),
    delayBeforeRetry: n.num(`${at}delayBeforeRetry`, f.delayBeforeRetry),
    warmup: n.num(`${at}warmup`, f.warmup),
    alpha: triValue(f.alpha),
    ...(withTimeout ? { connectTimeout: n.num(`${at}connectTimeout`, f.connectTimeout) } : {}),
  });
}

/** "200-299, 301" -> ranges; a token that is not a code or a range is an error on the field. */
export function parseStatusRanges(s: string): StatusRange[] | undefined | string {
  const tokens = s.split(/[\s,]+/).filter((t) => t !== "");
  if (tokens.length === 0) return undefined;
  const out: StatusRange[] = [];
  for (const t of tokens) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(t);
    if (!m) return `"${t}" is not a status code or a range such as 200-299`;
    out.push({ from: Number(m[1]), to: Number(m[2] ?? m[1]) });
  }
  return out;
}

function checkerOf(c: CheckerForm, n: Numbers, at: string): Record<string, unknown> {
  if (c.kind === "MISC_CHECK") {
    return defined({
      kind: c.kind,
      ...timingOf(c, n, at, false),
      miscPath: c.miscPath.split(/\s+/).filter((x) => x !== ""),
      miscTimeout: n.num(`${at}miscTimeout`, c.miscTimeout),
      user: opt(c.user),
    });
  }
  const base = defined({ kind: c.kind, ...timingOf(c, n, at), connectIp: opt(c.connectIp), connectPort: n.num(`${at}connectPort`, c.connectPort), bindto: opt(c.bindto) });
  if (c.kind === "HTTP_GET" || c.kind === "SSL_GET") {
    const urls = c.urls.map((u, j) => {
      const codes = parseStatusRanges(u.statusCode);
      if (typeof codes === "string") n.errors[`${at}urls.${j}.statusCode`] = codes;
      return defined({ path: u.path.trim(), statusCode: typeof codes === "string" ? undefined : codes, digest: opt(u.digest), virtualhost: opt(u.virtualhost), regex: u.regex === "" ? undefined : u.regex });
    });
    return defined({ ...base, urls, virtualhost: opt(c.virtualhost) });
  }
  if (c.kind === "DNS_CHECK") return defined({ ...base, type: c.dnsType, name: opt(c.dnsName) });
  return base;
}

function finish<T>(parsed: { success: true; data: T } | { success: false; error: import("zod").ZodError }, pre: FieldErrors): Result<T> {
  const errors: FieldErrors = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...pre };
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: (parsed as { data: T }).data };
}

/** `scriptChecksAllowed`: the agent's --allow-script-checks (it refuses MISC_CHECK without it). */
export function realServerSettings(f: RealServerChecksForm, scriptChecksAllowed: boolean): Result<RealServerHealthSettings> {
  const n = new Numbers();
  const body = defined({
    ...timingOf(f, n, ""),
    inhibitOnFailure: triValue(f.inhibitOnFailure),
    checkers: f.checkers.map((c, i) => checkerOf(c, n, `checkers.${i}.`)),
  });
  f.checkers.forEach((c, i) => {
    if (c.kind === "MISC_CHECK" && !scriptChecksAllowed) n.errors[`checkers.${i}.kind`] = "refused: the agent was not started with --allow-script-checks";
  });
  return finish(RealServerHealthSettings.safeParse(body), n.errors);
}

export function serviceSettings(f: ServiceChecksForm): Result<ServiceHealthSettings> {
  const n = new Numbers();
  const body = defined({
    ...timingOf(f, n, ""),
    inhibitOnFailure: triValue(f.inhibitOnFailure),
    quorum: n.num("quorum", f.quorum),
    hysteresis: n.num("hysteresis", f.hysteresis),
    sorryServer: f.sorry
      ? { key: { address: f.sorryAddress.trim(), port: n.num("sorryServer.key.port", f.sorryPort) }, forwarding: f.sorryForwarding, inhibit: f.sorryInhibit }
      : null,
  });
  return finish(ServiceHealthSettings.safeParse(body), n.errors);
}

/**
 * The server's refusal of a body as field errors: its validation (server/http/respond.ts)
 * answers `details.issues` with paths relative to the body, which are this form's field keys.
 * Anything else (issues of the agent's whole configuration, other details) gives none.
 */
export function serverFieldErrors(details: unknown): FieldErrors {
  const issues = (details as { issues?: unknown } | null)?.issues;
  const out: FieldErrors = {};
  if (!Array.isArray(issues)) return out;
  for (const i of issues) {
    const path = (i as { path?: unknown })?.path;
    const message = (i as { message?: unknown })?.message;
    if (typeof path === "string" && typeof message === "string" && !(path in out)) out[path] = message;
  }
  return out;
}
