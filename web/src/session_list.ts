// Reads the entries of GET /api/sessions tolerantly: the recording API names
// size, duration and start with a few plausible spellings, and the panel only
// needs to show them.

export interface SessionRow {
  id: string;
  participant: string;
  start: string;
  durationS: number | null;
  sizeBytes: number | null;
  recording: boolean;
}

type Raw = Record<string, unknown>;

function pick<T>(o: Raw, keys: string[], is: (v: unknown) => v is T): T | null {
  for (const k of keys) if (is(o[k])) return o[k] as T;
  return null;
}
const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export function parseSessions(body: unknown): SessionRow[] {
  const list = Array.isArray(body) ? body : Array.isArray((body as Raw | null)?.sessions) ? ((body as Raw).sessions as unknown[]) : [];
  return list.filter((x): x is Raw => typeof x === "object" && x !== null).map((o) => ({
    id: pick(o, ["id", "name", "folder", "dir", "path"], isString) ?? "",
    participant: pick(o, ["participant"], isString) ?? "",
    start: pick(o, ["start", "started", "start_time", "started_at"], isString) ?? "",
    durationS: pick(o, ["duration_s", "duration", "seconds"], isNumber),
    sizeBytes: pick(o, ["size_bytes", "bytes", "size"], isNumber),
    recording: o.recording === true || o.state === "recording" || o.current === true,
  }));
}

export function formatBytes(n: number | null): string {
  if (n === null) return "–";
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    ++i;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatDuration(s: number | null): string {
  if (s === null) return "–";
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}
