// A Web Worker per subscribed topic: it owns the /ws/data socket, decodes every
// binary v1 packet into a ring buffer and answers the page's requests for a
// decimated picture, so the main thread never touches per-sample data.

import { Backoff } from "./backoff.js";
import { StreamBuffer } from "./stream_buffer.js";
import { decodePacket, WireError, type TopicMeta } from "./wire.js";
import type { FromWorker, ToWorker } from "./stream_messages.js";

const MAX_SECONDS = 30; // the longest time window the live view offers

let buffer = new StreamBuffer(MAX_SECONDS);
let socket: WebSocket | null = null;
let url = "";
let decodeErrors = 0;
const backoff = new Backoff();
let retry: ReturnType<typeof setTimeout> | undefined;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(msg, transfer);
}

function connect(): void {
  const ws = new WebSocket(url);
  socket = ws;
  ws.binaryType = "arraybuffer";
  ws.onopen = () => {
    backoff.reset();
    post({ type: "state", connected: true, reason: "" });
  };
  ws.onmessage = (ev: MessageEvent) => {
    if (typeof ev.data === "string") {
      const msg = JSON.parse(ev.data) as TopicMeta | { type: "error"; error: string };
      if (msg.type === "topic") {
        buffer.setMeta(msg);
        post({ type: "meta", meta: msg });
      } else {
        post({ type: "state", connected: false, reason: msg.error });
      }
      return;
    }
    try {
      buffer.push(decodePacket(ev.data as ArrayBuffer));
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      ++decodeErrors;
    }
  };
  ws.onclose = (ev: CloseEvent) => {
    if (socket !== ws) return;
    socket = null;
    post({ type: "state", connected: false, reason: ev.reason || `closed (${ev.code})` });
    retry = setTimeout(connect, backoff.next());
  };
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  if (m.type === "subscribe") {
    clearTimeout(retry);
    const old = socket;
    socket = null;
    old?.close();
    buffer = new StreamBuffer(MAX_SECONDS);
    decodeErrors = 0;
    url = m.url;
    connect();
  } else if (m.type === "columns") {
    const window = Math.round(m.seconds * buffer.rateHz);
    const { minmax, gaps, start, perColumn } = buffer.columns(window, m.columns);
    post(
      { type: "columns", id: m.id, minmax, gaps, columns: m.columns, channels: buffer.meta?.channels.length ?? 0,
        stats: { ...buffer.stats, decodeErrors }, total: buffer.total, start, perColumn, rateHz: buffer.rateHz },
      [minmax.buffer, gaps.buffer],
    );
  } else if (m.type === "latest") {
    const values = buffer.latest();
    post({ type: "latest", id: m.id, values, stats: { ...buffer.stats, decodeErrors } }, values ? [values.buffer] : []);
  }
};
