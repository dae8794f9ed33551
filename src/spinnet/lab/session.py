"""One WebSocket = one session: validated commands in, throttled frames out.

A :class:`Session` owns its panel's state (network, lattice, RBM, generator).
Commands are validated with :mod:`spinnet.lab.schemas`; short ones run in a
worker thread and are awaited, long ones (*jobs*: recall, Monte Carlo, training,
sampling) run in a dedicated thread while the socket keeps receiving, so that
``stop``/``set`` act at once. A job checks :attr:`Session.cancelled` after every
sweep or minibatch. Frames leave through one ordered outbox; a *droppable*
message (a frame, keyed by kind) replaces an unsent one of the same key and is
sent at most every ``frame_interval`` seconds, so a slow client sees the latest
state rather than a growing queue. Closing the socket cancels the job, waits
for it and frees the session.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from starlette.websockets import WebSocket

from spinnet.lab.codec import CodecError
from spinnet.lab.schemas import COMMANDS, LIMITS, Strict

__all__ = ["CommandError", "Session", "clean_json"]

log = logging.getLogger("spinnet.lab")

#: Commands that act on a running job instead of replacing it.
CONTROL = ("stop", "set", "sample_stop")


class CommandError(ValueError):
    """A command that validated but cannot be carried out; ``field`` names the culprit.

    Parameters
    ----------
    field : str
        Name of the offending field (stored as ``field``).
    message : str
        Error message.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def clean_json(value: Any) -> Any:
    """Replace non-finite floats by ``None`` and NumPy scalars by Python ones (recursively).

    Parameters
    ----------
    value : object
        A JSON-like value: dicts, lists, tuples, scalars (NumPy ones included).

    Returns
    -------
    object
        The same structure (tuples become lists), safe for strict JSON.
    """
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    if isinstance(value, bool | str) or value is None:
        return value
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def run_in_thread(fn: Callable[..., Any], *args: Any) -> asyncio.Future:
    """Run ``fn(*args)`` in a new daemon thread; return an awaitable for its result."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future = loop.create_future()

    def settle(result: Any, exc: BaseException | None) -> None:
        if fut.done():
            return
        if exc is not None:
            fut.set_exception(exc)
        else:
            fut.set_result(result)

    def target() -> None:
        try:
            result = fn(*args)
        except BaseException as exc:
            loop.call_soon_threadsafe(settle, None, exc)
        else:
            loop.call_soon_threadsafe(settle, result, None)

    threading.Thread(target=target, name="spinnet-lab-worker", daemon=True).start()
    return fut


class Session:
    """Base class of the four panel sessions (see ``docs/lab-protocol.md``).

    Subclasses set :attr:`panel` and implement ``cmd_<type>(model)`` for each
    command. A short command returns the ``done`` payload (a dict); a long one
    calls :meth:`start_job` with a function that runs in the worker thread and
    returns the ``done`` payload.

    Parameters
    ----------
    websocket : starlette.websockets.WebSocket
        The accepted socket of this session.
    frame_interval : float, default 0.016
        Least time in seconds between two frames of one kind.
    """

    panel = ""

    def __init__(self, websocket: WebSocket, *, frame_interval: float = 0.016) -> None:
        self.ws = websocket
        self.frame_interval = float(frame_interval)
        self.cancelled = threading.Event()
        self.lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outbox: deque[list[Any]] = deque()
        self._wake: asyncio.Event | None = None
        self._job: asyncio.Task | None = None
        self._job_command: str | None = None
        self._last_emit: dict[str, float] = {}

    # ------------------------------------------------------------------ output
    def _enqueue(self, msg: dict[str, Any], key: str | None) -> None:
        if key is not None:
            for entry in self._outbox:
                if entry[0] == key:
                    entry[1] = msg  # drop the older unsent frame, keep its place
                    return
        self._outbox.append([key, msg])
        assert self._wake is not None
        self._wake.set()

    def post(self, msg: dict[str, Any], key: str | None = None) -> None:
        """Queue a message from the event loop (``key``: droppable frame kind)."""
        self._enqueue(msg, key)

    def emit(self, msg: dict[str, Any], key: str | None = None) -> None:
        """Queue a message from a worker thread (thread-safe)."""
        if self._loop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._enqueue, msg, key)
            except RuntimeError:  # loop closed meanwhile: the session is gone
                pass

    def due(self, key: str, interval: float | None = None) -> bool:
        """Worker-side throttle: True (and restart the clock) if ``interval`` has passed."""
        now = time.monotonic()
        if now - self._last_emit.get(key, -math.inf) >= (
                self.frame_interval if interval is None else interval):
            self._last_emit[key] = now
            return True
        return False

    def pace(self, started: float, interval: float | None = None) -> None:
        """Sleep (cancellably) until ``interval`` seconds after ``started``."""
        wait = (self.frame_interval if interval is None else interval) - (
            time.monotonic() - started)
        if wait > 0:
            self.cancelled.wait(wait)

    async def _sender(self) -> None:
        assert self._wake is not None
        last: dict[str, float] = {}
        while True:
            await self._wake.wait()
            while self._outbox:
                key, msg = self._outbox[0]
                if key is not None:
                    wait = last.get(key, -math.inf) + self.frame_interval - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                        continue  # the entry may have been replaced by a newer frame
                self._outbox.popleft()
                text = json.dumps(clean_json(msg), allow_nan=False, separators=(",", ":"))
                await self.ws.send_text(text)
                if key is not None:
                    last[key] = time.monotonic()
            self._wake.clear()

    def error(self, field: str, detail: str) -> None:
        self.post({"type": "error", "field": field, "detail": detail})

    # -------------------------------------------------------------------- jobs
    @property
    def running(self) -> bool:
        return self._job is not None and not self._job.done()

    async def cancel_job(self) -> None:
        """Stop the running job (if any) and wait until its thread has finished."""
        if self.running:
            self.cancelled.set()
            assert self._job is not None
            await asyncio.wait([self._job])

    async def start_job(self, command: str, fn: Callable[[], dict[str, Any] | None]) -> None:
        """Replace any running job by ``fn`` (run in a worker thread)."""
        await self.cancel_job()
        self.cancelled.clear()
        self._job_command = command
        self.post({"type": "status", "running": True, "command": command})
        self._job = asyncio.ensure_future(self._run_job(command, fn))

    async def _run_job(self, command: str, fn: Callable[[], dict[str, Any] | None]) -> None:
        try:
            result = await run_in_thread(fn)
        except CommandError as exc:
            self.error(exc.field, str(exc))
        except Exception as exc:
            log.exception("lab %s job %r failed", self.panel, command)
            self.error("server", f"{type(exc).__name__}: {exc}")
        else:
            payload = {"type": "done", "command": command}
            payload.update(result or {})
            payload["stopped"] = self.cancelled.is_set()
            self.post(payload)
        finally:
            self.post({"type": "status", "running": False, "command": command})

    # ---------------------------------------------------------------- commands
    async def cmd_stop(self, msg: Strict) -> dict[str, Any]:
        await self.cancel_job()
        return {}

    async def handle(self, text: str) -> None:
        """Validate and carry out one client message."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            self.error("message", f"not valid JSON: {exc}")
            return
        if not isinstance(data, dict):
            self.error("message", "a message must be a JSON object with a 'type'")
            return
        kind = data.get("type")
        models = COMMANDS[self.panel]
        if not isinstance(kind, str) or kind not in models:
            self.error("type", f"unknown message type {kind!r:.60} for /ws/{self.panel}; "
                               f"expected one of {sorted(models)}")
            return
        try:
            model = models[kind].model_validate(data)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            loc = [str(p) for p in first.get("loc", ())]
            field = next((p for p in loc if not p.isdigit()), "message") if loc else "message"
            self.error(field, f"{'.'.join(loc) or 'message'}: {first.get('msg')}")
            return
        handler = getattr(self, f"cmd_{kind}")
        try:
            if kind not in CONTROL and kind not in getattr(self, "CONCURRENT", ()):
                await self.cancel_job()
            result = await handler(model)
        except (CommandError, CodecError) as exc:
            self.error(exc.field, str(exc))
            return
        except (ValueError, TypeError) as exc:
            self.error("message", str(exc))
            return
        except Exception as exc:
            log.exception("lab %s command %r failed", self.panel, kind)
            self.error("server", f"{type(exc).__name__}: {exc}")
            return
        if result is not None:
            payload = {"type": "done", "command": kind}
            payload.update(result)
            self.post(payload)

    async def serve(self) -> None:
        """Accept the socket and serve it until the client goes away."""
        await self.ws.accept()
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        sender = asyncio.ensure_future(self._sender())
        limit = LIMITS["message_bytes_max"]
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    raw = message.get("bytes") or b""
                    if len(raw) > limit:
                        await self.ws.close(code=1009)
                        break
                    self.error("message", "binary messages are not accepted; send JSON text")
                    continue
                if len(text) > limit:
                    await self.ws.close(code=1009, reason="message too big")
                    break
                await self.handle(text)
                if sender.done():  # the send side failed: the client is gone
                    break
        except Exception as exc:
            log.debug("lab %s socket ended: %r", self.panel, exc)
        finally:
            self.cancelled.set()
            if self._job is not None:
                await asyncio.wait([self._job])
            sender.cancel()
            try:
                await sender
            except BaseException:
                pass
            self.free()

    def free(self) -> None:
        """Drop references to the session's heavy state (subclasses extend)."""
        self._outbox.clear()
