import assert from "node:assert/strict";
import { test } from "node:test";
import type { PipelineView, StageType } from "../../src/types.js";
import { paramPointer, yamlFromView } from "../../src/yaml_text.js";

const queue = { capacity: 4, overflow: "block", block_timeout_ms: 1000 };
const view: PipelineView = {
  name: "demo", description: "", file: "", state: "running", failure: "", demand: "full", groups: {},
  order: ["synthetic", "to_voltage", "eeg_out"],
  stages: {
    synthetic: { type: "synthetic", inputs: [], group: "acquire", on_error: "fatal", queue, channels: 8, rate: 500 },
    to_voltage: { type: "to_voltage", inputs: ["synthetic"], group: "dsp", on_error: "skip_packet", queue: { ...queue, capacity: 8 } },
    eeg_out: { type: "websocket_sink", inputs: ["to_voltage"], group: "sinks", on_error: "fatal", queue, topic: "eeg" },
  },
  overrides: {},
};
const types = new Map<string, StageType>([
  ["synthetic", { name: "synthetic", role: "source", summary: "", params: [
    { name: "channels", type: "integer", unit: "", doc: "", live: false, required: false, default: 8 },
    { name: "rate", type: "number", unit: "Hz", doc: "", live: false, required: false, default: 250 }] }],
  ["to_voltage", { name: "to_voltage", role: "transform", summary: "", params: [] }],
  ["websocket_sink", { name: "websocket_sink", role: "sink", summary: "", params: [
    { name: "topic", type: "string", unit: "", doc: "", live: false, required: true, default: "" }] }],
]);

test("stages are written with their wiring and the values that differ from the defaults", () => {
  assert.equal(yamlFromView(view, types), [
    'name: "demo"',
    "stages:",
    '  - synthetic: { name: "synthetic", rate: 500 }',
    '  - to_voltage: { name: "to_voltage", inputs: ["synthetic"], on_error: "skip_packet", queue: {"capacity":8,"overflow":"block","block_timeout_ms":1000} }',
    '  - websocket_sink: { name: "eeg_out", inputs: ["to_voltage"], topic: "eeg" }',
    "",
  ].join("\n"));
});

test("parameter pointers escape ~ and /", () => {
  assert.equal(paramPointer("notch", "hz"), "/stages/notch/hz");
  assert.equal(paramPointer("a/b", "c~d"), "/stages/a~1b/c~0d");
});
