// Ising panel: a live L×L lattice sampled in the server (spinnet.samplers), the
// temperature slider with T_c marked, and |m| and E/N traces with Yang's m(T) and
// Onsager's e(T) drawn at the current temperature.
import { Channel } from "./channel.js";
import { TraceChart } from "./charts.js";
import { Panel } from "./panel.js";
import { paintSpins, SPIN_DOWN, SPIN_UP } from "./pixels.js";
import { clamp, decodeBits, numberOf, postJSON, seedOf, showValue } from "./util.js";

export class IsingPanel extends Panel {
  constructor() {
    super("ising", {
      L: "ising-L", T: "ising-temperature", algorithm: "ising-algorithm", Jh: "ising-Jh",
      Jv: "ising-Jv", Jd: "ising-Jd", start: "ising-init", spf: "ising-spf", seed: "ising-seed",
    });
    this.running = false;
    this.pending = null;
    this.theoryCache = new Map(); // "T|Jh|Jv|Jd" -> server answer (null while pending)
    this.theoryRequests = new Map();
    this.drawTimes = [];
    this._setTimer = null;
    this._theoryTimer = null;
    const T = this.fields.T;
    T.addEventListener("input", () => this._temperature());
    this.fields.algorithm.addEventListener("change", () => {
      if (this.running) this.channel.send({ type: "set", algorithm: this.fields.algorithm.value });
    });
    for (const key of ["L", "Jh", "Jv", "Jd", "start", "spf", "seed"]) {
      this.fields[key].addEventListener("change", () => {
        if (["Jh", "Jv", "Jd"].includes(key)) this._fetchTheory();
        if (this.running) this.run().catch((e) => this.message(e.message));
      });
    }
    this.$("ising-start").addEventListener("click", () => this.run().catch((e) => {
      this.message(e.message);
    }));
    this.$("ising-stop").addEventListener("click", () => this.stop());
    showValue(this.$("ising-T"), Number(T.value), 3);
  }

  start() {
    this.mChart = new TraceChart(this.$("ising-magnetization-trace"), {
      x: "sweep", y: "|m|", yRange: [0, 1], maxPoints: 600, height: 170,
      series: [{ label: "|m| simulation" },
               { label: "Yang m(T)", stroke: "#c0392b", dash: [6, 4] }],
    });
    this.eChart = new TraceChart(this.$("ising-energy-trace"), {
      x: "sweep", y: "E / N", maxPoints: 600, height: 170,
      series: [{ label: "E/N simulation" },
               { label: "Onsager e(T)", stroke: "#c0392b", dash: [6, 4] }],
    });
    this.channel = new Channel("/ws/ising", {
      onOpen: () => {},
      onError: (text) => this.message(text),
      onClose: () => {
        this.running = false;
      },
    });
    this.channel.on("frame", (msg) => this._frame(msg));
    this.channel.connect();
    const L = this._L();
    paintSpins(this.$("ising-canvas"), new Int8Array(L * L).fill(-1), L, L, SPIN_UP, SPIN_DOWN);
    this._fetchTheory();
    this._loop();
  }

  restored() {
    showValue(this.$("ising-T"), Number(this.fields.T.value), 3);
    if (this.started) this._fetchTheory();
  }

  _L() {
    return clamp(Math.round(numberOf(this.fields.L, 64)), 2, 256);
  }

  _couplings() {
    return {
      Jh: numberOf(this.fields.Jh, 1), Jv: numberOf(this.fields.Jv, 1),
      Jd: numberOf(this.fields.Jd, 0),
    };
  }

  _T() {
    return Math.max(1e-3, numberOf(this.fields.T, 2.269));
  }

  /** The slider moved: tell the running chain (at most every 50 ms), update theory. */
  _temperature() {
    showValue(this.$("ising-T"), this._T(), 3);
    this.paramsChanged();
    if (this.running && !this._setTimer) {
      this._setTimer = setTimeout(() => {
        this._setTimer = null;
        if (this.running) this.channel.send({ type: "set", T: this._T() });
      }, 50);
    }
    clearTimeout(this._theoryTimer);
    this._theoryTimer = setTimeout(() => this._fetchTheory(), 30);
  }

