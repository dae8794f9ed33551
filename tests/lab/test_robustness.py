"""Robustness corpus: malformed or oversized requests against the real server process.

Every case gets a 4xx (REST), an ``error`` message naming the field (WebSocket; the
socket stays open and answers the next command) or a clean close (oversized frame:
1009), and the server keeps serving: ``GET /api/info`` answers 200 after each case.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest

websockets_sync = pytest.importorskip("websockets.sync.client")

BIG = 20 * 1024 * 1024
NEST = "[" * 100000 + "]" * 100000

# (method, path, body (str: raw JSON text, dict: JSON), expected status, field named in loc)
REST_CASES = [
    ("POST", "/api/theory/ags", "{bad json", 422, None),
    ("POST", "/api/theory/ags", "[1, 2]", 422, None),
    ("POST", "/api/theory/ags", "", 422, None),
    ("POST", "/api/theory/ags", '{"alpha": NaN, "T": 0.1}', 422, "alpha"),
    ("POST", "/api/theory/ags", '{"alpha": 0.1, "T": Infinity}', 422, "T"),
    ("POST", "/api/theory/ags", '{"alpha": -Infinity, "T": 0.1}', 422, "alpha"),
    ("POST", "/api/theory/ags", '{"alpha": 1e999, "T": 0.1}', 422, "alpha"),
    ("POST", "/api/theory/ags", {"alpha": "0.1", "T": 0.1}, 422, "alpha"),
    ("POST", "/api/theory/ags", {"alpha": 0.1, "T": True}, 422, "T"),
    ("POST", "/api/theory/ags", {"alpha": 0, "T": 0.1}, 422, "alpha"),
    ("POST", "/api/theory/ags", {"alpha": -1, "T": 0.1}, 422, "alpha"),
    ("POST", "/api/theory/ags", {"alpha": 0.1, "T": -0.1}, 422, "T"),
    ("POST", "/api/theory/ags", {"alpha": 0.1, "T": 1e7}, 422, "T"),
    ("POST", "/api/theory/ags", {"T": 0.1}, 422, "alpha"),
    ("POST", "/api/theory/ags", {"alpha": 0.1}, 422, "T"),
    ("POST", "/api/theory/ags", {"alpha": 0.1, "T": 0.1, "beta": 3}, 422, "beta"),
    ("POST", "/api/theory/ags", NEST, 400, None),
    ("POST", "/api/patterns", {"source": "fonts"}, 422, "source"),
    ("POST", "/api/patterns", {"source": "random", "n": 0}, 422, "n"),
    ("POST", "/api/patterns", {"source": "random", "n": 10**7}, 422, "n"),
    ("POST", "/api/patterns", {"source": "random", "height": 10**7}, 422, "height"),
    ("POST", "/api/patterns", {"source": "random", "width": -5}, 422, "width"),
    ("POST", "/api/patterns", {"source": "random", "seed": -1}, 422, "seed"),
    ("POST", "/api/patterns", {"source": "random", "seed": 2**32}, 422, "seed"),
    ("POST", "/api/patterns", {"source": "random", "seed": 1.5}, 422, "seed"),
    ("POST", "/api/patterns", {"source": "letters", "chars": "A!"}, 422, "chars"),
    ("POST", "/api/patterns", {"source": "letters", "chars": "A" * 65}, 422, "chars"),
    ("POST", "/api/patterns", {"source": "random", "n": [3]}, 422, "n"),
    ("POST", "/api/patterns", {"source": None}, 422, "source"),
    ("POST", "/api/theory/ising", {"T": 0}, 422, "T"),
    ("POST", "/api/theory/ising", {"T": 1.0, "Jv": -1.0}, 422, "Jd"),
    ("POST", "/api/theory/ising", {"T": 1.0, "Jh": "1"}, 422, "Jh"),
    ("GET", "/api/theory/phase-lines?n=0", None, 422, "n"),
    ("GET", "/api/theory/phase-lines?n=10000000", None, 422, "n"),
    ("GET", "/api/theory/phase-lines?n=abc", None, 422, "n"),
    ("GET", "/api/nothing-here", None, 404, None),
    ("POST", "/api/info", None, 405, None),
    ("POST", "/api/patterns", "x" * BIG, 413, None),
    ("POST", "/api/patterns", json.dumps({"source": "random", "pad": "y" * (2 << 20)}), 413,
     None),
]


def _alive(client: httpx.Client) -> None:
    r = client.get("/api/info")
    assert r.status_code == 200 and r.json()["panels"]


@pytest.mark.parametrize("method, path, body, status, field", REST_CASES,
                         ids=[f"rest{i}" for i in range(len(REST_CASES))])
def test_rest_corpus(lab_server, method, path, body, status, field):
    with httpx.Client(base_url=lab_server.url.rstrip("/"), timeout=60) as client:
        kwargs = {}
        if isinstance(body, dict):
            kwargs["json"] = body
        elif isinstance(body, str):
            kwargs["content"] = body.encode()
            kwargs["headers"] = {"content-type": "application/json"}
        r = client.request(method, path, **kwargs)
        assert r.status_code == status, r.text[:300]
        detail = r.json()["detail"]
        if field is not None:
            assert any(field in map(str, e["loc"]) for e in detail), detail
        _alive(client)


# (path, setup commands, bad message: dict, str or bytes, expected: field name or close code)
MEM = [{"type": "configure", "height": 8, "width": 8}]
BITS8 = {"shape": [8, 8], "bits": "AAAAAAAAAAA="}
RBM = [{"type": "configure", "data": "digits", "n_hidden": 8, "seed": 0}]
WS_CASES = [
    ("/ws/memory", [], "{not json", "message"),
    ("/ws/memory", [], "[1, 2, 3]", "message"),
    ("/ws/memory", [], "NaN", "message"),
    ("/ws/memory", [], {"type": "teleport"}, "type"),
    ("/ws/memory", [], {"height": 8}, "type"),
    ("/ws/memory", [], {"type": "configure", "height": 10**7, "width": 8}, "height"),
    ("/ws/memory", [], {"type": "configure", "height": 65, "width": 65}, "height"),
    ("/ws/memory", [], {"type": "configure", "height": "32", "width": 32}, "height"),
    ("/ws/memory", [], {"type": "configure", "height": 8, "width": 8, "depth": 3}, "depth"),
    ("/ws/memory", MEM, {"type": "store", "patterns": {"shape": [9, 9], "bits": "AA=="}},
     "patterns"),
    ("/ws/memory", MEM, {"type": "store", "patterns": {"shape": [8, 8], "bits": "!!!!"}},
     "patterns"),
    ("/ws/memory", MEM, {"type": "store", "patterns": {"shape": [8, 8], "bits": "AAAA"}},
     "patterns"),
    ("/ws/memory", MEM, {"type": "store", "patterns": {"shape": [10**7], "bits": ""}},
     "patterns"),
    ("/ws/memory", MEM, {"type": "store", "patterns": BITS8, "rule": "oja"}, "rule"),
    ("/ws/memory", MEM, {"type": "store"}, "patterns"),
    ("/ws/memory", [*MEM, {"type": "store", "patterns": BITS8}],
     '{"type": "recall", "state": ' + json.dumps(BITS8) + ', "dynamics": "glauber", '
     '"T": NaN}', "T"),
    ("/ws/memory", [*MEM, {"type": "store", "patterns": BITS8}],
     {"type": "recall", "state": BITS8, "dynamics": "chaotic"}, "dynamics"),
    ("/ws/memory", [*MEM, {"type": "store", "patterns": BITS8}],
     {"type": "recall", "state": BITS8, "max_sweeps": 10**7}, "max_sweeps"),
    ("/ws/memory", MEM, {"type": "recall", "state": BITS8}, "patterns"),
    ("/ws/memory", MEM, {"type": "corrupt", "state": BITS8, "flip": 1.5}, "flip"),
    ("/ws/memory", MEM, {"type": "corrupt", "state": BITS8, "flip": -0.1}, "flip"),
    ("/ws/memory", MEM, {"type": "fill", "alpha": 0.1, "seed": -3}, "seed"),
    ("/ws/memory", [], b"\x00\x01binary", "message"),
    ("/ws/memory", [{"type": "configure", "height": 64, "width": 64}],
     {"type": "fill", "alpha": 1.0, "rule": "storkey"}, "alpha"),
    ("/ws/memory", [{"type": "configure", "height": 64, "width": 64}],
     {"type": "fill", "alpha": 1.0, "rule": "pseudo_inverse"}, "alpha"),
    ("/ws/rbm", [], {"type": "configure", "principle": "XYZ"}, "principle"),
    ("/ws/rbm", [], {"type": "configure", "n_hidden": 10**7}, "n_hidden"),
    ("/ws/rbm", [], {"type": "configure", "n_hidden": -5}, "n_hidden"),
    ("/ws/rbm", [], {"type": "configure", "data": "cifar"}, "data"),
    ("/ws/rbm", [], {"type": "configure", "lr": 0}, "lr"),
    ("/ws/rbm", [], {"type": "train", "epochs": 1}, "type"),
    ("/ws/rbm", [], {"type": "reconstruct", "state": BITS8}, "type"),
    ("/ws/rbm", RBM, {"type": "train", "epochs": 10**7}, "epochs"),
    ("/ws/rbm", RBM, {"type": "reconstruct", "state": {"shape": [28, 28], "bits": ""}},
     "state"),
    ("/ws/rbm", RBM, {"type": "sample_start", "n_chains": 1000}, "n_chains"),
    ("/ws/ising", [], {"type": "configure", "L": 10**7}, "L"),
    ("/ws/ising", [], {"type": "configure", "L": 1}, "L"),
    ("/ws/ising", [], {"type": "configure", "algorithm": "sw"}, "algorithm"),
    ("/ws/ising", [], {"type": "configure", "T": -1}, "T"),
    ("/ws/ising", [], '{"type": "configure", "T": NaN}', "T"),
    ("/ws/ising", [], {"type": "configure", "T": 0}, "T"),
    ("/ws/ising", [], {"type": "configure", "Jh": 1, "Jv": -2}, "Jd"),
    ("/ws/ising", [], {"type": "start"}, "type"),
    ("/ws/ising", [{"type": "configure", "L": 8}], {"type": "start",
                                                     "sweeps_per_frame": 10**6},
     "sweeps_per_frame"),
    ("/ws/ising", [{"type": "configure", "L": 8}], {"type": "set", "T": "cold"}, "T"),
    ("/ws/phase", [], {"type": "run", "alpha": 0.1, "T": 0.1, "N": 10**7}, "N"),
    ("/ws/phase", [], {"type": "run", "alpha": 0.9, "T": 0.1}, "alpha"),
    ("/ws/phase", [], {"type": "run", "alpha": 0.1, "T": "hot"}, "T"),
    ("/ws/phase", [], {"type": "run", "alpha": 0.1}, "T"),
    ("/ws/memory", [], "x" * BIG, 1009),
    ("/ws/memory", [], json.dumps({"type": "store", "patterns": {
        "shape": [64, 64], "bits": "A" * (2 << 20)}}), 1009),
]


def _expect_done(ws, command: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = json.loads(ws.recv(timeout=timeout))
        assert msg["type"] != "error", msg
        if msg["type"] == "done" and msg.get("command") == command:
            return
    raise AssertionError(f"no done for {command}")


@pytest.mark.parametrize("path, setup, bad, expected", WS_CASES,
                         ids=[f"ws{i}" for i in range(len(WS_CASES))])
def test_websocket_corpus(lab_server, path, setup, bad, expected):
    from websockets.exceptions import ConnectionClosed

    with websockets_sync.connect(lab_server.ws_url + path.lstrip("/"), max_size=None,
                                 open_timeout=30) as ws:
        for cmd in setup:
            ws.send(json.dumps(cmd))
            _expect_done(ws, cmd["type"])
        ws.send(bad if isinstance(bad, str | bytes) else json.dumps(bad))
        if isinstance(expected, int):
            with pytest.raises(ConnectionClosed) as info:
                while True:
                    ws.recv(timeout=30)
            assert info.value.rcvd is not None and info.value.rcvd.code == expected
        else:
            while True:
                msg = json.loads(ws.recv(timeout=30))
                if msg["type"] == "error":
                    break
            assert msg["field"] == expected, msg
            # the socket survives bad input: a good command still works
            ws.send(json.dumps({"type": "stop"}))
            _expect_done(ws, "stop")
    with httpx.Client(base_url=lab_server.url.rstrip("/"), timeout=60) as client:
        _alive(client)


def test_unknown_websocket_path_is_refused(lab_server):
    from websockets.exceptions import InvalidStatus

    with pytest.raises((InvalidStatus, OSError)):
        with websockets_sync.connect(lab_server.ws_url + "ws/nope", open_timeout=30) as ws:
            ws.recv(timeout=10)
    with httpx.Client(base_url=lab_server.url.rstrip("/"), timeout=60) as client:
        _alive(client)


def test_cross_origin_websocket_is_refused(lab_server):
    """A page of another site cannot drive the lab through the user's browser."""
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    with pytest.raises((ConnectionClosed, InvalidStatus)):
        with websockets_sync.connect(lab_server.ws_url + "ws/ising", open_timeout=30,
                                     origin="http://evil.example") as ws:
            ws.send(json.dumps({"type": "configure", "L": 8}))
            ws.recv(timeout=10)
    same = lab_server.url.rstrip("/")
    with websockets_sync.connect(lab_server.ws_url + "ws/ising", open_timeout=30,
                                 origin=same) as ws:
        ws.send(json.dumps({"type": "configure", "L": 8}))
        _expect_done(ws, "configure")


