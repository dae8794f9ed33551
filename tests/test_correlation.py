"""Spin-spin correlation function: FFT estimator, exact strip/torus transfer matrix, the
sign change of G(r) above the disorder temperature (issue 15, item 3)."""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.correlation import CORRELATION_DIRECTIONS, correlation_function, correlation_map
from spinnet.models import SquareIsing
from spinnet.samplers import SwendsenWang
from spinnet.theory.ising import (
    axis_correlation,
    disorder_temperature,
    houtappel_tc,
    strip_correlation,
)


def _direct_map(s: np.ndarray) -> np.ndarray:
    L = s.shape[-1]
    g = np.empty((s.shape[0], L, L))
    for dr in range(L):
        for dc in range(L):
            g[:, dr, dc] = np.mean(s * np.roll(s, (-dr, -dc), axis=(1, 2)), axis=(1, 2))
    return g


def test_correlation_map_matches_direct_sum(rng):
    s = rng.choice(np.array([-1, 1], dtype=np.int8), size=(3, 6, 6))
    np.testing.assert_allclose(correlation_map(s), _direct_map(s.astype(float)), atol=1e-15)


def test_correlation_function_shapes_errors_and_validation(rng):
    s = rng.choice(np.array([-1, 1], dtype=np.int8), size=(50, 8, 8))
    cf = correlation_function(s, 3, n_blocks=10)
    assert set(cf.G) == set(CORRELATION_DIRECTIONS)
    g = _direct_map(s.astype(float))
    for d, (dr, dc) in CORRELATION_DIRECTIONS.items():
        r = np.arange(4)
        np.testing.assert_allclose(cf.G[d], g[:, (dr * r) % 8, (dc * r) % 8].mean(0), atol=1e-14)
        assert cf.G[d][0] == 1.0 and cf.G_err[d][0] == 0.0
        # Independent random spins: the jackknife error ~ 1/sqrt(n L^2).
        assert np.all((cf.G_err[d][1:] > 0.2 / np.sqrt(50 * 64))
                      & (cf.G_err[d][1:] < 5 / np.sqrt(50 * 64)))
    assert len(cf.rows()) == 4 * 4
    with pytest.raises(ValueError, match="spins"):
        correlation_function(np.zeros((4, 8, 8)))
    with pytest.raises(ValueError, match="r_max"):
        correlation_function(s, 5)
    with pytest.raises(ValueError, match="directions"):
        correlation_function(s, directions=["up"])
    with pytest.raises(ValueError, match="square"):
        correlation_function(s[:, :, :4])


def _enumerate_torus(L: int, T: float, J_h: float, J_v: float, J_d: float) -> np.ndarray:
    model = SquareIsing(L, J_h, J_v, J_d)
    states = (1 - 2 * ((np.arange(2 ** (L * L))[:, None] >> np.arange(L * L)) & 1)).astype(
        np.int8)
    E = model.energy(states)
    w = np.exp(-(E - E.min()) / T)
    s = states.reshape(-1, L, L).astype(float)
    # <s_00 s_rc> = sum_states w s_00 s_rc / Z, averaged over sites (translation invariance).
    return np.einsum("k,kij->ij", w, s[:, :1, :1] * s) / w.sum()


@pytest.mark.parametrize("couplings,T", [((1.0, 1.0, -0.3), 2.0), ((0.8, 1.2, 0.5), 3.0),
                                         ((1.0, 1.0, -0.6), 5.0)])
def test_torus_transfer_matrix_matches_exact_enumeration(couplings, T):
    exact = _enumerate_torus(4, T, *couplings)
    r, c = np.meshgrid(np.arange(4), np.arange(4), indexing="ij")
    tm = strip_correlation(T, 4, r, c, J_h=couplings[0], J_v=couplings[1], J_d=couplings[2],
                           N=4)
    np.testing.assert_allclose(tm, exact, atol=1e-12)


def test_infinite_strip_is_the_long_torus_limit():
    r = np.arange(8)
    inf = strip_correlation(3.0, 6, r, r % 3, J_d=-0.3)
    long = strip_correlation(3.0, 6, r, r % 3, J_d=-0.3, N=120)
    np.testing.assert_allclose(inf, long, atol=1e-12)


