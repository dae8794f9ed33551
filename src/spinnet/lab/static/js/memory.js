// Memory panel: a Hopfield network stores drawings, letters, digits or random
// patterns; recall runs in the server (spinnet.hopfield) and streams one frame per
// sweep, which is drawn at the next animation frame (stale frames are dropped).
import { Channel } from "./channel.js";
import { TraceChart } from "./charts.js";
import { Panel } from "./panel.js";
import { DrawingCanvas, paintSpins, wireTools } from "./pixels.js";
import {
  clamp, decodeBits, encodeBits, numberOf, postJSON, seedOf, showValue,
} from "./util.js";

const ALPHA_C = 0.138;
const MAX_OVERLAP_SERIES = 6;
const MAX_GALLERY = 40;

export class MemoryPanel extends Panel {
  constructor() {
    super("memory", {
      h: "memory-height", w: "memory-width", rule: "memory-rule",
      dynamics: "memory-dynamics", T: "memory-T", sweeps: "memory-sweeps",
      flip: "memory-flip", occlude: "memory-occlude", source: "memory-source",
      n: "memory-source-n", chars: "memory-chars", fill: "memory-fill-alpha",
      noise: "memory-probe-noise", seed: "memory-seed",
    });
    this.h = 32;
    this.w = 32;
    this.patterns = []; // stored patterns in server order; null = not known here (fill)
    this.labels = [];
    this.filled = null; // {alpha, seed, count} of the last fill
    this.target = null; // index of the pattern the canvas came from
    this.shownSeries = null;
    this.pendingFrame = null;
    this.recallStart = null;
    this.drawing = new DrawingCanvas(this.$("memory-canvas"), this.h, this.w);
    wireTools(["pencil", "brush", "noise", "eraser"].map((t) => this.$(`tool-${t}`)),
              this.drawing);
    this._wire();
    this._updateT();
  }

  _wire() {
    const on = (id, fn) => this.$(id).addEventListener("click", () => fn().catch((e) => {
      this.message(e.message);
    }));
    on("memory-store", () => this.storeDrawing());
    on("memory-load-patterns", () => this.loadPatterns());
    on("memory-corrupt", () => this.corrupt());
    on("memory-recall", () => this.recall());
    on("memory-fill", () => this.fill());
    on("memory-probe", () => this.probe());
    on("memory-clear", () => this.forget());
    this.$("memory-stop").addEventListener("click", () => this.channel.send({ type: "stop" }));
    this.$("memory-blank").addEventListener("click", () => {
      this.drawing.clear();
      this._setTarget(null);
    });
    for (const id of ["memory-height", "memory-width"]) {
      this.$(id).addEventListener("change", () => this._resize().catch((e) => this.message(e.message)));
    }
    this.$("memory-rule").addEventListener("change", () => this._rebuild().catch((e) => {
      this.message(e.message);
    }));
    this.$("memory-T").addEventListener("input", () => this._updateT());
  }

  start() {
    this.energyChart = new TraceChart(this.$("memory-energy-trace"), {
      x: "sweep", y: "E / N", series: [{ label: "energy per neuron" }], height: 160,
    });
    this.overlapChart = new TraceChart(this.$("memory-overlap-trace"), {
      x: "sweep", y: "overlap m", yRange: [-1, 1], series: [{ label: "m" }], height: 180,
    });
    this.channel = new Channel("/ws/memory", {
      onOpen: (ch) => {
        // A new socket is a new server session: it starts with an empty memory.
        ch.send({ type: "configure", height: this.h, width: this.w });
        this._reset();
      },
      onError: (text) => this.message(text),
    });
    this.channel.on("frame", (msg) => this._frame(msg));
    this.channel.connect();
    this._loop();
  }

  restored() {
    this._updateT();
    const h = clamp(Math.round(numberOf(this.fields.h, 32)), 4, 64);
    const w = clamp(Math.round(numberOf(this.fields.w, 32)), 4, 64);
    if (h !== this.h || w !== this.w) this._resize().catch((e) => this.message(e.message));
  }

  _updateT() {
    showValue(this.$("memory-T-value"), Number(this.fields.T.value), 2);
  }

  async _resize() {
    const h = clamp(Math.round(numberOf(this.fields.h, 32)), 4, 64);
    const w = clamp(Math.round(numberOf(this.fields.w, 32)), 4, 64);
    this.fields.h.value = h;
    this.fields.w.value = w;
    this.h = h;
    this.w = w;
    this.drawing.resize(h, w);
    this._reset();
    if (this.channel) {
      const done = await this.channel.request({ type: "configure", height: h, width: w });
      this._showLoad(0, done.N);
    }
    this.paramsChanged();
  }

  _reset() {
    this.patterns = [];
    this.labels = [];
    this.filled = null;
    this._setTarget(null);
    this._showLoad(0, this.h * this.w);
    this._gallery();
  }

