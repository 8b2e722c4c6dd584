// The page: status bar, live traces, band powers and the control panels, wired
// to one connection monitor. ?kiosk=1 keeps only the display (large type, no
// controls) for a wall screen or a Pi's 7-inch panel; ?topic=NAME picks the
// stream the live view shows first.

import { BandsView } from "./bands_view.js";
import { Connection } from "./connection.js";
import { byId } from "./dom.js";
import { LiveView } from "./live_view.js";
import { PipelinePanel } from "./pipeline_panel.js";
import { RecordingPanel } from "./recording_panel.js";
import { StatusBar } from "./status_bar.js";

const query = new URLSearchParams(location.search);
const kiosk = query.get("kiosk") === "1";
document.body.classList.toggle("kiosk", kiosk);

const connection = new Connection(byId("banner"));
const status = new StatusBar(byId("status"));
const live = new LiveView(kiosk);
const bands = new BandsView();
byId("main").append(live.el, bands.el);
live.onStats = (s) => status.setOwnDrops(s.droppedFrames, s.gaps, s.decodeErrors);
connection.onStatus((s) => status.update(s));

const pipeline = kiosk ? null : new PipelinePanel();
const recording = kiosk ? null : new RecordingPanel();
if (pipeline && recording) byId("side").append(recording.el, pipeline.el);

// Topics are read once the daemon answers, and again whenever the pipeline
// changes (a preset, a restart, the daemon coming back): it may publish other
// topics. Every page sees such changes through the status poll, kiosks included.
let pipelineSeen = "";
function loadTopics(): void {
  void live.loadTopics(query.get("topic")).catch(() => (pipelineSeen = ""));
  void bands.loadTopics().catch(() => (pipelineSeen = ""));
}
connection.onStatus((s) => {
  const seen = `${s.pipeline.name}|${s.pipeline.state}`;
  if (seen === pipelineSeen) return;
  pipelineSeen = seen;
  loadTopics();
});
connection.onReconnect(() => (pipelineSeen = ""));
// A head start, not waiting for the first status: traces should appear as
// soon as possible (reading the topics again later changes nothing).
loadTopics();

let panelsStarted = false;
connection.onStatus(() => {
  if (panelsStarted || !pipeline || !recording) return;
  panelsStarted = true;
  void pipeline.start().catch(() => (panelsStarted = false));
  void recording.refresh();
});

// Kiosk screens go full screen on the first touch (browsers allow it only
// from a user gesture; `chromium --kiosk` does it from the start).
if (kiosk) document.addEventListener("click", () => void document.documentElement.requestFullscreen?.().catch(() => {}), { once: true });

connection.start();

// For debugging in the console and for the browser tests.
(window as unknown as { eegd: unknown }).eegd = { live, bands, connection };
