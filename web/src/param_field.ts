// One stage parameter as a form field, built from its declaration in
// GET /api/stages (type, unit, range, choices, live). Lists are edited as
// comma-separated text; a matrix as JSON.

import { h } from "./dom.js";
import type { ParamInfo } from "./types.js";

export class ParamField {
  readonly el: HTMLElement;
  readonly input: HTMLInputElement | HTMLSelectElement;
  private readonly msg = h("span", { class: "msg" });

  constructor(
    readonly info: ParamInfo,
    value: unknown,
    onCommit: (f: ParamField) => void,
  ) {
    const id = `p-${Math.random().toString(36).slice(2)}`;
    this.input = this.makeInput(id);
    this.setValue(value);
    this.input.addEventListener("change", () => onCommit(this));
    const unit = info.unit ? h("span", { class: "unit" }, info.unit) : null;
    const range = info.range ? `${info.range[0]} … ${info.range[1]}` : "";
    this.el = h("div", { class: "field", "data-param": info.name, title: [info.doc, range].filter(Boolean).join(" · ") },
      h("label", { for: id }, info.name, " ", info.live ? h("span", { class: "live-tag", title: "changes without a restart" }, "live") : null),
      h("span", { class: "input-row" }, this.input, " ", unit),
      this.msg);
  }

  setValue(v: unknown): void {
    if (this.input instanceof HTMLInputElement && this.input.type === "checkbox") this.input.checked = v === true;
    else if (Array.isArray(v) && this.info.type !== "number matrix") this.input.value = v.join(", ");
    else if (this.info.type === "number matrix") this.input.value = JSON.stringify(v ?? []);
    else this.input.value = v === null || v === undefined ? "" : String(v);
  }

  // The typed value, or a message saying why the text is not one.
  value(): { ok: true; value: unknown } | { ok: false; error: string } {
    const t = this.info.type;
    const text = this.input.value.trim();
    if (this.input instanceof HTMLInputElement && this.input.type === "checkbox") return { ok: true, value: this.input.checked };
    if (t === "integer" || t === "number") {
      const n = Number(text);
      if (text === "" || !Number.isFinite(n)) return { ok: false, error: "not a number" };
      if (t === "integer" && !Number.isInteger(n)) return { ok: false, error: "not a whole number" };
      return { ok: true, value: n };
    }
    if (t === "number list") {
      const items = text === "" ? [] : text.split(/[,\s]+/).filter(Boolean).map(Number);
      if (items.some((n) => !Number.isFinite(n))) return { ok: false, error: "a list of numbers, separated by commas" };
      return { ok: true, value: items };
    }
    if (t === "string list") return { ok: true, value: text === "" ? [] : text.split(",").map((s) => s.trim()) };
    if (t === "number matrix") {
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch {
        return { ok: false, error: "a JSON list of rows, e.g. [[1, 0], [0, 1]]" };
      }
    }
    return { ok: true, value: this.input.value };
  }

  // A message under the field: an error from the daemon, or what happened.
  show(text: string, kind: "error" | "ok" | "muted", action?: HTMLElement): void {
    this.msg.className = `msg ${kind}`;
    this.msg.replaceChildren(text, action ? " " : "", action ?? "");
    this.el.classList.toggle("has-error", kind === "error");
  }

  private makeInput(id: string): HTMLInputElement | HTMLSelectElement {
    const i = this.info;
    if (i.type === "boolean") return h("input", { id, type: "checkbox" });
    if (i.type === "choice") {
      const s = h("select", { id });
      for (const c of i.choices ?? []) s.append(h("option", { value: c }, c));
      return s;
    }
    if (i.type === "integer" || i.type === "number")
      return h("input", { id, type: "number", step: i.type === "integer" ? 1 : "any", min: i.range?.[0], max: i.range?.[1] });
    return h("input", { id, type: "text" });
  }
}
