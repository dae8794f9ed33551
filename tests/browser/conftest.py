"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, the lab server.

The tests skip when Chromium, Playwright or the ``[lab]`` extra is missing, unless
``SPINNET_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then a missing piece is a test
failure. Every page a test opens is watched: a console error or an uncaught page
error fails the test.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator

import pytest
from tests.browser._lab import CHROMIUM, Lab
from tests.lab._server import LabServer, lab_server_fixture

REQUIRE = os.environ.get("SPINNET_REQUIRE_BROWSER") == "1"


def _missing(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"SPINNET_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _check_requirements() -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        _missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        _missing("playwright (python) is not installed (pip install 'spinnet[test]')")
    for mod in ("fastapi", "uvicorn"):
        if importlib.util.find_spec(mod) is None:
            _missing(f"{mod} is not installed (pip install 'spinnet[lab]')")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run."""
    _check_requirements()
    from playwright.sync_api import sync_playwright

    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def lab_server(browser) -> Iterator[LabServer]:
    """``spinnet lab --no-browser --port 0`` in a subprocess (tests/lab/_server.py)."""
    yield from lab_server_fixture()


@pytest.fixture
def lab(browser, lab_server) -> Iterator[Lab]:
    """A fresh browser context on the lab; fails the test on any console or page error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    lab = Lab(context, lab_server.url)
    try:
        yield lab
    finally:
        context.close()
    assert not lab.errors, "browser console errors:\n" + "\n".join(lab.errors)
