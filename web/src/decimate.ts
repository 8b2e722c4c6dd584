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
// follows a gap; `gaps` are absolute frame indices.
export function gapColumns(gaps: readonly number[], ring: FrameRing, window: number, columns: number, out: Uint8Array): void {
  const start = ring.total - window;
  out.fill(0);
  for (const f of gaps) {
    if (f < start || f >= ring.total) continue;
    out[Math.min(columns - 1, Math.floor(((f - start) * columns) / window))] = 1;
  }
}
