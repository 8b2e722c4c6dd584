// The recording panel: start a session (participant, notes), add markers with
// a button or the 'm' key, stop, and list past sessions. Built against the
// sessions API (POST /api/sessions, /api/sessions/current/{stop,markers},
// GET /api/sessions); a daemon without it, or a pipeline without a recorder,
// gets a clear message instead of a broken panel.

import { api, ApiError } from "./api.js";
import { h } from "./dom.js";
import { formatBytes, formatDuration, parseSessions } from "./session_list.js";

export class RecordingPanel {
  readonly el: HTMLElement;
  private readonly participant = h("input", { type: "text", class: "participant", placeholder: "participant id" });
  private readonly notes = h("textarea", { class: "notes", rows: 2, placeholder: "notes" });
  private readonly startButton = h("button", { type: "button", class: "start-session" }, "Start recording");
  private readonly stopButton = h("button", { type: "button", class: "stop-session", disabled: true }, "Stop");
  private readonly markerButton = h("button", { type: "button", class: "marker", disabled: true, title: "or press m" }, "Marker (m)");
  private readonly msg = h("div", { class: "msg session-msg" });
  private readonly list = h("tbody");
  private recording = false;
  private markers = 0;

  constructor() {
    this.startButton.addEventListener("click", () => void this.startSession());
    this.stopButton.addEventListener("click", () => void this.stopSession());
    this.markerButton.addEventListener("click", () => void this.marker());
    document.addEventListener("keydown", (ev) => {
      const t = ev.target as HTMLElement | null;
      const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
      if (ev.key === "m" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey && this.recording) void this.marker();
    });
    this.el = h("section", { class: "panel recording" },
      h("h2", {}, "Recording"),
      h("div", { class: "panel-body" },
        h("div", { class: "row" }, h("label", {}, "Participant", this.participant)),
        h("div", { class: "row" }, h("label", {}, "Notes", this.notes)),
        h("div", { class: "row" }, this.startButton, this.markerButton, this.stopButton),
        this.msg,
        h("table", { class: "sessions" },
          h("thead", {}, h("tr", {}, h("th", {}, "session"), h("th", {}, "participant"), h("th", {}, "duration"), h("th", {}, "size"))),
          this.list)));
  }

  async refresh(): Promise<void> {
    try {
      const rows = parseSessions(await api<unknown>("GET", "/api/sessions"));
      this.setRecording(rows.some((r) => r.recording));
      this.list.replaceChildren(...rows.map((r) =>
        h("tr", { "data-id": r.id }, h("td", {}, r.id), h("td", {}, r.participant), h("td", {}, formatDuration(r.durationS)), h("td", {}, formatBytes(r.sizeBytes)))));
    } catch (e) {
      this.fail(e);
    }
  }

  private async startSession(): Promise<void> {
    try {
      await api("POST", "/api/sessions", JSON.stringify({ participant: this.participant.value.trim(), notes: this.notes.value }));
      this.markers = 0;
      this.setRecording(true);
      this.say("recording", "ok");
      await this.refresh();
    } catch (e) {
      this.fail(e);
    }
  }

  private async stopSession(): Promise<void> {
    try {
      await api("POST", "/api/sessions/current/stop");
      this.setRecording(false);
      this.say("stopped", "ok");
      await this.refresh();
    } catch (e) {
      this.fail(e);
    }
  }

  private async marker(): Promise<void> {
    const text = `marker ${this.markers + 1}`;
    try {
      await api("POST", "/api/sessions/current/markers", JSON.stringify({ text }));
      ++this.markers;
      this.say(`${text} at ${new Date().toLocaleTimeString()}`, "ok");
    } catch (e) {
      this.fail(e);
    }
  }

  private setRecording(on: boolean): void {
    this.recording = on;
    this.startButton.disabled = on;
    this.stopButton.disabled = !on;
    this.markerButton.disabled = !on;
    this.el.dataset.recording = String(on);
  }

  private fail(e: unknown): void {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 404) this.say("Recording is not available: this eegd has no sessions API.", "error");
    else if (e.status === 409) this.say(`Not possible now: ${e.message}`, "error");
    else this.say(e.message, "error");
  }

  private say(text: string, kind: string): void {
    this.msg.className = `msg session-msg ${kind}`;
    this.msg.textContent = text;
  }
}
