"""Sequence memories: asymmetric couplings, synchronous replay, delayed synapses."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import erfc

from spinnet.experiments.memories import (
    delayed_replay,
    sequence_capacity,
    sequence_theory,
    sequence_theory_capacity,
)
from spinnet.hopfield import (
    DelayedSequenceNetwork,
    SequenceMemory,
    sequence_couplings,
    sequence_replay,
)
from spinnet.hopfield import _kernels as _k
from spinnet.spins import flip, random_patterns


def _reference_replay(J, s, n_steps):
    out = [s.copy()]
    for _ in range(n_steps):
        h = J @ s
        s = np.where(h > 1e-12, 1, np.where(h < -1e-12, -1, s))
        out.append(s.copy())
    return np.array(out)


@pytest.mark.parametrize("cyclic", [True, False])
def test_couplings_and_lowrank_replay_match_dense_reference(cyclic):
    xi = random_patterns(30, 100, rng=0)  # alpha = 0.3: noisy, with ties (N even)
    J = sequence_couplings(xi, cyclic=cyclic)
    src = xi if cyclic else xi[:-1]
    dst = np.roll(xi, -1, axis=0) if cyclic else xi[1:]
    ref = dst.T.astype(float) @ src / 100
    np.fill_diagonal(ref, 0.0)
    np.testing.assert_allclose(J, ref)
    assert not np.allclose(J, J.T)
    probes = np.concatenate([xi[:3], flip(xi[3:6], 0.2, rng=1)])
    states, ov = sequence_replay(xi, probes, 12, cyclic=cyclic)
    for b in range(len(probes)):
        traj = _reference_replay(J, probes[b].astype(float), 12)
        assert np.array_equal(states[b], traj[-1])
        np.testing.assert_allclose(ov[b], traj @ xi.T / 100)


def test_replay_steps_through_the_cycle_at_low_load():
    xi = random_patterns(20, 400, rng=2)
    mem = SequenceMemory().fit(xi)
    _, m = mem.replay(xi[0], 45)
    for t in range(46):
        assert m[t, t % 20] == 1.0
    # open sequence: exact for the first p - 1 steps
    _, m = SequenceMemory(cyclic=False).fit(xi).replay(xi[0], 19)
    assert np.all(m[np.arange(20), np.arange(20)] == 1.0)
    # from a noisy start it locks onto the sequence
    _, m = mem.replay(flip(xi[5], 0.2, rng=3), 10)
    assert m[10, 15] == 1.0


def test_theory_capacity_is_duering_coolen_sherrington():
    alpha_c, m_c = sequence_theory_capacity()
    assert abs(alpha_c - 0.269) < 1e-3
    assert 0.8 < m_c < 0.9
    m, _ = sequence_theory(0.25, 100)
    assert m[-1] > 0.9
    m, _ = sequence_theory(0.28, 100)
    assert m[-1] < 1e-3


def test_simulated_overlap_dynamics_follow_theory():
    """N = 4000, alpha = 0.22: m(t) of the replayed pattern for t = 1..8 vs the exact
    N -> inf recursion, within 4 standard errors of the mean over 3 sets (+ 0.005
    for the O(1/N) finite-size bias)."""
    n, alpha, steps = 4000, 0.22, 8
    p = round(alpha * n)
    ms = []
    for r in range(3):
        xi = random_patterns(p, n, rng=10 + r)
        _, ov = sequence_replay(xi, flip(xi[0], 0.3, rng=20 + r), steps)
        ms.append(ov[np.arange(steps + 1), np.arange(steps + 1) % p])
    ms = np.array(ms)
    theory, _ = sequence_theory(alpha, steps, m0=0.4)
    se = ms.std(axis=0, ddof=1) / np.sqrt(len(ms))
    assert np.all(np.abs(ms.mean(axis=0) - theory)[1:] < 4 * se[1:] + 0.005), (ms, theory)


def test_capacity_experiment_small():
    rows = sequence_capacity([400], [0.18, 0.36], n_sets=3, n_starts=2, n_steps=60, rng=1)
    assert rows[0]["fraction"] == 1.0 and rows[1]["fraction"] == 0.0
    again = sequence_capacity([400], [0.18, 0.36], n_sets=3, n_starts=2, n_steps=60, rng=1)
    assert again == rows


# ----------------------------------------------------------------------- delayed synapses
def _numpy_delayed(J_sym, J_delay, s, tau, beta, orders, uniforms, patterns):
    n = s.shape[0]
    hist = [s.astype(float).copy()]
    ov = [patterns @ s / n]
    s = s.astype(float).copy()
    tol = 1e-10 * (np.abs(J_sym).sum(1).max() + np.abs(J_delay).sum(1).max())
    for t in range(orders.shape[0]):
        k = t + 1 - tau
        g = J_delay @ hist[k] if k >= 0 else np.zeros(n)
        for kk, i in enumerate(orders[t]):
            f = J_sym[i] @ s + g[i]
            if np.isinf(beta):
                s[i] = 1 if f > tol else -1 if f < -tol else s[i]
            else:
                s[i] = 1 if uniforms[t, kk] * (1 + np.exp(-2 * beta * f)) < 1 else -1
        hist.append(s.copy())
        ov.append(patterns @ s / n)
    return s, np.array(ov)


@pytest.mark.parametrize("beta", [np.inf, 2.0])
def test_delayed_kernel_matches_numpy_reference(beta):
    gen = np.random.default_rng(4)
    xi = random_patterns(5, 40, rng=gen)
    net = DelayedSequenceNetwork(lam=1.7, tau=3).fit(xi)
    orders = np.argsort(gen.random((12, 40)), axis=1)
    uniforms = gen.random((12, 40))
    s0 = flip(xi[0], 0.1, rng=gen)
    s = s0.copy()
    ov = np.zeros((13, 5))
    _k.delayed_sequence_chain(net.couplings_, 1.7 * net.sequence_couplings_, s, 3, beta,
                              orders, uniforms, xi, ov)
    s_ref, ov_ref = _numpy_delayed(net.couplings_, 1.7 * net.sequence_couplings_, s0, 3, beta,
                                   orders, uniforms, xi.astype(float))
    assert np.array_equal(s, s_ref)
    np.testing.assert_allclose(ov, ov_ref)


def test_delayed_network_replays_ten_patterns_each_held_tau():
    """Acceptance: 10-pattern sequence, async dynamics, each overlap peak >= 0.9,
    each pattern leads for tau .. tau + 2 sweeps, in the stored order."""
    tau = 8
    res = delayed_replay(400, 10, lam=2.0, tau=tau, rng=5)
    assert res["order_ok"]
    assert np.all(res["peaks"] >= 0.9), res["peaks"]
    assert np.all((res["dwell"] >= tau) & (res["dwell"] <= tau + 2)), res["dwell"]
    # lam < 1: the delayed push loses against the symmetric part; stays on ξ^1
    weak = delayed_replay(400, 10, lam=0.6, tau=tau, n_sweeps=40, rng=5)
    assert np.all(np.argmax(weak["overlaps"], axis=1) == 0)


def test_delayed_network_at_finite_temperature_and_reproducible():
    xi = random_patterns(10, 300, rng=6)
    net = DelayedSequenceNetwork(lam=2.0, tau=6).fit(xi)
    a = net.replay(n_sweeps=70, temperature=0.2, rng=7)
    b = net.replay(n_sweeps=70, temperature=0.2, rng=7)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    lead = np.argmax(a[1], axis=1)
    assert set(lead[:70].tolist()) == set(range(10))
    assert a[1].max(axis=0).min() > 0.8  # T = 0.2 << 1: overlaps stay high


def test_save_load_roundtrip(tmp_path):
    xi = random_patterns(6, 50, rng=8)
    mem = SequenceMemory(cyclic=False).fit(xi)
    mem.save(tmp_path / "seq")
    back = SequenceMemory.load(tmp_path / "seq")
    assert back.cyclic is False and np.array_equal(back.patterns_, xi)
    net = DelayedSequenceNetwork(lam=1.5, tau=4).fit(xi)
    net.save(tmp_path / "del")
    back = DelayedSequenceNetwork.load(tmp_path / "del")
    assert (back.lam, back.tau) == (1.5, 4)
    assert np.array_equal(back.replay(n_sweeps=10, rng=1)[1], net.replay(n_sweeps=10, rng=1)[1])


# ------------------------------------------------------------------------------ bad input
def test_bad_input():
    with pytest.raises(ValueError, match="patterns must"):
        SequenceMemory().fit(np.zeros((0, 10)))
    with pytest.raises(ValueError, match="at least 2 patterns"):
        SequenceMemory().fit(random_patterns(1, 10, rng=0))
    with pytest.raises(ValueError, match="only -1 and \\+1"):
        sequence_couplings(np.full((3, 10), 0.5))
    with pytest.raises(ValueError, match="tau must be >= 1"):
        DelayedSequenceNetwork(tau=0)
    with pytest.raises(ValueError, match="tau must be >= 1"):
        DelayedSequenceNetwork(tau=-3)
    with pytest.raises(TypeError, match="tau must be an integer"):
        DelayedSequenceNetwork(tau=2.5)
    with pytest.raises(ValueError, match="lam must be > 0"):
        DelayedSequenceNetwork(lam=0.0)
    with pytest.raises(ValueError, match="n_steps"):
        sequence_replay(random_patterns(3, 10, rng=0), np.ones(10), 0)
    with pytest.raises(ValueError, match="probes must have N = 10"):
        sequence_replay(random_patterns(3, 10, rng=0), np.ones(9), 2)
    with pytest.raises(RuntimeError, match="not fitted"):
        DelayedSequenceNetwork().replay()


# ------------------------------------------------------------------ capacity analysis tools
def test_probit_fit_and_extrapolation_recover_synthetic_truth():
    from spinnet.experiments.memories import extrapolate_capacity, fit_sequence_capacity

    gen = np.random.default_rng(0)
    rows = []
    truth = {1000: 0.26, 4000: 0.265}
    for n, ac in truth.items():
        for a in np.linspace(0.24, 0.29, 11):
            q = 0.5 * erfc((a - ac) / (np.sqrt(2) * 0.004))
            sets = (gen.random((200, 4)) < q).mean(axis=1).tolist()
            rows.append({"N": n, "alpha": a, "trials": 800, "set_fractions": sets})
    fits = fit_sequence_capacity(rows, n_boot=30, rng=1)
    for f in fits:
        assert abs(f["alpha_c"] - truth[f["N"]]) < 4 * f["alpha_c_err"] + 1e-4, f
        assert 0.002 < f["width"] < 0.006
    exact = [{"N": n, "alpha_c": 0.27 - 0.5 * n ** -0.5, "alpha_c_err": 1e-4}
             for n in (500, 1000, 2000, 4000)]
    e = extrapolate_capacity(exact, exponent=0.5)
    assert abs(e["alpha_inf"] - 0.27) < 1e-9 and e["chi2"] < 1e-12
    e = extrapolate_capacity(exact)
    assert abs(e["alpha_inf"] - 0.27) < 1e-6 and abs(e["nu"] - 0.5) < 1e-4


@pytest.mark.slow
def test_sequence_capacity_extrapolates_to_0_269():
    """Reduced version of the docs measurement (N = 500 … 4000, 8 sequences x 4 starts
    per load): α_c(N) grows with N and the extrapolations with ν = 1/2, 2/3 and 1 all
    lie within 0.02 of 0.269 (Düring, Coolen & Sherrington 1998). Several minutes."""
    from spinnet.experiments.memories import extrapolate_capacity, fit_sequence_capacity

    rows = sequence_capacity([500, 1000, 2000, 4000], np.linspace(0.245, 0.28, 8).tolist(),
                             n_sets=8, n_steps=200, rng=11)
    fits = fit_sequence_capacity(rows, n_boot=50, rng=0)
    ac = [f["alpha_c"] for f in fits]
    assert ac == sorted(ac)
    for nu in (0.5, 2 / 3, 1.0):
        assert abs(extrapolate_capacity(fits, exponent=nu)["alpha_inf"] - 0.269) < 0.02
