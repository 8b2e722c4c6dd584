// Draws stacked traces from the worker's min/max columns: the traces are
// rasterised into pixels (raster.ts), labels and gap markers are drawn on top
// with the 2D context. A hand-written renderer rather than uPlot: the worker
// already reduces the data to one min/max pair per pixel column, and uPlot
// wants per-sample x/y arrays per series and strokes anti-aliased paths, which
// costs tens of milliseconds per frame at 32 channels without a GPU.

import { pixelColor, rasterColumns, type Lane } from "./raster.js";

export type ScaleMode = { kind: "common"; uv: number } | { kind: "auto" };

export interface Frame {
  minmax: Float32Array; // (ch * columns + col) * 2 + {0: min, 1: max}
  gaps: Uint8Array; // 1 where a column follows a gap
  columns: number;
  channels: number;
  start: number; // frame index at the left edge of column 0
  perColumn: number; // frames per column
  rateHz: number;
}

const LABEL_PX = 64;
const BACKGROUND = "#0d0f11";
const TRACE = pixelColor("#8fe3c8");
const LABEL = "#c9d1d9";
const GAP = "#ff5252";
const GRID = pixelColor("#262c32");

export function plotColumns(canvas: HTMLCanvasElement): number {
  return Math.max(16, canvas.width - Math.round(LABEL_PX * (window.devicePixelRatio || 1)));
}

export class TraceRenderer {
  private image: ImageData | null = null;
  private pixels = new Uint32Array(0);
  private background = new Uint32Array(0);

  constructor(private readonly canvas: HTMLCanvasElement) {}

  draw(f: Frame, names: readonly string[], scale: ScaleMode): void {
    const ctx = this.canvas.getContext("2d", { alpha: false });
    if (!ctx) return;
    const W = this.canvas.width;
    const H = this.canvas.height;
    if (!this.image || this.image.width !== W || this.image.height !== H) {
      this.image = ctx.createImageData(W, H);
      this.pixels = new Uint32Array(this.image.data.buffer);
      this.background = new Uint32Array(W * H).fill(pixelColor(BACKGROUND));
    }
    this.pixels.set(this.background);
    const x0 = W - f.columns;
    const lane = H / Math.max(1, f.channels);
    const lanes: Lane[] = [];
    for (let ch = 0; ch < f.channels; ++ch) lanes.push(this.lane(f, ch, lane, scale));
    // A faint line at every whole second of stream time, under the traces;
    // the grid scrolls with the data.
    if (f.rateHz > 0) {
      const first = Math.ceil(Math.max(0, f.start) / f.rateHz);
      const last = (f.start + f.columns * f.perColumn) / f.rateHz;
      for (let s = first; s <= last; ++s) {
        const x = Math.round(x0 + (s * f.rateHz - f.start) / f.perColumn);
        if (x < x0 || x >= W) continue;
        for (let y = 0; y < H; ++y) this.pixels[y * W + x] = GRID;
      }
    }
    rasterColumns(this.pixels, W, f.minmax, f.columns, x0, lanes, TRACE);
    ctx.putImageData(this.image, 0, 0);

    const dpr = window.devicePixelRatio || 1;
    ctx.strokeStyle = GAP;
    ctx.lineWidth = Math.max(1, dpr);
    ctx.beginPath();
    for (let col = 0; col < f.columns; ++col) {
      if (!f.gaps[col]) continue;
      ctx.moveTo(x0 + col + 0.5, 0);
      ctx.lineTo(x0 + col + 0.5, H);
    }
    ctx.stroke();
    // Labels as large as the lane allows, up to the page's own type size
    // (larger in kiosk mode).
    const maxPx = parseFloat(getComputedStyle(this.canvas).fontSize) || 14;
    const fontPx = Math.round(Math.min(maxPx, Math.max(9, (lane * 0.45) / dpr)) * dpr);
    ctx.font = `${fontPx}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    ctx.fillStyle = LABEL;
    for (let ch = 0; ch < f.channels; ++ch) ctx.fillText(names[ch] ?? `ch${ch + 1}`, 4 * dpr, lane * (ch + 0.5));
  }

  // Each trace is centred on its own range (EEG carries large DC offsets);
  // the scale is common (uV per half lane) or fits each channel's range.
  private lane(f: Frame, ch: number, height: number, scale: ScaleMode): Lane {
    const base = ch * f.columns * 2;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < f.columns * 2; ++i) {
      const v = f.minmax[base + i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const mid = hi >= lo ? (lo + hi) / 2 : 0;
    const half = scale.kind === "common" ? scale.uv : hi > lo ? (hi - lo) / 2 : 1;
    const top = Math.floor(height * ch);
    return { center: height * (ch + 0.5), mid, pxPerUnit: (height * 0.45) / half, top, bottom: Math.min(this.canvas.height, Math.floor(height * (ch + 1))) - 1 };
  }
}
