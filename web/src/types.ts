// The shapes of the daemon's JSON answers the UI reads (docs/api.md).

export interface Histogram {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface Status {
  version: string;
  uptime_s: number;
  pipeline: { state: string; failure: string; name: string; latency_ns?: Histogram };
  demand: string;
  clients: number;
  drops: { queues: number; clients: number };
  ws_latency_ns?: Histogram;
  process: { cpu_s: number; rss_bytes: number; threads: number };
}

export interface TopicInfo {
  topic: string;
  stage: string;
  active: boolean;
  kind: string;
  rate_hz: number;
  channels: number;
}

export interface ParamInfo {
  name: string;
  type: "boolean" | "integer" | "number" | "string" | "choice" | "number list" | "string list" | "number matrix";
  unit: string;
  doc: string;
  live: boolean;
  required: boolean;
  default: unknown;
  range?: [number, number];
  choices?: string[];
  row_size?: number;
}

export interface StageType {
  name: string;
  role: "source" | "transform" | "sink";
  summary: string;
  params: ParamInfo[];
}

export interface StageView {
  type: string;
  inputs: string[];
  group: string;
  on_error: string;
  queue: { capacity: number; overflow: string; block_timeout_ms: number };
  [param: string]: unknown;
}

export interface PipelineView {
  name: string;
  description: string;
  file: string;
  state: string;
  failure: string;
  demand: string;
  order: string[];
  groups: Record<string, unknown>;
  stages: Record<string, StageView>;
  overrides: Record<string, Record<string, unknown>>;
}
