// /ws/control: the daemon sends the merged pipeline view on connect and after
// every change; patches go out as {id, patch, restart} and come back as a
// result with the same id. Reconnects with backoff when the daemon restarts.

import { wsUrl, type ErrorBody } from "./api.js";
import { Backoff } from "./backoff.js";
import type { PipelineView } from "./types.js";

export type PatchOp = { op: "replace" | "add" | "remove"; path: string; value?: unknown };
export type PatchResult = { ok: true } | ({ ok: false; status: number } & ErrorBody);

type Incoming = { type: "pipeline"; view: PipelineView } | ({ type: "result"; id: number } & PatchResult);

export class ControlSocket {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (r: PatchResult) => void>();
  private readonly backoff = new Backoff();
  onView: (v: PipelineView) => void = () => {};

  connect(): void {
    const ws = new WebSocket(wsUrl("/ws/control"));
    this.ws = ws;
    ws.onopen = () => this.backoff.reset();
    ws.onmessage = (ev: MessageEvent<string>) => {
      const m = JSON.parse(ev.data) as Incoming;
      if (m.type === "pipeline") {
        this.onView(m.view);
      } else if (m.type === "result") {
        const done = this.pending.get(m.id);
        this.pending.delete(m.id);
        done?.(m);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const done of this.pending.values()) done({ ok: false, status: 0, error: "connection to eegd lost" });
      this.pending.clear();
      setTimeout(() => this.connect(), this.backoff.next());
    };
  }

  patch(ops: PatchOp[], restart: boolean): Promise<PatchResult> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve({ ok: false, status: 0, error: "not connected to eegd" });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      ws.send(JSON.stringify({ id, patch: ops, restart }));
    });
  }
}
