"""Exact 2D Ising results against brute-force enumeration, each other and the literature."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

import spinnet.theory as theory
from spinnet.theory import ising
from spinnet.theory.ising import (
    BAXTER_WU_EXPONENTS,
    ISING_2D_EXPONENTS,
    ONSAGER_TC,
    baxter_wu_tc,
    energy_per_spin,
    houtappel_tc,
    kaufman_energy_per_spin,
    kaufman_log_z,
    kaufman_specific_heat_per_spin,
    onsager_tc,
    specific_heat_per_spin,
    spontaneous_magnetization,
)

TEMPERATURES = [0.5, 1.0, 1.8, ONSAGER_TC, 2.5, 3.5, 5.0]
LATTICES = [(2, 2), (2, 3), (3, 3), (3, 4), (4, 3), (4, 4)]


# ----------------------------------------------------------------------------- enumeration

@functools.cache
def _energy_levels(L: int, M: int) -> tuple[np.ndarray, np.ndarray]:
    """Energies and degeneracies of the L x M torus (L columns, M rows) by brute force.

    Bonds: right and down neighbour of every site with periodic wrap-around, i.e.
    2LM bonds; for L = 2 (M = 2) the two bonds between a horizontal (vertical)
    pair are both counted, as in Kaufman's formula and in periodic MC codes.
    """
    n = L * M
    states = np.arange(2 ** n, dtype=np.int64)[:, None]
    spins = (1 - 2 * ((states >> np.arange(n)) & 1)).astype(np.int8).reshape(-1, M, L)
    energy = -(spins * np.roll(spins, 1, axis=2)).sum(axis=(1, 2), dtype=np.int64) \
        - (spins * np.roll(spins, 1, axis=1)).sum(axis=(1, 2), dtype=np.int64)
    levels, counts = np.unique(energy, return_counts=True)
    return levels, counts


def _enumerate(L: int, M: int, T: float) -> tuple[float, float, float]:
    """Exact (ln Z, E/N, C/N); energies shifted by E_min so that the variance does
    not lose digits to cancellation at low T."""
    levels, counts = _energy_levels(L, M)
    beta = 1.0 / T
    de = (levels - levels.min()).astype(np.float64)
    logw = np.log(counts) - beta * de
    top = logw.max()
    w = np.exp(logw - top)
    z = w.sum()
    p = w / z
    mean_de = float(p @ de)
    var = float(p @ (de - mean_de) ** 2)
    n = L * M
    log_z = top + math.log(z) - beta * float(levels.min())
    return log_z, (mean_de + levels.min()) / n, beta * beta * var / n


@pytest.mark.parametrize(("L", "M"), LATTICES)
def test_kaufman_matches_enumeration(L, M):
    T = np.array(TEMPERATURES)
    log_z = kaufman_log_z(L, T, M=M)
    e = kaufman_energy_per_spin(L, T, M=M)
    c = kaufman_specific_heat_per_spin(L, T, M=M)
    for i, t in enumerate(TEMPERATURES):
        lz_ex, e_ex, c_ex = _enumerate(L, M, t)
        assert log_z[i] == pytest.approx(lz_ex, rel=1e-12, abs=0)
        assert e[i] == pytest.approx(e_ex, rel=1e-12, abs=0)
        assert c[i] == pytest.approx(c_ex, rel=1e-10, abs=0)


def test_kaufman_scalar_and_symmetric_in_l_m():
    assert isinstance(kaufman_log_z(4, 2.0), float)
    assert isinstance(kaufman_energy_per_spin(4, 2.0), float)
    T = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert kaufman_specific_heat_per_spin(5, T, M=7).shape == (2, 2)
    np.testing.assert_allclose(kaufman_log_z(5, T, M=7), kaufman_log_z(7, T, M=5), rtol=1e-13)
    np.testing.assert_allclose(kaufman_specific_heat_per_spin(5, T, M=7),
                               kaufman_specific_heat_per_spin(7, T, M=5), rtol=1e-11)


def test_kaufman_l64_energy_oracle_values():
    # Reference: the same Kaufman formula evaluated in 40-digit arithmetic (mpmath) and
    # differentiated numerically there; checks the float evaluation for L = 64.
    reference = {1.5: -1.9511165730783768, 2.0: -1.7455645753125222,
                 ONSAGER_TC: -1.4239383898330107, 2.5: -1.1060829924720924,
                 3.0: -0.81730959250245259}
    for T, e_ref in reference.items():
        assert kaufman_energy_per_spin(64, T) == pytest.approx(e_ref, rel=1e-12, abs=0)


def test_kaufman_derivatives_match_finite_differences():
    # 5-point stencils: truncation O(h^4 f^(5)), rounding O(eps |f| / h); the steps are
    # chosen so that both stay below ~1e-10 (derivatives grow with L near T_c).
    L = 32
    N = L * L
    for T in [1.5, 2.2, ONSAGER_TC, 3.0]:
        beta, h = 1.0 / T, 1e-4
        lz = [kaufman_log_z(L, 1.0 / (beta + k * h)) for k in (-2, -1, 1, 2)]
        dlz = (lz[0] - 8 * lz[1] + 8 * lz[2] - lz[3]) / (12 * h)
        assert kaufman_energy_per_spin(L, T) == pytest.approx(-dlz / N, rel=1e-10)
        h = 3e-4
        es = [kaufman_energy_per_spin(L, T + k * h) for k in (-2, -1, 1, 2)]
        de_dT = (es[0] - 8 * es[1] + 8 * es[2] - es[3]) / (12 * h)
        assert kaufman_specific_heat_per_spin(L, T) == pytest.approx(de_dT, rel=1e-9)


def test_kaufman_large_lattice_stable_and_tends_to_onsager():
    T = np.linspace(0.5, 5.0, 181)
    for L in (128, 256):
        lz = kaufman_log_z(L, T)
        e = kaufman_energy_per_spin(L, T)
        c = kaufman_specific_heat_per_spin(L, T)
        assert np.all(np.isfinite(lz)) and np.all(np.isfinite(e)) and np.all(np.isfinite(c))
        assert np.all(c > 0)
        assert np.all(np.diff(e) > 0)              # dE/dT = C > 0
        assert np.all(np.diff(lz) < 0)             # d ln Z / dT = <E> / T^2 < 0
        # Peak of C: T_c(L) - T_c = O(1/L) (Ferdinand & Fisher 1969).
        assert abs(T[np.argmax(c)] - ONSAGER_TC) < 0.05
    # Away from T_c finite-size corrections are exponentially small in L / xi.
    away = np.array([0.5, 1.0, 1.5, 2.0, 2.6, 3.0, 4.0, 5.0])
    np.testing.assert_allclose(kaufman_energy_per_spin(256, away), energy_per_spin(away),
                               rtol=1e-10, atol=0)
    # (At T = 0.5, C/N ~ 3e-5 and L = 256 keeps ~1e-9 relative, 4e-14 absolute.)
    np.testing.assert_allclose(kaufman_specific_heat_per_spin(256, away),
                               specific_heat_per_spin(away), rtol=1e-9, atol=1e-13)


def test_kaufman_temperature_limits():
    N = 8 * 8
    for T in [1e-3, 0.01, 0.1]:                  # ground states: Z -> 2 exp(2 N K)
        assert kaufman_log_z(8, T) == pytest.approx(2 * N / T + math.log(2), rel=1e-14)
        assert kaufman_energy_per_spin(8, T) == pytest.approx(-2.0, rel=1e-14)
        assert 0 <= kaufman_specific_heat_per_spin(8, T) < 1e-15
    # High-T (loop) expansion, t = tanh K: ln Z / N = ln 2 + 2 ln cosh K + t^4 + 2 t^6
    # + O(t^8) (plaquettes, 1x2 rectangles), so E/N = -2t - (4t^3 + 12t^5)(1 - t^2)
    # + O(t^7) and, with s = 1 - t^2 = dt/dK,
    # C/N = K^2 [2s + 4s t^2 (3s - 2t^2) + 12s t^4 (5s - 2t^2)] + O(K^2 t^6).
    T = 50.0
    K = 1 / T
    t = math.tanh(K)
    assert kaufman_log_z(8, T) / N == pytest.approx(
        math.log(2) + 2 * math.log(math.cosh(K)) + t ** 4 + 2 * t ** 6, rel=1e-12)
    assert kaufman_energy_per_spin(8, T) == pytest.approx(
        -2 * t - (4 * t ** 3 + 12 * t ** 5) * (1 - t * t), rel=1e-8)
    s = 1 - t * t
    c_series = K * K * (2 * s + 4 * s * t ** 2 * (3 * s - 2 * t ** 2)
                        + 12 * s * t ** 4 * (5 * s - 2 * t ** 2))
    assert kaufman_specific_heat_per_spin(8, T) == pytest.approx(c_series, rel=1e-7)


# ----------------------------------------------------------------------------- Onsager, Yang

def test_onsager_critical_temperature():
    assert ONSAGER_TC == pytest.approx(2.269185314213022, rel=1e-15)
    assert math.sinh(2.0 / ONSAGER_TC) == pytest.approx(1.0, rel=1e-15)   # self-duality
    assert onsager_tc() == ONSAGER_TC
    assert onsager_tc(J=2.5) == pytest.approx(2.5 * ONSAGER_TC, rel=1e-15)


def test_onsager_energy_known_values():
    assert energy_per_spin(ONSAGER_TC) == pytest.approx(-math.sqrt(2.0), rel=1e-14)
    assert energy_per_spin(0.2) == pytest.approx(-2.0, rel=1e-12)
    # High-T series: u = -2t - 4t^3 + O(t^5), t = tanh K.
    t = math.tanh(0.01)
    assert energy_per_spin(100.0) == pytest.approx(
        -2 * t - (4 * t ** 3 + 12 * t ** 5) * (1 - t * t), rel=1e-8)
    # J scaling: u(T; J) = J u(T/J; 1).
    assert energy_per_spin(3.0, J=1.5) == pytest.approx(1.5 * energy_per_spin(2.0), rel=1e-14)
    T = np.linspace(0.5, 5.0, 200)
    u = energy_per_spin(T)
    assert u.shape == T.shape and np.all(np.diff(u) > 0) and np.all(np.isfinite(u))
    # Continuous across T_c.
    eps = 1e-9
    assert energy_per_spin(ONSAGER_TC * (1 - eps)) == pytest.approx(-math.sqrt(2), abs=1e-7)
    assert energy_per_spin(ONSAGER_TC * (1 + eps)) == pytest.approx(-math.sqrt(2), abs=1e-7)


def test_onsager_specific_heat_is_derivative_of_energy():
    h = 1e-4
    for T in [0.8, 1.5, 2.0, 2.2, 2.35, 3.0, 5.0]:
        fd = (energy_per_spin(T - 2 * h) - 8 * energy_per_spin(T - h)
              + 8 * energy_per_spin(T + h) - energy_per_spin(T + 2 * h)) / (12 * h)
        assert specific_heat_per_spin(T) == pytest.approx(fd, rel=1e-8)
    # The float ONSAGER_TC misses T_c by ~1 ulp: c ~ -A ln(1e-16) ~ 18 there.
    assert specific_heat_per_spin(ONSAGER_TC) > 15


def test_onsager_specific_heat_log_divergence():
    # c ~ -(8/pi) K_c^2 ln|1 - T/T_c| (Onsager 1944): the difference between two reduced
    # temperatures a decade apart is (8/pi) K_c^2 ln 10 up to O(t ln t) corrections.
    amplitude = 8 / math.pi / ONSAGER_TC ** 2
    for sign in (-1, 1):
        c1 = specific_heat_per_spin(ONSAGER_TC * (1 + sign * 1e-7))
        c2 = specific_heat_per_spin(ONSAGER_TC * (1 + sign * 1e-6))
        assert c1 - c2 == pytest.approx(amplitude * math.log(10), rel=1e-4)


def test_yang_magnetization():
    assert spontaneous_magnetization(2.0) == pytest.approx(0.911319377877496, rel=1e-14)
    assert spontaneous_magnetization(1e-2) == 1.0
    T = np.array([ONSAGER_TC, ONSAGER_TC * (1 + 1e-12), 3.0, 10.0])
    np.testing.assert_array_equal(spontaneous_magnetization(T), 0.0)
    # beta = 1/8: d ln m / d ln(T_c - T) -> 1/8.
    t1, t2 = 1e-8, 1e-9
    m1 = spontaneous_magnetization(ONSAGER_TC * (1 - t1))
    m2 = spontaneous_magnetization(ONSAGER_TC * (1 - t2))
    assert math.log(m1 / m2) / math.log(t1 / t2) == pytest.approx(1 / 8, rel=1e-6)
    m = spontaneous_magnetization(np.linspace(0.5, 2.26, 50))
    assert np.all(np.diff(m) < 0)


# ----------------------------------------------------------------------------- other lattices

def test_houtappel_reduces_to_onsager_and_triangular():
    assert houtappel_tc(1.0, 1.0) == pytest.approx(ONSAGER_TC, rel=1e-14)
    assert houtappel_tc(1.0, 1.0, 1.0) == pytest.approx(4 / math.log(3), rel=1e-14)
    assert houtappel_tc(1.0, 1.0, 1.0) == pytest.approx(3.6409569065073493, rel=1e-14)
    # One triangular direction switched off = square lattice.
    assert houtappel_tc(1.0, 0.0, 1.0) == pytest.approx(ONSAGER_TC, rel=1e-14)


def test_houtappel_anisotropic_values():
    tc = houtappel_tc(1.0, 0.5)
    assert math.sinh(2 / tc) * math.sinh(1 / tc) == pytest.approx(1.0, rel=1e-14)
    assert tc == pytest.approx(1.641, abs=5e-4)
    for couplings in [(1.0, 1.0, 0.5), (1.0, 0.5, 0.3)]:
        tc = houtappel_tc(*couplings)
        s = [math.sinh(2 * j / tc) for j in couplings]
        assert s[0] * s[1] + s[1] * s[2] + s[2] * s[0] == pytest.approx(1.0, rel=1e-13)
        # Symmetric in the three couplings, homogeneous of degree 1.
        assert houtappel_tc(*couplings[::-1]) == pytest.approx(tc, rel=1e-14)
        assert houtappel_tc(*(3 * j for j in couplings)) == pytest.approx(3 * tc, rel=1e-14)


def test_houtappel_continuous_and_monotone_in_diagonal():
    jd = np.array([0.0, 1e-10, 1e-6, 1e-3, 0.1, 0.5, 1.0])
    tcs = np.array([houtappel_tc(1.0, 1.0, j) for j in jd])
    assert np.all(np.diff(tcs) > 0)
    assert tcs[1] - tcs[0] < 1e-8


def test_houtappel_rejects_bad_couplings():
    with pytest.raises(ValueError, match="J_d"):
        houtappel_tc(1.0, 1.0, -1.5)  # J_h + J_d < 0 (J_d = -0.5 is valid since issue 15)
    with pytest.raises(ValueError, match="J_h"):
        houtappel_tc(-1.0, 1.0, 0.5)
    with pytest.raises(ValueError, match="two of"):
        houtappel_tc(1.0, 0.0)
    with pytest.raises(TypeError, match="J_v"):
        houtappel_tc(1.0, "1")
    with pytest.raises(ValueError, match="J_h"):
        houtappel_tc(float("nan"), 1.0)
    # Bipartite square lattice: antiferromagnetic bonds map to ferromagnetic ones.
    assert houtappel_tc(-1.0, 1.0) == pytest.approx(ONSAGER_TC, rel=1e-14)


def test_baxter_wu_and_exponents():
    assert baxter_wu_tc() == ONSAGER_TC
    assert baxter_wu_tc(2.0) == pytest.approx(2 * ONSAGER_TC)
    assert BAXTER_WU_EXPONENTS.nu == pytest.approx(2 / 3)
    assert BAXTER_WU_EXPONENTS.alpha == pytest.approx(2 / 3)
    assert (ISING_2D_EXPONENTS.nu, ISING_2D_EXPONENTS.beta, ISING_2D_EXPONENTS.gamma) == (
        1.0, 0.125, 1.75)
    for ex in (ISING_2D_EXPONENTS, BAXTER_WU_EXPONENTS):
        # Scaling relations in d = 2: hyperscaling, Fisher, Rushbrooke, Widom.
        assert ex.alpha == pytest.approx(2 - 2 * ex.nu)
        assert ex.gamma == pytest.approx(ex.nu * (2 - ex.eta))
        assert ex.alpha + 2 * ex.beta + ex.gamma == pytest.approx(2)
        assert ex.gamma == pytest.approx(ex.beta * (ex.delta - 1))
        assert ex.as_dict()["nu"] == ex.nu


# ----------------------------------------------------------------------------- validation

@pytest.mark.parametrize("func", [energy_per_spin, specific_heat_per_spin,
                                  spontaneous_magnetization,
                                  functools.partial(kaufman_log_z, 4),
                                  functools.partial(kaufman_energy_per_spin, 4),
                                  functools.partial(kaufman_specific_heat_per_spin, 4)])
def test_temperature_validation(func):
    for bad in (0.0, -1.0, [1.0, -2.0], float("nan"), math.inf):
        with pytest.raises(ValueError, match="T"):
            func(bad)
    with pytest.raises(TypeError, match="T"):
        func(True)
    with pytest.raises(ValueError, match="J"):
        func(2.0, J=0.0)
    with pytest.raises(ValueError, match="J"):
        func(2.0, J=-1.0)


def test_kaufman_extreme_temperatures():
    T = np.array([1e-300, 1e-3, 1e300])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        lz = kaufman_log_z(4, T)
        u = energy_per_spin(T)
        m = spontaneous_magnetization(T)
    np.testing.assert_allclose(lz[:2], 2 * 16 / T[:2] + math.log(2), rtol=1e-14)
    assert lz[2] == pytest.approx(16 * math.log(2), rel=1e-14)
    np.testing.assert_array_equal(u, [-2.0, -2.0, 0.0])
    np.testing.assert_array_equal(m, [1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="T must be <="):
        kaufman_energy_per_spin(4, 2e6)
    with pytest.raises(ValueError, match="T must be <="):
        kaufman_specific_heat_per_spin(4, [1.0, 3e6], J=2.0)
    assert kaufman_specific_heat_per_spin(4, 1.5e6, J=2.0) > 0


def test_lattice_size_validation():
    with pytest.raises(TypeError, match="L"):
        kaufman_log_z(4.0, 2.0)
    with pytest.raises(ValueError, match="L"):
        kaufman_log_z(1, 2.0)
    with pytest.raises(ValueError, match="M"):
        kaufman_energy_per_spin(4, 2.0, M=1)
    with pytest.raises(TypeError, match="M"):
        kaufman_specific_heat_per_spin(4, 2.0, M=2.5)


def test_theory_package_reexports_ising():
    assert theory.ising is ising
    for name in ising.__all__:
        assert name in theory.__all__
        assert getattr(theory, name) is getattr(ising, name)
