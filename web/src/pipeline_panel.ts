// The pipeline panel: the merged view from /ws/control as a list of stages
// whose parameters are form fields. Live parameters apply as you commit a
// field (JSON Patch); others offer a restart with the change. The daemon's
// answer (applied, 400 out of range, 409 locked) appears under the field.

import { api, ApiError } from "./api.js";
import { ControlSocket, type PatchResult } from "./control_socket.js";
import { h } from "./dom.js";
import { ParamField } from "./param_field.js";
import type { PipelineView, StageType } from "./types.js";
import { YamlEditor } from "./yaml_editor.js";
import { paramPointer, yamlFromView } from "./yaml_text.js";

export class PipelinePanel {
  readonly el: HTMLElement;
  private readonly control = new ControlSocket();
  private readonly stagesEl = h("div", { class: "stages" });
  private readonly header = h("div", { class: "pipeline-head muted" });
  private readonly presetSelect = h("select", { class: "preset", "aria-label": "preset" });
  private readonly actionMsg = h("span", { class: "msg action-msg" });
  private readonly yaml = new YamlEditor(() => (this.view ? yamlFromView(this.view, this.types) : ""));
  private types = new Map<string, StageType>();
  private view: PipelineView | null = null;
  private fields = new Map<string, ParamField>(); // "stage/param"
  private shape = "";

  constructor() {
    const load = h("button", { type: "button", class: "load-preset", onclick: () => void this.loadPreset() }, "Load preset");
    const restart = h("button", { type: "button", class: "restart", onclick: () => void this.post("/api/pipeline/start", "restarted") }, "Restart pipeline");
    const stop = h("button", { type: "button", class: "stop-pipeline", onclick: () => void this.post("/api/pipeline/shutdown", "stopped") }, "Stop");
    this.el = h("section", { class: "panel pipeline" },
      h("h2", {}, "Pipeline"),
      h("div", { class: "panel-body" },
        this.header,
        h("div", { class: "row" }, this.presetSelect, load, restart, stop, this.actionMsg),
        this.stagesEl,
        h("details", { class: "yaml-details" }, h("summary", {}, "Edit YAML"), this.yaml.el)));
    this.control.onView = (v) => this.render(v);
  }

  async start(): Promise<void> {
    const [types, presets] = await Promise.all([api<StageType[]>("GET", "/api/stages"), api<string[]>("GET", "/api/presets")]);
    this.types = new Map(types.map((t) => [t.name, t]));
    this.presetSelect.replaceChildren(...presets.map((p) => h("option", { value: p }, p)));
    this.control.connect();
  }

  private render(v: PipelineView): void {
    const first = this.view === null;
    this.view = v;
    this.header.textContent = `${v.name || "(unnamed)"}: ${v.state}${v.failure ? ` — ${v.failure}` : ""} · demand ${v.demand}`;
    if (first) this.yaml.setText(yamlFromView(v, this.types));
    const shape = JSON.stringify(v.order.map((n) => [n, v.stages[n]?.type]));
    if (shape !== this.shape) {
      this.shape = shape;
      if ([...this.presetSelect.options].some((o) => o.value === v.name)) this.presetSelect.value = v.name;
      this.build(v);
      return;
    }
    for (const [key, f] of this.fields) {
      if (document.activeElement === f.input) continue;
      const [stage, param] = key.split("/") as [string, string];
      f.setValue(v.stages[stage]?.[param]);
    }
  }

  private build(v: PipelineView): void {
    this.fields.clear();
    this.stagesEl.replaceChildren(
      ...v.order.map((name) => {
        const s = v.stages[name]!;
        const type = this.types.get(s.type);
        const body = (type?.params ?? []).map((p) => {
          const f = new ParamField(p, s[p.name], (field) => void this.commit(name, field));
          this.fields.set(`${name}/${p.name}`, f);
          return f.el;
        });
        const wiring = s.inputs.length ? ` ← ${s.inputs.join(", ")}` : "";
        return h("details", { class: "stage", "data-stage": name, open: type?.role === "source" },
          h("summary", {}, h("b", {}, name), " ", h("span", { class: "type" }, `${s.type}${wiring}`)), ...body);
      }),
    );
  }

  private async commit(stage: string, f: ParamField, restart = false): Promise<void> {
    const v = f.value();
    if (!v.ok) return f.show(v.error, "error");
    if (!f.info.live && !restart) {
      const button = h("button", { type: "button", class: "restart-apply", onclick: () => void this.commit(stage, f, true) }, "Restart pipeline with this change");
      return f.show("not live: applies on a restart", "muted", button);
    }
    f.show(restart ? "restarting…" : "applying…", "muted");
    const r = await this.control.patch([{ op: "replace", path: paramPointer(stage, f.info.name), value: v.value }], restart);
    this.showResult(stage, f, r);
  }

  private showResult(stage: string, f: ParamField, r: PatchResult): void {
    if (r.ok) return f.show(f.info.live ? "applied live" : "applied with a restart", "ok");
    if (r.status === 409 && r.restart_needed) {
      const button = h("button", { type: "button", class: "restart-apply", onclick: () => void this.commit(stage, f, true) }, "Restart pipeline with this change");
      return f.show(r.error ?? "restart needed", "error", button);
    }
    if (r.status === 409 && r.by) return f.show(`locked by ${r.by}: not changed`, "error");
    // The field keeps what was typed, so say what the pipeline still runs with.
    const current = this.view?.stages[stage]?.[f.info.name];
    f.show(`${r.error ?? `failed (${r.status})`}${current === undefined ? "" : ` (still ${JSON.stringify(current)})`}`, "error");
  }

  private async loadPreset(): Promise<void> {
    const p = this.presetSelect.value;
    if (p) await this.post(`/api/pipeline/start?preset=${encodeURIComponent(p)}`, `preset ${p} loaded`);
  }

  private async post(path: string, done: string): Promise<void> {
    this.actionMsg.className = "msg action-msg muted";
    this.actionMsg.textContent = "…";
    try {
      await api("POST", path);
      this.actionMsg.className = "msg action-msg ok";
      this.actionMsg.textContent = done;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      this.actionMsg.className = "msg action-msg error";
      this.actionMsg.textContent = e.body.line ? `line ${e.body.line}: ${e.message}` : e.message;
    }
  }
}
