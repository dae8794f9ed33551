"""The lab's FastAPI application: REST endpoints, WebSocket sessions, static front end.

The contract is ``docs/lab-protocol.md``. Bad input gets 4xx (422 naming the
field, 413 for a body over 1 MB); an unexpected error is logged and answered
with a clean JSON message, never a traceback.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Query, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from spinnet.lab import schemas as S
from spinnet.lab.codec import encode_bits

__all__ = ["STATIC_DIR", "create_app"]

log = logging.getLogger("spinnet.lab")

#: The front end shipped with the package.
STATIC_DIR = Path(__file__).with_name("static")
PANELS = ("memory", "rbm", "ising", "phase")


class BodyLimit:
    """ASGI middleware: an HTTP request body over ``limit`` bytes gets 413 (nothing read
    beyond ``limit + 1`` bytes)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        too_big = False
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False
        chunks: list[bytes] = []
        if not too_big:
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body = message.get("body", b"")
                size += len(body)
                if size > self.limit:
                    too_big = True
                    break
                chunks.append(body)
                if not message.get("more_body", False):
                    break
        if too_big:
            response = JSONResponse(
                {"detail": [{"loc": ["body"], "msg": f"request body larger than "
                             f"{self.limit} bytes", "type": "too_large"}]}, status_code=413)
            await response(scope, receive, send)
            return
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _session_class(panel: str) -> type:
    if panel == "memory":
        from spinnet.lab.memory import MemorySession
        return MemorySession
    if panel == "ising":
        from spinnet.lab.ising import IsingSession
        return IsingSession
    if panel == "phase":
        from spinnet.lab.phase import PhaseSession
        return PhaseSession
    from spinnet.lab.rbm import RBMSession
    return RBMSession


def _unprocessable(field: str, msg: str, status: int = 422) -> JSONResponse:
    return JSONResponse({"detail": [{"loc": ["body", field], "msg": msg,
                                     "type": "value_error"}]}, status_code=status)


def create_app(*, frame_interval: float = 0.016, static_dir: str | os.PathLike | None = None,
               prewarm: bool = True) -> FastAPI:
    """Build the lab's FastAPI application.

    Parameters
    ----------
    frame_interval : float
        Least time in seconds between two frames of one kind on a socket (and
        the pace of animated recall / phase runs).
    static_dir : path-like, optional
        Directory of the front end (default: the package's ``lab/static``).
    prewarm : bool
        Compute the AGS phase lines (24 points, ~30 s the first time on a machine,
        then cached on disk) in a background thread at once, so that the
        phase-diagram panel does not wait for them.

    Returns
    -------
    fastapi.FastAPI
    """
    from spinnet import __version__
    from spinnet._optional import require_lab

    require_lab()
    import torch

    torch.set_num_threads(1)  # many sessions share a few cores; threads are the parallelism
    static = Path(static_dir) if static_dir is not None else STATIC_DIR
    app = FastAPI(title="spinnet lab", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.add_middleware(BodyLimit, limit=S.LIMITS["message_bytes_max"])
    app.state.frame_interval = float(frame_interval)
    app.state.warming = threading.Event()
    if prewarm:
        app.state.warming.set()

        def warm() -> None:
            from spinnet.experiments.lab import phase_lines

            try:
                phase_lines(24)
            except Exception:
                log.exception("lab: precomputing the AGS phase lines failed")
            finally:
                app.state.warming.clear()

        threading.Thread(target=warm, name="spinnet-lab-prewarm", daemon=True).start()

    # ---------------------------------------------------------------- errors
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for e in exc.errors():
            errors.append({"loc": [str(p) for p in e.get("loc", ())],
                           "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))})
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(ValueError)
    async def _value(request: Request, exc: ValueError) -> JSONResponse:
        return _unprocessable("value", str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("lab: unexpected error on %s", request.url.path)
        return JSONResponse({"detail": f"internal error ({type(exc).__name__}); the server "
                                       "logged it and keeps serving"}, status_code=500)

    # ------------------------------------------------------------------ page
    @app.get("/", include_in_schema=False)
    async def index() -> Any:
        page = static / "index.html"
        if page.is_file():
            return FileResponse(page, media_type="text/html")
        return JSONResponse({"detail": "the lab's front end (static/index.html) is not "
                                       "installed"}, status_code=404)

    app.mount("/static", StaticFiles(directory=static, check_dir=False), name="static")

    # ------------------------------------------------------------------ REST
    @app.get("/api/info")
    async def info() -> dict[str, Any]:
        from spinnet.datasets import default_mnist_path

        return {"version": __version__, "panels": list(PANELS), "limits": S.LIMITS,
                "datasets": {"digits": True, "mnist": default_mnist_path() is not None},
                "frame_interval": app.state.frame_interval,
                "warming": app.state.warming.is_set()}

    @app.post("/api/patterns")
    def patterns(req: S.PatternsRequest) -> Any:
        from spinnet.datasets import MnistNotFoundError
        from spinnet.experiments.lab import lab_patterns

        try:
            xi, labels = lab_patterns(req.source, req.n, req.height, req.width,
                                      chars=req.chars, rng=req.seed)
        except MnistNotFoundError:
            return JSONResponse({"detail": "MNIST is not available on this machine; fetch it "
                                           "with `spinnet data fetch mnist`"}, status_code=404)
        except ValueError as exc:
            return _unprocessable("chars" if req.chars else "source", str(exc))
        return {"patterns": encode_bits(xi), "labels": labels}

    @app.post("/api/theory/ags")
    def theory_ags(req: S.AGSRequest) -> dict[str, Any]:
        from spinnet.experiments.lab import ags_point

        return ags_point(req.alpha, req.T)

    @app.get("/api/theory/phase-lines")
    def phase_lines(n: int = Query(24, ge=2, le=S.LIMITS["phase_lines_n_max"])
                    ) -> dict[str, Any]:
        from spinnet.experiments.lab import phase_lines as lines

        return lines(n)

    @app.post("/api/theory/ising")
    def theory_ising(req: S.IsingTheoryRequest) -> Any:
        from spinnet.experiments.lab import ising_theory

        if min(req.Jh + req.Jv, req.Jv + req.Jd, req.Jd + req.Jh) <= 0:
            return _unprocessable("Jd", "couplings must satisfy Jh+Jv > 0, Jv+Jd > 0 and "
                                        "Jd+Jh > 0 (a ferromagnetic critical point)")
        return ising_theory(req.T, req.Jh, req.Jv, req.Jd)

    # ------------------------------------------------------------ websockets
    async def _serve(websocket: WebSocket, panel: str) -> None:
        origin = websocket.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != websocket.headers.get("host"):
            # A page from another site must not drive the lab through the user's browser
            # (cross-site WebSocket hijacking): only the lab's own page, or non-browser
            # clients (no Origin header), may connect.
            await websocket.close(code=1008, reason="cross-origin WebSocket refused")
            return
        session = _session_class(panel)(websocket, frame_interval=app.state.frame_interval)
        await session.serve()

    @app.websocket("/ws/memory")
    async def ws_memory(websocket: WebSocket) -> None:
        await _serve(websocket, "memory")

    @app.websocket("/ws/rbm")
    async def ws_rbm(websocket: WebSocket) -> None:
        await _serve(websocket, "rbm")

    @app.websocket("/ws/ising")
    async def ws_ising(websocket: WebSocket) -> None:
        await _serve(websocket, "ising")

    @app.websocket("/ws/phase")
    async def ws_phase(websocket: WebSocket) -> None:
        await _serve(websocket, "phase")

    return app
