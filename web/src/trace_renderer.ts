// Draws stacked traces from min/max columns on a 2D canvas: per column one
// vertical stroke from min to max, joined to the next, so the cost per frame is
// proportional to the pixel width, not to the sample rate. A hand-written
// renderer rather than uPlot: the worker already reduces the data to one
// min/max pair per pixel column, and uPlot would want per-sample x/y arrays
// (one series per channel) and re-decimate them on the main thread.

export type ScaleMode = { kind: "common"; uv: number } | { kind: "auto" };

export interface Frame {
  minmax: Float32Array; // (ch * columns + col) * 2 + {0: min, 1: max}
  gaps: Uint8Array; // 1 where a column follows a gap
  columns: number;
  channels: number;
}

const LABEL_PX = 64;

export function plotColumns(canvas: HTMLCanvasElement): number {
  return Math.max(16, canvas.width - Math.round(LABEL_PX * (window.devicePixelRatio || 1)));
}

export function drawTraces(canvas: HTMLCanvasElement, f: Frame, names: readonly string[], scale: ScaleMode): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const W = canvas.width;
  const H = canvas.height;
  const x0 = W - f.columns;
  const styles = getComputedStyle(canvas);
  ctx.fillStyle = styles.getPropertyValue("--plot-bg") || "#111";
  ctx.fillRect(0, 0, W, H);
  if (f.channels === 0) return;

  const lane = H / f.channels;
  ctx.strokeStyle = styles.getPropertyValue("--gap") || "#e33";
  ctx.lineWidth = Math.max(1, dpr);
  ctx.beginPath();
  for (let col = 0; col < f.columns; ++col) {
    if (!f.gaps[col]) continue;
    ctx.moveTo(x0 + col + 0.5, 0);
    ctx.lineTo(x0 + col + 0.5, H);
  }
  ctx.stroke();

  ctx.font = `${Math.round(Math.min(14, Math.max(9, lane * 0.45)) * dpr)}px system-ui, sans-serif`;
  ctx.textBaseline = "middle";
  const trace = styles.getPropertyValue("--trace") || "#8fd";
  const label = styles.getPropertyValue("--label") || "#ccc";
  for (let ch = 0; ch < f.channels; ++ch) {
    const base = ch * f.columns * 2;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < f.columns * 2; ++i) {
      const v = f.minmax[base + i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const yc = lane * (ch + 0.5);
    ctx.fillStyle = label;
    ctx.fillText(names[ch] ?? `ch${ch + 1}`, 4 * dpr, yc);
    if (!(hi >= lo)) continue;
    // Centre each trace on its own range (EEG carries large DC offsets); the
    // scale is common (uV per half lane) or fits each channel's range.
    const mid = (lo + hi) / 2;
    const half = scale.kind === "common" ? scale.uv : Math.max((hi - lo) / 2, 1e-6);
    const k = (lane * 0.45) / half;
    ctx.strokeStyle = trace;
    ctx.beginPath();
    let pen = false;
    for (let col = 0; col < f.columns; ++col) {
      const mn = f.minmax[base + col * 2]!;
      const mx = f.minmax[base + col * 2 + 1]!;
      if (Number.isNaN(mn)) {
        pen = false;
        continue;
      }
      const x = x0 + col + 0.5;
      const y1 = yc - (mn - mid) * k;
      const y2 = yc - (mx - mid) * k;
      if (pen) ctx.lineTo(x, y1);
      else ctx.moveTo(x, y1);
      ctx.lineTo(x, y2);
      pen = true;
    }
    ctx.stroke();
  }
}
