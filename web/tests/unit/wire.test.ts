import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { decodePacket, WireError } from "../../src/wire.js";

// Messages captured from eegd (tests/fixtures/capture.mjs) and their decoding
// by the Python reference decoder (tests/fixtures/expected.py).
const fixtures = new URL("../tests/fixtures/", import.meta.url);
const expected = JSON.parse(readFileSync(new URL("expected.json", fixtures), "utf8")) as Record<string, Record<string, unknown>>;

function load(name: string): ArrayBuffer {
  const b = readFileSync(new URL(name, fixtures));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

test("decodes eegd's messages as the reference decoder does", () => {
  assert.ok(Object.keys(expected).length >= 8);
  for (const [name, want] of Object.entries(expected)) {
    const p = decodePacket(load(name));
    const got = { kind: p.kind, gap: p.gap, sensorId: p.sensorId, metaRev: p.metaRev, firstFrame: p.firstFrame,
      t0Ns: p.t0Ns.toString(), rateHz: p.rateHz, channels: p.channels, frames: p.frames, values: [...p.values] };
    assert.deepEqual(got, want, name);
  }
});

test("int32 counts stay integers; float32 series are floats", () => {
  assert.ok(decodePacket(load("raw_0.bin")).values instanceof Int32Array);
  assert.ok(decodePacket(load("eeg_0.bin")).values instanceof Float32Array);
});

test("the captures carry the gap the source made", () => {
  const gaps = Object.keys(expected).filter((n) => decodePacket(load(n)).gap);
  assert.ok(gaps.length > 0);
});

test("rejects truncated and foreign messages", () => {
  const good = load("eeg_0.bin");
  assert.throws(() => decodePacket(good.slice(0, 40)), WireError);
  assert.throws(() => decodePacket(good.slice(0, good.byteLength - 4)), WireError);
  const bad = good.slice(0);
  new Uint8Array(bad)[0] = 0x58;
  assert.throws(() => decodePacket(bad), WireError);
});
