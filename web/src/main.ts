// The page: status bar, live traces, band powers and the control panels, wired
// to one connection monitor. ?kiosk=1 keeps only the display (large type, no
// controls) for a wall screen or a Pi's 7-inch panel.

import { BandsView } from "./bands_view.js";
import { Connection } from "./connection.js";
import { byId } from "./dom.js";
import { LiveView } from "./live_view.js";
import { PipelinePanel } from "./pipeline_panel.js";
import { RecordingPanel } from "./recording_panel.js";
import { StatusBar } from "./status_bar.js";

const kiosk = new URLSearchParams(location.search).get("kiosk") === "1";
document.body.classList.toggle("kiosk", kiosk);

const connection = new Connection(byId("banner"));
const status = new StatusBar(byId("status"));
const live = new LiveView(kiosk);
const bands = new BandsView();
byId("main").append(live.el, bands.el);
live.onStats = (s) => status.setOwnDrops(s.droppedFrames, s.gaps);
connection.onStatus((s) => status.update(s));

const pipeline = kiosk ? null : new PipelinePanel();
const recording = kiosk ? null : new RecordingPanel();
if (pipeline && recording) byId("side").append(recording.el, pipeline.el);

// Topics, stage types and sessions are read once the daemon answers, and again
// after it comes back or the pipeline changes (it may publish other topics).
let loaded = false;
function loadTopics(): void {
  void live.loadTopics().catch(() => (loaded = false));
  void bands.loadTopics().catch(() => (loaded = false));
}
connection.onStatus(() => {
  if (loaded) return;
  loaded = true;
  loadTopics();
});
connection.onReconnect(() => (loaded = false));
if (pipeline) pipeline.onPipelineChanged = loadTopics;

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
