import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBytes, formatDuration, parseSessions } from "../../src/session_list.js";

test("session lists are read whatever the exact field names", () => {
  const rows = parseSessions({ sessions: [
    { id: "20261129-101500-p01", participant: "p01", start: "2026-11-29T10:15:00Z", duration_s: 125.5, size_bytes: 3 * 1024 * 1024 },
    { name: "20261129-111500-p02", participant: "p02", started: "2026-11-29T11:15:00Z", seconds: 10, bytes: 100, state: "recording" },
    "junk",
  ] });
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => [r.id, r.durationS, r.sizeBytes, r.recording]), [
    ["20261129-101500-p01", 125.5, 3145728, false],
    ["20261129-111500-p02", 10, 100, true],
  ]);
  assert.deepEqual(parseSessions(null), []);
});

test("sizes and durations read as people write them", () => {
  assert.equal(formatBytes(3145728), "3.0 MiB");
  assert.equal(formatBytes(100), "100 B");
  assert.equal(formatBytes(null), "–");
  assert.equal(formatDuration(125.5), "2:05");
});
