// The checker blocks of a real_server: TCP_CHECK, HTTP_GET, SSL_GET, DNS_CHECK, MISC_CHECK,
// with the keywords every checker shares (check_api.c) and each kind's own.
import { type Checker, type CheckTiming, DNS_TYPES, type HttpUrl, type StatusRange } from "../health.ts";
import type { Ctx } from "./context.ts";
import type { Statement } from "./syntax.ts";

export const CHECKER_KINDS = new Set(["TCP_CHECK", "HTTP_GET", "SSL_GET", "DNS_CHECK", "MISC_CHECK"]);
/** checkers keepalived has and we do not run */
export const OTHER_CHECKERS = new Set(["SMTP_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK"]);
const KNOWN_UNSUPPORTED = new Set(["bind_port", "bind_if", "fwmark", "log_all_failures", "http_protocol", "enable_sni", "sni_name", "fast_recovery", "tls_compliant", "misc_dynamic"]);

/** The timing keywords a checker, a real_server and a virtual_server share. */
export function timing(ctx: Ctx, s: Statement, t: CheckTiming): boolean {
  switch (s.words[0]!.text) {
    case "delay_loop": t.delayLoop = ctx.seconds(s, 0.01); return true;
    case "retry": t.retry = ctx.number(s, 1, 0, 1000); return true;
    case "delay_before_retry": t.delayBeforeRetry = ctx.seconds(s); return true;
    case "warmup": t.warmup = ctx.seconds(s); return true;
    case "alpha": t.alpha = ctx.flag(s); return true;
    case "connect_timeout": t.connectTimeout = ctx.seconds(s, 0.01, 3600); return true;
    default: return false;
  }
}

function statusCodes(ctx: Ctx, s: Statement): StatusRange[] {
  return s.words.slice(1).map((w, i) => {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(w.text);
    const from = Number(m?.[1]);
    const to = Number(m?.[2] ?? m?.[1]);
    if (!m || from < 100 || to > 599 || from > to) ctx.fail(s, s.words[i + 1], `status_code: '${w.text}' is not a code or a range like 200-299`);
    return { from, to };
  });
}

function url(ctx: Ctx, s: Statement): HttpUrl {
  const u: Partial<HttpUrl> = {};
  for (const k of ctx.block(s)) {
    const key = k.words[0]!.text;
    if (key === "path") u.path = ctx.arg(k);
    else if (key === "digest") u.digest = ctx.arg(k).toLowerCase();
    else if (key === "status_code") u.statusCode = statusCodes(ctx, k);
    else if (key === "virtualhost") u.virtualhost = ctx.arg(k);
    else if (key === "regex") u.regex = ctx.arg(k);
    else if (key.startsWith("regex_") || key === "tls_compliant") ctx.unsupported(k);
    else ctx.unknown(k);
  }
  if (!u.path) ctx.fail(s, undefined, "url needs a path");
  return u as HttpUrl;
}

/** keepalived splits misc_path on spaces, with "..." or '...' keeping spaces in one argument. */
export function splitCommand(text: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

export function checker(ctx: Ctx, s: Statement): Checker {
  const kind = s.words[0]!.text as Checker["kind"];
  const c: Record<string, unknown> = { kind };
  const urls: HttpUrl[] = [];
  const http = kind === "HTTP_GET" || kind === "SSL_GET";
  for (const k of s.block ?? []) {
    const key = k.words[0]!.text;
    if (timing(ctx, k, c as CheckTiming)) {
      if (kind === "MISC_CHECK" && key === "connect_timeout") ctx.fail(k, undefined, "MISC_CHECK has no connect_timeout (use misc_timeout)");
      continue;
    }
    if (kind !== "MISC_CHECK" && key === "connect_ip") c.connectIp = ctx.address(k, 1);
    else if (kind !== "MISC_CHECK" && key === "connect_port") c.connectPort = ctx.number(k, 1, 1, 65535);
    else if (kind !== "MISC_CHECK" && key === "bindto") c.bindto = ctx.address(k, 1);
    else if (http && key === "nb_get_retry") {
      ctx.warn(k, "nb_get_retry is deprecated - please use 'retry'");
      c.retry = ctx.number(k, 1, 0, 1000);
    } else if (http && key === "url") urls.push(url(ctx, k));
    else if (http && key === "virtualhost") c.virtualhost = ctx.arg(k);
    else if (kind === "DNS_CHECK" && key === "type") {
      const t = ctx.arg(k).toUpperCase();
      if (!(DNS_TYPES as readonly string[]).includes(t)) ctx.fail(k, k.words[1], `DNS type '${t}' is not one of ${DNS_TYPES.join(" ")}`);
      c.type = t;
    } else if (kind === "DNS_CHECK" && key === "name") c.name = ctx.arg(k);
    else if (kind === "MISC_CHECK" && key === "misc_path") {
      const argv = splitCommand(k.words.slice(1).map((w) => w.text).join(" "));
      // keepalived: "No script path has been specified for MISC_CHECKER - skipping" (exit 5)
      if (argv.length === 0) ctx.fail(k, undefined, "misc_path names no command");
      c.miscPath = argv;
    }
    else if (kind === "MISC_CHECK" && key === "misc_timeout") c.miscTimeout = ctx.number(k, 1, 1, 3600);
    else if (kind === "MISC_CHECK" && key === "user") {
      c.user = ctx.arg(k);
      if (k.words.length > 2) ctx.warn(k, "user: the group is not supported, the user's own group is used");
    } else if (KNOWN_UNSUPPORTED.has(key)) ctx.unsupported(k);
    else ctx.unknown(k);
  }
  if (http) {
    if (urls.length === 0) ctx.fail(s, undefined, `${kind} needs at least one url { path ... }`);
    c.urls = urls;
  }
  if (kind === "DNS_CHECK") {
    c.type ??= "SOA";
    c.name ??= ".";
  }
  if (kind === "MISC_CHECK" && !c.miscPath) ctx.fail(s, undefined, "MISC_CHECK needs misc_path");
  return c as Checker;
}
