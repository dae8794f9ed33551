// Phase-diagram panel: the AGS (α, T) plane with T_M, T_c, T_g and T_R (from
// spinnet.theory.hopfield via the server); a click runs Glauber dynamics there from
// a stored pattern and the overlap m(t) is plotted against the AGS value.
import { Channel } from "./channel.js";
import { COLORS, TraceChart, uPlot } from "./charts.js";
import { Panel } from "./panel.js";
import { clamp, getJSON, numberOf, postJSON, seedOf, showValue } from "./util.js";

const ALPHA_MAX = 0.2;
const T_MAX = 1.5;

export class PhasePanel extends Panel {
  constructor() {
    super("phase", {
      alpha: "phase-alpha", T: "phase-T", N: "phase-N", sweeps: "phase-sweeps",
      seed: "phase-seed",
    });
    this.points = []; // runs shown on the plane: {alpha, T, region, m}
    this.plane = null;
    this.theoryM = null;
    this.$("phase-run").addEventListener("click", () => this.run().catch((e) => {
      this.message(e.message);
    }));
    this.$("phase-stop").addEventListener("click", () => this.channel.send({ type: "stop" }));
  }

  start() {
    this.trace = new TraceChart(this.$("phase-trace"), {
      x: "sweep", y: "overlap m", yRange: [-0.1, 1], height: 200,
      series: [{ label: "m(t) Glauber" },
               { label: "AGS m", stroke: "#c0392b", dash: [6, 4] }],
    });
    this.channel = new Channel("/ws/phase", { onError: (text) => this.message(text) });
    this.channel.on("overlap", (msg) => {
      this.trace.push(msg.sweep, [msg.m, this.theoryM]);
      showValue(this.$("phase-overlap"), msg.m, 3);
    });
    this.channel.connect();
    this.message("computing the AGS lines…", false);
    getJSON("/api/theory/phase-lines")
      .then((lines) => {
        this.message("");
        this._plane(lines);
      })
      .catch((e) => this.message(e.message));
  }

  _plane(lines) {
    const box = this.$("phase-plane");
    const names = [
      ["T_M", "T_M: retrieval states exist below"],
      ["T_c", "T_c: retrieval states are global minima below"],
      ["T_g", "T_g = 1 + √α: spin-glass states below"],
      ["T_R", "T_R: replica-symmetry breaking below"],
    ];
    const data = [lines.alpha, ...names.map(([k]) => lines[k])];
    box.dataset.alphaMax = String(ALPHA_MAX);
    box.dataset.tMax = String(T_MAX);
    box.dataset.alphaC = String(lines.alpha_c);
    this.plane = new uPlot({
      width: Math.max(320, box.clientWidth || 640),
      height: 420,
      legend: { live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, range: [0, ALPHA_MAX] },
        y: { range: [0, T_MAX] },
      },
      axes: [{ label: "α = p / N", labelSize: 18 }, { label: "T", labelSize: 18 }],
      series: [
        { label: "α" },
        ...names.map(([, label], i) => ({
          label, stroke: COLORS[i], width: 2, points: { show: false }, spanGaps: false,
        })),
      ],
      hooks: {
        draw: [(u) => this._drawPoints(u)],
      },
    }, data, box);
    const over = this.plane.over;
    over.dataset.testid = "phase-plane-area";
    over.addEventListener("click", (e) => {
      const rect = over.getBoundingClientRect();
      const alpha = this.plane.posToVal(e.clientX - rect.left, "x");
      const T = this.plane.posToVal(e.clientY - rect.top, "y");
      this.fields.alpha.value = clamp(alpha, 0.001, 0.5).toFixed(4);
      this.fields.T.value = clamp(T, 0, 1.5).toFixed(3);
      this.paramsChanged();
      this.run().catch((err) => this.message(err.message));
    });
    new ResizeObserver(() => requestAnimationFrame(() => {
      const w = box.clientWidth;
      if (w > 0 && Math.abs(this.plane.width - w) > 2) this.plane.setSize({ width: w, height: 420 });
    })).observe(box);
  }

  /** Region names, and markers of the runs: filled where the final overlap stayed high. */
  _drawPoints(u) {
    const ctx = u.ctx;
    ctx.save();
    ctx.font = `${13 * devicePixelRatio}px sans-serif`;
    ctx.fillStyle = "#6b6f80";
    for (const [text, alpha, T] of [["retrieval", 0.012, 0.45], ["spin glass", 0.09, 0.85],
                                    ["paramagnet", 0.05, 1.38]]) {
      ctx.fillText(text, u.valToPos(alpha, "x", true), u.valToPos(T, "y", true));
    }
    for (const p of this.points) {
      const x = u.valToPos(p.alpha, "x", true);
      const y = u.valToPos(p.T, "y", true);
      ctx.beginPath();
      ctx.arc(x, y, 6 * devicePixelRatio, 0, 2 * Math.PI);
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.strokeStyle = "#181c30";
      ctx.fillStyle = p.m === null ? "#ffffff" : `rgba(38, 84, 166, ${clamp(p.m, 0, 1)})`;
      ctx.fill();
      ctx.stroke();
    }
    ctx.restore();
  }

  async run() {
    const alpha = clamp(numberOf(this.fields.alpha, 0.05), 0.001, 0.5);
    const T = clamp(numberOf(this.fields.T, 0.3), 0, 1.5);
    const N = clamp(Math.round(numberOf(this.fields.N, 1000)), 100, 4096);
    const maxSweeps = clamp(Math.round(numberOf(this.fields.sweeps, 60)), 1, 500);
    for (const id of ["phase-overlap", "phase-m-theory", "phase-TM", "phase-status"]) {
      showValue(this.$(id), null);
    }
    this.$("phase-status").textContent = "running…";
    const point = { alpha, T, m: null };
    this.points.push(point);
    if (this.points.length > 40) this.points.shift();
    if (this.plane) this.plane.redraw(false);
    const ags = await postJSON("/api/theory/ags", { alpha, T });
    this.theoryM = ags.m;
    this.trace.clear();
    const done = await this.channel.request({
      type: "run", alpha, T, N, max_sweeps: maxSweeps, seed: seedOf(this.fields.seed),
    });
    if (done.stopped) {
      this.$("phase-status").textContent = "stopped";
      return;
    }
    point.m = done.m_final;
    showValue(this.$("phase-overlap"), done.m_final, 3);
    showValue(this.$("phase-m-theory"), done.m_theory, 3);
    showValue(this.$("phase-TM"), done.T_M, 3);
    const status = this.$("phase-status");
    status.dataset.value = done.region;
    status.textContent = done.region === "retrieval"
      ? `retrieval (T < T_M; AGS phase: ${ags.phase})`
      : `outside retrieval (T > T_M; AGS phase: ${ags.phase})`;
    if (this.plane) this.plane.redraw(false);
  }
}
