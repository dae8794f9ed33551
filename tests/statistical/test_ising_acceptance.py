"""Acceptance measurements of the Ising Monte Carlo against exact results.

Protocol, fixed in advance: fixed seeds; means compared with exact values
within 3 error bars (binning errors of the chain-averaged series), nonlinear
estimators (C, χ, U₄; block-jackknife errors) within 4; two algorithms agree
within 4 combined error bars on every observable (12-18 comparisons).
Binder crossings must lie within 1% of the exact T_c (the issue's criterion;
the finite-size shift of the (8, 16) crossing is a few 0.1%). The default
tests run reduced sizes (``ACCEPTANCE_SETTINGS["quick"]``); ``-m slow`` runs
the sizes reported in docs/ising.md (``"full"``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from spinnet.experiments import ising_acceptance as acc
from spinnet.experiments import ising_simulate as sim
from spinnet.experiments.ising_anneal import PARISI_E0
from spinnet.models import BaxterWu, EdwardsAnderson, SherringtonKirkpatrick, SquareIsing
from spinnet.samplers import anneal
from spinnet.theory import enumeration

QUICK = acc.ACCEPTANCE_SETTINGS["quick"]
FULL = acc.ACCEPTANCE_SETTINGS["full"]


def _check_kaufman(rows):
    for r in rows:
        assert r["converged"], r
        assert abs(r["E_z"]) <= 3.0, r
        assert abs(r["C_z"]) <= 4.0, r


def _check_yang(res):
    # |<|M|>_L - m0| <= 3σ + 1e-5 and <|M|>_L = <|M|>_{L/2} within 3σ + 1e-5 (see the docstring)
    assert res["passed"], res
    assert res["finite_size_estimate"] < 1e-5


def _check_agreement(rows):
    for r in rows:
        assert abs(r["z"]) <= 4.0, r


# ---------------------------------------------------------------------------- (a)
def test_energy_matches_kaufman_quick():
    _check_kaufman(acc.kaufman_energy_check(seed=0, **QUICK["kaufman"]))


def test_magnetization_matches_yang_quick():
    _check_yang(acc.yang_magnetization_check(seed=1, **QUICK["yang"]))


@pytest.mark.slow
def test_energy_matches_kaufman_L64():
    _check_kaufman(acc.kaufman_energy_check(seed=0, **FULL["kaufman"]))


@pytest.mark.slow
def test_magnetization_matches_yang_L64():
    _check_yang(acc.yang_magnetization_check(seed=1, **FULL["yang"]))


# ---------------------------------------------------------------------------- (b)
def test_binder_crossing_isotropic_quick():
    res = acc.binder_crossings(1.0, 1.0, 0.0, seed=2, **QUICK["binder"])
    for p in res["pairs"]:
        assert p["passed"], p
        assert p["bootstrap_failures"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("couplings", acc.BINDER_COUPLINGS)
def test_binder_crossings_at_houtappel_tc(couplings):
    res = acc.binder_crossings(*couplings, seed=2, **FULL["binder"])
    assert [(p["L1"], p["L2"]) for p in res["pairs"]] == [(8, 16), (16, 32)]
    for p in res["pairs"]:
        assert p["passed"], p


# ---------------------------------------------------------------------------- (c)
def test_wolff_and_metropolis_agree_quick():
    _check_agreement(acc.algorithm_agreement(seed=3, **QUICK["agreement"]))


def test_wolff_decorrelates_faster_quick():
    res = acc.critical_autocorrelation(seed=4, **QUICK["autocorrelation"])
    # dynamic exponents z ≈ 2.17 (Metropolis) vs ≈ 0.25 (Wolff): an order of magnitude at L = 32
    assert res["ratio"] >= 10.0, res
    assert abs(res["metropolis_absM"] - res["wolff_absM"]) <= 4.0 * np.hypot(
        res["metropolis_absM_err"], res["wolff_absM_err"])


@pytest.mark.slow
def test_wolff_and_metropolis_agree_full():
    _check_agreement(acc.algorithm_agreement(seed=3, **FULL["agreement"]))


@pytest.mark.slow
def test_critical_autocorrelation_L64():
    res = acc.critical_autocorrelation(seed=4, **FULL["autocorrelation"])
    # "orders of magnitude": at least a factor 100 at L = 64
    assert res["ratio"] >= 100.0, res


# ---------------------------------------------------------------------------- (d)
def test_annealing_finds_sk_ground_states():
    res = acc.sk_ground_state_check(seed=5, **FULL["sk_small"])
    assert res["instances"] == 20 and res["N"] == 20
    assert res["success_rate"] >= 0.95, res


def test_annealing_large_sk_below_threshold():
    res = acc.sk_large_check(seed=6, **FULL["sk_large"])
    assert res["N"] == 1000
    assert res["best"] <= -0.74, res
    assert res["best"] >= PARISI_E0 - 0.03  # no state far below the N -> ∞ ground state


# ---------------------------------------------------------------------------- (e) and tools
def test_exact_ground_state_matches_enumeration():
    for model in (SherringtonKirkpatrick(14, rng=1), EdwardsAnderson(3, 2, "gaussian", rng=2),
                  SquareIsing(4, 1.0, -0.5, h=0.3), BaxterWu(3)):
        gs = enumeration.exact_ground_state(model)
        E = np.asarray(model.energy(enumeration.enumerate_states(model.n_spins)))
        assert gs.energy == pytest.approx(E.min(), abs=1e-9)
        assert gs.degeneracy == int(np.sum(E <= E.min() + 1e-9 * max(1, abs(E.min()))))
        assert float(model.energy(gs.spins)) == pytest.approx(E.min(), abs=1e-9)
    with pytest.raises(ValueError, match="N <= 26"):
        enumeration.exact_ground_state(SherringtonKirkpatrick(30, rng=0))


@pytest.mark.parametrize("schedule", ["logarithmic", "geometric", "linear"])
def test_anneal_trace_replays_anneal(schedule):
    model = SherringtonKirkpatrick(24, rng=4)
    ref = anneal(model, schedule, 150, 3, rng=11, T0=3.0)
    tr = anneal(model, schedule, 150, 3, rng=11, T0=3.0, record_energies=True)
    final = tr.energies / 24
    np.testing.assert_array_equal(final, ref.energies / 24)
    assert tr.energy_trace.shape == (3, 150)
    assert np.all(final <= tr.energy_trace[:, -1] + 1e-12)  # the T = 0 quench only lowers E


@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath", "wolff", "sw", "multispin"])
def test_same_seed_same_measurement(algorithm):
    model = SquareIsing(8)
    a = sim.measure(model, 2.3, algorithm, 400, 50, 2, 7, start="up")
    b = sim.measure(model, 2.3, algorithm, 400, 50, 2, 7, start="up")
    c = sim.measure(model, 2.3, algorithm, 400, 50, 2, 8, start="up")
    assert a == b
    assert a["E"] != c["E"]


def test_tempering_task_rows():
    params = {"model": "ising", "L": 4, "algorithm": "pt", "n_sweeps": 400, "n_thermalize": 50,
              "n_chains": 2, "T_ladder": "2.0,2.5,3.0"}
    rows = json.loads(sim.tempering_task(params, np.random.default_rng(0))["rows"])
    assert [r["T"] for r in rows] == [2.0, 2.5, 3.0]
    assert all(0 <= r["swap_acceptance"] <= 1 for r in rows[:-1])


def test_low_temperature_correlation_length():
    assert acc.low_temperature_correlation_length(2.0) == pytest.approx(2.19, abs=0.01)
    # ξ ≈ 1/(8 (K - K_c)) near T_c (half the high-temperature length); undefined above T_c
    assert acc.low_temperature_correlation_length(2.26) > 50
    with pytest.raises(ValueError, match="below T_c"):
        acc.low_temperature_correlation_length(2.5)


def test_parse_temperatures():
    np.testing.assert_allclose(sim.parse_temperatures("2.0:2.6:13"), np.linspace(2.0, 2.6, 13))
    assert sim.parse_temperatures("1.5, 2.0,3").tolist() == [1.5, 2.0, 3.0]
    assert sim.parse_temperatures("2.5:9:1").tolist() == [2.5]
    for bad, text in [("0:1:3", "> 0"), ("1:2", "'a:b:n'"), ("x", "'a:b:n'"), ("1,1", "repeat"),
                      ("1:2:0", ">= 1"), ("nan", "finite"), ("", "empty")]:
        with pytest.raises(ValueError, match=text):
            sim.parse_temperatures(bad)


def test_analyse_matches_exact_for_independent_samples():
    # exact Boltzmann samples of the 3x3 torus: every estimator near its exact value
    model = SquareIsing(3)
    T = 2.5
    states, p = enumeration.exact_distribution(model, T)
    gen = np.random.default_rng(0)
    idx = gen.choice(len(p), size=(4, 20_000), p=p)
    e = np.asarray(model.energy(states))[idx] / 9
    m = states.sum(axis=1)[idx] / 9
    res = sim.analyse(e, m, T, 9)
    ex = enumeration.exact_averages(model, T)
    assert abs(res["E"] - ex.energy) <= 4 * res["E_err"]
    assert abs(res["absM"] - ex.abs_magnetization) <= 4 * res["absM_err"]
    assert abs(res["C"] - ex.specific_heat) <= 4 * res["C_err"]
    assert abs(res["chi"] - ex.susceptibility) <= 4 * res["chi_err"]
    assert res["tau_E"] == pytest.approx(0.5, abs=0.1)