  /**
   * Theory at temperature T for the current couplings: {T_c, energy, abs_m} from the
   * server (cached), or null while the answer is on its way.
   */
  theoryAt(T) {
    const c = this._couplings();
    const key = `${T}|${c.Jh}|${c.Jv}|${c.Jd}`;
    if (this.theoryCache.has(key)) return this.theoryCache.get(key);
    if (this.theoryCache.size > 500) {
      this.theoryCache.clear();
      this.theoryRequests.clear();
    }
    this.theoryCache.set(key, null);
    const request = postJSON("/api/theory/ising", { T, ...c }).then((res) => {
      this.theoryCache.set(key, res);
      return res;
    });
    request.catch(() => this.theoryCache.delete(key));
    this.theoryRequests.set(key, request);
    return null;
  }

  /** Theory read-outs and the T_c mark for the slider's temperature. */
  async _fetchTheory() {
    const T = this._T();
    const c = this._couplings();
    const key = `${T}|${c.Jh}|${c.Jv}|${c.Jd}`;
    try {
      const res = this.theoryAt(T) || await this.theoryRequests.get(key);
      if (T !== this._T()) return; // the slider moved on meanwhile
      showValue(this.$("ising-energy-theory"), res.energy, 4);
      showValue(this.$("ising-magnetization-theory"), res.abs_m, 4);
      this._markTc(res.T_c);
    } catch (e) {
      showValue(this.$("ising-energy-theory"), null);
      showValue(this.$("ising-magnetization-theory"), null);
      this.message(e.message);
    }
  }

  /** Put the T_c tick under the slider at its position on the temperature scale. */
  _markTc(Tc) {
    const slider = this.fields.T;
    const lo = Number(slider.min);
    const hi = Number(slider.max);
    const mark = this.$("ising-tc");
    showValue(this.$("ising-tc-value"), Tc, 3);
    mark.dataset.value = Number.isFinite(Tc) ? String(Tc) : "";
    if (!Number.isFinite(Tc) || Tc < lo || Tc > hi) {
      mark.hidden = true;
      return;
    }
    mark.hidden = false;
    const f = (Tc - lo) / (hi - lo);
    // The thumb (16 px wide in Chromium) travels over the width minus its own.
    mark.style.left = `calc(${f} * (100% - 16px) + 8px)`;
    mark.title = `T_c = ${Tc.toFixed(4)}`;
  }

  async run() {
    this.running = false;
    const L = this._L();
    this.fields.L.value = L;
    const done = await this.channel.request({
      type: "configure", L, T: this._T(), algorithm: this.fields.algorithm.value,
      ...this._couplings(), seed: seedOf(this.fields.seed), start: this.fields.start.value,
    });
    if (Number.isFinite(done.T_c)) this._markTc(done.T_c);
    this.mChart.clear();
    this.eChart.clear();
    this.drawTimes = [];
    this.running = true;
    this.message("");
    const spf = clamp(Math.round(numberOf(this.fields.spf, 1)), 1, 100);
    await this.channel.request({ type: "start", sweeps_per_frame: spf });
  }

  stop() {
    this.running = false;
    if (this.channel) this.channel.send({ type: "stop" });
  }

  _frame(msg) {
    this.pending = msg;
    // Theory at the temperature this frame was sampled at (a gap until it is known).
    const th = this.theoryAt(msg.T) || {};
    this.mChart.push(msg.sweep, [msg.abs_m, th.abs_m]);
    this.eChart.push(msg.sweep, [msg.energy, th.energy]);
    showValue(this.$("ising-energy"), msg.energy, 4);
    showValue(this.$("ising-magnetization"), msg.abs_m, 4);
    showValue(this.$("ising-sweep"), msg.sweep, 0);
  }

  _loop() {
    const canvas = this.$("ising-canvas");
    const fps = this.$("ising-fps");
    const tick = (now) => {
      if (this.pending) {
        const msg = this.pending;
        this.pending = null; // frames that arrived meanwhile were stale: dropped
        const { shape, data } = decodeBits(msg.state);
        paintSpins(canvas, data, shape[0], shape[1], SPIN_UP, SPIN_DOWN);
        canvas.dataset.frames = String(Number(canvas.dataset.frames || 0) + 1);
        this.drawTimes.push(now);
      }
      while (this.drawTimes.length && now - this.drawTimes[0] > 1000) this.drawTimes.shift();
      showValue(fps, this.drawTimes.length, 0);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
}
