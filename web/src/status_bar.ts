// The status bar: daemon and pipeline state, demand, drops, latency and CPU
// from GET /api/status, plus this page's own drop counter.

import type { Status } from "./types.js";

export class StatusBar {
  private last: { cpu: number; up: number } | null = null;

  constructor(private readonly el: HTMLElement) {}

  update(s: Status): void {
    const cpu =
      this.last && s.uptime_s > this.last.up ? (100 * (s.process.cpu_s - this.last.cpu)) / (s.uptime_s - this.last.up) : NaN;
    this.last = { cpu: s.process.cpu_s, up: s.uptime_s };
    const lat = s.ws_latency_ns ?? s.pipeline.latency_ns;
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    this.set("pipeline", `${s.pipeline.name || "none"}: ${s.pipeline.state}${s.pipeline.failure ? ` (${s.pipeline.failure})` : ""}`);
    this.set("demand", s.demand);
    this.set("drops", `queues ${s.drops.queues}, clients ${s.drops.clients}`);
    this.set("latency", lat && lat.count > 0 ? `p50 ${ms(lat.p50)} ms, p99 ${ms(lat.p99)} ms` : "–");
    this.set("cpu", Number.isNaN(cpu) ? "–" : `${cpu.toFixed(1)} %`);
    this.set("version", `eegd ${s.version}`);
  }

  setOwnDrops(frames: number, gaps: number, undecodable: number): void {
    this.set("own-drops", `${frames} frames, ${gaps} gaps${undecodable ? `, ${undecodable} undecodable` : ""}`);
  }

  private set(key: string, text: string): void {
    const v = this.el.querySelector<HTMLElement>(`[data-key="${key}"] .v`);
    if (v && v.textContent !== text) v.textContent = text;
  }
}
