// Reads keepalived's notify_fifo without tying up a libuv thread: the FIFO is opened
// O_RDWR|O_NONBLOCK (open does not wait for a writer, and keepalived closing its end is never
// an EOF because we hold a write end too) and wrapped in a net.Socket, so reads are
// event-driven on the loop like any pipe. The agent creates the FIFO itself (mode 0600).
import { execFile } from "node:child_process";
import { constants, openSync, closeSync } from "node:fs";
import { lstat, rm } from "node:fs/promises";
import { Socket } from "node:net";
import { LineSplitter } from "./notify-line.ts";

export class FifoError extends Error {
  override name = "FifoError";
}

/** Makes `path` a FIFO: an existing FIFO is kept, anything else there is an error. */
export async function ensureFifo(path: string): Promise<void> {
  const st = await lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null;
    throw e;
  });
  if (st?.isFIFO()) return;
  if (st) throw new FifoError(`${path} exists and is not a FIFO`);
  await new Promise<void>((resolve, reject) => {
    // coreutils' mkfifo: node has no mkfifo(3); argv only, no shell
    execFile("mkfifo", ["-m", "600", "--", path], { timeout: 10_000 }, (err, _o, stderr) =>
      err ? reject(new FifoError(`mkfifo ${path}: ${String(stderr).trim() || err.message}`)) : resolve(),
    );
  });
}

export class FifoReader {
  readonly #socket: Socket;
  #closed = false;

  private constructor(fd: number, onLine: (line: string) => void, onError: (e: Error) => void) {
    const split = new LineSplitter();
    this.#socket = new Socket({ fd, readable: true, writable: false });
    this.#socket.setEncoding("utf8");
    this.#socket.on("data", (chunk: string) => {
      for (const l of split.push(chunk)) if (l.length > 0) onLine(l);
    });
    this.#socket.on("error", (e) => {
      if (!this.#closed) onError(e);
    });
  }

  static async open(path: string, onLine: (line: string) => void, onError: (e: Error) => void): Promise<FifoReader> {
    await ensureFifo(path);
    const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      return new FifoReader(fd, onLine, onError);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  close(): void {
    this.#closed = true;
    this.#socket.destroy();
  }
}

export async function removeFifo(path: string): Promise<void> {
  await rm(path, { force: true });
}
