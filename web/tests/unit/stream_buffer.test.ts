import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamBuffer } from "../../src/stream_buffer.js";
import { Kind, type Packet, type TopicMeta } from "../../src/wire.js";

const meta: TopicMeta = {
  type: "topic", topic: "eeg", stage: "eeg_out", active: true, sensor_id: 1, meta_rev: 1, kind: "float32_series",
  kind_code: 2, rate_hz: 10, channels: ["a", "b"], units: ["uV", "uV"], max_frames: 4,
};

function packet(firstFrame: number, frames: number, gap = false): Packet {
  const values = new Float32Array(frames * 2);
  for (let f = 0; f < frames; ++f) values.set([firstFrame + f, -(firstFrame + f)], f * 2);
  return { kind: Kind.Float32Series, gap, sensorId: 1, metaRev: 1, firstFrame, t0Ns: 0n, rateHz: 10, channels: 2, frames, values };
}

test("contiguous packets count no drops", () => {
  const b = new StreamBuffer(30);
  b.setMeta(meta);
  for (let i = 0; i < 10; ++i) b.push(packet(i * 4, 4));
  assert.deepEqual(b.stats, { packets: 10, frames: 40, droppedFrames: 0, gaps: 0 });
  assert.deepEqual([...b.latest()!], [39, -39]);
});

test("a jump in first_frame is counted as dropped frames and marked", () => {
  const b = new StreamBuffer(30);
  b.setMeta(meta);
  b.push(packet(0, 4));
  b.push(packet(12, 4, true));
  assert.equal(b.stats.droppedFrames, 8);
  assert.equal(b.stats.gaps, 1);
  const { gaps } = b.columns(8, 8);
  assert.deepEqual([...gaps], [0, 0, 0, 0, 1, 0, 0, 0]);
});

test("the first packet's gap flag (a resumed source) is not a drop", () => {
  const b = new StreamBuffer(30);
  b.setMeta(meta);
  b.push(packet(100, 4, true));
  assert.deepEqual(b.stats, { packets: 1, frames: 4, droppedFrames: 0, gaps: 0 });
});

test("a restarted stream (frame index going back) is marked, not counted", () => {
  const b = new StreamBuffer(30);
  b.setMeta(meta);
  b.push(packet(0, 4));
  b.push(packet(0, 4));
  assert.equal(b.stats.droppedFrames, 0);
  assert.equal(b.stats.gaps, 1);
});