  _showLoad(p, N) {
    const alpha = N > 0 ? p / N : 0;
    showValue(this.$("memory-load"), alpha, 3);
    showValue(this.$("memory-p"), p, 0);
    showValue(this.$("memory-N"), N, 0);
    const bar = this.$("memory-load-bar");
    bar.style.width = `${Math.min(100, (100 * alpha) / 0.2)}%`;
    bar.classList.toggle("over", alpha > ALPHA_C);
  }

  _setTarget(index) {
    this.target = index;
    for (const c of this.$("memory-patterns").children) {
      c.classList.toggle("target", Number(c.dataset.index) === index);
    }
  }

  _gallery() {
    const box = this.$("memory-patterns");
    box.replaceChildren();
    let shown = 0;
    this.patterns.forEach((pat, i) => {
      if (!pat || shown >= MAX_GALLERY) return;
      shown++;
      const c = document.createElement("canvas");
      c.dataset.index = String(i);
      c.dataset.testid = `memory-pattern-${i}`;
      c.title = `#${i} ${this.labels[i]}`;
      paintSpins(c, pat, this.h, this.w);
      c.addEventListener("click", () => {
        this.drawing.set(pat);
        this._setTarget(i);
      });
      box.append(c);
    });
    const unknown = this.patterns.filter((x) => !x).length;
    if (unknown) {
      const s = document.createElement("span");
      s.textContent = `+ ${unknown} random patterns`;
      box.append(s);
    }
    this._setTarget(this.target);
  }

  _rule() {
    return this.fields.rule.value;
  }

  _stored(done, added, labels) {
    this.patterns.push(...added);
    this.labels.push(...labels);
    this._showLoad(done.p, done.N);
    this._gallery();
  }

  async storeDrawing() {
    const pattern = Int8Array.from(this.drawing.spins);
    const done = await this.channel.request({
      type: "store", patterns: encodeBits(pattern, [this.h, this.w]), rule: this._rule(),
    });
    this._stored(done, [pattern], ["drawing"]);
    this._setTarget(this.patterns.length - 1);
    this.message(`stored the drawing as pattern #${this.patterns.length - 1}`, false);
  }

  async loadPatterns() {
    const source = this.fields.source.value;
    let n = clamp(Math.round(numberOf(this.fields.n, 4)), 1, 64);
    const body = { source, n, height: this.h, width: this.w, seed: seedOf(this.fields.seed) };
    const chars = this.fields.chars.value.trim();
    if (source === "letters" && chars) {
      body.chars = chars;
      n = body.n = chars.length;
    }
    const res = await postJSON("/api/patterns", body);
    const batch = decodeBits(res.patterns);
    const [count, h, w] = batch.shape;
    const added = [];
    for (let k = 0; k < count; k++) added.push(batch.data.slice(k * h * w, (k + 1) * h * w));
    const done = await this.channel.request({
      type: "store", patterns: res.patterns, rule: this._rule(),
    });
    this._stored(done, added, res.labels || added.map(() => source));
    this.message(`stored ${count} ${source} patterns`, false);
  }

  async corrupt() {
    const done = await this.channel.request({
      type: "corrupt",
      state: encodeBits(this.drawing.spins, [this.h, this.w]),
      flip: clamp(numberOf(this.fields.flip, 0), 0, 1),
      occlude: clamp(numberOf(this.fields.occlude, 0), 0, 1),
      seed: seedOf(this.fields.seed),
    });
    this.drawing.set(decodeBits(done.state).data);
  }

  async fill() {
    const alpha = clamp(numberOf(this.fields.fill, 0.1), 0, 1);
    const seed = seedOf(this.fields.seed);
    const done = await this.channel.request({ type: "fill", alpha, seed, rule: this._rule() });
    this.patterns = new Array(done.p).fill(null);
    this.labels = new Array(done.p).fill("random");
    this.filled = { alpha, seed };
    this._setTarget(null);
    this._showLoad(done.p, done.N);
    this._gallery();
    showValue(this.$("memory-mean-overlap"), null);
  }

  async forget() {
    const done = await this.channel.request({ type: "clear" });
    this._reset();
    this._showLoad(done.p ?? 0, done.N ?? this.h * this.w);
  }

  /** The rule changed: store the same patterns again with the new rule. */
  async _rebuild() {
    if (!this.patterns.length) return;
    const known = this.patterns.filter((x) => x);
    const knownLabels = this.labels.filter((_, i) => this.patterns[i]);
    let done;
    if (this.filled) {
      done = await this.channel.request({
        type: "fill", alpha: this.filled.alpha, seed: this.filled.seed, rule: this._rule(),
      });
    } else {
      done = await this.channel.request({ type: "clear" });
    }
    const head = this.filled ? new Array(done.p).fill(null) : [];
    if (known.length) {
      const flat = new Int8Array(known.length * this.h * this.w);
      known.forEach((pat, k) => flat.set(pat, k * pat.length));
      done = await this.channel.request({
        type: "store", patterns: encodeBits(flat, [known.length, this.h, this.w]),
        rule: this._rule(),
      });
    }
    this.patterns = [...head, ...known];
    this.labels = [...head.map(() => "random"), ...knownLabels];
    this._showLoad(done.p, done.N);
    this._gallery();
  }

