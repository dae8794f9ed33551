// RBM panel: live training with one of four inductive principles (SML, CD, PL, RM),
// the top filters as a grid, free-energy and pseudo-likelihood traces, a drawing
// canvas with mean-field reconstruction and classification, and Gibbs chains.
import { Channel } from "./channel.js";
import { TraceChart } from "./charts.js";
import { Panel } from "./panel.js";
import { DrawingCanvas, paintGrey, paintTiles, wireTools } from "./pixels.js";
import {
  clamp, decodeBits, decodeU8, encodeBits, numberOf, postJSON, seedOf, showValue,
} from "./util.js";

const SHAPES = { digits: [8, 8], mnist: [28, 28] };
const N_CHAINS = 16;

/** Counts events in a sliding one-second window. */
class RateMeter {
  constructor() {
    this.times = [];
  }

  tick(now) {
    this.times.push(now);
    while (this.times.length && now - this.times[0] > 1000) this.times.shift();
  }

  rate(now) {
    while (this.times.length && now - this.times[0] > 1000) this.times.shift();
    return this.times.length;
  }
}

export class RBMPanel extends Panel {
  constructor() {
    super("rbm", {
      data: "rbm-data", hidden: "rbm-hidden", principle: "rbm-principle", lr: "rbm-lr",
      k: "rbm-k", batch: "rbm-batch", epochs: "rbm-epochs", seed: "rbm-seed",
    });
    this.configured = null; // the configuration the server's RBM was built with
    this.shape = SHAPES.digits;
    this.pendingFilters = null;
    this.pendingSamples = null;
    this.filterRate = new RateMeter();
    this.drawing = new DrawingCanvas(this.$("rbm-canvas"), ...this.shape);
    wireTools(["pencil", "brush", "noise", "eraser"].map((t) => this.$(`rbm-tool-${t}`)),
              this.drawing);
    const on = (id, fn) => this.$(id).addEventListener("click", () => fn().catch((e) => {
      this.message(e.message);
    }));
    on("rbm-train", () => this.train());
    on("rbm-reset", () => this.reset());
    on("rbm-reconstruct", () => this.reconstruct());
    on("rbm-classify", () => this.classify());
    on("rbm-sample-start", () => this.sampleStart());
    on("rbm-sample-stop", () => this.sampleStop());
    on("rbm-example", () => this.example());
    this.$("rbm-stop").addEventListener("click", () => this.channel.send({ type: "stop" }));
    this.$("rbm-blank").addEventListener("click", () => this.drawing.clear());
    this.fields.data.addEventListener("change", () => this._reshape());
  }

  info(info) {
    const mnist = this.fields.data.querySelector('option[value="mnist"]');
    const have = Boolean(info.datasets && info.datasets.mnist);
    mnist.disabled = !have;
    if (!have) mnist.textContent = "MNIST (not found: spinnet data fetch mnist)";
  }

  start() {
    this.feChart = new TraceChart(this.$("rbm-free-energy"), {
      x: "parameter updates", y: "mean F(v)",
      series: [{ label: "train" }, { label: "held-out test" }], height: 180,
    });
    this.plChart = new TraceChart(this.$("rbm-pl-trace"), {
      x: "parameter updates", y: "PLL / pixel",
      series: [{ label: "pseudo-log-likelihood (test)" }], height: 150,
    });
    this.channel = new Channel("/ws/rbm", {
      onOpen: () => {
        this.configured = null;
      },
      onError: (text) => this.message(text),
    });
    this.channel.on("progress", (msg) => this._progress(msg));
    this.channel.on("filters", (msg) => {
      this.pendingFilters = msg;
    });
    this.channel.on("samples", (msg) => {
      this.pendingSamples = msg;
      showValue(this.$("rbm-sample-sweep"), msg.sweep, 0);
    });
    this.channel.connect();
    this._loop();
  }

  restored() {
    this._reshape();
  }

  _reshape() {
    const shape = SHAPES[this.fields.data.value] || SHAPES.digits;
    if (shape[0] !== this.shape[0] || shape[1] !== this.shape[1]) {
      this.shape = shape;
      this.drawing.resize(...shape);
      paintGrey(this.$("rbm-reconstruction"), new Uint8Array(shape[0] * shape[1]), ...shape);
    }
  }

  _config() {
    return {
      type: "configure",
      data: this.fields.data.value,
      n_hidden: clamp(Math.round(numberOf(this.fields.hidden, 64)), 1, 1000),
      principle: this.fields.principle.value,
      lr: clamp(numberOf(this.fields.lr, 0.05), 1e-6, 1),
      batch_size: clamp(Math.round(numberOf(this.fields.batch, 20)), 1, 1000),
      k: clamp(Math.round(numberOf(this.fields.k, 1)), 1, 50),
      seed: seedOf(this.fields.seed),
    };
  }

