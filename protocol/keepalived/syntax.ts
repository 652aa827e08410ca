// keepalived.conf's syntax: words, "quoted strings", # and ! comments, { } blocks, and
// `include FILE` (through a reader callback, so this runs in the browser and in lvsctl alike).
// A statement is the words of one line; a { opens a block for it (on the same line, or alone
// on the next). Errors name file, line and column; nothing is half-parsed.

export interface Word {
  text: string;
  line: number;
  column: number;
  quoted: boolean;
}

export interface Statement {
  words: Word[];
  block: Statement[] | null;
  file: string;
  line: number;
}

export class KeepalivedSyntaxError extends Error {
  override readonly name = "KeepalivedSyntaxError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}: line ${line}, column ${column}: ${detail}`);
  }
}

/** Returns the text of an included file, or null when it does not exist. */
export type IncludeReader = (path: string, from: string) => string | null;

const MAX_INCLUDE_DEPTH = 8;

type Token = Word & { kind: "word" | "open" | "close" | "newline" };

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const push = (kind: Token["kind"], t: string, l: number, c: number, quoted = false) => out.push({ kind, text: t, line: l, column: c, quoted });
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "\n") {
      push("newline", "", line, col);
      line++;
      col = 1;
      i++;
    } else if (ch === " " || ch === "\t" || ch === "\r") {
      i++;
      col++;
    } else if (ch === "#" || ch === "!") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (ch === "{" || ch === "}") {
      push(ch === "{" ? "open" : "close", ch, line, col);
      i++;
      col++;
    } else if (ch === '"') {
      const end = text.indexOf('"', i + 1);
      const nl = text.indexOf("\n", i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) throw new KeepalivedSyntaxError(file, line, col, "unterminated quoted string");
      push("word", text.slice(i + 1, end), line, col, true);
      col += end + 1 - i;
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !/[\s{}"#!]/.test(text[i]!)) i++;
      push("word", text.slice(start, i), line, col);
      col += i - start;
    }
  }
  push("newline", "", line, col);
  return out;
}

export function parseStatements(text: string, file: string, read?: IncludeReader, depth = 0): Statement[] {
  const tokens = tokenize(text, file);
  const root: Statement[] = [];
  const stack: { list: Statement[]; open: Word }[] = [];
  let list = root;
  let current: Statement | null = null;
  let last: Statement | null = null;
  const finish = () => {
    if (!current) return;
    const first = current.words[0]!;
    if (first.text === "include" && !first.quoted) {
      list.pop();
      for (const w of current.words.slice(1)) list.push(...include(w, file, read, depth));
      if (current.words.length < 2) throw new KeepalivedSyntaxError(file, first.line, first.column, "include needs a file name");
    }
    last = current;
    current = null;
  };
  for (const t of tokens) {
    if (t.kind === "word") {
      if (!current) {
        current = { words: [], block: null, file, line: t.line };
        list.push(current);
      }
      current.words.push({ text: t.text, line: t.line, column: t.column, quoted: t.quoted });
    } else if (t.kind === "newline") {
      finish();
    } else if (t.kind === "open") {
      const owner: Statement | null = current ?? last;
      if (!owner || owner.block !== null || (current === null && last === null))
        throw new KeepalivedSyntaxError(file, t.line, t.column, "'{' without a keyword before it");
      owner.block = [];
      stack.push({ list, open: t });
      list = owner.block;
      current = null;
      last = null;
    } else {
      finish();
      const top = stack.pop();
      if (!top) throw new KeepalivedSyntaxError(file, t.line, t.column, "'}' without a block to close");
      list = top.list;
      last = null;
    }
  }
  const open = stack.pop();
  if (open) throw new KeepalivedSyntaxError(file, open.open.line, open.open.column, "'{' is never closed");
  return root;
}

function include(w: Word, from: string, read: IncludeReader | undefined, depth: number): Statement[] {
  if (!read) throw new KeepalivedSyntaxError(from, w.line, w.column, `include ${w.text}: includes are not available here`);
  if (depth >= MAX_INCLUDE_DEPTH) throw new KeepalivedSyntaxError(from, w.line, w.column, `include ${w.text}: includes nested deeper than ${MAX_INCLUDE_DEPTH}`);
  const text = read(w.text, from);
  if (text === null) throw new KeepalivedSyntaxError(from, w.line, w.column, `include ${w.text}: no such file`);
  return parseStatements(text, w.text, read, depth + 1);
}
