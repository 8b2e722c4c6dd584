// The live view: a topic picker, time window, scale and pause controls over a
// canvas redrawn at display rate from the stream worker's decimated columns.
// The canvas carries data-frames (redraws that showed data) and data-drops
// (frames this page knows it missed), which the browser tests wait on.

import { api } from "./api.js";
import { h } from "./dom.js";
import { StreamClient } from "./stream_client.js";
import { plotColumns, TraceRenderer, type Frame, type ScaleMode } from "./trace_renderer.js";
import type { TopicInfo } from "./types.js";
import type { WorkerStats } from "./stream_messages.js";

const WINDOWS_S = [2, 5, 10, 20, 30];

export class LiveView {
  readonly el: HTMLElement;
  private readonly canvas = h("canvas", { class: "traces", role: "img", "aria-label": "live EEG traces", "data-frames": "0", "data-drops": "0" });
  private readonly topicSelect = h("select", { class: "topic", "aria-label": "topic" });
  private readonly windowSelect = h("select", { class: "window", "aria-label": "time window" });
  private readonly scaleMode = h("select", { class: "scale-mode", "aria-label": "scale" });
  private readonly scaleUv = h("input", { class: "scale-uv", type: "number", min: 1, max: 100000, step: "any", value: 100, "aria-label": "uV per half lane" });
  private readonly pauseButton = h("button", { class: "pause", type: "button" }, "Pause");
  private readonly info = h("span", { class: "stream-info" });
  private readonly stream = new StreamClient();
  private readonly renderer = new TraceRenderer(this.canvas);
  private paused = false;
  private frames = 0;
  private last: Frame | null = null; // on screen
  private next: Frame | null = null; // from the worker, drawn on the next animation frame
  onStats: (s: WorkerStats) => void = () => {};

  constructor(displayOnly: boolean) {
    for (const s of WINDOWS_S) this.windowSelect.append(h("option", { value: s, selected: s === 5 }, `${s} s`));
    this.scaleMode.append(h("option", { value: "common" }, "common ±uV"), h("option", { value: "auto" }, "fit each channel"));
    this.scaleMode.addEventListener("change", () => (this.scaleUv.hidden = this.scaleMode.value !== "common"));
    this.pauseButton.addEventListener("click", () => this.setPaused(!this.paused));
    this.topicSelect.addEventListener("change", () => this.subscribe(this.topicSelect.value));
    this.stream.onMeta = (m) => {
      if (performance.getEntriesByName("eegd:topic-meta").length === 0) performance.mark("eegd:topic-meta");
      this.info.textContent = `${m.channels.length} ch @ ${m.rate_hz} Hz · grid 1 s`;
      this.canvas.dataset.channels = m.channels.join(",");
    };
    this.stream.onState = (connected, reason) => {
      if (!connected) this.info.textContent = `stream: ${reason}`;
      else if (this.stream.meta) this.stream.onMeta(this.stream.meta);
    };
    const controls = h("div", { class: "controls" },
      h("label", {}, "Topic ", this.topicSelect), h("label", {}, "Window ", this.windowSelect),
      h("label", {}, "Scale ", this.scaleMode, this.scaleUv), this.pauseButton, this.info);
    this.el = h("section", { class: "live" }, displayOnly ? null : controls, this.canvas);
    new ResizeObserver(() => this.resize()).observe(this.canvas);
    requestAnimationFrame(() => this.tick());
  }

  // Fills the topic list (time series only) and subscribes to `preferred`
  // (the page's ?topic=), the current choice, "eeg", or the first one.
  async loadTopics(preferred: string | null): Promise<void> {
    const topics = (await api<TopicInfo[]>("GET", "/api/topics")).filter((t) => t.active && t.kind !== "float32_features");
    const current = this.topicSelect.value;
    this.topicSelect.replaceChildren(...topics.map((t) => h("option", { value: t.topic }, `${t.topic} (${t.channels} ch, ${t.rate_hz} Hz)`)));
    const pick = [preferred, current, "eeg"].find((n) => n && topics.some((t) => t.topic === n)) ?? topics[0]?.topic;
    if (!pick) {
      this.info.textContent = "this pipeline publishes no time series (add a websocket_sink)";
      return;
    }
    this.topicSelect.value = pick;
    if (pick !== this.canvas.dataset.topic) this.subscribe(pick);
  }

  // The last redraw's column midpoints of one channel (a test and debugging hook).
  series(channel: number): number[] {
    const f = this.last;
    if (!f || channel >= f.channels) return [];
    const out: number[] = [];
    for (let col = 0; col < f.columns; ++col) {
      const o = (channel * f.columns + col) * 2;
      out.push((f.minmax[o]! + f.minmax[o + 1]!) / 2);
    }
    return out;
  }

  get windowSeconds(): number {
    return Number(this.windowSelect.value);
  }

  private subscribe(topic: string): void {
    performance.mark("eegd:subscribe");
    this.stream.subscribe(topic);
    this.canvas.dataset.topic = topic;
  }

  private setPaused(p: boolean): void {
    this.paused = p;
    this.pauseButton.textContent = p ? "Resume" : "Pause";
    this.canvas.classList.toggle("paused", p);
  }

  private resize(): void {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    this.canvas.height = Math.max(1, Math.round(this.canvas.clientHeight * dpr));
    if (this.last) this.draw(this.last);
  }

  // Draws the newest reply in the animation frame and asks the worker for the
  // next one at once, so the worker decimates while the page draws.
  private tick(): void {
    requestAnimationFrame(() => this.tick());
    if (this.next) {
      this.last = this.next;
      this.next = null;
      this.draw(this.last);
      this.canvas.dataset.frames = String(++this.frames);
      // Page-start timing for tests/bench.mjs (and anyone with dev tools open).
      if (this.frames === 1) performance.mark("eegd:first-trace");
    }
    if (this.stream.busy() || !this.stream.meta) return;
    void this.stream.columns(this.windowSeconds, plotColumns(this.canvas)).then((r) => {
      this.onStats(r.stats);
      this.canvas.dataset.drops = String(r.stats.droppedFrames);
      this.canvas.dataset.gaps = String(r.stats.gaps);
      if (!this.paused && r.total > 0) this.next = r;
    });
  }

  private draw(f: Frame): void {
    const scale: ScaleMode =
      this.scaleMode.value === "auto" ? { kind: "auto" } : { kind: "common", uv: Math.max(1e-3, Number(this.scaleUv.value) || 100) };
    this.renderer.draw(f, this.stream.meta?.channels ?? [], scale);
  }
}
