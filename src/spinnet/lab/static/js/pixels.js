// Lattices and patterns on <canvas>: the canvas has one pixel per spin and CSS
// scales it up (image-rendering: pixelated); every frame is one putImageData.

export const INK = [24, 28, 48];
export const PAPER = [250, 249, 244];
export const SPIN_UP = [38, 84, 166];
export const SPIN_DOWN = [244, 235, 214];

/** Paint ±1 spins (Int8Array, C order, h×w) into a canvas of the same size. */
export function paintSpins(canvas, spins, h, w, up = INK, down = PAPER) {
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(w, h);
  const px = img.data;
  for (let i = 0, j = 0; i < h * w; i++, j += 4) {
    const c = spins[i] > 0 ? up : down;
    px[j] = c[0];
    px[j + 1] = c[1];
    px[j + 2] = c[2];
    px[j + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function greyPixel(px, j, v) {
  // v in 0..255: 255 = ink (probability of a lit pixel), 0 = paper.
  const t = v / 255;
  px[j] = Math.round(PAPER[0] + (INK[0] - PAPER[0]) * t);
  px[j + 1] = Math.round(PAPER[1] + (INK[1] - PAPER[1]) * t);
  px[j + 2] = Math.round(PAPER[2] + (INK[2] - PAPER[2]) * t);
  px[j + 3] = 255;
}

/** Paint one grey image (uint8 values 0..255, h×w) into a canvas. */
export function paintGrey(canvas, values, h, w, offset = 0) {
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) greyPixel(img.data, 4 * i, values[offset + i]);
  ctx.putImageData(img, 0, 0);
}

/**
 * Paint K grey tiles (K×h×w uint8 values) as a grid with `cols` columns and a
 * one-pixel gutter. Returns the number of rows.
 */
export function paintTiles(canvas, values, k, h, w, cols) {
  const rows = Math.max(1, Math.ceil(k / cols));
  const W = cols * (w + 1) - 1;
  const H = rows * (h + 1) - 1;
  if (canvas.width !== W || canvas.height !== H) {
    canvas.width = W;
    canvas.height = H;
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(W, H);
  const px = img.data;
  for (let j = 0; j < px.length; j += 4) {
    px[j] = 200; px[j + 1] = 200; px[j + 2] = 196; px[j + 3] = 255;
  }
  for (let t = 0; t < k; t++) {
    const r0 = Math.floor(t / cols) * (h + 1);
    const c0 = (t % cols) * (w + 1);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        greyPixel(px, 4 * ((r0 + y) * W + c0 + x), values[t * h * w + y * w + x]);
      }
    }
  }
  ctx.putImageData(img, 0, 0);
  return rows;
}

/**
 * An editable ±1 drawing (h×w) on a canvas with the four tools of the lectures'
 * demo: pencil (one cell), brush (a disc of radius ~2), noise (random flips in a
 * disc) and eraser (sets −1 in a disc).
 */
export class DrawingCanvas {
  constructor(canvas, height, width, onEdit = null) {
    this.canvas = canvas;
    this.onEdit = onEdit;
    this.tool = "pencil";
    this.resize(height, width);
    this._last = null;
    canvas.addEventListener("pointerdown", (e) => this._down(e));
    canvas.addEventListener("pointermove", (e) => this._move(e));
    canvas.addEventListener("pointerup", (e) => this._up(e));
    canvas.addEventListener("pointercancel", (e) => this._up(e));
  }

  resize(height, width) {
    this.h = height;
    this.w = width;
    this.spins = new Int8Array(height * width).fill(-1);
    this.draw();
  }

  /** Replace the drawing (copies the array). */
  set(spins) {
    this.spins = Int8Array.from(spins);
    this.draw();
  }

  clear() {
    this.spins.fill(-1);
    this.draw();
  }

  draw() {
    paintSpins(this.canvas, this.spins, this.h, this.w);
  }

  /** Radius of the brush, eraser and noise discs for this canvas size. */
  radius() {
    return Math.min(this.h, this.w) >= 16 ? 2 : 1;
  }

  /** Apply the current tool at cell (row, col). */
  apply(row, col) {
    const { h, w, spins } = this;
    if (this.tool === "pencil") {
      if (row >= 0 && row < h && col >= 0 && col < w) spins[row * w + col] = 1;
      return;
    }
    const r = this.tool === "noise" ? this.radius() + 1 : this.radius();
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        if (dx * dx + dy * dy > r * r) continue;
        const y = row + dy;
        const x = col + dx;
        if (y < 0 || y >= h || x < 0 || x >= w) continue;
        const i = y * w + x;
        if (this.tool === "brush") spins[i] = 1;
        else if (this.tool === "eraser") spins[i] = -1;
        else if (Math.random() < 0.25) spins[i] = -spins[i];
      }
    }
  }

  _cell(e) {
    const rect = this.canvas.getBoundingClientRect();
    const col = Math.floor(((e.clientX - rect.left) / rect.width) * this.w);
    const row = Math.floor(((e.clientY - rect.top) / rect.height) * this.h);
    return [row, col];
  }

  _down(e) {
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    const [row, col] = this._cell(e);
    this._last = [row, col];
    this.apply(row, col);
    this.draw();
  }

  _move(e) {
    if (!this._last) return;
    const [row, col] = this._cell(e);
    const [r0, c0] = this._last;
    if (row === r0 && col === c0) return;
    if (this.tool === "noise") {
      this.apply(row, col);
    } else {
      // Bresenham line from the last cell, so a fast stroke stays connected.
      let x = c0, y = r0;
      const dx = Math.abs(col - c0), sx = c0 < col ? 1 : -1;
      const dy = -Math.abs(row - r0), sy = r0 < row ? 1 : -1;
      let err = dx + dy;
      for (;;) {
        this.apply(y, x);
        if (x === col && y === row) break;
        const e2 = 2 * err;
        if (e2 >= dy) { err += dy; x += sx; }
        if (e2 <= dx) { err += dx; y += sy; }
      }
    }
    this._last = [row, col];
    this.draw();
  }

  _up(e) {
    if (!this._last) return;
    this._last = null;
    if (this.canvas.hasPointerCapture(e.pointerId)) {
      this.canvas.releasePointerCapture(e.pointerId);
    }
    if (this.onEdit) this.onEdit();
  }
}

/** Wire a group of tool buttons (data-tool attributes) to a DrawingCanvas. */
export function wireTools(buttons, drawing) {
  for (const b of buttons) {
    b.addEventListener("click", () => {
      drawing.tool = b.dataset.tool;
      for (const o of buttons) o.setAttribute("aria-pressed", String(o === b));
    });
    b.setAttribute("aria-pressed", String(b.dataset.tool === drawing.tool));
  }
}
