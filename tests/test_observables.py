"""Observables: shapes, hand-checked values, and exact sampling against Kaufman/enumeration."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from spinnet.observables import (
    Moments,
    abs_magnetization,
    binder_crossing,
    binder_cumulant,
    magnetization,
    moments,
    specific_heat,
    spin_glass_overlap,
    susceptibility,
)
from spinnet.stats import jackknife
from spinnet.theory.ising import kaufman_energy_per_spin, kaufman_specific_heat_per_spin


def test_magnetization_shapes_and_values():
    s = np.array([1, 1, -1, 1], dtype=np.int8)
    assert magnetization(s) == 0.5
    assert isinstance(magnetization(s), float)
    batch = np.array([[1, 1, 1, 1], [-1, -1, 1, 1], [-1, -1, -1, -1]])
    np.testing.assert_array_equal(magnetization(batch), [1.0, 0.0, -1.0])
    lattice = np.ones((5, 3, 3), dtype=np.int8)
    lattice[1, 0, 0] = -1
    m = magnetization(lattice, site_axes=2)
    assert m.shape == (5,)
    assert m[1] == pytest.approx(7 / 9)
    # Flattened and lattice forms agree.
    np.testing.assert_array_equal(m, magnetization(lattice.reshape(5, 9)))
    assert magnetization(lattice, site_axes=3) == pytest.approx(1 - 2 / 45)


def test_magnetization_rejects_bad_input():
    with pytest.raises(ValueError, match="spins"):
        magnetization(np.array([1, 0, 1]))
    with pytest.raises(ValueError, match="site_axes"):
        magnetization(np.ones(4), site_axes=2)
    with pytest.raises(TypeError, match="site_axes"):
        magnetization(np.ones(4), site_axes=1.0)


def test_spin_glass_overlap():
    rng = np.random.default_rng(0)
    a = rng.choice(np.array([-1, 1], dtype=np.int8), size=(4, 100))
    np.testing.assert_array_equal(spin_glass_overlap(a, a), 1.0)
    np.testing.assert_array_equal(spin_glass_overlap(a, -a), -1.0)
    b = a.copy()
    b[:, :10] *= -1
    np.testing.assert_allclose(spin_glass_overlap(a, b), 0.8)
    # Gauge invariance: q is unchanged when both replicas are flipped on the same sites.
    gauge = rng.choice(np.array([-1, 1], dtype=np.int8), size=100)
    np.testing.assert_array_equal(spin_glass_overlap(a * gauge, b * gauge),
                                  spin_glass_overlap(a, b))
    lat = a.reshape(4, 10, 10)
    np.testing.assert_array_equal(spin_glass_overlap(lat, -lat, site_axes=2), -1.0)
    assert isinstance(spin_glass_overlap(a[0], b[0]), float)
    with pytest.raises(ValueError, match="same shape"):
        spin_glass_overlap(a, a[:, :50])


def test_moments_and_abs_magnetization():
    m = np.array([0.5, -0.5, 1.0, -1.0])
    mo = moments(m)
    assert isinstance(mo, Moments)
    assert mo == pytest.approx((0.75, 0.625, (2 * 0.0625 + 2) / 4))
    assert abs_magnetization(m) == 0.75
    chains = np.stack([m, 2 * m / 2, np.zeros(4)])
    np.testing.assert_allclose(abs_magnetization(chains), [0.75, 0.75, 0.0])
    np.testing.assert_allclose(abs_magnetization(chains.T, axis=0), [0.75, 0.75, 0.0])
    with pytest.raises(ValueError, match="axis"):
        abs_magnetization(m, axis=1)
    with pytest.raises(ValueError, match="m"):
        moments(5.0)


def test_susceptibility_estimators():
    m = np.array([0.5, -0.5, 0.7, -0.7])
    T, N = 2.0, 16
    beta = 1 / T
    m2 = np.mean(m ** 2)
    assert susceptibility(m, T, N) == pytest.approx(beta * N * (m2 - 0.6 ** 2))
    assert susceptibility(m, T, N, estimator="signed") == pytest.approx(beta * N * m2)
    assert susceptibility(m, T, N, estimator="m2") == pytest.approx(beta * N * m2)
    shifted = m + 0.1
    assert susceptibility(shifted, T, N, estimator="signed") == pytest.approx(
        beta * N * np.var(shifted))
    with pytest.raises(ValueError, match="estimator"):
        susceptibility(m, T, N, estimator="connected")
    with pytest.raises(ValueError, match="T"):
        susceptibility(m, 0.0, N)
    with pytest.raises(TypeError, match="N"):
        susceptibility(m, T, 16.0)


def test_specific_heat_is_fluctuation_formula():
    e = np.array([-2.0, -1.5, -1.75, -2.0])
    assert specific_heat(e, 0.5, 9) == pytest.approx(4 * 9 * np.var(e))
    # Two-pass variance: no cancellation for a large offset.
    assert specific_heat(e - 1e8, 0.5, 9) == pytest.approx(4 * 9 * np.var(e), rel=1e-6)
    np.testing.assert_allclose(specific_heat(np.stack([e, e]), 0.5, 9), 4 * 9 * np.var(e))


def test_binder_cumulant_limits():
    rng = np.random.default_rng(1)
    ordered = 0.8 * rng.choice([-1.0, 1.0], size=1000)
    assert binder_cumulant(ordered) == pytest.approx(2 / 3, rel=1e-14)
    # Gaussian m: U4 = 0; the jackknife error sets the tolerance (4 sigma).
    gauss = rng.standard_normal(20000)
    est = jackknife(gauss, binder_cumulant, n_blocks=100)
    assert abs(est.value) < 4 * est.error
    with pytest.raises(ValueError, match="m\\^2"):
        binder_cumulant(np.zeros(10))


# --------------------------------------------------------------------- exact sampling check

@functools.cache
def _torus_states(L: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All 2^(L*L) states of the L x L torus: spins, energies and magnetizations per spin."""
    n = L * L
    idx = np.arange(2 ** n, dtype=np.int64)[:, None]
    spins = (1 - 2 * ((idx >> np.arange(n)) & 1)).astype(np.int8)
    lat = spins.reshape(-1, L, L)
    energy = -(lat * np.roll(lat, 1, 1)).sum((1, 2)) - (lat * np.roll(lat, 1, 2)).sum((1, 2))
    return spins, energy.astype(np.float64) / n, magnetization(spins)


