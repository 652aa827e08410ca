// A simulated browser on one page: a WebSocket to the dashboard's /api/live subscribed to one
// topic. It counts the bytes the server sends (snapshot and deltas, as framed text) and, to
// compare, what sending the full view every time would have cost: after applying each delta
// (protocol/merge-patch.ts) the whole view is serialized as a snapshot message.
import WebSocket from "ws";
import { LiveServerMessage } from "@/protocol/dashboard/index.ts";
import { apply } from "@/protocol/merge-patch.ts";

export interface MeterWindow {
  seconds: number;
  deltas: number;
  /** bytes of the delta messages received in the window */
  deltaBytes: number;
  /** bytes the same updates would have cost as full snapshot messages */
  snapshotBytes: number;
  /** deltaBytes / snapshotBytes */
  ratio: number;
  /** size of one full snapshot message at the end of the window */
  lastSnapshotBytes: number;
}

export interface MeterOptions {
  /** sent with the upgrade request (the session cookie) */
  headers?: Record<string, string>;
  /** sees every delta's patch received inside the measured window */
  observe?: (patch: unknown) => void;
}

export class LiveMeter {
  view: unknown = undefined;
  #ws: WebSocket;
  #counting = false;
  #startedMs = 0;
  #deltas = 0;
  #deltaBytes = 0;
  #snapshotBytes = 0;
  #lastSnapshotBytes = 0;
  #seq = -1;
  #failure: Error | null = null;
  #gotSnapshot: Promise<void>;

  private constructor(
    ws: WebSocket,
    readonly topic: string,
    readonly observe: ((patch: unknown) => void) | null,
  ) {
    this.#ws = ws;
    let resolveSnapshot: () => void = () => {};
    let rejectSnapshot: (e: Error) => void = () => {};
    this.#gotSnapshot = new Promise((res, rej) => {
      resolveSnapshot = res;
      rejectSnapshot = rej;
    });
    ws.on("message", (data: Buffer) => {
      try {
        const m = LiveServerMessage.parse(JSON.parse(data.toString("utf8")));
        if (m.type === "error") throw new Error(`live error on ${this.topic}: ${JSON.stringify(m)}`);
        if (m.type === "snapshot") {
          this.view = m.data;
          this.#seq = m.seq;
          resolveSnapshot();
          return;
        }
        if (m.type !== "delta") return;
        if (m.seq !== this.#seq + 1) throw new Error(`delta seq ${m.seq} after ${this.#seq}: a message was lost`);
        this.#seq = m.seq;
        this.view = apply(this.view, m.patch);
        const full = Buffer.byteLength(JSON.stringify({ type: "snapshot", topic: this.topic, seq: m.seq, data: this.view }));
        this.#lastSnapshotBytes = full;
        if (!this.#counting) return;
        this.#deltas++;
        this.#deltaBytes += data.length;
        this.#snapshotBytes += full;
        this.observe?.(m.patch);
      } catch (e) {
        this.#failure ??= e instanceof Error ? e : new Error(String(e));
        rejectSnapshot(this.#failure);
      }
    });
    ws.on("close", () => {
      this.#failure ??= new Error("the live socket closed");
      rejectSnapshot(this.#failure);
    });
  }

  static async open(baseUrl: string, topic: string, o: MeterOptions = {}): Promise<LiveMeter> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/live`, { headers: o.headers ?? {} });
    await new Promise<void>((res, rej) => {
      ws.once("open", () => res());
      ws.once("error", rej);
    });
    const meter = new LiveMeter(ws, topic, o.observe ?? null);
    ws.send(JSON.stringify({ type: "subscribe", topic }));
    await meter.#gotSnapshot;
    return meter;
  }

  start(): void {
    this.#check();
    this.#counting = true;
    this.#startedMs = performance.now();
    this.#deltas = 0;
    this.#deltaBytes = 0;
    this.#snapshotBytes = 0;
  }

  stop(): MeterWindow {
    this.#check();
    this.#counting = false;
    const seconds = (performance.now() - this.#startedMs) / 1000;
    return {
      seconds,
      deltas: this.#deltas,
      deltaBytes: this.#deltaBytes,
      snapshotBytes: this.#snapshotBytes,
      ratio: this.#snapshotBytes > 0 ? this.#deltaBytes / this.#snapshotBytes : Number.NaN,
      lastSnapshotBytes: this.#lastSnapshotBytes,
    };
  }

  close(): void {
    this.#ws.removeAllListeners("close");
    this.#ws.close();
  }

  #check(): void {
    if (this.#failure) throw this.#failure;
  }
}
