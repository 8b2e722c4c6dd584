import assert from "node:assert/strict";
import { test } from "node:test";
import { bandValues, dominantBand, parseBandChannels } from "../../src/bands.js";

const names = ["Fp1.delta.abs", "Fp1.theta.abs", "Fp1.alpha.abs", "Fp1.beta.abs", "Fp1.gamma.abs",
  "Fp1.delta.rel", "Fp1.theta.rel", "Fp1.alpha.rel", "Fp1.beta.rel", "Fp1.gamma.rel", "O1_alpha", "frame_time"];

test("channel names group into channels, bands and measures", () => {
  const l = parseBandChannels(names);
  assert.ok(l);
  assert.deepEqual(l.channels, ["Fp1", "O1"]);
  assert.equal(l.hasRel, true);
  assert.equal(l.index.get("Fp1")!.alpha.rel, 7);
  assert.equal(l.index.get("O1")!.alpha.abs, 10);
  assert.equal(l.index.get("O1")!.beta.abs, -1);
});

test("names without bands give no layout", () => {
  assert.equal(parseBandChannels(["Fp1", "Fp2"]), null);
});

test("relative values come from the stream, or from the absolute ones", () => {
  const l = parseBandChannels(names)!;
  const frame = [1, 2, 5, 1, 1, 0.1, 0.2, 0.5, 0.1, 0.1, 3, 0];
  assert.deepEqual(bandValues(l, frame, "Fp1", "abs"), [1, 2, 5, 1, 1]);
  assert.deepEqual(bandValues(l, frame, "Fp1", "rel"), [0.1, 0.2, 0.5, 0.1, 0.1]);
  const absOnly = parseBandChannels(["C3-delta", "C3-theta", "C3-alpha", "C3-beta", "C3-gamma"])!;
  assert.deepEqual(bandValues(absOnly, [1, 1, 6, 1, 1], "C3", "rel"), [0.1, 0.1, 0.6, 0.1, 0.1]);
  assert.equal(dominantBand(bandValues(absOnly, [1, 1, 6, 1, 1], "C3", "rel")), "alpha");
});

test("the band_power stage's own layout: all absolute powers, then all relative", () => {
  // As src/stages/dsp/band_power.hpp names them: "<channel>:<band>" then "<channel>:<band>:rel".
  const bands = ["delta", "theta", "alpha", "beta", "gamma"];
  const stage = [...["Fp1", "Fp2"].flatMap((c) => bands.map((b) => `${c}:${b}`)),
    ...["Fp1", "Fp2"].flatMap((c) => bands.map((b) => `${c}:${b}:rel`))];
  const l = parseBandChannels(stage)!;
  assert.deepEqual(l.channels, ["Fp1", "Fp2"]);
  assert.equal(l.index.get("Fp2")!.alpha.abs, 7);
  assert.equal(l.index.get("Fp2")!.alpha.rel, 17);
  const frame = Array.from({ length: 20 }, (_, i) => i);
  assert.deepEqual(bandValues(l, frame, "Fp2", "rel"), [15, 16, 17, 18, 19]);
});