@pytest.mark.parametrize("T", [1.8, 2.5, 4.0])
def test_estimators_on_exact_boltzmann_samples(T):
    """Independent samples from the exact 3x3 Boltzmann distribution: estimators agree
    with the exact values within 4 jackknife standard errors."""
    L, n_samples = 3, 20000
    N = L * L
    spins, e_all, m_all = _torus_states(L)
    w = np.exp(-(e_all - e_all.min()) * N / T)
    p = w / w.sum()
    idx = np.random.default_rng(42).choice(p.size, size=n_samples, p=p)
    e, m = e_all[idx], magnetization(spins[idx])
    np.testing.assert_array_equal(m, m_all[idx])

    exact_abs_m = p @ np.abs(m_all)
    exact_m2 = p @ m_all ** 2
    exact_m4 = p @ m_all ** 4
    exact = {
        "energy": kaufman_energy_per_spin(L, T),
        "C": kaufman_specific_heat_per_spin(L, T),
        "abs_m": exact_abs_m,
        "chi": N / T * (exact_m2 - exact_abs_m ** 2),
        "U4": 1 - exact_m4 / (3 * exact_m2 ** 2),
    }
    funcs = {
        "energy": (e, np.mean),
        "C": (e, lambda x: specific_heat(x, T, N)),
        "abs_m": (m, abs_magnetization),
        "chi": (m, lambda x: susceptibility(x, T, N)),
        "U4": (m, binder_cumulant),
    }
    for name, (series, func) in funcs.items():
        est = jackknife(series, func, n_blocks=100)
        assert abs(est.value - exact[name]) < 4 * est.error, (name, est, exact[name])


# ------------------------------------------------------------------------- binder_crossing
def _scaling_curves(T, sizes, Tc=2.269185, u_star=0.61):
    """Finite-size-scaling curves ``U(T; L) = u* - 0.3 tanh((T - Tc) L / 4)``: all cross at Tc."""
    return {L: u_star - 0.3 * np.tanh((T - Tc) * L / 4) for L in sizes}


def test_binder_crossing_of_straight_lines_is_exact():
    T = np.linspace(2.0, 2.5, 6)
    res = binder_crossing(T, {16: 0.6 - 1.0 * (T - 2.27), 8: 0.6 - 0.5 * (T - 2.27)})
    assert res.T_c == pytest.approx(2.27, abs=1e-12)
    assert res.U4_c == pytest.approx(0.6, abs=1e-12)
    (pair,) = res.pairs
    assert (pair.L1, pair.L2) == (8, 16)          # sizes sorted
    assert pair.bracket == pytest.approx((2.2, 2.3))
    assert np.isnan(res.T_c_err) and res.n_bootstrap == 0  # no per-point errors given


