"""Discrete dense associative memory: exact energy gaps, async descent, capacity, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinnet.experiments.dense import exp_one_step, measure_capacity, stable_fraction
from spinnet.hopfield import HopfieldNetwork
from spinnet.hopfield.dense import (
    DenseAssociativeMemory,
    dense_energy,
    dense_local_fields,
    parse_interaction,
)
from spinnet.spins import flip, random_patterns
from spinnet.theory.dense import poly_capacity

INTERACTIONS = ["poly:2", "poly:3", "poly:4", "rectified:3", "exp"]


def _brute_energy(xi, s, spec):
    kind, n = parse_interaction(spec)
    x = xi.astype(float) @ s.astype(float)
    f = {"poly": lambda v: v ** n, "rectified": lambda v: np.maximum(v, 0) ** n,
         "exp": np.exp}[kind]
    return -f(x).sum()


@pytest.mark.parametrize("spec", INTERACTIONS)
def test_local_fields_are_exact_energy_gaps(spec):
    xi = random_patterns(7, 12, rng=0)
    states = random_patterns(4, 12, rng=1)
    h = dense_local_fields(xi, states, spec)
    for b, s in enumerate(states):
        for i in range(12):
            up, down = s.copy(), s.copy()
            up[i], down[i] = 1, -1
            gap = _brute_energy(xi, down, spec) - _brute_energy(xi, up, spec)
            if spec == "exp":  # scaled by e^{-max x}: compare signs and ratios
                scale = np.exp(-(xi.astype(float) @ s).max())
                assert h[b, i] == pytest.approx(gap * scale, rel=1e-9, abs=1e-12)
            else:
                assert h[b, i] == gap
    e = dense_energy(xi, states, spec)
    assert np.allclose(e, [_brute_energy(xi, s, spec) for s in states], rtol=1e-12)


def test_degree_two_is_the_hopfield_energy():
    """E_DAM(n=2) = -Σ (ξ·s)² = 2N E_Hebb - pN."""
    xi = random_patterns(9, 40, rng=2)
    s = random_patterns(5, 40, rng=3)
    hop = HopfieldNetwork("hebbian").fit(xi)
    dam = DenseAssociativeMemory("poly:2").fit(xi)
    assert np.allclose(dam.energy(s), 2 * 40 * hop.energy(s) - 9 * 40)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), spec=st.sampled_from(INTERACTIONS),
       p=st.integers(1, 30), n=st.integers(2, 24))
def test_async_recall_never_increases_energy(seed, spec, p, n):
    rng = np.random.default_rng(seed)
    xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(p, n))
    s0 = rng.choice(np.array([-1, 1], dtype=np.int8), size=(3, n))
    dam = DenseAssociativeMemory(spec).fit(xi)
    out, tr = dam.recall(s0, rng=seed, max_sweeps=50, return_trajectory=True)
    brute = np.array([[_brute_energy(xi, s, spec) for s in out]])
    assert np.allclose(tr.energy[-1], brute, rtol=1e-12)
    d = np.diff(tr.energy, axis=0)
    assert (d <= 1e-9 * np.abs(tr.energy[:-1])).all()
    # a sweep with flips lowers the energy strictly
    assert (d[tr.flips > 0] < 0).all()
    conv = tr.converged
    assert np.all(dam.is_stable(out)[conv])


def test_kernel_matches_numpy_reference_flip_by_flip():
    """Same visiting orders → same states; every single flip lowers E exactly."""
    xi = random_patterns(15, 20, rng=4)
    s0 = random_patterns(2, 20, rng=5)
    for spec in ("poly:3", "exp"):
        dam = DenseAssociativeMemory(spec).fit(xi)
        out = dam.recall(s0, rng=7, max_sweeps=20)
        gen = np.random.default_rng(7)
        s = s0.copy()
        active = np.ones(2, bool)
        base = np.tile(np.arange(20), (2, 1))
        for _ in range(20):
            order = gen.permuted(base, axis=1)
            flips = np.zeros(2, int)
            for b in range(2):
                if not active[b]:
                    continue
                for i in order[b]:
                    h = dense_local_fields(xi, s[b], spec)[i]
                    new = 1 if h > 0 else (-1 if h < 0 else s[b, i])
                    if new != s[b, i]:
                        before = _brute_energy(xi, s[b], spec)
                        s[b, i] = new
                        assert _brute_energy(xi, s[b], spec) < before
                        flips[b] += 1
            active &= flips > 0
            if not active.any():
                break
        assert np.array_equal(out, s)


def test_same_seed_same_result():
    xi = random_patterns(50, 30, rng=0)
    dam = DenseAssociativeMemory("poly:3").fit(xi)
    probes = flip(xi[:10], 0.3, rng=1)
    assert np.array_equal(dam.recall(probes, rng=3), dam.recall(probes, rng=3))
    assert dam.recall(probes[0], rng=3).shape == (30,)


def test_dense_memory_beyond_hopfield_capacity():
    xi = random_patterns(300, 100, rng=0)  # alpha = 3, twenty times Hebb's 0.14
    dam = DenseAssociativeMemory("poly:3").fit(xi)
    out = dam.recall(flip(xi[:20], 0.1, rng=1), rng=2)
    assert (dam.overlaps(out).diagonal() == 1).all()
    assert dam.load_ == 3.0


def test_exponential_dam_ten_n_patterns_one_step():
    """Acceptance: N = 64, p = 640 = 10 N, one synchronous step from 10 % noise."""
    r = exp_one_step(64, 640, 0.1, n_probes=640, rng=0)
    assert r["one_step_exact"] == 1.0
    assert r["async_exact"] == 1.0


def test_measured_capacity_matches_signal_to_noise_theory():
    """poly:3 at N = 100: the 99 %-stable capacity vs the finite-N SNR prediction.

    The measured crossing is bracketed by grid points a factor 1.25 apart and
    ~1000 patterns are tested per point (binomial error 0.3 % on 1 % failures):
    the estimate is good to about ±15 %, the theory (Gaussian noise,
    independent spins) to a few %. Tolerance 20 %.
    """
    r = measure_capacity(100, "poly:3", n_trials=2, n_probes=500, rng=0)
    theory = poly_capacity(100, 3)
    assert abs(r["p_c"] / theory - 1) < 0.2, (r, theory)
    assert r["fraction_low"] >= 0.99 > r["fraction_high"]


def test_stable_fraction_limits():
    f, n = stable_fraction(50, 1, "poly:3", rng=0, min_tested=10, n_trials=10)
    assert f == 1.0 and n == 10
    f, _ = stable_fraction(20, 2000, "poly:2", rng=0, n_probes=100, n_trials=1)
    assert f < 0.05  # alpha = 100: nothing is stable


def test_parse_and_bad_input():
    assert parse_interaction("poly:3") == ("poly", 3)
    assert parse_interaction("exp") == ("exp", 0)
    for bad in ("poly", "poly:x", "poly:1", "exp:2", "cubic"):
        with pytest.raises(ValueError):
            parse_interaction(bad)
    with pytest.raises(TypeError):
        parse_interaction(3)
    dam = DenseAssociativeMemory("exp")
    with pytest.raises(RuntimeError, match="fit"):
        dam.recall(np.ones(4))
    with pytest.raises(ValueError, match="empty"):
        dam.fit(np.ones((0, 4)))
    with pytest.raises(ValueError, match="finite"):
        dam.fit(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="-1 and \\+1"):
        dam.fit(np.array([[1, 0]]))
    dam.fit(np.ones((2, 4)))
    with pytest.raises(ValueError, match="N = 4"):
        dam.recall(np.ones(5))
    with pytest.raises(ValueError, match="max_sweeps"):
        dam.recall(np.ones(4), max_sweeps=0)
    # a failed fit leaves the memory as it was
    with pytest.raises(ValueError):
        dam.fit(np.array([[1, 2, 1, 1]]))
    assert dam.patterns_.shape == (2, 4)


@pytest.mark.slow
@pytest.mark.parametrize("degree,sizes,trials", [(2, [1000, 2000, 4000, 8000], 8),
                                                 (3, [50, 100, 200, 400], 4),
                                                 (4, [32, 48, 64, 96], 4)])
def test_polynomial_capacity_exponent(degree, sizes, trials):
    """Acceptance: p_c ∝ N^{n-1} within 15 % in the exponent (raw fit, no log correction).

    The true law carries a slowly varying factor 1/z(N)² ~ 1/(2 ln N) (Krotov &
    Hopfield 2016), so the raw exponent sits below n − 1 (theory: 0.90, 1.88,
    2.87 on these ranges); for n = 2 the range starts at N = 1000 so that this
    log factor stays within the 15 %.
    """
    from spinnet.experiments.dense import capacity_scan

    rows, s = capacity_scan(f"poly:{degree}", sizes, n_trials=trials, n_probes=500,
                            rng=degree)
    assert s["relative_deviation"] < 0.15, (rows, s)
    # every point agrees with the finite-N signal-to-noise prediction: ~1000 tested
    # patterns resolve a 1 % failure rate to ±0.3 %, i.e. ±5 % in p_c (the failure rate
    # grows like p^{z²/2}, z² ≈ 12); 15 % is 3σ
    for r in rows:
        assert abs(r["p_c"] / r["p_theory"] - 1) < 0.15, r
