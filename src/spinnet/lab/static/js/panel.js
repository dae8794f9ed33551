// Base of the four panels: the inputs that make up the experiment state (saved in
// the URL hash), a WebSocket channel, and a status line for server messages.
import { $ } from "./util.js";

export class Panel {
  /**
   * @param {string} name  "memory", "rbm", "ising" or "phase".
   * @param {object} fields  hash key -> data-testid of the input holding it.
   */
  constructor(name, fields) {
    this.name = name;
    this.root = $(`panel-${name}`);
    this.fields = {};
    for (const [key, testid] of Object.entries(fields)) this.fields[key] = this.$(testid);
    this.onParams = null; // set by the app: called when a field changes
    this.active = false;
    this.started = false;
    for (const el of Object.values(this.fields)) {
      el.addEventListener("change", () => this.paramsChanged());
    }
  }

  /** Element by data-testid inside this panel. */
  $(testid) {
    return $(testid, this.root);
  }

  /** The experiment state: hash key -> string value. */
  params() {
    const out = {};
    for (const [key, el] of Object.entries(this.fields)) out[key] = el.value;
    return out;
  }

  /**
   * Put values from a parsed hash into the inputs (unknown keys and values that an
   * input cannot take are ignored), then let the panel catch up.
   */
  restore(params) {
    for (const [key, el] of Object.entries(this.fields)) {
      if (!params.has(key)) continue;
      const value = params.get(key);
      if (el.tagName === "SELECT") {
        if ([...el.options].some((o) => o.value === value)) el.value = value;
      } else if (el.type === "number" || el.type === "range") {
        const v = Number(value);
        if (value !== "" && Number.isFinite(v)) el.value = value;
      } else {
        el.value = value;
      }
    }
    this.restored();
  }

  /** Hook: the inputs were set from the hash. */
  restored() {}

  paramsChanged() {
    if (this.onParams) this.onParams(this);
  }

  /** Called when the panel becomes visible; the first call starts it. */
  activate() {
    this.active = true;
    if (!this.started) {
      this.started = true;
      this.start();
    }
  }

  deactivate() {
    this.active = false;
  }

  /** Hook: build charts, open the socket. */
  start() {}

  /** Show a message from the server (errors) or about the run. */
  message(text, isError = true) {
    const el = this.$(`${this.name}-message`);
    el.textContent = text;
    el.classList.toggle("info", !isError);
  }
}
