"""Observables: shapes, hand-checked values, and exact sampling against Kaufman/enumeration."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from spinnet.observables import (
    Moments,
    abs_magnetization,
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
