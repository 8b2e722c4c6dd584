// Brain waves: per channel, five bars (delta … gamma) of absolute or relative
// band power from a band-power topic, refreshed a few times a second. The
// topic is any float32_features stream whose channel names parse as bands.

import { api } from "./api.js";
import { BANDS, bandValues, dominantBand, parseBandChannels, type BandLayout, type Measure } from "./bands.js";
import { h } from "./dom.js";
import { StreamClient } from "./stream_client.js";
import type { TopicInfo } from "./types.js";

const REFRESH_MS = 200;

export class BandsView {
  readonly el: HTMLElement;
  private readonly grid = h("div", { class: "band-grid" });
  private readonly measure = h("select", { class: "band-measure", "aria-label": "measure" });
  private readonly title = h("span", { class: "muted" }, "brain waves: no band-power topic in this pipeline");
  private stream: StreamClient | null = null;
  private topic = "";
  private layout: BandLayout | null = null;
  private bars = new Map<string, { el: HTMLElement; bars: HTMLElement[] }>();

  constructor() {
    this.measure.append(h("option", { value: "rel" }, "relative"), h("option", { value: "abs" }, "absolute"));
    this.el = h("section", { class: "bands", hidden: true }, h("div", { class: "bands-head" }, h("b", {}, "Brain waves"), this.title, this.measure), this.grid);
    setInterval(() => void this.refresh(), REFRESH_MS);
  }

  // Subscribes to the band-power topic: among the features topics, one whose
  // name mentions bands, else the first. Its channel names (which arrive
  // with the stream) must parse as bands, else the panel says so.
  async loadTopics(): Promise<void> {
    const features = (await api<TopicInfo[]>("GET", "/api/topics")).filter((t) => t.active && t.kind === "float32_features");
    if (features.some((t) => t.topic === this.topic)) return;
    this.topic = "";
    this.layout = null;
    this.el.hidden = features.length === 0;
    const candidate = features.find((t) => /band/i.test(t.topic)) ?? features[0];
    if (!candidate) return;
    this.stream ??= new StreamClient();
    this.stream.onMeta = (m) => {
      const layout = parseBandChannels(m.channels);
      if (!layout) {
        this.title.textContent = `topic ${m.topic} carries no band names`;
        return;
      }
      this.title.textContent = `topic ${m.topic}`;
      this.layout = layout;
      this.buildGrid(layout);
    };
    this.topic = candidate.topic;
    this.stream.subscribe(candidate.topic);
  }

  private buildGrid(layout: BandLayout): void {
    this.bars.clear();
    this.grid.replaceChildren(
      ...layout.channels.map((ch) => {
        const bars = BANDS.map((b) => h("div", { class: "band-bar", "data-band": b, title: b }));
        const el = h("div", { class: "band-channel", "data-channel": ch },
          h("div", { class: "name" }, ch), h("div", { class: "band-bars" }, ...bars),
          h("div", { class: "band-labels" }, ...BANDS.map((b) => h("span", {}, b[0]!.toUpperCase() + b.slice(1, 3)))));
        this.bars.set(ch, { el, bars });
        return el;
      }),
    );
  }

  private async refresh(): Promise<void> {
    const layout = this.layout;
    if (!layout || !this.stream || this.stream.busy() || this.el.hidden) return;
    const r = await this.stream.latest();
    if (!r.values) return;
    const measure = this.measure.value as Measure;
    const rows = layout.channels.map((ch) => bandValues(layout, r.values!, ch, measure));
    // Relative powers share a 0..1 axis; absolute ones share the largest value
    // on screen, so channels compare at a glance.
    const top = measure === "rel" ? 1 : Math.max(1e-12, ...rows.flat().filter((v) => !Number.isNaN(v)));
    layout.channels.forEach((ch, i) => {
      const entry = this.bars.get(ch);
      const values = rows[i]!;
      if (!entry) return;
      values.forEach((v, b) => {
        const bar = entry.bars[b]!;
        bar.style.height = `${Number.isNaN(v) ? 0 : Math.min(100, (100 * v) / top)}%`;
        bar.title = `${BANDS[b]}: ${Number.isNaN(v) ? "–" : v.toPrecision(3)}`;
      });
      entry.el.dataset.dominant = dominantBand(values) ?? "";
    });
  }
}