JOBS = {
    "memory": [{"type": "configure", "height": 32, "width": 32},
               {"type": "fill", "alpha": 0.1, "seed": 0},
               {"type": "probe", "noise": 0.2, "max_sweeps": 500, "seed": 0}],
    "ising": [{"type": "configure", "L": 256, "seed": 0},
              {"type": "start", "sweeps_per_frame": 100}],
    "rbm": [{"type": "configure", "data": "digits", "n_hidden": 100, "seed": 0},
            {"type": "train", "epochs": 1000}],
    "phase": [{"type": "run", "alpha": 0.1, "T": 0.3, "N": 2000, "max_sweeps": 500}],
}


@pytest.mark.parametrize("panel", sorted(JOBS))
@pytest.mark.parametrize("abrupt", [False, True], ids=["close", "drop"])
def test_socket_closed_mid_run(lab_server, panel, abrupt):
    """Close (handshake) or drop (TCP only) the socket while a job runs: the server
    frees the session and keeps serving."""
    ws = websockets_sync.connect(lab_server.ws_url + f"ws/{panel}", max_size=None,
                                 open_timeout=30)
    with ws:
        *setup, job = JOBS[panel]
        for cmd in setup:
            ws.send(json.dumps(cmd))
            _expect_done(ws, cmd["type"])
        ws.send(json.dumps(job))
        while json.loads(ws.recv(timeout=60)).get("running") is not True:
            pass
        if abrupt:
            ws.socket.close()
        else:
            ws.close()
    with httpx.Client(base_url=lab_server.url.rstrip("/"), timeout=60) as client:
        _alive(client)


def test_corpus_size():
    assert len(REST_CASES) + len(WS_CASES) + 2 * len(JOBS) >= 50
