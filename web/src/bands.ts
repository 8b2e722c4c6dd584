// Reads a band-power stream's layout from its channel names. The band_power
// stage names its outputs "<channel>.<band>.<abs|rel>" (or with _ : / - as
// separators, or without the measure); this module is the only place that
// knows, so a change of naming is a change here.

export const BANDS = ["delta", "theta", "alpha", "beta", "gamma"] as const;
export type Band = (typeof BANDS)[number];
export type Measure = "abs" | "rel";

export interface BandLayout {
  channels: string[]; // in stream order of first appearance
  // index[channel][band][measure] = position in a frame, or -1 when absent
  index: Map<string, Record<Band, Record<Measure, number>>>;
  hasRel: boolean;
}

const NAME = /^(.+?)[._:/-](delta|theta|alpha|beta|gamma)(?:[._:/-](abs|absolute|rel|relative))?$/i;

export function parseBandChannels(names: readonly string[]): BandLayout | null {
  const index = new Map<string, Record<Band, Record<Measure, number>>>();
  let hasRel = false;
  names.forEach((name, i) => {
    const m = NAME.exec(name);
    if (!m) return;
    const [, ch, bandText, measureText] = m as unknown as [string, string, string, string | undefined];
    const band = bandText.toLowerCase() as Band;
    const measure: Measure = measureText && measureText.toLowerCase().startsWith("rel") ? "rel" : "abs";
    if (measure === "rel") hasRel = true;
    let entry = index.get(ch);
    if (!entry) {
      entry = Object.fromEntries(BANDS.map((b) => [b, { abs: -1, rel: -1 }])) as Record<Band, Record<Measure, number>>;
      index.set(ch, entry);
    }
    entry[band][measure] = i;
  });
  if (index.size === 0) return null;
  return { channels: [...index.keys()], index, hasRel };
}

// One channel's five band values in the chosen measure. Relative values the
// stream does not carry are computed from the absolute ones.
export function bandValues(layout: BandLayout, frame: ArrayLike<number>, channel: string, measure: Measure): number[] {
  const e = layout.index.get(channel);
  if (!e) return BANDS.map(() => NaN);
  const abs = BANDS.map((b) => (e[b].abs >= 0 ? frame[e[b].abs]! : NaN));
  if (measure === "abs") return abs;
  if (BANDS.every((b) => e[b].rel >= 0)) return BANDS.map((b) => frame[e[b].rel]!);
  const total = abs.reduce((s, v) => s + (Number.isNaN(v) ? 0 : v), 0);
  return abs.map((v) => (total > 0 ? v / total : NaN));
}

export function dominantBand(values: readonly number[]): Band | null {
  let best = -1;
  values.forEach((v, i) => {
    if (!Number.isNaN(v) && (best < 0 || v > values[best]!)) best = i;
  });
  return best < 0 ? null : BANDS[best]!;
}
