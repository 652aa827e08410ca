// Byte sources for the connection-table reader. Reading /proc/net/ip_vs_conn is mostly kernel
// time (each read() returns about a page and restarts the kernel's hash walk), and parsing is
// ours; done one after the other on one thread they add up (benchmark 3: reader 1.05-1.45x
// `cat`). readOverlapped lets a `cat` child process do the reads, so the kernel's work runs on
// another CPU while the agent parses what already arrived through the pipe; readFileChunks is
// the in-process fallback (no `cat` on the host) and what tests use for exact chunking.
import { spawn } from "node:child_process";
import { closeSync, openSync, readSync } from "node:fs";

/**
 * The table in chunks of synchronous read(2) calls. A /proc seq_file returns about one page
 * per call whatever the buffer, so each chunk gathers pages until the buffer is nearly full or
 * `sliceMs` has passed, then the loop yields a turn (setImmediate) so other work keeps flowing.
 * Why not async reads: in the TCG guest every thread-pool round trip and loop turn cost
 * milliseconds, and per-page async reads made 20,000 entries 2-3x slower than `cat`.
 * Each chunk is a view of one reused buffer, valid until the next one is requested (a fresh
 * 256 KiB buffer per chunk only churned the allocator); consumers copy what they keep.
 */
export async function* readFileChunks(
  path: string,
  signal: AbortSignal,
  bufferSize = 256 * 1024,
  sliceMs = 20,
): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(bufferSize);
    let eof = false;
    while (!eof && !signal.aborted) {
      let filled = 0;
      const start = performance.now();
      while (filled < bufferSize - 8192 && performance.now() - start < sliceMs) {
        const n = readSync(fd, buf, filled, bufferSize - filled, null);
        if (n === 0) {
          eof = true;
          break;
        }
        filled += n;
      }
      if (filled > 0) yield buf.subarray(0, filled);
      if (!eof) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The table through a `cat` child reading our already opened descriptor (so a missing file is
 * the same ENOENT error from openSync as before, and the child reads exactly that file). The
 * child is killed when the signal aborts or the consumer stops early; a non-zero exit is an
 * error. Falls back to readFileChunks when `cat` cannot be started.
 */
export async function* readOverlapped(path: string, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, "r");
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn("cat", [], { stdio: [fd, "pipe", "pipe"] });
  } finally {
    closeSync(fd); // the child holds its own copy from here on
  }
  if (child.pid === undefined) {
    child.on("error", () => {}); // ENOENT of the binary is reported here: we fall back instead
    yield* readFileChunks(path, signal);
    return;
  }
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    let stderr = "";
    child.stderr!.on("data", (b: Buffer) => {
      if (stderr.length < 1000) stderr += b.toString();
    });
    child.on("close", (code) => resolve({ code, stderr }));
  });
  const kill = () => child.kill("SIGKILL");
  signal.addEventListener("abort", kill, { once: true });
  let finished = false;
  try {
    for await (const chunk of child.stdout!) {
      if (signal.aborted) return;
      yield chunk as Buffer;
    }
    finished = true;
  } finally {
    signal.removeEventListener("abort", kill);
    if (!finished) kill();
  }
  const { code, stderr } = await exited;
  if (code !== 0 && !signal.aborted) throw new Error(`cat ${path} exited ${code}: ${stderr.trim()}`);
}