def test_axis_correlation_directions():
    r = np.arange(6)
    T, jd = 4.0, -0.3
    h = axis_correlation(T, r, "horizontal", J_d=jd, M=8)
    v = axis_correlation(T, r, "vertical", J_d=jd, M=8)
    np.testing.assert_allclose(h, v, atol=1e-13)  # J_h = J_v: mirror symmetry
    # The diagonal strip against the diagonal of a vertical strip (r < M / 2, tiny xi):
    d = axis_correlation(T, r[:4], "diagonal", J_d=jd, M=10)
    np.testing.assert_allclose(d, strip_correlation(T, 10, r[:4], r[:4], J_d=jd), atol=2e-6)
    # Square lattice (J_d = 0): the diagonal strip is the same lattice rotated.
    np.testing.assert_allclose(axis_correlation(3.0, r, "diagonal", J_d=0.0, M=8),
                               strip_correlation(3.0, 8, r, r, J_d=0.0), atol=1e-4)
    with pytest.raises(ValueError, match="direction"):
        axis_correlation(T, r, "up")
    with pytest.raises(ValueError, match="M must be <="):
        strip_correlation(T, 13, r)
    with pytest.raises(TypeError, match="r must be"):
        strip_correlation(T, 4, 1.5)


@pytest.mark.parametrize("J_d", [-0.3, -0.45])
def test_correlations_change_sign_above_disorder_temperature_only(J_d):
    """Stephenson (1970): above T_d, G(r) along the J_d bonds oscillates; below, G > 0."""
    T_c, T_d = houtappel_tc(1.0, 1.0, J_d), disorder_temperature(1.0, J_d)
    r = np.arange(16)
    for factor in (1.3, 1.5, 2.0, 3.0):
        G = axis_correlation(factor * T_d, r, "diagonal", J_d=J_d, M=10)
        neg = np.nonzero(G[:7] < 0)[0]
        assert neg.size > 0, (factor, G[:7])
        assert G[neg[0]] < -1e-9  # orders of magnitude above rounding (~1e-15)
    for T in (1.05 * T_c, 0.5 * (T_c + T_d), 0.97 * T_d):
        for direction in ("horizontal", "vertical", "diagonal"):
            G = axis_correlation(T, r, direction, J_d=J_d, M=10)
            assert np.all(G > 0), (T, direction, G)
    # No disorder line for J_d >= 0: every correlation is positive (Griffiths).
    for T in (2.5, 5.0, 20.0):
        assert np.all(axis_correlation(T, r, "diagonal", J_d=0.5, M=8) > 0)


def _sw_snapshots(L, J_d, T, n_sweeps, seed):
    model = SquareIsing(L, 1.0, 1.0, J_d)
    sw = SwendsenWang()
    state = sw.init(model, T, 4, rng=seed)
    state, _ = sw.run(model, state, 200)
    _, trace = sw.run(model, state, n_sweeps, record_spins=True)
    return trace.spins.reshape(-1, L, L)


@pytest.mark.parametrize("factor", [0.7, 3.0])
def test_monte_carlo_correlation_matches_exact_torus(factor):
    """Swendsen-Wang on the 8x8 torus (J_d = -0.3) vs the transfer matrix, within 4 sigma;
    at 3 T_d the diagonal G(1) is negative, at 0.7 T_d every G(r) is positive."""
    L, J_d = 8, -0.3
    T = factor * disorder_temperature(1.0, J_d)
    cf = correlation_function(_sw_snapshots(L, J_d, T, 2000, seed=7), 4, n_blocks=40)
    r = np.arange(1, 5)
    for d, (dr, dc) in CORRELATION_DIRECTIONS.items():
        exact = strip_correlation(T, L, dr * r, dc * r, J_d=J_d, N=L)
        z = (cf.G[d][1:] - exact) / cf.G_err[d][1:]
        assert np.all(np.abs(z) < 4), (d, cf.G[d], exact, z)
    if factor > 1:
        assert cf.G["diagonal"][1] < -4 * cf.G_err["diagonal"][1]
    else:
        for d in CORRELATION_DIRECTIONS:
            assert np.all(cf.G[d][1:] > 4 * cf.G_err[d][1:])
