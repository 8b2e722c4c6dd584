import assert from "node:assert/strict";
import { test } from "node:test";
import { ColumnCache, decimateMinMax, gapColumns, type FrameRing } from "../../src/decimate.js";

// A ring of `channels` channels where frame f of channel c holds f * 10 + c.
function ring(capacity: number, channels: number, total: number): FrameRing {
  const data = new Float32Array(capacity * channels);
  for (let f = Math.max(0, total - capacity); f < total; ++f)
    for (let c = 0; c < channels; ++c) data[(f % capacity) * channels + c] = f * 10 + c;
  return { data, capacity, channels, total };
}

test("each column holds the min and max of the frames it covers", () => {
  const r = ring(100, 2, 100);
  const out = new Float32Array(2 * 4 * 2);
  decimateMinMax(r, 100, 4, out);
  // channel 0, columns of 25 frames: [0..24], [25..49], ...
  assert.deepEqual([...out.slice(0, 8)], [0, 240, 250, 490, 500, 740, 750, 990]);
  // channel 1 is offset by one
  assert.deepEqual([...out.slice(8, 10)], [1, 241]);
});

test("a spike narrower than a column survives decimation", () => {
  const r = ring(1000, 1, 1000);
  r.data.fill(0);
  r.data[517] = 99;
  const out = new Float32Array(10 * 2);
  decimateMinMax(r, 1000, 10, out);
  assert.equal(out[5 * 2 + 1], 99);
  assert.equal(out.filter((v) => v === 99).length, 1);
});

test("the window ends at the newest frame after the ring wrapped", () => {
  const r = ring(50, 1, 130); // holds frames 80..129
  const out = new Float32Array(5 * 2);
  decimateMinMax(r, 50, 5, out);
  assert.deepEqual([...out], [800, 890, 900, 990, 1000, 1090, 1100, 1190, 1200, 1290]);
});

test("columns narrower than a frame repeat it; columns before the data are NaN", () => {
  const r = ring(100, 1, 3); // frames 0, 1, 2
  const out = new Float32Array(8 * 2);
  decimateMinMax(r, 4, 8, out); // window starts one frame before frame 0
  assert.ok(Number.isNaN(out[0]) && Number.isNaN(out[2]));
  assert.deepEqual([...out.slice(4)], [0, 0, 0, 0, 10, 10, 10, 10, 20, 20, 20, 20]);
});

test("gap markers land in the column of the frame after the gap", () => {
  const cols = new Uint8Array(10);
  gapColumns([55, 99, 5], 50, 5, 10, cols); // columns of 5 frames from frame 50; 5 is outside
  assert.deepEqual([...cols], [0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
});

test("the column cache gives each complete column the min and max of its frames", () => {
  const cache = new ColumnCache();
  const r = ring(1000, 3, 0);
  const out = new Float32Array(3 * 20 * 2);
  const one = new Float32Array(3 * 2);
  // Frames arrive in packets; after each, every complete column must equal a
  // fresh decimation of its own 10 frames, cached or not.
  for (let total = 7; total <= 2000; total += 7) {
    for (let f = total - 7; f < total; ++f) for (let c = 0; c < 3; ++c) r.data[(f % 1000) * 3 + c] = Math.sin(f * 0.1 + c) * 100;
    r.total = total;
    const start = cache.fill(r, 200, 20, out);
    assert.equal(cache.framesPerColumn, 10);
    assert.equal(start, Math.floor((total - 1) / 10) * 10 - 190);
    for (let col = 0; col < 20; ++col) {
      const a = start + col * 10;
      if (a < 0 || a + 10 > total) continue;
      decimateMinMax({ ...r, total: a + 10 }, 10, 1, one);
      for (let ch = 0; ch < 3; ++ch)
        for (let i = 0; i < 2; ++i) assert.equal(out[(ch * 20 + col) * 2 + i], one[ch * 2 + i], `total ${total} ch ${ch} col ${col}`);
    }
  }
});
