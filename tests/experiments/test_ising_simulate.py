"""Multi-size simulation and the Binder-crossing T_c of the 2D Ising model (experiments tier)."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from spinnet.experiments import ising_simulate as sim
from spinnet.theory.ising import ONSAGER_TC

PARAMS = {"model": "ising", "L": 8, "J_h": 1.0, "J_v": 1.0, "J_d": 0.0, "h": 0.0,
          "algorithm": "wolff", "n_sweeps": 2000, "n_thermalize": 200, "n_chains": 4,
          "measure_every": 1, "start": "up"}
T_GRID = np.round(np.linspace(2.15, 2.39, 7), 10)


def _csv(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def two_sizes(tmp_path_factory):
    out = tmp_path_factory.mktemp("ising_8_16")
    calls = []
    rows, summary = sim.simulate_experiment(
        PARAMS, T_GRID, out, sizes=(16, 8), seed=0, n_workers=1,
        progress=lambda stage, done, total: calls.append((stage, done, total)))
    return out, rows, summary, calls


def test_binder_crossing_finds_onsager_tc(two_sizes):
    # Protocol fixed in advance: L = 8, 16 Wolff, 7 temperatures in [2.15, 2.39], 2000 sweeps
    # x 4 chains, seed 0. The (8, 16) crossing must agree with Onsager's T_c = 2.269185
    # within 3 bootstrap errors plus a finite-size allowance of 0.005 (0.2% of T_c; the
    # U4 crossings of the square torus converge like L^(-1/nu - omega), omega ~ 2).
    _, _, summary, _ = two_sizes
    cross = summary["binder_crossing"]
    assert 0 < cross["T_c_err"] < 0.02
    assert abs(cross["T_c"] - ONSAGER_TC) <= 3 * cross["T_c_err"] + 0.005, cross
    # the crossing value estimates the universal U4* = 0.61069 (Salas & Sokal 2000)
    assert abs(cross["U4_c"] - sim.U4_CRITICAL) <= 3 * cross["U4_c_err"] + 0.01, cross
    assert [(p["L1"], p["L2"]) for p in cross["pairs"]] == [(8, 16)]
    assert cross["pairs"][0]["bootstrap_failures"] < 0.01 * cross["n_bootstrap"]


def test_multi_size_table_figures_and_progress(two_sizes):
    out, _, summary, calls = two_sizes
    table = _csv(out / "ising.csv")
    assert [(int(r["L"]), float(r["T"])) for r in table] == \
        [(L, float(t)) for L in (8, 16) for t in T_GRID]
    assert all(r["E_exact"] for r in table)                     # Kaufman per L
    assert summary["sizes"] == [8, 16] and summary["tasks_run"] == 14
    assert summary["stored"] == summary["tasks_total"] == 14
    assert len(_csv(out / "binder.csv")) == 1
    assert (out / "binder.png").stat().st_size > 10_000
    assert (out / "ising.png").stat().st_size > 20_000
    # progress per size, ending complete
    last = {stage: (done, total) for stage, done, total in calls}
    assert last == {"L = 8": (7, 7), "L = 16": (7, 7)}


def test_adding_a_size_reuses_stored_temperatures(two_sizes, tmp_path):
    # A size added later runs only its own tasks; the stored ones are unchanged
    # (each task's stream depends only on the seed and its parameters).
    _, rows, _, _ = two_sizes
    first, s1 = sim.simulate_experiment(PARAMS, T_GRID[:3], tmp_path, seed=0, n_workers=1)
    assert s1["tasks_run"] == 3 and "binder_crossing" not in s1
    both, s2 = sim.simulate_experiment(PARAMS, T_GRID[:3], tmp_path, sizes=(8, 16), seed=0,
                                       n_workers=1)
    assert s2["tasks_run"] == 3
    assert [r for r in both if r["L"] == 8] == first
    # the same (L, T) tasks give the same numbers as in the 7-temperature run
    ref = {(r["L"], r["T"]): r["E"] for r in rows}
    assert all(ref[(r["L"], r["T"])] == r["E"] for r in both)


def test_store_of_another_seed_is_refused_unless_overwrite(tmp_path):
    sim.simulate_experiment(PARAMS, [2.3], tmp_path, seed=1, n_workers=1)
    with pytest.raises(ValueError, match="seed"):
        sim.simulate_experiment(PARAMS, [2.3], tmp_path, seed=2, n_workers=1)
    rows, summary = sim.simulate_experiment(PARAMS, [2.3], tmp_path, seed=2, n_workers=1,
                                            overwrite=True)
    assert summary["tasks_run"] == 1 and len(rows) == 1


def test_check_temperatures():
    np.testing.assert_array_equal(sim.check_temperatures([2.0, 2.05000000000001]),
                                  [2.0, 2.05])
    for bad, text in [([0.0, 1.0], "> 0"), ([1.0, 1.0], "repeat"), ([np.inf], "finite"),
                      ([], "non-empty")]:
        with pytest.raises(ValueError, match=text):
            sim.check_temperatures(bad)
