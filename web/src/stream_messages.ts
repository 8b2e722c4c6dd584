// The messages between the page and a stream worker.

import type { StreamStats } from "./stream_buffer.js";
import type { TopicMeta } from "./wire.js";

export type ToWorker =
  | { type: "subscribe"; url: string }
  | { type: "columns"; id: number; seconds: number; columns: number }
  | { type: "latest"; id: number };

export interface WorkerStats extends StreamStats {
  decodeErrors: number;
}

export type FromWorker =
  | { type: "state"; connected: boolean; reason: string }
  | { type: "meta"; meta: TopicMeta }
  | {
      type: "columns";
      id: number;
      minmax: Float32Array;
      gaps: Uint8Array;
      columns: number;
      channels: number;
      stats: WorkerStats;
      total: number;
      start: number; // frame index at the left edge of column 0
      perColumn: number; // frames per column
      rateHz: number;
    }
  | { type: "latest"; id: number; values: Float32Array | null; stats: WorkerStats };
