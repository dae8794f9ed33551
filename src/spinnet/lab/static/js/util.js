// Small helpers shared by the panels: the wire formats of docs/lab-protocol.md
// (bit-packed ±1 states, uint8 grey images), number read-outs with data-value,
// and DOM look-ups by data-testid.

/** Element with the given data-testid (throws when missing: a typo is a bug). */
export function $(testid, root = document) {
  const el = root.querySelector(`[data-testid="${testid}"]`);
  if (!el) throw new Error(`no element with data-testid=${testid}`);
  return el;
}

/** base64 (standard alphabet, padded) -> Uint8Array. */
export function b64ToBytes(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Uint8Array -> base64 (chunked so large arrays do not overflow the call stack). */
export function bytesToB64(bytes) {
  let bin = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  }
  return btoa(bin);
}

/**
 * Decode `{"shape": [...], "bits": b64}` (numpy.packbits, bitorder="big") into an
 * Int8Array of ±1 spins in C order, and its shape.
 */
export function decodeBits(msg) {
  const shape = msg.shape;
  const n = shape.reduce((a, b) => a * b, 1);
  const bytes = b64ToBytes(msg.bits);
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1 ? 1 : -1;
  }
  return { shape, data: out };
}

/** Encode ±1 spins (Int8Array, C order) of the given shape as the wire format. */
export function encodeBits(spins, shape) {
  const n = spins.length;
  const bytes = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (spins[i] > 0) bytes[i >> 3] |= 0x80 >> (i & 7);
  }
  return { shape: Array.from(shape), bits: bytesToB64(bytes) };
}

/** Decode `{"shape": [...], "u8": b64}` into a Uint8Array (0..255) and its shape. */
export function decodeU8(msg) {
  return { shape: msg.shape, data: b64ToBytes(msg.u8) };
}

/** Format a number for display (null/undefined/NaN -> an em dash). */
export function fmt(value, digits = 3) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return value.toExponential(2);
  return value.toFixed(digits);
}

/**
 * Show a number in a read-out element and put its raw value in `data-value`
 * (empty when the quantity does not exist).
 */
export function showValue(el, value, digits = 3, suffix = "") {
  const ok = value !== null && value !== undefined && Number.isFinite(value);
  el.dataset.value = ok ? String(value) : "";
  el.textContent = ok ? fmt(value, digits) + suffix : "—";
}

/** Clamp a number to [lo, hi]. */
export function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

/** Read a number input; fall back to `fallback` when empty or not finite. */
export function numberOf(input, fallback) {
  const v = Number(input.value);
  return input.value !== "" && Number.isFinite(v) ? v : fallback;
}

/** Integer seed in [0, 2^32) from an input (fallback 0). */
export function seedOf(input) {
  const v = Math.floor(numberOf(input, 0));
  return clamp(v, 0, 4294967295);
}

/** JSON POST to the lab's REST API; rejects with the server's message on 4xx/5xx. */
export async function postJSON(path, body) {
  const res = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    let detail = data && data.detail;
    if (Array.isArray(detail)) {
      detail = detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
    }
    throw new Error(detail || `${path}: HTTP ${res.status}`);
  }
  return data;
}

/** JSON GET. */
export async function getJSON(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}
