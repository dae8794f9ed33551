import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinnet.hopfield import (
    energy,
    hebbian,
    local_fields,
    pseudo_inverse,
    run_async,
    run_glauber,
    run_sync,
    storkey,
)
from spinnet.spins import flip, overlaps, random_patterns


def _couplings(kind, xi, gen):
    n = xi.shape[1]
    if kind == "hebbian":
        return hebbian(xi)
    if kind == "pseudo_inverse":
        return pseudo_inverse(xi)
    if kind == "storkey":
        return storkey(xi)
    a = gen.normal(size=(n, n))
    J = (a + a.T) / np.sqrt(2 * n)
    np.fill_diagonal(J, 0)
    return J


def energy_ref(J, s):
    s = s.astype(float)
    return -0.5 * (s @ J @ s - np.sum(np.diag(J) * s * s))


def test_energy_and_fields_match_numpy(rng):
    J = _couplings("random", random_patterns(1, 20, rng=rng), rng)
    s = random_patterns(5, 20, rng=rng)
    assert np.allclose(energy(J, s), [energy_ref(J, x) for x in s])
    assert np.allclose(local_fields(J, s), s @ J)
    theta = rng.normal(size=20)
    assert np.allclose(energy(J, s, field=theta), [energy_ref(J, x) - theta @ x for x in s])


