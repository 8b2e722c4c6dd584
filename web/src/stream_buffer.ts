// What a client keeps of one topic: the last `seconds` of frames in a ring, the
// frames it knows it missed, and where gaps are. Nothing is dropped silently:
// a jump in first_frame is counted and marked, a restart of the stream (frame
// index going back, new channel layout) is marked without being counted.

import { ColumnCache, decimateMinMax, gapColumns, type FrameRing } from "./decimate.js";
import type { Packet, TopicMeta } from "./wire.js";

export interface StreamStats {
  packets: number;
  frames: number; // frames received
  droppedFrames: number; // frames first_frame says never arrived
  gaps: number; // packets that arrived after a gap
}

export class StreamBuffer {
  meta: TopicMeta | null = null;
  readonly stats: StreamStats = { packets: 0, frames: 0, droppedFrames: 0, gaps: 0 };
  private ring: FrameRing = { data: new Float32Array(0), capacity: 0, channels: 0, total: 0 };
  private gaps: number[] = []; // absolute ring indices of frames that follow a gap
  private nextFrame = -1; // first_frame the next packet should carry; -1 before the first
  private cache = new ColumnCache();

  constructor(private readonly seconds: number) {}

  get rateHz(): number {
    return this.meta?.rate_hz ?? 0;
  }

  get total(): number {
    return this.ring.total;
  }

  setMeta(meta: TopicMeta): void {
    const same = this.meta && this.meta.rate_hz === meta.rate_hz && this.meta.channels.length === meta.channels.length;
    this.meta = meta;
    if (!same) this.resize(meta.channels.length, meta.rate_hz);
  }

  push(p: Packet): void {
    if (p.channels !== this.ring.channels) this.resize(p.channels, p.rateHz);
    ++this.stats.packets;
    this.stats.frames += p.frames;
    if (this.nextFrame >= 0) {
      if (p.firstFrame > this.nextFrame) {
        this.stats.droppedFrames += p.firstFrame - this.nextFrame;
        this.markGap();
      } else if (p.gap || p.firstFrame < this.nextFrame) {
        this.markGap();
      }
    }
    this.nextFrame = p.firstFrame + p.frames;
    const { data, capacity, channels } = this.ring;
    const v = p.values;
    let slot = this.ring.total % capacity;
    for (let f = 0; f < p.frames; ++f) {
      data.set(v.subarray(f * channels, (f + 1) * channels), slot * channels);
      if (++slot === capacity) slot = 0;
    }
    this.ring.total += p.frames;
  }

  // The `window` newest frames as min/max per column, per channel, and the
  // columns that follow a gap.
  // `start` is the frame index at the left edge of column 0 and `perColumn`
  // the frames each column spans, for placing time marks.
  columns(window: number, columns: number): { minmax: Float32Array; gaps: Uint8Array; start: number; perColumn: number } {
    const minmax = new Float32Array(this.ring.channels * columns * 2);
    const gaps = new Uint8Array(columns);
    const w = Math.max(1, Math.min(window, this.ring.capacity));
    if (this.ring.capacity === 0) return { minmax, gaps, start: 0, perColumn: 1 };
    // Many frames per column: columns aligned to frame indices, computed once
    // each (rounding makes the window shown off by at most 1/16). Fewer:
    // recompute the window exactly, it is short.
    let start: number;
    let perColumn: number;
    if (w >= 8 * columns) {
      start = this.cache.fill(this.ring, w, columns, minmax);
      perColumn = this.cache.framesPerColumn;
    } else {
      decimateMinMax(this.ring, w, columns, minmax);
      start = this.ring.total - w;
      perColumn = w / columns;
    }
    gapColumns(this.gaps, start, perColumn, columns, gaps);
    return { minmax, gaps, start, perColumn };
  }

  // The newest frame, one value per channel (band powers and other features).
  latest(): Float32Array | null {
    const { data, capacity, channels, total } = this.ring;
    if (total === 0) return null;
    const slot = (total - 1) % capacity;
    return data.slice(slot * channels, (slot + 1) * channels);
  }

  private markGap(): void {
    ++this.stats.gaps;
    this.gaps.push(this.ring.total);
    const oldest = this.ring.total - this.ring.capacity;
    while (this.gaps.length > 0 && this.gaps[0]! < oldest) this.gaps.shift();
  }

  private resize(channels: number, rateHz: number): void {
    // Room for the longest window plus what rounding columns may add to it.
    const capacity = Math.max(1, Math.ceil(this.seconds * Math.max(rateHz, 1) * 1.07));
    this.ring = { data: new Float32Array(capacity * channels), capacity, channels, total: 0 };
    this.gaps = [];
    this.nextFrame = -1;
    this.cache = new ColumnCache();
  }
}
