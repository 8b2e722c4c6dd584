// JSON over HTTP to the daemon. Every failure becomes an ApiError carrying the
// status (0 when the daemon could not be reached) and the daemon's JSON body,
// which names the field, line or lock at fault.

export interface ErrorBody {
  error?: string;
  stage?: string;
  param?: string;
  line?: number;
  col?: number;
  by?: string;
  restart_needed?: boolean;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.error ?? (status === 0 ? "eegd is unreachable" : `HTTP ${status}`));
  }
}

type Listener = (status: number) => void;
const listeners: Listener[] = [];

// The connection monitor hears about every answer (and every failure to get one).
export function onApiOutcome(l: Listener): void {
  listeners.push(l);
}

export async function api<T>(method: string, path: string, body?: string, contentType = "application/json"): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      body,
      headers: body === undefined ? {} : { "Content-Type": contentType },
      cache: "no-store",
    });
  } catch {
    for (const l of listeners) l(0);
    throw new ApiError(0, {});
  }
  for (const l of listeners) l(res.status);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { error: text };
  }
  if (!res.ok) throw new ApiError(res.status, (json ?? {}) as ErrorBody);
  return json as T;
}

export function wsUrl(path: string): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
}
