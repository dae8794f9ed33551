"""REST endpoints of the lab: info, patterns, theory numbers against the library."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spinnet.lab.codec import decode_bits


def test_info(client):
    r = client.get("/api/info")
    assert r.status_code == 200
    info = r.json()
    assert info["panels"] == ["memory", "rbm", "ising", "phase"]
    assert info["limits"]["memory_N_max"] == 4096 and info["limits"]["ising_L_max"] == 256
    assert info["limits"]["rbm_hidden_max"] == 1000
    assert info["limits"]["message_bytes_max"] == 1 << 20
    assert isinstance(info["datasets"]["mnist"], bool)


def test_index_missing_front_end_is_a_clean_404(tmp_path):
    from fastapi.testclient import TestClient

    from spinnet.lab import create_app

    with TestClient(create_app(static_dir=tmp_path, prewarm=False)) as c:
        r = c.get("/")
        assert r.status_code == 404 and "front end" in r.json()["detail"]
        assert c.get("/static/app.js").status_code == 404
        (tmp_path / "index.html").write_text("<!doctype html><title>lab</title>")
        (tmp_path / "app.js").write_text("export {};")
        assert c.get("/").status_code == 200 and "lab" in c.get("/").text
        assert c.get("/static/app.js").status_code == 200


@pytest.mark.parametrize("source", ["letters", "digits", "random"])
def test_patterns(client, source):
    r = client.post("/api/patterns", json={"source": source, "n": 3, "height": 12,
                                           "width": 10, "seed": 4})
    assert r.status_code == 200, r.text
    body = r.json()
    xi = decode_bits(body["patterns"])
    assert xi.shape == (3, 12, 10) and set(np.unique(xi)) <= {-1, 1}
    assert len(body["labels"]) == 3
    again = client.post("/api/patterns", json={"source": source, "n": 3, "height": 12,
                                               "width": 10, "seed": 4}).json()
    assert again == body  # same seed, same patterns


def test_letters_are_the_library_glyphs(client):
    from spinnet.datasets import letters

    body = client.post("/api/patterns", json={"source": "letters", "chars": "AB",
                                              "height": 32, "width": 32}).json()
    assert body["labels"] == ["A", "B"]
    assert np.array_equal(decode_bits(body["patterns"]).reshape(2, -1), letters("AB", 32))


def test_mnist_patterns_or_404(client, monkeypatch, tmp_path):
    from spinnet.datasets import default_mnist_path

    if default_mnist_path() is not None:
        r = client.post("/api/patterns", json={"source": "mnist", "n": 2, "height": 28,
                                               "width": 28, "seed": 0})
        assert r.status_code == 200 and decode_bits(r.json()["patterns"]).shape == (2, 28, 28)
    monkeypatch.setenv("SPINNET_DATA", str(tmp_path))
    import spinnet.datasets.mnist as mn

    def nowhere(*a, **k):
        raise mn.MnistNotFoundError("no MNIST here")

    monkeypatch.setattr(mn, "resolve_mnist_dir", nowhere)
    monkeypatch.setattr("spinnet.datasets.resolve_mnist_dir", nowhere)
    r = client.post("/api/patterns", json={"source": "mnist", "n": 2})
    assert r.status_code == 404 and "spinnet data fetch mnist" in r.json()["detail"]


def test_theory_ags_matches_the_library(client):
    from spinnet.theory.hopfield import ags_solve, t_c, t_g, t_m

    r = client.post("/api/theory/ags", json={"alpha": 0.05, "T": 0.3})
    assert r.status_code == 200
    body = r.json()
    sol = ags_solve(0.05, 0.3)
    assert body["m"] == pytest.approx(sol.m, abs=1e-12)
    assert body["q"] == pytest.approx(sol.q, abs=1e-12)
    assert body["T_M"] == pytest.approx(t_m(0.05, tol=1e-4), abs=1e-12)
    assert body["T_c"] == pytest.approx(t_c(0.05, tol=1e-4), abs=1e-12)
    assert body["T_g"] == pytest.approx(t_g(0.05))
    # T_c(0.05) = 0.216 < 0.3 < T_M(0.05) = 0.542: retrieval states are metastable there
    assert body["phase"] == "retrieval-metastable"
    phases = {(0.05, 0.1): "retrieval", (0.2, 0.1): "spin-glass", (0.05, 1.5): "paramagnet"}
    for (a, T), phase in phases.items():
        assert client.post("/api/theory/ags", json={"alpha": a, "T": T}).json()["phase"] == phase


def test_phase_lines(client):
    body = client.get("/api/theory/phase-lines", params={"n": 3}).json()
    n = len(body["alpha"])
    assert all(len(body[k]) == n for k in ("T_M", "T_c", "T_g", "T_R"))
    assert body["alpha_c"] == pytest.approx(0.138, abs=1e-3)
    assert body["T_M"][0] == pytest.approx(1.0, abs=0.1)   # T_M -> 1 as alpha -> 0
    assert body["T_M"][-1] is None and body["T_g"][-1] == pytest.approx(1 + math.sqrt(0.5))
    assert all(tc <= tm + 1e-9 for tc, tm in zip(body["T_c"][:3], body["T_M"][:3],
                                                  strict=True))


def test_theory_ising(client):
    from spinnet.theory.ising import energy_per_spin, onsager_tc, spontaneous_magnetization

    body = client.post("/api/theory/ising", json={"T": 1.5}).json()
    assert body["T_c"] == pytest.approx(onsager_tc(), rel=1e-12)
    assert body["T_c"] == pytest.approx(2 / math.log(1 + math.sqrt(2)), rel=1e-12)
    assert body["energy"] == pytest.approx(energy_per_spin(1.5))
    assert body["abs_m"] == pytest.approx(spontaneous_magnetization(1.5))
    assert client.post("/api/theory/ising", json={"T": 3.0}).json()["abs_m"] == 0.0
    tri = client.post("/api/theory/ising", json={"T": 1.0, "Jh": 1, "Jv": 1, "Jd": 1}).json()
    assert tri["T_c"] == pytest.approx(4 / math.log(3), rel=1e-9)   # triangular lattice
    assert tri["energy"] is None and tri["abs_m"] is None
    bad = client.post("/api/theory/ising", json={"T": 1.0, "Jh": 1, "Jv": -1, "Jd": 0})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "Jd"
