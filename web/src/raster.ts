// Rasterises min/max columns straight into RGBA pixels: per channel and
// column one vertical run from min to max, stretched to meet the previous
// column's run so the trace stays connected. No path stroking and no
// anti-aliasing, so the cost is the number of lit pixels plus one clear, which
// keeps 32 channels at full HD well inside a frame even without a GPU.

export interface Lane {
  center: number; // y of the lane's middle, in pixels
  mid: number; // value drawn at the centre
  pxPerUnit: number; // pixels per value unit (uV)
  top: number; // first row the lane may use
  bottom: number; // last row the lane may use
}

// `px` is width x height pixels, row-major, in the platform's byte order for
// 0xAABBGGRR (little endian everywhere browsers run). Columns go to x0 + col.
export function rasterColumns(
  px: Uint32Array,
  width: number,
  minmax: Float32Array,
  columns: number,
  x0: number,
  lanes: readonly Lane[],
  color: number,
): void {
  lanes.forEach((lane, ch) => {
    const base = ch * columns * 2;
    let pen = false; // the previous column was drawn
    let prevTop = 0;
    let prevBottom = 0;
    for (let col = 0; col < columns; ++col) {
      const mn = minmax[base + col * 2]!;
      const mx = minmax[base + col * 2 + 1]!;
      if (Number.isNaN(mn)) {
        pen = false;
        continue;
      }
      let top = Math.round(lane.center - (mx - lane.mid) * lane.pxPerUnit);
      let bottom = Math.round(lane.center - (mn - lane.mid) * lane.pxPerUnit);
      if (pen) {
        if (top > prevBottom) top = prevBottom;
        if (bottom < prevTop) bottom = prevTop;
      }
      prevTop = Math.round(lane.center - (mx - lane.mid) * lane.pxPerUnit);
      prevBottom = Math.round(lane.center - (mn - lane.mid) * lane.pxPerUnit);
      pen = true;
      if (top < lane.top) top = lane.top;
      if (bottom > lane.bottom) bottom = lane.bottom;
      const x = x0 + col;
      for (let y = top; y <= bottom; ++y) px[y * width + x] = color;
    }
  });
}

// "#rrggbb" as a pixel value for rasterColumns.
export function pixelColor(hex: string): number {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  const v = m ? parseInt(m[1]!, 16) : 0xffffff;
  return (0xff000000 | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff)) >>> 0;
}
