"""Retrieval-dynamics theory against closed forms and independent limits."""

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp
from scipy.special import erf

from spinnet.theory import dynamics as D
from spinnet.theory.hopfield import one_step_error


@pytest.mark.parametrize("alpha, m0", [(0.05, 0.3), (0.1, 0.6), (0.2, 0.9), (0.5, 0.1)])
def test_m1_closed_form(alpha, m0):
    assert D.sync_m1(alpha, m0) == pytest.approx(erf(m0 / np.sqrt(2 * alpha)), abs=1e-15)


def test_m1_limits():
    # from a stored pattern: 1 - 2 x (signal-to-noise bit-error probability)
    for a in (0.05, 0.138, 0.3):
        assert D.sync_m1(a, 1.0) == pytest.approx(1 - 2 * one_step_error(a), rel=1e-12)
    # alpha -> 0: noiseless, one step restores the pattern from any m0 > 0
    assert D.sync_m1(1e-6, 0.05) == pytest.approx(1.0, abs=1e-12)
    assert D.sync_m1(0.1, 0.0) == 0.0


def _m2_effective_process(alpha, m0, n=400_000, seed=0):
    """Monte Carlo of the single-site process of GDM: independent derivation of m(2).

    σ(0) = ±1; noise at t = 0 is √α x0; σ(1) = sign(m0 + √α x0) is independent
    of σ(0). The field at t = 1 is built from overlaps m_μ(1) = A_μ + U m_μ(0):
    its noise is √α (y + U x0) with y ~ N(0,1) correlated with x0 only through
    C(1,0) = m0 m1 (covariance α m0 m1 between √α y and √α x0), plus α U σ(0).
    """
    rng = np.random.default_rng(seed)
    m1 = erf(m0 / np.sqrt(2 * alpha))
    u = np.sqrt(2 / (np.pi * alpha)) * np.exp(-m0**2 / (2 * alpha))
    c = m0 * m1
    x0 = rng.standard_normal(n)
    y = c * x0 + np.sqrt(1 - c * c) * rng.standard_normal(n)
    s0 = np.where(rng.random(n) < (1 + m0) / 2, 1.0, -1.0)
    return np.mean(np.sign(m1 + alpha * u * s0 + np.sqrt(alpha) * (y + u * x0)))


@pytest.mark.parametrize("alpha, m0", [(0.1, 0.3), (0.2, 0.6), (0.2, 0.3)])
def test_m2_against_effective_process(alpha, m0):
    mc = _m2_effective_process(alpha, m0)
    assert D.sync_m2(alpha, m0) == pytest.approx(mc, abs=4 * np.sqrt(1 / 400_000))


def test_m2_limits_and_difference_from_amari_maginu():
    assert D.sync_m2(1e-5, 0.2) == pytest.approx(1.0, abs=1e-12)
    # far from the basin boundary the retarded term α U vanishes (U ~ e^{-m0²/2α})
    am = D.amari_maginu(0.05, 1.0, 2)
    assert D.sync_m2(0.05, 1.0) == pytest.approx(am.m[2], abs=1e-6)
    # near it the two theories differ visibly
    assert D.sync_m2(0.1, 0.3) - D.amari_maginu(0.1, 0.3, 2).m[2] > 0.015


def test_amari_maginu_first_step_exact_and_small_alpha():
    a, m0 = 0.12, 0.4
    am = D.amari_maginu(a, m0, 5)
    assert am.m[1] == pytest.approx(D.sync_m1(a, m0), abs=1e-15)
    m1 = am.m[1]
    u = np.sqrt(2 / (np.pi * a)) * np.exp(-m0**2 / (2 * a))
    assert am.sigma2[1] == pytest.approx(a * (1 + u * u + 2 * u * m0 * m1), rel=1e-12)
    assert am.sigma2[0] == a and am.m.shape == (6,)
    small = D.amari_maginu(1e-5, 0.3, 3)
    assert np.allclose(small.m[1:], 1.0, atol=1e-12)
    # beyond capacity the recursion loses the pattern from a weak cue
    assert D.amari_maginu(0.3, 0.3, 50).m[-1] < 0.05


def test_amari_maginu_capacity_near_0_16():
    # Amari & Maginu (1988): their recursion retrieves from m0 = 1 up to α_c ≈ 0.16
    assert D.amari_maginu(0.155, 1.0, 2000).m[-1] > 0.9
    assert D.amari_maginu(0.165, 1.0, 2000).m[-1] < 0.01


