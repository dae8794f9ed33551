// One WebSocket per panel (docs/lab-protocol.md): JSON messages, one server session
// per socket. `request(msg)` resolves with the server's `done` for that command and
// rejects on an `error` message (the server answers every command, a stopped or
// replaced job included, with `done` (`stopped: true`) or `error`);
// `on(type, fn)` receives streamed messages.

export class Channel {
  /**
   * @param {string} path  WebSocket path, e.g. "/ws/ising".
   * @param {object} hooks  {onOpen(channel), onError(message), onClose()}.
   */
  constructor(path, hooks = {}) {
    this.path = path;
    this.hooks = hooks;
    this.handlers = new Map();
    this.pending = []; // {command, resolve, reject}
    this.queue = [];
    this.ws = null;
    this.running = new Set();
  }

  /** Open the socket if it is not open or opening. */
  connect() {
    if (this.ws && (this.ws.readyState === WebSocket.OPEN ||
                    this.ws.readyState === WebSocket.CONNECTING)) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}${this.path}`);
    this.ws = ws;
    ws.onopen = () => {
      if (this.hooks.onOpen) this.hooks.onOpen(this);
      const queued = this.queue;
      this.queue = [];
      for (const text of queued) ws.send(text);
    };
    ws.onmessage = (event) => this._dispatch(event.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.running.clear();
      const pending = this.pending;
      this.pending = [];
      for (const p of pending) p.reject(new Error("connection closed"));
      if (this.hooks.onClose) this.hooks.onClose();
    };
  }

  /** Send a command (queued until the socket is open). */
  send(msg) {
    const text = JSON.stringify(msg);
    this.connect();
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.queue.push(text);
  }

  /** Send a command and wait for its `done` (resolves with the message). */
  request(msg) {
    return new Promise((resolve, reject) => {
      this.pending.push({ command: msg.type, resolve, reject });
      this.send(msg);
    });
  }

  /** Register a handler for a streamed message type ("frame", "progress", ...). */
  on(type, fn) {
    this.handlers.set(type, fn);
  }

  close() {
    if (this.ws) this.ws.close();
  }

  _settle(command, msg) {
    const i = this.pending.findIndex((p) => p.command === command);
    if (i < 0) return false;
    const [p] = this.pending.splice(i, 1);
    p.resolve(msg);
    return true;
  }

  _dispatch(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    const handler = this.handlers.get(msg.type);
    if (handler) handler(msg);
    if (msg.type === "done") {
      this._settle(msg.command, msg);
    } else if (msg.type === "status") {
      if (msg.running) {
        this.running.add(msg.command);
      } else {
        this.running.delete(msg.command);
      }
    } else if (msg.type === "error") {
      // Errors do not name their command: blame the newest one that is not a running
      // job (a validation error answers the message just sent), else the oldest.
      let i = -1;
      for (let j = this.pending.length - 1; j >= 0; j--) {
        if (!this.running.has(this.pending[j].command)) { i = j; break; }
      }
      const [p] = this.pending.splice(i >= 0 ? i : 0, 1);
      const err = new Error(`${msg.field}: ${msg.detail}`);
      err.field = msg.field;
      if (p) p.reject(err);
      if (this.hooks.onError) this.hooks.onError(err.message);
    }
  }
}
