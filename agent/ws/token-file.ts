// The agent's token, re-read when its file changes (polled, so an editor's or an installer's
// replace-by-rename is seen too) or on demand (SIGHUP in main.ts). A new token applies to new
// upgrade requests only: links already authenticated keep working until they reconnect.
// An invalid new file (empty, readable or writable by group or others, owned by another
// user, ...) keeps the previous token and is reported. Connections opened with an old token
// are closed by the server (agent/ws/server.ts) once its grace period is over.
import { type Stats, readFileSync, statSync } from "node:fs";
import { ArgsError, checkTokenFile } from "../args.ts";

export interface TokenFileOptions {
  /** poll interval of the file's metadata (default 2000 ms) */
  pollMs?: number;
  /** a reload replaced the token */
  onReload?: () => void;
  /** a reload failed; the previous token stays in force */
  onError?: (err: Error) => void;
}

/** The file must be this user's own and neither readable nor writable by group or others, as
 * the TLS key: anyone who can read it can drive the (root) agent; anyone who can write it can
 * swap the token in. Throws ArgsError saying what to run. */
export function checkTokenFileStat(path: string, st: Stats): void {
  if ((st.mode & 0o066) !== 0) {
    throw new ArgsError(`token file ${path} is readable or writable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
  }
  const uid = typeof process.getuid === "function" ? process.getuid() : null;
  if (uid !== null && st.uid !== uid) {
    throw new ArgsError(`token file ${path} is owned by uid ${st.uid}, not by the agent's user (uid ${uid}); chown it`);
  }
}

/** what identifies one version of the file without reading it */
const signatureOf = (s: Stats) => `${s.ino}:${s.size}:${s.mtimeMs}:${s.mode}:${s.uid}`;

export class TokenFile {
  #token: string;
  #signature: string;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Reads the file now; throws (ArgsError or a file error) when it is unusable at start. */
  constructor(
    readonly path: string,
    readonly opts: TokenFileOptions = {},
  ) {
    const st = statSync(path);
    checkTokenFileStat(path, st);
    this.#token = checkTokenFile(readFileSync(path, "utf8"), st.mode);
    this.#signature = signatureOf(st);
  }

  get current(): string {
    return this.#token;
  }

  /** Re-reads the file; true when the token changed. */
  reload(): boolean {
    let next: string;
    try {
      const st = statSync(this.path);
      // remembered first: a broken file is reported once, not on every poll
      this.#signature = signatureOf(st);
      checkTokenFileStat(this.path, st);
      next = checkTokenFile(readFileSync(this.path, "utf8"), st.mode);
    } catch (err) {
      this.opts.onError?.(err as Error);
      return false;
    }
    if (next === this.#token) return false;
    this.#token = next;
    this.opts.onReload?.();
    return true;
  }

  /** Polls the file's metadata against the version last read; a difference triggers reload(). */
  watch(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      let sig: string;
      try {
        sig = signatureOf(statSync(this.path));
      } catch {
        sig = "missing"; // mid-replace or removed: keep the token, report once
      }
      if (sig !== this.#signature) this.reload();
    }, this.opts.pollMs ?? 2000);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
