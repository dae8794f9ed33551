"""Fixtures of the lab tests: an in-process app (TestClient) and a real subprocess server."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

import warnings

from tests.lab._server import LabServer, lab_server_fixture

with warnings.catch_warnings():   # starlette's notice about httpx vs httpx2, once, here
    warnings.simplefilter("ignore")
    import fastapi.testclient  # noqa: F401

lab_server = pytest.fixture(scope="session")(lab_server_fixture)


@pytest.fixture(scope="session")
def app():
    """The lab app with a short frame interval (fast tests)."""
    from spinnet.lab import create_app

    return create_app(frame_interval=0.002, prewarm=False)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


__all__ = ["LabServer", "app", "client", "lab_server"]
