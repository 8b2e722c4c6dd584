// Pipeline YAML from the merged view, for the editor. Each stage is written in
// flow style with JSON values (JSON is YAML), listing its wiring and every
// parameter that differs from the stage type's default.

import type { PipelineView, StageType } from "./types.js";

const STAGE_KEYS = ["type", "inputs", "group", "on_error", "queue"];
const DEFAULT_GROUP: Record<string, string> = { source: "acquire", transform: "dsp", sink: "sinks" };
const DEFAULT_QUEUE = JSON.stringify({ capacity: 4, overflow: "block", block_timeout_ms: 1000 });

export function yamlFromView(view: PipelineView, types: ReadonlyMap<string, StageType>): string {
  const lines = [`name: ${JSON.stringify(view.name || "edited")}`];
  if (view.description) lines.push(`description: ${JSON.stringify(view.description)}`);
  if (Object.keys(view.groups).length > 0) lines.push(`groups: ${JSON.stringify(view.groups)}`);
  lines.push("stages:");
  for (const name of view.order) {
    const s = view.stages[name]!;
    const type = types.get(s.type);
    const fields: string[] = [`name: ${JSON.stringify(name)}`];
    if (type?.role !== "source") fields.push(`inputs: ${JSON.stringify(s.inputs)}`);
    if (type && s.group !== DEFAULT_GROUP[type.role]) fields.push(`group: ${JSON.stringify(s.group)}`);
    if (s.on_error !== "fatal") fields.push(`on_error: ${JSON.stringify(s.on_error)}`);
    if (JSON.stringify(s.queue) !== DEFAULT_QUEUE) fields.push(`queue: ${JSON.stringify(s.queue)}`);
    for (const [k, v] of Object.entries(s)) {
      if (STAGE_KEYS.includes(k)) continue;
      const p = type?.params.find((x) => x.name === k);
      if (p && !p.required && JSON.stringify(p.default) === JSON.stringify(v)) continue;
      fields.push(`${k}: ${JSON.stringify(v)}`);
    }
    lines.push(`  - ${s.type}: { ${fields.join(", ")} }`);
  }
  return lines.join("\n") + "\n";
}

// "/stages/notch/hz" for a stage parameter (RFC 6901 escaping).
export function paramPointer(stage: string, param: string): string {
  const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
  return `/stages/${esc(stage)}/${esc(param)}`;
}