  /** Build the server's RBM when the settings changed since the last build. */
  async ensureConfigured() {
    const config = this._config();
    const key = JSON.stringify(config);
    if (this.configured === key) return;
    const done = await this.channel.request(config);
    this.configured = key;
    this.shape = [done.height, done.width];
    if (this.drawing.h !== done.height || this.drawing.w !== done.width) {
      this.drawing.resize(done.height, done.width);
    }
    this._clearRun();
    this.message(
      `${done.n_visible}×${done.n_hidden} RBM, ${done.n_train} training / ${done.n_test} test images`,
      false,
    );
  }

  _clearRun() {
    this.feChart.clear();
    this.plChart.clear();
    for (const id of ["rbm-fe-train", "rbm-fe-test", "rbm-pseudo-likelihood", "rbm-epoch",
                      "rbm-updates", "rbm-accuracy", "rbm-label"]) {
      showValue(this.$(id), null);
    }
  }

  async train() {
    await this.ensureConfigured();
    const epochs = clamp(Math.round(numberOf(this.fields.epochs, 50)), 1, 1000);
    const done = await this.channel.request({ type: "train", epochs });
    this.message(done.stopped ? "training stopped" : "training finished", false);
  }

  async reset() {
    await this.ensureConfigured();
    await this.channel.request({ type: "reset", seed: seedOf(this.fields.seed) });
    this._clearRun();
    this.message("a fresh RBM", false);
  }

  _progress(msg) {
    this.feChart.push(msg.updates, [msg.free_energy_train, msg.free_energy_test]);
    this.plChart.push(msg.updates, [msg.pseudo_likelihood]);
    showValue(this.$("rbm-fe-train"), msg.free_energy_train, 2);
    showValue(this.$("rbm-fe-test"), msg.free_energy_test, 2);
    showValue(this.$("rbm-pseudo-likelihood"), msg.pseudo_likelihood, 4);
    showValue(this.$("rbm-epoch"), msg.epoch, 0);
    showValue(this.$("rbm-updates"), msg.updates, 0);
  }

  _state() {
    return encodeBits(this.drawing.spins, [this.drawing.h, this.drawing.w]);
  }

  async reconstruct() {
    await this.ensureConfigured();
    const done = await this.channel.request({ type: "reconstruct", state: this._state() });
    const img = decodeU8(done.image);
    paintGrey(this.$("rbm-reconstruction"), img.data, img.shape[0], img.shape[1]);
  }

  async classify() {
    await this.ensureConfigured();
    const done = await this.channel.request({ type: "classify", state: this._state() });
    showValue(this.$("rbm-label"), done.label, 0);
    showValue(this.$("rbm-accuracy"), done.accuracy, 3);
    const bars = this.$("rbm-probs");
    bars.replaceChildren();
    done.probs.forEach((p, digit) => {
      const d = document.createElement("div");
      d.style.height = `${Math.round(4 + 56 * p)}px`;
      d.title = `p(${digit}) = ${p.toFixed(3)}`;
      d.dataset.value = String(p);
      const s = document.createElement("span");
      s.textContent = String(digit);
      d.append(s);
      bars.append(d);
    });
  }

  async sampleStart() {
    await this.ensureConfigured();
    this.channel.send({ type: "sample_start", n_chains: N_CHAINS, k: 1 });
  }

  async sampleStop() {
    await this.channel.request({ type: "sample_stop" });
  }

  async example() {
    const [h, w] = this.shape;
    const res = await postJSON("/api/patterns", {
      source: this.fields.data.value, n: 1, height: h, width: w,
      seed: Math.floor(Math.random() * 2 ** 31),
    });
    this.drawing.set(decodeBits(res.patterns).data);
  }

  _loop() {
    const tick = (now) => {
      if (this.pendingFilters) {
        const img = decodeU8(this.pendingFilters.image);
        this.pendingFilters = null;
        const [k, h, w] = img.shape;
        const canvas = this.$("rbm-filters");
        paintTiles(canvas, img.data, k, h, w, 8);
        canvas.dataset.updates = String(Number(canvas.dataset.updates) + 1);
        this.filterRate.tick(now);
      }
      if (this.pendingSamples) {
        const img = decodeU8(this.pendingSamples.image);
        this.pendingSamples = null;
        const [n, h, w] = img.shape;
        const canvas = this.$("rbm-samples");
        paintTiles(canvas, img.data, n, h, w, 8);
        canvas.dataset.updates = String(Number(canvas.dataset.updates) + 1);
      }
      showValue(this.$("rbm-updates-per-s"), this.filterRate.rate(now), 0);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
}
