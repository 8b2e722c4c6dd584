// The page's handle on one stream worker: subscribe to a topic, then ask for
// decimated columns or the latest frame. One request in flight at a time, so
// a slow worker slows the redraw rate instead of queueing requests.

import { wsUrl } from "./api.js";
import type { FromWorker, ToWorker } from "./stream_messages.js";
import type { TopicMeta } from "./wire.js";

type Reply = Extract<FromWorker, { id: number }>;

// The worker script's content-hashed name, set by build.mjs.
declare const STREAM_WORKER_URL: string;

export class StreamClient {
  private readonly worker = new Worker(new URL(STREAM_WORKER_URL, location.href));
  private nextId = 1;
  private pending = new Map<number, (r: Reply) => void>();
  meta: TopicMeta | null = null;
  onMeta: (m: TopicMeta) => void = () => {};
  // The data socket opened, or closed with a reason (eegd gone, unknown topic).
  onState: (connected: boolean, reason: string) => void = () => {};

  constructor() {
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === "meta") {
        this.meta = m.meta;
        this.onMeta(m.meta);
      } else if (m.type === "state") {
        this.onState(m.connected, m.reason);
      } else {
        const done = this.pending.get(m.id);
        this.pending.delete(m.id);
        done?.(m);
      }
    };
  }

  subscribe(topic: string): void {
    this.meta = null;
    this.send({ type: "subscribe", url: wsUrl(`/ws/data?topic=${encodeURIComponent(topic)}`) });
  }

  busy(): boolean {
    return this.pending.size > 0;
  }

  columns(seconds: number, columns: number): Promise<Extract<FromWorker, { type: "columns" }>> {
    return this.request({ type: "columns", id: this.nextId++, seconds, columns }) as Promise<Extract<FromWorker, { type: "columns" }>>;
  }

  latest(): Promise<Extract<FromWorker, { type: "latest" }>> {
    return this.request({ type: "latest", id: this.nextId++ }) as Promise<Extract<FromWorker, { type: "latest" }>>;
  }

  private request(m: ToWorker & { id: number }): Promise<Reply> {
    return new Promise((resolve) => {
      this.pending.set(m.id, resolve);
      this.send(m);
    });
  }

  private send(m: ToWorker): void {
    this.worker.postMessage(m);
  }
}
