"""Each panel's WebSocket commands produce the right physics (in-process app, TestClient).

Tolerances: Ising at L = 32 (N = 1024) and T = 1.5 has per-frame fluctuations of
|m| about sqrt(chi T / N) ~ 0.007 and of E/N about sqrt(C T^2 / N) ~ 0.03; means over
>= 20 frames are compared with Yang's and Onsager's values within ~4 sigma (finite-size
corrections at L = 32, T = 1.5 are exponentially small). AGS m at (0.05, 0.3) is 0.991;
a Glauber chain of N = 2000 fluctuates by ~1/sqrt(N) = 0.02 around it.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tests.lab._ws import done, until

from spinnet.lab.codec import decode_bits, encode_bits


# --------------------------------------------------------------------------- memory
def _memory(ws, h=32, w=32):
    ws.send_json({"type": "configure", "height": h, "width": w})
    assert until(ws, done("configure"))[0]["N"] == h * w


def _recall(ws, state, **kw):
    ws.send_json({"type": "recall", "state": state, **kw})
    final, seen = until(ws, done("recall"))
    frames = [m for m in seen if m["type"] == "frame"]
    return final, frames


def test_memory_recalls_a_random_pattern_from_25_percent_flips(client, rng):
    from spinnet.spins import random_patterns

    xi = random_patterns(5, 1024, rng=1).reshape(5, 32, 32)
    with client.websocket_connect("/ws/memory") as ws:
        _memory(ws)
        ws.send_json({"type": "store", "patterns": encode_bits(xi), "rule": "hebbian"})
        info = until(ws, done("store"))[0]
        assert (info["p"], info["N"]) == (5, 1024) and info["alpha"] == pytest.approx(5 / 1024)
        ws.send_json({"type": "corrupt", "state": encode_bits(xi[2]), "flip": 0.25, "seed": 7})
        probe = decode_bits(until(ws, done("corrupt"))[0]["state"])
        assert (probe != xi[2]).sum() == 256          # exactly round(0.25 N) flips
        final, frames = _recall(ws, encode_bits(probe), dynamics="async", seed=3)
    assert frames[0]["sweep"] == 0 and frames[0]["overlaps"][2] == pytest.approx(0.5)
    assert [f["sweep"] for f in frames] == list(range(len(frames)))
    assert final["converged"] and final["best"] == 2
    assert final["overlaps"][2] == 1.0
    energies = [f["energy"] for f in frames]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(energies))
    assert np.array_equal(decode_bits(final["state"]), xi[2])


def test_memory_letters_recall_like_the_browser_acceptance(client):
    """Draw-a-letter scenario: 5 letters (Hebb), 25 % flips, async recall: overlap >= 0.95."""
    body = client.post("/api/patterns", json={"source": "letters", "chars": "AJKMO",
                                              "height": 32, "width": 32}).json()
    xi = decode_bits(body["patterns"])
    with client.websocket_connect("/ws/memory") as ws:
        _memory(ws)
        for k in range(5):   # one at a time, as the page stores drawings
            ws.send_json({"type": "store", "patterns": encode_bits(xi[k])})
            assert until(ws, done("store"))[0]["p"] == k + 1
        ws.send_json({"type": "corrupt", "state": encode_bits(xi[0]), "flip": 0.25, "seed": 1})
        probe = until(ws, done("corrupt"))[0]["state"]
        final, _ = _recall(ws, probe, dynamics="async", seed=2)
    assert final["best"] == 0 and final["overlaps"][0] >= 0.95


@pytest.mark.parametrize("dynamics, T", [("sync", 0.0), ("glauber", 0.05)])
def test_memory_other_dynamics(client, dynamics, T):
    from spinnet.spins import flip, random_patterns

    xi = random_patterns(3, 400, rng=5).reshape(3, 20, 20)
    with client.websocket_connect("/ws/memory") as ws:
        _memory(ws, 20, 20)
        ws.send_json({"type": "store", "patterns": encode_bits(xi), "rule": "pseudo_inverse"})
        until(ws, done("store"))
        probe = flip(xi[1].reshape(-1), 0.2, rng=1).reshape(20, 20)
        final, frames = _recall(ws, encode_bits(probe), dynamics=dynamics, T=T,
                                max_sweeps=20, seed=4)
    assert final["best"] == 1 and final["overlaps"][1] > 0.95
    if dynamics == "glauber":
        assert final["sweeps"] == 20 and len(frames) == 21 and not final["converged"]


def test_memory_corrupt_occlude_clear_and_rules(client):
    xi = np.ones((8, 8), dtype=np.int8)
    with client.websocket_connect("/ws/memory") as ws:
        _memory(ws, 8, 8)
        ws.send_json({"type": "corrupt", "state": encode_bits(xi), "occlude": 0.25})
        out = decode_bits(until(ws, done("corrupt"))[0]["state"])
        assert (out[-2:] == -1).all() and (out[:-2] == 1).all()
        for rule in ("hebbian", "pseudo_inverse", "storkey"):
            ws.send_json({"type": "fill", "alpha": 0.1, "rule": rule, "seed": 1})
            assert until(ws, done("fill"))[0]["p"] == round(0.1 * 64)
        ws.send_json({"type": "clear"})
        assert until(ws, done("clear"))[0]["p"] == 0
        ws.send_json({"type": "recall", "state": encode_bits(xi)})
        err = until(ws, lambda m: m["type"] == "error", fail_on_error=False)[0]
        assert err["field"] == "patterns"


def test_memory_retrieval_collapses_above_alpha_c(client):
    """Mean recall overlap from 10 % noise at N = 400: ~1 at alpha = 0.05, < 0.5 at 0.25
    (alpha_c = 0.138; finite N pushes the collapse to larger alpha)."""
    means = {}
    with client.websocket_connect("/ws/memory") as ws:
        _memory(ws, 20, 20)
        for alpha in (0.05, 0.25):
            ws.send_json({"type": "fill", "alpha": alpha, "seed": 1})
            assert until(ws, done("fill"))[0]["p"] == round(alpha * 400)
            ws.send_json({"type": "probe", "noise": 0.1, "seed": 2, "max_sweeps": 50})
            res = until(ws, done("probe"))[0]
            assert len(res["overlaps"]) == min(64, res["p"])
            means[alpha] = res["mean_overlap"]
    assert means[0.05] > 0.95 and means[0.25] < 0.5


# ---------------------------------------------------------------------------- ising
def _ising_frames(ws, n_frames, **configure):
    ws.send_json({"type": "configure", **configure})
    first, _ = until(ws, lambda m: m["type"] == "frame")
    info = until(ws, done("configure"))[0]
    ws.send_json({"type": "start", "sweeps_per_frame": 20})
    frames = []
    while len(frames) < n_frames:
        m = ws.receive_json()
        if m["type"] == "frame":
            frames.append(m)
    ws.send_json({"type": "stop"})
    stopped, _ = until(ws, done("start"))
    assert stopped["stopped"]
    return first, info, frames


def test_ising_ordered_phase_matches_yang_and_onsager(client):
    from spinnet.theory.ising import energy_per_spin, spontaneous_magnetization

    with client.websocket_connect("/ws/ising") as ws:
        first, info, frames = _ising_frames(ws, 40, L=32, T=1.5, algorithm="metropolis",
                                            seed=1, start="up")
    assert info["T_c"] == pytest.approx(2.269185314213022)
    assert first["sweep"] == 0 and first["abs_m"] == 1.0
    assert decode_bits(frames[-1]["state"]).shape == (32, 32)
    late = frames[10:]
    m = np.mean([f["abs_m"] for f in late])
    e = np.mean([f["energy"] for f in late])
    assert all(f["abs_m"] > 0.9 for f in late)
    assert m == pytest.approx(spontaneous_magnetization(1.5), abs=0.02)
    assert e == pytest.approx(energy_per_spin(1.5), abs=0.03)


def test_ising_random_start_orders_at_T_1_5(client):
    with client.websocket_connect("/ws/ising") as ws:
        _, _, frames = _ising_frames(ws, 60, L=32, T=1.5, algorithm="wolff", seed=2,
                                     start="random")
    assert frames[-1]["abs_m"] > 0.9


@pytest.mark.parametrize("algorithm", ["metropolis", "heat_bath", "wolff"])
def test_ising_disordered_above_tc_and_set_changes_T(client, algorithm):
    with client.websocket_connect("/ws/ising") as ws:
        ws.send_json({"type": "configure", "L": 32, "T": 3.5, "algorithm": algorithm,
                      "seed": 3, "start": "up"})
        until(ws, done("configure"))
        ws.send_json({"type": "start", "sweeps_per_frame": 20})
        frames = [m for m in (ws.receive_json() for _ in range(60)) if m["type"] == "frame"]
        assert np.mean([f["abs_m"] for f in frames[-15:]]) < 0.2
        ws.send_json({"type": "set", "T": 1.2})
        assert until(ws, done("set"))[0]["T"] == 1.2
        later = [m for m in (ws.receive_json() for _ in range(40)) if m["type"] == "frame"]
        assert later[-1]["T"] == 1.2
        ws.send_json({"type": "stop"})
        until(ws, done("stop"))


def test_ising_invalid_couplings(client):
    with client.websocket_connect("/ws/ising") as ws:
        ws.send_json({"type": "configure", "L": 8, "T": 1.0, "Jh": 1, "Jv": 1, "Jd": -1.5})
        err = until(ws, lambda m: m["type"] == "error", fail_on_error=False)[0]
        assert err["field"] == "Jd"
        ws.send_json({"type": "start"})
        assert until(ws, lambda m: m["type"] == "error", fail_on_error=False)[0]["field"] == \
            "type"


# ---------------------------------------------------------------------------- phase
def test_phase_run_inside_and_outside_the_retrieval_region(client):
    with client.websocket_connect("/ws/phase") as ws:
        ws.send_json({"type": "run", "alpha": 0.05, "T": 0.3, "N": 2000, "max_sweeps": 40,
                      "seed": 1})
        res, seen = until(ws, done("run"), 120)
        ms = [m["m"] for m in seen if m["type"] == "overlap"]
        assert len(ms) == 41 and ms[0] == 1.0
        assert res["region"] == "retrieval" and res["m_theory"] == pytest.approx(0.991, 1e-3)
        assert res["m_final"] == pytest.approx(res["m_theory"], abs=0.03)
        assert res["T_M"] == pytest.approx(0.542, abs=2e-3)
        ws.send_json({"type": "run", "alpha": 0.05, "T": 0.8, "N": 2000, "max_sweeps": 40,
                      "seed": 1})
        res = until(ws, done("run"), 120)[0]
        assert res["region"] == "outside" and res["m_theory"] == 0.0
        assert abs(res["m_final"]) < 0.15   # paramagnetic/spin-glass side: m ~ 1/sqrt(N)


# ------------------------------------------------------------------------------ rbm
@pytest.mark.parametrize("principle", ["SML", "CD", "PL", "RM"])
def test_rbm_trains_with_each_principle(client, principle):
    with client.websocket_connect("/ws/rbm") as ws:
        ws.send_json({"type": "configure", "data": "digits", "n_hidden": 32,
                      "principle": principle, "lr": 0.05, "batch_size": 50, "seed": 0})
        f0, _ = until(ws, lambda m: m["type"] == "filters", 60)
        info = until(ws, done("configure"), 60)[0]
        assert (info["n_visible"], info["height"], info["width"]) == (64, 8, 8)
        assert (info["n_train"], info["n_test"]) == (1500, 297)
        assert f0["image"]["shape"] == [32, 8, 8] and sorted(f0["order"]) == list(range(32))
        ws.send_json({"type": "train", "epochs": 2})
        res, seen = until(ws, done("train"), 60)
    assert not res["stopped"] and res["updates"] == 2 * 30
    progress = [m for m in seen if m["type"] == "progress"]
    filters = [m for m in seen if m["type"] == "filters"]
    assert progress and filters
    # initial F = -n_h log 2 - small (W ~ 0.01, zero biases): training moves it by nats
    assert abs(res["free_energy_train"] - (-32 * np.log(2))) > 1.0
    assert np.isfinite(res["free_energy_test"]) and res["pseudo_likelihood"] < 0
    assert filters[-1]["image"]["u8"] != f0["image"]["u8"]


def test_rbm_reconstruct_classify_sample_reset(client):
    from spinnet import datasets

    x, _y = datasets.digits()
    with client.websocket_connect("/ws/rbm") as ws:
        ws.send_json({"type": "configure", "data": "digits", "n_hidden": 64,
                      "principle": "CD", "lr": 0.1, "seed": 1})
        until(ws, done("configure"), 60)
        ws.send_json({"type": "train", "epochs": 5})
        until(ws, done("train"), 120)
        img = encode_bits(x[1600].reshape(8, 8))
        ws.send_json({"type": "reconstruct", "state": img})
        rec = until(ws, done("reconstruct"))[0]["image"]
        assert rec["shape"] == [8, 8]
        ws.send_json({"type": "classify", "state": img})
        cls = until(ws, done("classify"), 60)[0]
        assert len(cls["probs"]) == 10 and sum(cls["probs"]) == pytest.approx(1.0)
        assert cls["label"] == int(np.argmax(cls["probs"]))
        assert cls["accuracy"] > 0.5        # 10 classes: chance is 0.1
        ws.send_json({"type": "sample_start", "n_chains": 4, "k": 2})
        s1, _ = until(ws, lambda m: m["type"] == "samples")
        s2, _ = until(ws, lambda m: m["type"] == "samples")
        assert s1["image"]["shape"] == [4, 8, 8] and s2["sweep"] > s1["sweep"]
        ws.send_json({"type": "sample_stop"})
        job, _ = until(ws, done("sample_start"))
        assert job["stopped"]
        until(ws, done("sample_stop"))
        ws.send_json({"type": "reset", "seed": 1})
        assert until(ws, done("reset"))[0]["n_hidden"] == 64


@pytest.mark.parametrize("T, ordered", [(2.5, True), (5.0, False)])
def test_ising_triangular_couplings_order_below_houtappel_tc(client, T, ordered):
    """J_h = J_v = J_d = 1 is the triangular lattice, T_c = 4/ln 3 = 3.641 (Houtappel)."""
    with client.websocket_connect("/ws/ising") as ws:
        _, info, frames = _ising_frames(ws, 30, L=32, T=T, algorithm="heat_bath", Jh=1,
                                            Jv=1, Jd=1, seed=4, start="up")
    assert info["T_c"] == pytest.approx(4 / np.log(3), rel=1e-9)
    m = np.mean([f["abs_m"] for f in frames[10:]])
    assert (m > 0.9) if ordered else (m < 0.2)