def test_binder_crossing_of_scaling_curves_within_interpolation_error():
    # Linear interpolation between bracketing points: the error is O(spacing^2 * curvature);
    # for this grid (spacing 0.05) it must stay far below the spacing.
    T = np.linspace(2.0, 2.5, 11) + 0.013
    res = binder_crossing(T, _scaling_curves(T, (8, 16, 32)))
    assert [(p.L1, p.L2) for p in res.pairs] == [(8, 16), (16, 32)]
    for p in res.pairs:
        assert p.bracket[0] <= 2.269185 <= p.bracket[1]
        assert abs(p.T_cross - 2.269185) < 0.002
        assert abs(p.U4_cross - 0.61) < 0.002
    assert res.T_c == res.pairs[-1].T_cross           # the two largest sizes


def test_binder_crossing_bootstrap_error_is_calibrated():
    # Noisy copies of curves with a known crossing: the spread of the estimates over
    # independent noise realisations must match the bootstrap error of one realisation.
    gen = np.random.default_rng(5)
    T = np.linspace(2.1, 2.45, 8)
    exact = _scaling_curves(T, (8, 16))
    sigma = {8: np.full(T.size, 0.004), 16: np.full(T.size, 0.006)}
    estimates, errors = [], []
    for _ in range(150):
        noisy = {L: exact[L] + sigma[L] * gen.standard_normal(T.size) for L in exact}
        res = binder_crossing(T, noisy, sigma, n_bootstrap=200, rng=gen)
        estimates.append(res.T_c)
        errors.append(res.T_c_err)
    estimates = np.asarray(estimates)
    spread = float(np.std(estimates, ddof=1))
    mean_err = float(np.mean(errors))
    assert 0.75 < mean_err / spread < 1.33, (mean_err, spread)
    # unbiased within its error (150 replicas) plus the interpolation error (< 0.002)
    assert abs(estimates.mean() - 2.269185) < 4 * spread / np.sqrt(150) + 0.002
    # coverage: about 68% of the 1-sigma intervals contain the truth
    cover = np.mean(np.abs(estimates - 2.269185) <= np.asarray(errors))
    assert 0.5 < cover < 0.85, cover


def test_binder_crossing_ignores_noise_where_curves_coincide():
    # Far from T_c both curves approach 2/3 (low T) or 0 (high T) and their difference is
    # pure noise: sign changes there must not be taken for the crossing.
    T = np.linspace(0.8, 3.8, 31)
    exact = {L: (1 + np.tanh(-(T - 2.269185) * L / 2)) / 3 for L in (8, 16)}  # cross at T_c
    err = {8: np.full(T.size, 0.003), 16: np.full(T.size, 0.003)}
    gen = np.random.default_rng(1)
    noisy = {L: exact[L] + err[L] * gen.standard_normal(T.size) for L in exact}
    res = binder_crossing(T, noisy, err, n_bootstrap=300, rng=2)
    d = noisy[16] - noisy[8]
    assert np.count_nonzero(np.diff(np.sign(d))) >= 3     # spurious sign changes
    assert res.pairs[0].bracket[0] <= 2.269185 <= res.pairs[0].bracket[1]
    assert abs(res.T_c - 2.269185) < 4 * res.T_c_err
    assert res.T_c_err < 0.02
    assert res.pairs[0].bootstrap_failures == 0


def test_binder_crossing_outside_window_is_nan():
    T = np.linspace(2.4, 2.6, 5)                        # entirely above T_c
    exact = _scaling_curves(T, (8, 16))
    err = {L: np.full(T.size, 1e-4) for L in exact}
    res = binder_crossing(T, exact, err, n_bootstrap=20, rng=0)
    assert np.isnan(res.T_c) and np.isnan(res.pairs[0].T_cross)
    assert res.pairs[0].bootstrap_failures == 20


@pytest.mark.parametrize(("args", "match"), [
    (([2.0, 1.9, 2.1], {8: [0, 0, 0], 16: [1, 1, 1]}), "increasing"),
    (([2.0], {8: [0.5], 16: [0.6]}), "at least 2"),
    (([2.0, 2.1], {8: [0.5, 0.4]}), "at least 2 sizes"),
    (([2.0, 2.1], {8: [0.5, 0.4], 16: [0.6]}), "shape"),
    (([2.0, 2.1], {8: [0.5, np.nan], 16: [0.6, 0.3]}), "finite"),
])
def test_binder_crossing_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        binder_crossing(*args)
    with pytest.raises(ValueError, match="> 0"):
        binder_crossing([2.0, 2.1], {8: [0.6, 0.4], 16: [0.7, 0.3]},
                        {8: [0.01, 0.0], 16: [0.01, 0.01]})
