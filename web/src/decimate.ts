// Min/max decimation for display: each pixel column gets the minimum and the
// maximum of the frames it covers, so a spike narrower than a pixel stays
// visible and nothing is averaged away. Columns narrower than one frame repeat
// the frame they fall on.

export interface FrameRing {
  data: Float32Array; // capacity x channels, frame-major (channel innermost)
  capacity: number; // frames
  channels: number;
  total: number; // frames ever written; the newest is total - 1
}

// Fills out[(ch * columns + col) * 2 + {0: min, 1: max}] for the `window`
// frames ending at the newest one. Columns before the oldest frame the ring
// still holds get NaN (nothing to draw yet).
export function decimateMinMax(ring: FrameRing, window: number, columns: number, out: Float32Array): void {
  const { data, capacity, channels, total } = ring;
  const oldest = Math.max(0, total - capacity);
  const start = total - window; // absolute index of the window's first frame (may be negative)
  const perColumn = window / columns;
  for (let col = 0; col < columns; ++col) {
    let a = start + Math.floor(col * perColumn);
    let b = start + Math.floor((col + 1) * perColumn);
    if (b <= a) b = a + 1;
    if (a < oldest) a = oldest;
    if (b > total) b = total;
    if (a >= b) {
      for (let ch = 0; ch < channels; ++ch) {
        const o = (ch * columns + col) * 2;
        out[o] = NaN;
        out[o + 1] = NaN;
      }
      continue;
    }
    for (let ch = 0; ch < channels; ++ch) {
      let lo = Infinity;
      let hi = -Infinity;
      let slot = a % capacity;
      for (let f = a; f < b; ++f) {
        const x = data[slot * channels + ch]!;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        if (++slot === capacity) slot = 0;
      }
      const o = (ch * columns + col) * 2;
      out[o] = lo;
      out[o + 1] = hi;
    }
  }
}

// Marks with 1 in `out` (length columns) the columns holding a frame that
// follows a gap; `gaps` are absolute frame indices, `start` is the first frame
// of column 0 and each column spans `perColumn` frames.
export function gapColumns(gaps: readonly number[], start: number, perColumn: number, columns: number, out: Uint8Array): void {
  out.fill(0);
  for (const f of gaps) {
    const col = Math.floor((f - start) / perColumn);
    if (col >= 0 && col < columns) out[col] = 1;
  }
}

// Decimation for a scrolling display at any window length: columns are
// aligned to absolute frame indices (k frames each), so a column, once
// complete, never changes and is computed only once. Each redraw then costs
// the columns that are new since the last one instead of the whole window.
export class ColumnCache {
  private k = 0;
  private slots = 0;
  private tags = new Float64Array(0); // absolute column index held by each slot, -1: none
  private values = new Float32Array(0); // slot x channels x {min, max}

  // Like decimateMinMax (out laid out the same way) for about `window`
  // frames: `columns` columns of round(window / columns) frames, the last
  // one holding the newest frame. Returns the absolute index of the first
  // frame shown (for placing gap markers).
  fill(ring: FrameRing, window: number, columns: number, out: Float32Array): number {
    const k = Math.max(1, Math.round(window / columns));
    const { channels, total } = ring;
    if (k !== this.k || this.slots < columns || this.values.length !== this.slots * channels * 2) this.reset(k, columns * 2, channels);
    const lastCol = Math.floor(Math.max(0, total - 1) / k);
    const firstCol = lastCol - columns + 1;
    const oldest = Math.max(0, total - ring.capacity);
    const one: FrameRing = { ...ring };
    const tmp = new Float32Array(channels * 2);
    for (let c = 0; c < columns; ++c) {
      const abs = firstCol + c;
      const a = abs * k;
      const b = a + k;
      const slot = ((abs % this.slots) + this.slots) % this.slots;
      let src: Float32Array;
      if (abs >= 0 && this.tags[slot] === abs) {
        src = this.values.subarray(slot * channels * 2, (slot + 1) * channels * 2);
      } else if (abs < 0 || a < oldest || a >= total) {
        for (let ch = 0; ch < channels; ++ch) {
          out[(ch * columns + c) * 2] = NaN;
          out[(ch * columns + c) * 2 + 1] = NaN;
        }
        continue;
      } else {
        one.total = Math.min(b, total);
        decimateMinMax(one, one.total - a, 1, tmp);
        src = tmp;
        if (b <= total) {
          this.values.set(tmp, slot * channels * 2);
          this.tags[slot] = abs;
        }
      }
      for (let ch = 0; ch < channels; ++ch) {
        out[(ch * columns + c) * 2] = src[ch * 2]!;
        out[(ch * columns + c) * 2 + 1] = src[ch * 2 + 1]!;
      }
    }
    return firstCol * k;
  }

  get framesPerColumn(): number {
    return this.k;
  }

  private reset(k: number, slots: number, channels: number): void {
    this.k = k;
    this.slots = slots;
    this.tags = new Float64Array(slots).fill(-1);
    this.values = new Float32Array(slots * channels * 2);
  }
}
