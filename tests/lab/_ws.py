"""Helpers of the lab tests: read WebSocket messages until a condition, with a deadline."""

from __future__ import annotations

import time
from typing import Any


def until(ws: Any, pred, timeout: float = 30.0, *, fail_on_error: bool = True) -> tuple[
        dict, list[dict]]:
    """Receive messages until ``pred(msg)``; return that message and all seen before it.

    Works with Starlette's TestClient sockets (``receive_json``). An ``error`` message
    fails the test unless ``fail_on_error`` is false.
    """
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = ws.receive_json()
        if fail_on_error and msg.get("type") == "error" and not pred(msg):
            raise AssertionError(f"server error: {msg}")
        if pred(msg):
            return msg, seen
        seen.append(msg)
    raise AssertionError(f"no matching message within {timeout} s; last: {seen[-3:]}")


def done(command: str):
    """Predicate: the ``done`` message of ``command``."""
    return lambda m: m.get("type") == "done" and m.get("command") == command


def is_error(m: dict) -> bool:
    return m.get("type") == "error"
