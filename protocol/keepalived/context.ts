// What the keepalived.conf mappers share: warnings worded as keepalived logs them, typed
// errors that name the word at fault, and value readers with keepalived's ranges.
import { ipVersion } from "../ip.ts";
import { KeepalivedSyntaxError, type Statement, type Word } from "./syntax.ts";

export interface KeepalivedWarning {
  file: string;
  line: number;
  message: string;
}

export class Ctx {
  readonly warnings: KeepalivedWarning[] = [];

  /** keepalived's own wording for a keyword it does not know */
  unknown(s: Statement): void {
    this.warnings.push({ file: s.file, line: s.line, message: `(${s.file}: Line ${s.line}) Unknown keyword '${s.words[0]!.text}'` });
  }

  /** a keyword keepalived knows that lvs-fleet does not carry: said, never dropped silently */
  unsupported(s: Statement, why = "not supported by lvs-fleet, ignored"): void {
    this.warnings.push({ file: s.file, line: s.line, message: `(${s.file}: Line ${s.line}) '${s.words[0]!.text}' ${why}` });
  }

  warn(s: Statement, message: string): void {
    this.warnings.push({ file: s.file, line: s.line, message: `(${s.file}: Line ${s.line}) ${message}` });
  }

  fail(s: Statement, w: Word | undefined, message: string): never {
    const at = w ?? s.words[0]!;
    throw new KeepalivedSyntaxError(s.file, at.line, at.column, message);
  }

  arg(s: Statement, i = 1): string {
    const w = s.words[i];
    if (!w) this.fail(s, s.words[s.words.length - 1], `${s.words[0]!.text} needs a value`);
    return w.text;
  }

  number(s: Statement, i: number, min: number, max: number, integer = true): number {
    const t = this.arg(s, i);
    const n = Number(t);
    const ok = t.trim() !== "" && Number.isFinite(n) && (!integer || Number.isInteger(n)) && n >= min && n <= max;
    if (!ok) this.fail(s, s.words[i], `${s.words[0]!.text}: '${t}' is not ${integer ? "an integer" : "a number"} in [${min}, ${max}]`);
    return n;
  }

  /** keepalived's timers: seconds, decimals allowed */
  seconds(s: Statement, min = 0, max = 86400): number {
    return this.number(s, 1, min, max, false);
  }

  address(s: Statement, i: number): string {
    const t = this.arg(s, i);
    if (ipVersion(t) === 0) this.fail(s, s.words[i], `'${t}' is not an IPv4 or IPv6 address`);
    return t;
  }

  /** `alpha`, `alpha true|false|on|off|yes|no` */
  flag(s: Statement): boolean {
    const t = s.words[1]?.text.toLowerCase();
    if (t === undefined || ["true", "on", "yes"].includes(t)) return true;
    if (["false", "off", "no"].includes(t)) return false;
    return this.fail(s, s.words[1], `${s.words[0]!.text}: '${t}' is not true or false`);
  }

  block(s: Statement): Statement[] {
    if (s.block === null) this.fail(s, undefined, `${s.words[0]!.text} needs a { } block`);
    return s.block;
  }
}
