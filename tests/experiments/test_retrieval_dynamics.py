"""Retrieval-dynamics simulations: kernel vs NumPy reference, reproducibility, theory checks."""

import numpy as np
import pytest

from spinnet.experiments import retrieval_dynamics as rd
from spinnet.experiments._errors import OptionError
from spinnet.hopfield._dyn_kernels import sequential_chain, update_site
from spinnet.theory import dynamics as D


def _dense(xi):
    n = xi.shape[1]
    J = xi.T.astype(float) @ xi.astype(float) / n
    np.fill_diagonal(J, 0.0)
    return J


@pytest.mark.parametrize("beta", [np.inf, 1.5])
def test_update_site_matches_numpy_reference(rng, beta):
    n, p = 40, 6
    xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(p, n))
    J = _dense(xi)
    s = rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
    xi_t = np.ascontiguousarray(xi.T)
    M = (xi.astype(np.int64) @ s.astype(np.int64))
    s_ref = s.astype(float).copy()
    for _ in range(400):
        i = int(rng.integers(n))
        u = float(rng.random())
        h = J[i] @ s_ref
        if np.isinf(beta):
            new = np.sign(h) if abs(h) > 1e-12 else s_ref[i]
        else:
            new = 1.0 if u * (1 + np.exp(-2 * beta * h)) < 1 else -1.0
        flipped = update_site(xi_t, s, M, i, u, beta, bool(np.isinf(beta)))
        assert flipped == int(new != s_ref[i])
        s_ref[i] = new
        assert np.array_equal(s, s_ref.astype(np.int8))
        assert np.array_equal(M, xi.astype(np.int64) @ s.astype(np.int64))


def test_sequential_chain_records_and_fixed_point(rng):
    n, p = 300, 15
    xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(p, n))
    s = xi[0].copy()
    s[rng.choice(n, 60, replace=False)] *= -1
    m_out, e_out = np.empty(41), np.empty(41)
    sequential_chain(np.ascontiguousarray(xi.T), s, np.inf, 20, 2, 7, m_out, e_out)
    J = _dense(xi)
    assert m_out[0] == pytest.approx(1 - 2 * 60 / n)
    assert m_out[-1] == pytest.approx(xi[0].astype(float) @ s / n)
    sf = s.astype(float)
    assert e_out[-1] == pytest.approx(-0.5 * sf @ J @ sf / n, abs=1e-12)
    h = J @ sf
    assert np.all(s * h >= -1e-12)  # 20 sweeps at T = 0 reach a fixed point here
    assert np.all(np.diff(e_out) <= 1e-12)  # T = 0 sequential updates never raise E


def test_initial_states_exact_overlap(rng):
    x = rng.choice(np.array([-1, 1], dtype=np.int8), size=1000)
    states, actual = rd.initial_states(x, [0.3, 0.9], 3, rng=1)
    assert states.shape == (6, 1000) and states.dtype == np.int8
    assert np.allclose(states @ x.astype(float) / 1000, np.repeat([0.3, 0.9], 3))
    assert np.allclose(actual, [0.3, 0.9])


def test_same_seed_same_result():
    a = rd.sync_runs(0.1, [0.5], N=500, trials=2, n_samples=2, n_steps=3, rng=5)
    b = rd.sync_runs(0.1, [0.5], N=500, trials=2, n_samples=2, n_steps=3, rng=5)
    assert np.array_equal(a["m"], b["m"]) and np.array_equal(a["energy"], b["energy"])
    c = rd.sequential_runs(0.1, [0.5], N=400, trials=2, n_samples=2, n_sweeps=2, rng=5)
    d = rd.sequential_runs(0.1, [0.5], N=400, trials=2, n_samples=2, n_sweeps=2, rng=5)
    assert np.array_equal(c["m"], d["m"]) and np.array_equal(c["energy"], d["energy"])


def test_sync_matches_gdm_statistically():
    # N = 3000, 16 pattern sets: m(1), m(2) within 4 standard errors of the exact values
    rows, _ = rd.dynamics_rows([0.1], [0.3, 0.6], updates="sync", N=3000, trials=16,
                               n_samples=4, n_sweeps=2, rng=11)
    for r in rows:
        if r["t"] in (1, 2):
            assert abs(r["z_m_exact"]) < 4, r


def test_sync_energy_at_t0_matches_theory():
    # E/N = -m0²/2 - α r/2 + α/2 with r = 1 on average for a fresh start: E/N ≈ -m0²/2
    rows, _ = rd.dynamics_rows([0.1], [0.6], updates="sync", N=2000, trials=8, n_samples=4,
                               n_sweeps=1, rng=3)
    r0 = rows[0]
    assert abs(r0["energy"] + 0.18) < 4 * r0["energy_se"] + 1e-3


def test_sequential_matches_cs_statistically():
    rows, curves = rd.dynamics_rows([0.05], [0.5], updates="sequential", N=2000, trials=8,
                                    n_samples=2, n_sweeps=2, rng=4)
    assert [r["t"] for r in rows] == [0, 1, 2]
    for r in rows[1:]:
        assert abs(r["m"] - r["m_cs"]) < 4 * r["m_se"] + 0.01, r
    assert curves[0]["t_sim"].shape == (21,)


def test_bad_options():
    with pytest.raises(OptionError, match="alpha"):
        rd.dynamics_rows([0.0], [0.5])
    with pytest.raises(OptionError, match="m0"):
        rd.dynamics_rows([0.1], [1.5])
    with pytest.raises(OptionError, match="T"):
        rd.dynamics_rows([0.1], [0.5], updates="sync", T=0.5)
    with pytest.raises(ValueError, match="updates"):
        rd.dynamics_rows([0.1], [0.5], updates="little")
    assert D.sync_m1(0.1, 0.5) > 0.5


@pytest.mark.slow
def test_acceptance_sizes():
    # N = 20,000 synchronous: exact m(1), m(2) within 3.5 s.e.; Amari–Maginu m(2) far off
    rows, _ = rd.dynamics_rows([0.2], [0.6], updates="sync", N=20000, trials=8, n_samples=4,
                               n_sweeps=2, rng=21)
    for r in rows[1:]:
        assert abs(r["z_m_exact"]) < 3.5, r
    assert rows[2]["z_m_am"] > 5
    # N = 10,000 sequential: Coolen–Sherrington within 0.02 over 5 sweeps below α_c
    rows, curves = rd.dynamics_rows([0.1], [0.5], updates="sequential", N=10000, trials=6,
                                    n_samples=2, n_sweeps=5, rng=22)
    c = curves[0]
    th = np.interp(c["t_sim"], c["t_th"], c["m_th"])
    assert np.max(np.abs(c["m_sim"] - th)) < 0.02
