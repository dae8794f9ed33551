"""Capacity theory of dense memories: SNR, Demircigil, Lucibello-Mézard thresholds."""

import math

import numpy as np
import pytest
from scipy import special

from spinnet.experiments.dense import lm_simulation
from spinnet.theory.dense import (
    _log_mgf_sphere,
    demircigil_alpha,
    double_factorial,
    exp_capacity_extreme,
    lm_alpha1,
    lm_alpha1_finite,
    lm_log_partition_rest,
    poly_bit_snr,
    poly_capacity,
    poly_capacity_asymptotic,
)


def test_double_factorial():
    assert [double_factorial(k) for k in (-1, 0, 1, 3, 5, 7)] == [1, 1, 1, 3, 15, 105]


def test_snr_degree_two_is_classical():
    # n = 2: SNR² = (N-1)/(p-1) exactly
    assert poly_bit_snr(101, 11, 2) == pytest.approx(math.sqrt(100 / 10), rel=1e-12)


def test_snr_matches_monte_carlo_gap():
    """The binomial variance of the noise term vs a direct Monte Carlo of the gap."""
    rng = np.random.default_rng(0)
    n, p, k = 30, 40, 3
    trials = 8000
    xi = rng.choice([-1.0, 1.0], size=(trials, p - 1, n))
    target = np.ones(n)  # pattern 1 = all +1 (gauge), spin i = 0
    y = xi[:, :, 1:].sum(-1)  # Σ_{j≠i} ξ^μ_j s_j
    noise = (xi[:, :, 0] * ((y + 1) ** k - (y - 1) ** k)).sum(1)
    signal = n ** k - (n - 2) ** k
    snr_mc = signal / noise.std()
    # 8000 samples: relative error of a std ≈ 1/sqrt(2·8000) = 0.8 %; 4σ ≈ 3.2 %
    assert snr_mc == pytest.approx(poly_bit_snr(n, p, k), rel=0.032)
    assert target.size == n


def test_poly_capacity_forms_agree_at_large_n():
    for k in (2, 3, 4):
        big = 20000 if k < 4 else 4000
        assert poly_capacity(big, k) == pytest.approx(poly_capacity_asymptotic(big, k), rel=0.02)


def test_demircigil_alpha_values():
    assert demircigil_alpha(0.0) == pytest.approx(math.log(2) / 2)
    x = 0.8
    i = 0.5 * ((1 + x) * math.log(1 + x) + (1 - x) * math.log(1 - x))
    assert demircigil_alpha(0.1) == pytest.approx(i / 2)
    assert exp_capacity_extreme(0.1) == pytest.approx(i)
    with pytest.raises(ValueError):
        demircigil_alpha(0.5)


@pytest.mark.parametrize("lam", [0.1, 0.25, 0.5, 1.0, 3.0])
def test_lm_alpha1_spherical_solves_rem_criterion(lam):
    """φ(α₁, λ) = λ, with φ from a brute-force maximisation on a grid."""
    a1 = lm_alpha1(lam)
    q = np.linspace(-0.999999, 0.999999, 400001)
    s = a1 + 0.5 * np.log1p(-q * q)
    phi = np.max(np.where(s >= 0, lam * q + s, -np.inf))
    assert phi == pytest.approx(lam, abs=1e-6)
    assert lm_log_partition_rest(a1, lam) == pytest.approx(lam, rel=1e-12)
    # below α₁ the retrieved pattern wins, above it the REM does
    assert lm_log_partition_rest(0.9 * a1, lam) < lam < lm_log_partition_rest(1.1 * a1, lam)


def test_lm_alpha1_gaussian():
    assert lm_alpha1(0.5, "gaussian") == pytest.approx(0.5 - 0.125)
    assert lm_alpha1(1.0, "gaussian") == pytest.approx(0.5)
    assert lm_alpha1(4.0, "gaussian") == pytest.approx(0.5)  # condensed: √(2α) < 1
    with pytest.raises(ValueError, match="ensemble"):
        lm_alpha1(1.0, "binary")
    with pytest.raises(ValueError, match="lam"):
        lm_alpha1(0.0)
    assert lm_alpha1_finite(100000, 0.5, "gaussian") == pytest.approx(0.375, abs=1e-4)
    with pytest.raises(ValueError, match="condensed"):
        lm_alpha1_finite(100, 2.0, "gaussian")


def test_sphere_mgf_matches_von_mises_fisher():
    for n, lam in ((10, 0.5), (30, 0.25), (60, 1.0)):
        nu, z = n / 2 - 1, lam * n
        vmf = special.gammaln(n / 2) - nu * math.log(z / 2) + math.log(special.ive(nu, z)) + z
        assert _log_mgf_sphere(n, lam) == pytest.approx(vmf, rel=1e-9)


def test_finite_n_threshold_converges():
    for lam in (0.25, 1.0):
        assert lm_alpha1_finite(100000, lam) == pytest.approx(lm_alpha1(lam), abs=1e-4)


def test_lm_threshold_matches_simulation_spherical():
    """Acceptance: α₁(λ = 0.25) for spherical patterns vs simulation at N = 40.

    Up to P = e^{1.15 α₁ N} ≈ 2.5e4 random spherical patterns, 400 probes;
    the crossing is where the median of (ln Σ_{ν>1} e^{λξ^ν·ξ^1} − λN)/N
    vanishes. Tolerance: finite-size shift |α₁(N) − α₁(∞)| of the annealed
    finite-N threshold plus 4 statistical standard errors of the crossing
    (from the spread of the per-probe free entropies and the local slope).
    """
    lam, n = 0.25, 40
    a1 = lm_alpha1(lam)
    alphas = np.linspace(0.85, 1.15, 7) * a1
    rows, s = lm_simulation(n, lam, alphas, n_probes=400, rng=1)
    fs = abs(lm_alpha1_finite(n, lam) - a1)
    med = np.array([r["median_log_w_ratio"] for r in rows])
    slope = np.polyfit(alphas, med, 1)[0]
    # per-probe spread of (ln Z_rest - λN)/N at the loads bracketing the crossing;
    # standard error of a median ≈ 1.25 σ/√B (probes share the other patterns, so
    # this is a lower bound: the factor 4 covers it)
    spread = max(r["std_log_w_ratio"] for r in rows)
    tol = fs + 4 * 1.25 * spread / math.sqrt(400) / slope
    assert abs(s["alpha_cross"] - a1) <= tol, (s, tol)
    fr = [r["fraction_retrieved"] for r in rows]
    assert fr[0] == 1.0 and fr[-1] == 0.0