def test_energy_per_spin_direct(rng):
    n, p = 60, 7
    xi = rng.choice([-1, 1], size=(p, n))
    s = rng.choice([-1, 1], size=n)
    J = xi.T @ xi / n
    np.fill_diagonal(J, 0)
    e = -0.5 * s @ J @ s / n
    m_all = xi @ s / n
    alpha = p / n
    r = np.sum(m_all[1:] ** 2) / alpha
    assert D.energy_per_spin(alpha, m_all[0], r) == pytest.approx(e, abs=1e-12)


def test_cs_noise_random_shell_is_gaussian():
    d = D.cs_noise(0.1, 0.4, 1.0)
    assert abs(d.g) < 1e-8 and abs(d.b) < 1e-8
    mo = d.moments()
    assert mo["z"] == pytest.approx(0.0, abs=1e-10)
    assert mo["z2"] == pytest.approx(0.1, rel=1e-8)
    assert d.pdf(0.3) == pytest.approx(np.exp(-0.3**2 / 0.2) / np.sqrt(2 * np.pi * 0.1),
                                       rel=1e-8)


@pytest.mark.parametrize("m, r", [(0.6, 1.3), (0.8, 2.0), (0.3, 0.8), (0.95, 1.05)])
def test_cs_noise_identity_and_normalisation(m, r):
    alpha = 0.1
    d = D.cs_noise(alpha, m, r)
    # exact: (1/N) Σ_i σ_i z_i = Σ_{μ>1} m_μ² − α = α (r − 1), for any state
    assert d.moments()["sigma_z"] == pytest.approx(alpha * (r - 1), abs=1e-9)
    lo, hi = -3.0, 3.0
    assert quad(lambda z: float(d.pdf(z)), lo, hi, limit=200)[0] == pytest.approx(1, abs=1e-7)
    mean = quad(lambda z: z * float(d.pdf(z)), lo, hi, limit=200)[0]
    assert mean == pytest.approx(d.moments()["z"], abs=1e-7)


def test_cs_flow_alpha_to_zero_is_curie_weiss():
    # T = 0: dm/dt = 1 - m  ->  m(t) = 1 - (1 - m0) e^{-t}
    tr = D.coolen_sherrington(1e-4, 0.3, t_max=3.0, dt=0.02)
    assert np.allclose(tr.m, 1 - 0.7 * np.exp(-tr.t), atol=2e-3)
    # T > 0: dm/dt = tanh(m/T) - m
    T = 0.7
    tr = D.coolen_sherrington(1e-4, 0.2, T=T, t_max=4.0, dt=0.02, times=[1, 2, 4])
    ref = solve_ivp(lambda t, y: np.tanh(y / T) - y, (0, 4), [0.2], t_eval=[1, 2, 4],
                    rtol=1e-10, atol=1e-12)
    assert np.allclose(tr.m, ref.y[0], atol=2e-3)


def test_cs_flow_initial_slopes():
    a, m0, h = 0.1, 0.5, 1e-3
    tr = D.coolen_sherrington(a, m0, t_max=h, dt=h)
    dm = (tr.m[1] - tr.m[0]) / h
    dr = (tr.r[1] - tr.r[0]) / h
    # from r = 1 the noise is N(0, α) independent of σ (exact at t = 0)
    assert dm == pytest.approx(erf(m0 / np.sqrt(2 * a)) - m0, rel=1e-2)
    expected_dr = 2 / a * np.sqrt(2 * a / np.pi) * np.exp(-m0**2 / (2 * a))
    assert dr == pytest.approx(expected_dr, rel=1e-2)
    assert tr.energy[0] == pytest.approx(-0.5 * m0**2, abs=1e-12)


def test_validation():
    with pytest.raises(ValueError, match="alpha"):
        D.sync_m1(0.0, 0.5)
    with pytest.raises(ValueError, match="m0"):
        D.sync_m2(0.1, 1.5)
    with pytest.raises(TypeError, match="n_steps"):
        D.amari_maginu(0.1, 0.5, 2.5)
    with pytest.raises(ValueError, match="m0"):
        D.coolen_sherrington(0.1, 1.0)
    with pytest.raises(ValueError, match="T"):
        D.coolen_sherrington(0.1, 0.5, T=-1.0)
    with pytest.raises(ValueError, match="r"):
        D.cs_noise(0.1, 0.5, -1.0)