@settings(max_examples=25, deadline=None)
@given(kind=st.sampled_from(["hebbian", "pseudo_inverse", "storkey", "random"]),
       n=st.integers(8, 60), p=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_zero_temperature_async_never_increases_energy(kind, n, p, seed):
    gen = np.random.default_rng(seed)
    xi = random_patterns(p, n, rng=gen)
    J = _couplings(kind, xi, gen)
    probes = random_patterns(4, n, rng=gen)
    out, traj = run_async(J, probes, rng=gen, record=True, max_sweeps=200)
    scale = 1e-9 * max(1.0, np.abs(J).sum())
    assert np.all(np.diff(traj.energies, axis=1) <= scale)
    # Kernel's recorded energies agree with a NumPy recomputation of the final state.
    assert np.allclose(traj.energies[:, -1], [energy_ref(J, s) for s in out])
    # A converged chain is a true fixed point of sign(J s) (zero field keeps the spin).
    h = out.astype(float) @ J
    stable = np.all(out * h >= -scale, axis=1)
    assert np.array_equal(stable[traj.converged], np.ones(traj.converged.sum(), bool))
    assert traj.converged.all()


def test_trajectory_overlaps_match(rng):
    xi = random_patterns(5, 100, rng=rng)
    probes = flip(xi, 0.3, rng=rng)
    out, traj = run_async(hebbian(xi), probes, rng=rng, patterns=xi, record=True)
    assert traj.overlaps.shape == (5, traj.energies.shape[1], 5)
    assert np.allclose(traj.overlaps[:, 0], overlaps(xi, probes))
    assert np.allclose(np.diagonal(traj.overlaps[:, 0]), 1 - 2 * 0.3)
    assert np.allclose(traj.overlaps[:, -1], overlaps(xi, out))


def test_same_seed_identical(rng):
    xi = random_patterns(10, 200, rng=rng)
    J = hebbian(xi)
    probes = flip(xi, 0.35, rng=1)
    assert np.array_equal(run_async(J, probes, rng=5), run_async(J, probes, rng=5))
    a = run_glauber(J, probes, 0.7, n_sweeps=20, rng=5)
    assert np.array_equal(a, run_glauber(J, probes, 0.7, n_sweeps=20, rng=5))
    assert not np.array_equal(a, run_glauber(J, probes, 0.7, n_sweeps=20, rng=6))
    # batch result does not depend on chain position in the batch (parallel threads)
    gen_a, gen_b = np.random.default_rng(9), np.random.default_rng(9)
    assert np.array_equal(run_async(J, probes, rng=gen_a), run_async(J, probes, rng=gen_b))


def test_glauber_zero_temperature_limit_matches_async(rng):
    xi = random_patterns(15, 301, rng=rng)  # odd N, odd p: no exact ties
    J = hebbian(xi)
    probes = flip(xi, 0.3, rng=rng)
    a, ta = run_async(J, probes, rng=11, record=True)
    g = run_glauber(J, probes, 1e-6, n_sweeps=int(ta.n_sweeps.max()), rng=11)
    assert np.array_equal(a, g)
    assert np.array_equal(run_glauber(J, probes, 0.0, rng=11), a)


def test_sync_fixed_points_and_two_cycles():
    # Antiferromagnetic pair: synchronous updates oscillate (2-cycle).
    J = np.array([[0.0, -1.0], [-1.0, 0.0]])
    out, traj = run_sync(J, np.array([[1, 1], [1, -1]]), record=True)
    assert traj.cycled.tolist() == [True, False] and traj.converged.tolist() == [False, True]
    assert out.tolist() == [[1, 1], [1, -1]]  # back where it started after 2 steps
    xi = random_patterns(3, 100, rng=0)
    out, traj = run_sync(hebbian(xi), xi, record=True, patterns=xi)
    assert np.array_equal(out, xi) and traj.n_sweeps.tolist() == [0, 0, 0]


def test_zero_field_keeps_spin():
    J = np.zeros((3, 3))
    s = np.array([1, -1, 1])
    assert np.array_equal(run_async(J, s, rng=0), s)
    assert np.array_equal(run_sync(J, s), s)


def test_glauber_samples_boltzmann_distribution():
    """Heat bath vs exact enumeration of a 6-spin system (chi-square)."""
    from scipy.stats import chi2

    gen = np.random.default_rng(2)
    n = 6
    a = gen.normal(size=(n, n))
    J = (a + a.T) / 2
    np.fill_diagonal(J, 0)
    theta = gen.normal(size=n) * 0.3
    T = 1.5
    states = np.array([[1 if (k >> i) & 1 else -1 for i in range(n)] for k in range(2**n)])
    logw = -np.array([energy_ref(J, s) - theta @ s for s in states]) / T
    prob = np.exp(logw - logw.max())
    prob /= prob.sum()
    # 4000 independent chains, 30 sweeps each (mixing time of this system is ~1 sweep)
    start = np.ones((4000, n), dtype=np.int8)
    out = run_glauber(J, start, T, n_sweeps=30, rng=3, field=theta)
    idx = ((out > 0).astype(int) * (1 << np.arange(n))).sum(axis=1)
    counts = np.bincount(idx, minlength=2**n)
    expected = prob * len(out)
    keep = expected >= 5
    stat = np.sum((counts[keep] - expected[keep]) ** 2 / expected[keep])
    p_value = chi2.sf(stat, keep.sum() - 1)
    assert p_value > 0.01


def test_glauber_high_temperature_decays_and_low_temperature_retains():
    n, p = 1000, 10
    xi = random_patterns(p, n, rng=4)
    J = hebbian(xi)
    start = np.repeat(xi[:1], 64, axis=0)
    hot = run_glauber(J, start, 2.0, n_sweeps=40, rng=5)
    m = overlaps(xi, hot)[:, 0]
    # Paramagnet: Curie-Weiss fluctuations <m^2> = 1 / (N (1 - beta)) = 2/N at T = 2.
    rms, expected = np.sqrt(np.mean(m**2)), np.sqrt(2.0 / n)
    # rms of 64 samples: relative standard error ~ 1/sqrt(2*64) = 9%; allow 4 sigma.
    assert abs(rms / expected - 1) < 0.36
    cold = run_glauber(J, start, 0.5, n_sweeps=40, rng=5)
    # Retrieval: m solves m = tanh(m / T) = 0.9575 at T = 0.5 (alpha -> 0).
    assert overlaps(xi, cold)[:, 0].mean() > 0.93


@pytest.mark.parametrize("fn", [run_async, run_sync])
def test_bad_input(fn):
    J = hebbian(random_patterns(2, 10, rng=0))
    with pytest.raises(ValueError, match="states"):
        fn(J, np.zeros(10))
    with pytest.raises(ValueError, match="states"):
        fn(J, np.ones(11))
    with pytest.raises(ValueError, match="states"):
        fn(J, np.ones((2, 2, 10)))
    with pytest.raises(ValueError, match="couplings"):
        fn(np.full((10, 10), np.nan), np.ones(10))
    with pytest.raises(ValueError, match="symmetric"):
        fn(np.triu(np.ones((10, 10))), np.ones(10))
    with pytest.raises(ValueError, match="field"):
        fn(J, np.ones(10), field=np.ones(3))


def test_glauber_bad_temperature():
    J = hebbian(random_patterns(2, 10, rng=0))
    with pytest.raises(ValueError, match="temperature"):
        run_glauber(J, np.ones(10), -1.0)
    with pytest.raises(ValueError, match="temperature"):
        run_glauber(J, np.ones(10), np.nan)
    with pytest.raises(TypeError, match="n_sweeps"):
        run_glauber(J, np.ones(10), 1.0, n_sweeps=2.5)
