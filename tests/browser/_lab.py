"""Helpers of the browser tests: open a panel, read ``data-value`` read-outs, draw."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "Lab", "read_value", "record_throughput", "screenshot", "wait_value"]

#: Debian's Chromium; ``SPINNET_CHROMIUM`` points elsewhere (never ``playwright install``).
CHROMIUM = os.environ.get("SPINNET_CHROMIUM", "/usr/bin/chromium")

#: Where the panel screenshots go: ``SPINNET_LAB_SCREENSHOTS`` (``docs/images`` to refresh
#: the documentation), else a temporary directory of the test.
SCREENSHOT_ENV = "SPINNET_LAB_SCREENSHOTS"
#: A JSON file that collects the measured throughput (``SPINNET_LAB_THROUGHPUT``).
THROUGHPUT_ENV = "SPINNET_LAB_THROUGHPUT"


class Lab:
    """A browser context on the lab server that records console and page errors."""

    def __init__(self, context: Any, url: str) -> None:
        self.context = context
        self.url = url
        self.errors: list[str] = []
        context.on("page", self._watch)

    def _watch(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def open(self, hash_: str = "") -> Any:
        """A new tab on ``url#hash_``; waits until the page's panel is shown."""
        page = self.context.new_page()
        page.set_default_timeout(30_000)
        page.goto(self.url + ("#" + hash_ if hash_ else ""))
        page.wait_for_selector("section.panel:not([hidden])")
        return page


def read_value(page: Any, testid: str) -> float | None:
    """The ``data-value`` of a read-out as a float (None when empty)."""
    raw = page.get_by_test_id(testid).get_attribute("data-value")
    return float(raw) if raw not in (None, "") else None


def wait_value(page: Any, testid: str, condition: str = "v !== null",
               timeout: float = 30_000) -> float:
    """Wait until the read-out shows a number ``v`` that satisfies ``condition`` (a
    JavaScript expression in ``v``) and return it. A read-out without a value never
    satisfies it (in JavaScript ``null < 0.3`` is true)."""
    page.wait_for_function(
        """([id, cond]) => {
            const el = document.querySelector(`[data-testid="${id}"]`);
            if (!el) return false;
            const raw = el.dataset.value;
            const v = raw === undefined || raw === "" ? null : Number(raw);
            return v !== null && Function("v", `return (${cond});`)(v);
        }""",
        arg=[testid, condition], timeout=timeout)
    value = read_value(page, testid)
    assert value is not None
    return value


def screenshot(page: Any, panel: str, tmp_path: Path) -> Path:
    """Screenshot of the page into ``$SPINNET_LAB_SCREENSHOTS/lab-<panel>.png``."""
    folder = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"lab-{panel}.png"
    tmp = path.with_suffix(".tmp.png")
    page.screenshot(path=str(tmp), full_page=True)
    os.replace(tmp, path)
    return path


def record_throughput(key: str, value: float, goal: str) -> None:
    """Print a throughput figure and add it to ``$SPINNET_LAB_THROUGHPUT`` (JSON)."""
    print(f"\nlab throughput: {key} = {value:.3g} (goal {goal})")
    target = os.environ.get(THROUGHPUT_ENV)
    if not target:
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = {"value": value, "goal": goal}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)