  async recall() {
    this.energyChart.clear();
    this.overlapChart.clear();
    this.shownSeries = null;
    this.recallStart = performance.now();
    this.finalPending = false;
    showValue(this.$("memory-recall-time"), null);
    const done = await this.channel.request({
      type: "recall",
      state: encodeBits(this.drawing.spins, [this.h, this.w]),
      dynamics: this.fields.dynamics.value,
      T: clamp(numberOf(this.fields.T, 0), 0, 100),
      max_sweeps: clamp(Math.round(numberOf(this.fields.sweeps, 30)), 1, 500),
      seed: seedOf(this.fields.seed),
    });
    if (done.stopped) return;
    if (done.state) this.pendingFrame = { state: done.state };
    if (done.overlaps) this._showOverlap(done.overlaps, done.best);
    if (Number.isFinite(done.energy)) showValue(this.$("memory-energy"), done.energy, 4);
    this.message(`${done.converged ? "converged" : "stopped"} after ${done.sweeps} sweeps`, false);
    // The recall time counts until the last frame is on screen.
    this.finalPending = true;
  }

  /** The lecture's strip: stored pattern → degraded probe → recalled state. */
  _strip(which, spins) {
    const c = this.$(`memory-${which}`);
    if (spins) paintSpins(c, spins, this.h, this.w);
    else c.getContext("2d").clearRect(0, 0, c.width, c.height);
  }

  _frame(msg) {
    if (this.shownSeries === null) {
      this._chooseSeries(msg.overlaps);
      const known = this.target !== null ? this.patterns[this.target] : null;
      this._strip("original", known);
      this._strip("degraded", decodeBits(msg.state).data);
      this._strip("recalled", null);
    }
    this.pendingFrame = msg;
    this.energyChart.push(msg.sweep, [msg.energy]);
    this.overlapChart.push(msg.sweep, this.shownSeries.map((i) => msg.overlaps[i]));
    showValue(this.$("memory-sweep"), msg.sweep, 0);
    showValue(this.$("memory-energy"), msg.energy, 4);
    this._showOverlap(msg.overlaps, null);
  }

  /** Plot the target pattern and those closest to the probe (at most 6 series). */
  _chooseSeries(overlaps) {
    const order = overlaps.map((m, i) => [Math.abs(m), i]).sort((a, b) => b[0] - a[0])
      .map((x) => x[1]);
    const chosen = [];
    if (this.target !== null && this.target < overlaps.length) chosen.push(this.target);
    for (const i of order) {
      if (chosen.length >= MAX_OVERLAP_SERIES) break;
      if (!chosen.includes(i)) chosen.push(i);
    }
    this.shownSeries = chosen;
    this.overlapChart.build(chosen.map((i) => ({
      label: `#${i} ${this.labels[i] ?? ""}`.trim(), width: i === this.target ? 2.5 : 1.5,
    })));
  }

  /** m with the target pattern (or, without one, the largest overlap). */
  _showOverlap(overlaps, best) {
    if (!overlaps || !overlaps.length) return;
    let index = this.target;
    if (index === null || index >= overlaps.length) {
      index = best ?? overlaps.reduce((b, m, i) => (m > overlaps[b] ? i : b), 0);
    }
    const el = this.$("memory-overlap");
    showValue(el, overlaps[index], 3);
    el.dataset.pattern = String(index);
    this.$("memory-overlap-with").textContent = `with #${index} ${this.labels[index] ?? ""}`;
  }

  async probe() {
    const done = await this.channel.request({
      type: "probe",
      noise: clamp(numberOf(this.fields.noise, 0.25), 0, 1),
      max_sweeps: clamp(Math.round(numberOf(this.fields.sweeps, 30)), 1, 500),
      seed: seedOf(this.fields.seed),
      dynamics: this.fields.dynamics.value,
      T: clamp(numberOf(this.fields.T, 0), 0, 100),
    });
    if (done.stopped) return;
    showValue(this.$("memory-mean-overlap"), done.mean_overlap, 3);
    this.message(
      `recall from ${done.overlaps.length} stored patterns at α = ${done.alpha.toFixed(3)}`, false,
    );
  }

  _loop() {
    const tick = () => {
      if (this.pendingFrame) {
        const { data } = decodeBits(this.pendingFrame.state);
        this.pendingFrame = null;
        this.drawing.set(data);
      }
      if (this.finalPending) {
        this.finalPending = false;
        this._strip("recalled", this.drawing.spins);
        const seconds = (performance.now() - this.recallStart) / 1000;
        showValue(this.$("memory-recall-time"), seconds, 2, " s");
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
}
