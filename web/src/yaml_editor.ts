// A textarea for pipeline YAML that applies through POST /api/pipeline/start
// and, when the daemon rejects it, highlights the line it names.

import { api, ApiError } from "./api.js";
import { h } from "./dom.js";

export class YamlEditor {
  readonly el: HTMLElement;
  readonly textarea = h("textarea", { class: "yaml", "aria-label": "pipeline YAML" });
  private readonly overlay = h("div", { class: "yaml-lines", "aria-hidden": "true" });
  private readonly msg = h("div", { class: "msg yaml-msg" });
  private errorLine = 0;

  constructor(reload: () => string) {
    this.textarea.spellcheck = false;
    this.textarea.addEventListener("scroll", () => (this.overlay.scrollTop = this.textarea.scrollTop));
    this.textarea.addEventListener("input", () => this.mark(0));
    const apply = h("button", { type: "button", class: "apply-yaml", onclick: () => void this.apply() }, "Apply YAML");
    const load = h("button", { type: "button", class: "load-yaml", onclick: () => this.setText(reload()) }, "Load running pipeline");
    this.el = h("div", { class: "yaml-editor" },
      h("div", { class: "yaml-wrap" }, this.overlay, this.textarea), h("div", { class: "row" }, apply, load), this.msg);
  }

  setText(text: string): void {
    this.textarea.value = text;
    this.mark(0);
    this.show("", "muted");
  }

  private async apply(): Promise<void> {
    this.show("applying…", "muted");
    try {
      await api("POST", "/api/pipeline/start", this.textarea.value, "application/yaml");
      this.mark(0);
      this.show("pipeline started", "ok");
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const line = typeof e.body.line === "number" ? e.body.line : 0;
      this.mark(line);
      this.show(line ? `line ${line}${e.body.col ? `:${e.body.col}` : ""}: ${e.message}` : e.message, "error");
      if (line) this.selectLine(line);
    }
  }

  private show(text: string, kind: string): void {
    this.msg.className = `msg yaml-msg ${kind}`;
    this.msg.textContent = text;
  }

  // Paints the overlay behind the textarea: the same text, invisible, with
  // the error line marked.
  private mark(line: number): void {
    this.errorLine = line;
    this.el.dataset.errorLine = String(line);
    const lines = this.textarea.value.split("\n");
    this.overlay.replaceChildren(
      ...lines.map((l, i) => (i + 1 === this.errorLine ? h("mark", {}, l || " ") : `${l}`)).flatMap((n, i) => (i ? ["\n", n] : [n])),
    );
  }

  private selectLine(line: number): void {
    const lines = this.textarea.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    this.textarea.focus();
    this.textarea.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  }
}
