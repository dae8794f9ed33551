// Live traces drawn by the vendored uPlot (vendor/uplot, MIT). This module only
// keeps the data arrays and redraws at most once per animation frame.
import uPlot from "../vendor/uplot/uPlot.esm.js";

const INTEGER_INCRS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7]
  .map((e) => m * e)).sort((a, b) => a - b);

export const COLORS = ["#2656a6", "#c0392b", "#27864a", "#8e44ad", "#d68910", "#17818a",
                       "#7f6a00", "#b03a70", "#555555"];

/**
 * A line chart fed point by point.
 *
 * @param {HTMLElement} container  element that receives the chart; gets `data-points`.
 * @param {object} opts  {series: [{label, stroke?, dash?, width?}], x: label, y: label,
 *   yRange?: [lo, hi], maxPoints?: number, height?: number}
 */
export class TraceChart {
  constructor(container, opts) {
    this.container = container;
    this.opts = opts;
    this.maxPoints = opts.maxPoints || 2000;
    this.height = opts.height || 180;
    this.u = null;
    this._queued = false;
    this.build(opts.series);
    // Deferred to the next frame: resizing inside the observer callback would loop.
    new ResizeObserver(() => requestAnimationFrame(() => this._fit())).observe(container);
  }

  /** (Re)create the chart with a new set of series; clears the data. */
  build(series) {
    this.series = series;
    this.data = [[], ...series.map(() => [])];
    if (this.u) this.u.destroy();
    const yScale = this.opts.yRange
      ? { range: this.opts.yRange }
      : { auto: true };
    const u = new uPlot({
      width: Math.max(200, this.container.clientWidth || 360),
      height: this.height,
      legend: { live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: false }, y: yScale },
      axes: [
        // Sweeps and update counts are integers: no fractional ticks.
        { label: this.opts.x, labelSize: 18, size: 36, incrs: INTEGER_INCRS },
        { label: this.opts.y, labelSize: 18, size: 52 },
      ],
      series: [
        { label: this.opts.x },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.stroke || COLORS[i % COLORS.length],
          width: s.width || 1.5,
          dash: s.dash,
          points: { show: false },
          spanGaps: false,
        })),
      ],
    }, this.data, this.container);
    this.u = u;
    this.container.dataset.points = "0";
  }

  /** Append one point: x and one y per series (null for a gap). */
  push(x, ys) {
    const d = this.data;
    d[0].push(x);
    for (let i = 0; i < this.series.length; i++) {
      const y = ys[i];
      d[i + 1].push(y === undefined || y === null || !Number.isFinite(y) ? null : y);
    }
    if (d[0].length > this.maxPoints) for (const col of d) col.shift();
    this.container.dataset.points = String(d[0].length);
    this._schedule();
  }

  clear() {
    for (const col of this.data) col.length = 0;
    this.container.dataset.points = "0";
    this._schedule();
  }

  _schedule() {
    if (this._queued) return;
    this._queued = true;
    requestAnimationFrame(() => {
      this._queued = false;
      this.u.setData(this.data);
    });
  }

  _fit() {
    const w = this.container.clientWidth;
    if (w > 0 && this.u && Math.abs(this.u.width - w) > 2) {
      this.u.setSize({ width: w, height: this.height });
    }
  }
}

export { uPlot };
