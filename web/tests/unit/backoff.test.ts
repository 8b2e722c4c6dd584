import assert from "node:assert/strict";
import { test } from "node:test";
import { Backoff } from "../../src/backoff.js";

test("delays double up to the cap and start over after a reset", () => {
  const b = new Backoff(250, 2000, () => 0.5); // no jitter at 0.5
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [250, 500, 1000, 2000, 2000]);
  b.reset();
  assert.equal(b.next(), 250);
});
