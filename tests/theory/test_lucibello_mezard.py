"""Lucibello–Mézard exponential capacity: α₁, α_c, basins, REM condensation.

Every theory function is checked against an independent route (direct
numerical maximisation, closed forms, exact finite-N integrals, limits) and
the overlap sampler against brute-force pattern sums.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from spinnet.experiments.dense import (
    lm_all_patterns,
    lm_phase_scan,
    lm_rem_sample,
    lm_simulation,
    lm_threshold,
)
from spinnet.theory.dense import (
    _log_mgf_sphere,
    lm_alpha1,
    lm_alpha1_finite,
    lm_alphac,
    lm_basin_overlap,
    lm_condensation_lambda,
    lm_failure_rate,
    lm_lambda_min,
    lm_log_partition_rest,
    lm_overlap_entropy,
    lm_rest_participation,
)

LAMS = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0]
ENSEMBLES = ["spherical", "gaussian"]


def _phi_numeric(alpha: float, lam: float, ensemble: str) -> float:
    """max_{u: α + σ(u) >= 0} [λu + α + σ(u)] by bounded scalar optimisation."""
    if ensemble == "spherical":
        umax = math.sqrt(1 - math.exp(-2 * alpha))
        sigma = lambda u: 0.5 * math.log(1 - u * u)  # noqa: E731
    else:
        umax = math.sqrt(2 * alpha)
        sigma = lambda u: -0.5 * u * u  # noqa: E731
    res = optimize.minimize_scalar(lambda u: -(lam * u + alpha + sigma(u)),
                                   bounds=(0.0, umax), method="bounded",
                                   options={"xatol": 1e-13})
    return max(-res.fun, lam * umax)


def test_overlap_entropy_is_the_density_rate():
    # spherical: (1/N) ln p_N(u) -> ½ ln(1 - u²); exact density of u = 2B - 1, B ~ Beta
    n = 20000
    for u in (0.0, 0.3, 0.8):
        logp = stats.beta.logpdf((u + 1) / 2, (n - 1) / 2, (n - 1) / 2) - math.log(2)
        assert logp / n == pytest.approx(lm_overlap_entropy(u), abs=1e-3)
        logp_g = stats.norm.logpdf(u, scale=1 / math.sqrt(n))
        assert logp_g / n == pytest.approx(lm_overlap_entropy(u, "gaussian"), abs=1e-3)
    assert lm_overlap_entropy(1.0) == -math.inf
    with pytest.raises(ValueError, match="u must be in"):
        lm_overlap_entropy(1.5)
    with pytest.raises(ValueError, match="ensemble"):
        lm_overlap_entropy(0.1, "binary")


@pytest.mark.parametrize("ensemble", ENSEMBLES)
@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("alpha", [0.05, 0.2, 0.5, 1.0])
def test_log_partition_matches_numerical_maximum(alpha, lam, ensemble):
    assert lm_log_partition_rest(alpha, lam, ensemble) == pytest.approx(
        _phi_numeric(alpha, lam, ensemble), abs=1e-9)


def test_log_partition_equals_annealed_when_not_condensed():
    # non-condensed REM: quenched = annealed, φ = α + lim (1/N) ln E[e^{λ N u}]
    n = 40000
    for lam in (0.2, 0.5, 1.0):
        alpha = 1.0  # λ_c(1) > 2.5 for both ensembles
        ann = alpha + _log_mgf_sphere(n, lam) / n
        assert lm_log_partition_rest(alpha, lam) == pytest.approx(ann, abs=2e-4)
        assert lm_log_partition_rest(alpha, lam, "gaussian") == pytest.approx(
            alpha + lam * lam / 2, rel=1e-12)


@pytest.mark.parametrize("ensemble", ENSEMBLES)
@pytest.mark.parametrize("lam", LAMS)
def test_alpha1_solves_criterion_with_numerical_phi(lam, ensemble):
    # independent route: root of φ(α, λ) = λ with φ from direct maximisation
    root = optimize.brentq(lambda a: _phi_numeric(a, lam, ensemble) - lam, 1e-6, 5.0,
                           xtol=1e-13)
    assert lm_alpha1(lam, ensemble) == pytest.approx(root, abs=1e-8)


def test_alpha1_limits():
    # small λ: both ensembles α₁ = λ − λ²/2 + O(λ⁴) (σ(u) = −u²/2 − u⁴/4 …)
    for lam in (1e-3, 1e-2):
        assert lm_alpha1(lam) == pytest.approx(lam - lam**2 / 2, abs=2 * lam**4)
    # large λ: spherical α₁ = ½ + ½ ln λ + O(1/λ), unbounded; Gaussian saturates at ½
    for lam in (1e3, 1e5):
        assert lm_alpha1(lam) == pytest.approx(0.5 + 0.5 * math.log(lam), abs=2 / lam)
        assert lm_alpha1(lam, "gaussian") == 0.5


def test_condensation_lambda():
    for alpha in (0.05, 0.3, 1.0):
        for ens in ENSEMBLES:
            lc = lm_condensation_lambda(alpha, ens)
            umax = math.sqrt(1 - math.exp(-2 * alpha)) if ens == "spherical" \
                else math.sqrt(2 * alpha)
            # at λ_c the saddle reaches the largest overlap: φ = λ_c u_max from both sides
            assert lm_log_partition_rest(alpha, lc, ens) == pytest.approx(lc * umax, rel=1e-9)
            # the unconstrained saddle of λu + σ(u) sits at u_max
            qs = (math.sqrt(1 + 4 * lc * lc) - 1) / (2 * lc) if ens == "spherical" else lc
            assert qs == pytest.approx(umax, rel=1e-9)
    assert lm_condensation_lambda(0.5, "gaussian") == pytest.approx(1.0)


def test_rest_participation_rem_limits():
    # Derrida REM: Y = 0 above T_c, E[Y] = 1 - T/T_c below; here m = λ_c/λ
    assert lm_rest_participation(0.5, 0.9, "gaussian") == 0.0
    assert lm_rest_participation(0.5, 2.0, "gaussian") == pytest.approx(0.5)
    assert lm_rest_participation(0.5, 1e9, "gaussian") == pytest.approx(1.0, abs=1e-8)


@pytest.mark.parametrize("ensemble", ENSEMBLES)
def test_basin_overlap(ensemble):
    for lam in (0.25, 1.0, 3.0):
        a1 = lm_alpha1(lam, ensemble)
        assert lm_basin_overlap(a1, lam, ensemble) == pytest.approx(1.0, rel=1e-10)
        assert lm_basin_overlap(0.5 * a1, lam, ensemble) < 1.0
    # λ → ∞: the basin edge is the largest overlap of another pattern
    alpha = 0.3
    umax = math.sqrt(1 - math.exp(-2 * alpha)) if ensemble == "spherical" \
        else math.sqrt(2 * alpha)
    assert lm_basin_overlap(alpha, 1e7, ensemble) == pytest.approx(umax, rel=1e-6)
    # monotone: more patterns, smaller basin (larger required overlap)
    rb = [lm_basin_overlap(a, 1.0, ensemble) for a in (0.05, 0.1, 0.2, 0.3)]
    assert np.all(np.diff(rb) > 0)


@pytest.mark.parametrize("ensemble", ENSEMBLES)
def test_lambda_min(ensemble):
    for lam in (0.2, 0.5, 0.9):
        a1 = lm_alpha1(lam, ensemble)
        assert lm_lambda_min(a1, 1.0, ensemble) == pytest.approx(lam, rel=1e-8)
    for alpha, rho in ((0.1, 0.8), (0.2, 0.95)):
        lmin = lm_lambda_min(alpha, rho, ensemble)
        root = optimize.brentq(lambda g, a=alpha, r=rho: g * r - _phi_numeric(a, g, ensemble),
                               1e-9, 50.0, xtol=1e-13)
        assert lmin == pytest.approx(root, abs=1e-8)
    # ρ below the largest other overlap: never retrieved in one step
    assert lm_lambda_min(0.3, 0.5, ensemble) == math.inf


def test_lambda_min_gaussian_closed_form():
    alpha, rho = 0.1, 0.8
    assert lm_lambda_min(alpha, rho, "gaussian") == pytest.approx(rho - math.sqrt(rho**2 - 0.2))


def test_failure_rate_matches_brute_force_minimisation():
    # the variational principle behind R, minimised on a grid independently:
    # fail iff √r <= max(φ/λ, u); cost I(r) + max(0, u²/2 − α) (one extra pattern at u)
    def brute(alpha, lam):
        phi = lm_log_partition_rest(alpha, lam, "gaussian") / lam
        r = np.linspace(1e-4, 1.0, 2001)[:, None]
        u = np.linspace(0.0, 1.2, 1201)[None, :]
        cost = 0.5 * (r - 1 - np.log(r)) + np.maximum(0.0, u * u / 2 - alpha)
        ok = np.sqrt(r) <= np.maximum(phi, u)
        return float(np.min(np.where(ok, cost, np.inf)))

    for alpha, lam in ((0.05, 0.25), (0.1, 0.5), (0.15, 1.0), (0.1, 3.0), (0.3, 0.25)):
        assert lm_failure_rate(alpha, lam, "gaussian") == pytest.approx(brute(alpha, lam),
                                                                      abs=2e-3)


def test_pair_failure_rate_is_ln2_over_2():
    # exact finite-N probability that ξ^ν·ξ^μ >= |ξ^μ|² for two Gaussian patterns:
    # E[Φc(|ξ^μ|)] with |ξ^μ|² ~ χ²_N; its rate must approach ln 2 / 2 (the λ → ∞ R at α → 0)
    rates = []
    for n in (1000, 4000):
        def log_f(x, n=n):
            return stats.chi2.logpdf(x, n) + stats.norm.logsf(math.sqrt(x))

        x0 = n / 2.0
        f0 = log_f(x0)
        val, _ = integrate.quad(lambda x, f0=f0, log_f=log_f: math.exp(log_f(x) - f0), 0, 3 * n,
                                points=[x0], limit=400)
        rates.append(-(f0 + math.log(val)) / n)
    assert abs(rates[1] - math.log(2) / 2) < abs(rates[0] - math.log(2) / 2)
    assert rates[1] == pytest.approx(math.log(2) / 2, abs=2e-3)
    assert lm_failure_rate(1e-9, 1e6, "gaussian") == pytest.approx(math.log(2) / 2, abs=1e-6)


def test_alphac():
    for lam in LAMS:
        assert lm_alphac(lam) == lm_alpha1(lam)  # spherical: the thresholds coincide
        ac = lm_alphac(lam, "gaussian")
        assert 0 < ac < lm_alpha1(lam, "gaussian")
        assert lm_failure_rate(ac, lam, "gaussian") == pytest.approx(ac, abs=1e-9)
    assert lm_alphac(100.0, "gaussian") == pytest.approx(math.log(2) / 4, rel=1e-9)
    assert lm_failure_rate(0.3, 1.0) == math.inf   # spherical below α₁: no failure mechanism
    assert lm_failure_rate(0.7, 1.0) == 0.0        # above α₁: the typical pattern fails


def test_validation():
    with pytest.raises(ValueError, match="lam"):
        lm_alphac(-1.0)
    with pytest.raises(ValueError, match="alpha"):
        lm_basin_overlap(0.0, 1.0)
    with pytest.raises(ValueError, match="rho"):
        lm_lambda_min(0.1, 0.0)
    with pytest.raises(ValueError, match="ensemble"):
        lm_failure_rate(0.1, 1.0, "binary")


# ------------------------------------------------------------------ simulation side
def test_rem_sampler_matches_brute_force_pattern_sums():
    # same law as summing e^{λ ξ^ν·ξ^1} over generated spherical pattern vectors
    n, lam, alphas = 20, 0.5, [0.3, 0.4]
    k = 1000
    res = lm_rem_sample(n, lam, alphas, n_probes=k, n_bins=1000, rng=3)
    d = (res["log_z_rest"] - res["signal"][None, :]) / n
    rows, _ = lm_simulation(n, lam, alphas, n_probes=k, rng=4)
    for j, r in enumerate(rows):
        se = 1.2533 * r["std_log_w_ratio"] / math.sqrt(k) * math.sqrt(2)
        assert np.median(d[j]) == pytest.approx(r["median_log_w_ratio"], abs=4 * se)
        assert np.std(d[j]) == pytest.approx(r["std_log_w_ratio"], rel=0.1)


def test_rem_sampler_gaussian_signal_and_mean():
    # Gaussian: signal λ√N|ξ¹|, mean of Z_rest = (P−1) e^{λ²N/2} exactly
    n, lam, alpha = 30, 0.3, 0.4
    res = lm_rem_sample(n, lam, [alpha], ensemble="gaussian", n_probes=2000, n_bins=600,
                        rng=5)
    s = res["signal"] / (lam * math.sqrt(n))
    assert np.mean(s**2) == pytest.approx(n, rel=4 * math.sqrt(2 / n / 2000))
    z = np.exp(res["log_z_rest"][0] - lam * lam * n / 2)
    expect = math.expm1(alpha * n)
    assert np.mean(z) == pytest.approx(expect, rel=4 * np.std(z) / math.sqrt(2000) / expect)


def test_rem_sampler_reproducible():
    a = lm_rem_sample(20, 0.5, [0.3], n_probes=50, n_bins=500, rng=7)
    b = lm_rem_sample(20, 0.5, [0.3], n_probes=50, n_bins=500, rng=7)
    np.testing.assert_array_equal(a["log_z_rest"], b["log_z_rest"])


def test_threshold_spherical_matches_alpha1_within_finite_size_error():
    # acceptance-style check at one (λ, N): the measured ½-crossing lies within the
    # finite-size shift |α₁(N) − α₁| plus 4 bootstrap standard errors of α₁
    lam, n = 0.5, 30
    a1 = lm_alpha1(lam)
    rows, s = lm_threshold(n, lam, np.linspace(0.94, 1.06, 7) * a1, n_probes=200,
                           n_bins=1000, rng=11)
    shift = abs(lm_alpha1_finite(n, lam) - a1)
    assert abs(s["alpha_cross"] - a1) <= shift + 4 * s["alpha_cross_err"]
    assert s["alpha_cross"] == pytest.approx(s["alpha1_finite_N"],
                                             abs=4 * s["alpha_cross_err"] + 2e-4)
    fr = [r["fraction_retrieved"] for r in rows]
    assert fr[0] > 0.95 and fr[-1] < 0.05


def test_all_patterns_spherical_low_and_high_load():
    n, lam = 20, 0.25
    rows, s = lm_all_patterns(n, lam, [0.1, 0.35], ensemble="spherical", n_sets=8, rng=2)
    assert rows[0]["fraction_all_retrieved"] == 1.0   # α = 0.1 < α_c = 0.2197
    assert rows[1]["fraction_all_retrieved"] == 0.0   # α = 0.35: most patterns fail
    assert rows[1]["fraction_patterns_failed"] > 0.5
    assert s["alphac_theory"] == pytest.approx(lm_alpha1(lam))


def test_phase_scan_rows():
    rows, summ = lm_phase_scan([0.5], [20], bound="alphac", ensemble="gaussian", n_probes=4,
                               n_points=3, seed=1)
    assert len(rows) == 3 and summ[0]["bound"] == "alphac"
    with pytest.raises(ValueError, match="bound"):
        lm_phase_scan([0.5], [20], bound="alpha2")


def test_lse_sphere_update_descends_and_fixes_patterns():
    from spinnet.hopfield.dense import lse_sphere_energy, lse_sphere_update

    rng = np.random.default_rng(0)
    n, p = 30, 200
    xi = rng.standard_normal((p, n))
    x = rng.standard_normal((5, n))
    x *= math.sqrt(n) / np.linalg.norm(x, axis=1, keepdims=True)
    for lam in (0.05, 0.3, 2.0):
        y = x.copy()
        e = lse_sphere_energy(y, xi, lam)
        for _ in range(20):
            y = lse_sphere_update(y, xi, lam)
            np.testing.assert_allclose(np.linalg.norm(y, axis=1), math.sqrt(n))
            e2 = lse_sphere_energy(y, xi, lam)
            assert np.all(e2 <= e + 1e-9)
            e = e2
    # energy matches the definition; a well-separated pattern is a fixed point
    assert lse_sphere_energy(x[0], xi, 0.7) == pytest.approx(
        -math.log(np.sum(np.exp(0.7 * xi @ x[0]))) / 0.7, rel=1e-12)
    sph = xi * math.sqrt(n) / np.linalg.norm(xi, axis=1, keepdims=True)
    y = lse_sphere_update(sph[3], sph, 5.0)
    assert y @ sph[3] / n == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="state must have"):
        lse_sphere_update(np.ones(n + 1), xi, 1.0)


def test_basin_simulation_matches_rho_b():
    from spinnet.experiments.dense import lm_basin

    rows, s = lm_basin(30, 0.5, 0.2, np.linspace(0.5, 0.8, 13), n_probes=150, rng=3)
    # N = 30 spherical: finite-size shift of ρ_b is ~1e-2 (the annealed ln E/N − φ)
    assert s["rho_cross"] == pytest.approx(s["rho_b_theory"], abs=0.03)
    assert rows[0]["fraction_retrieved"] < 0.05 and rows[-1]["fraction_retrieved"] > 0.95
    assert rows[-1]["mean_overlap_after"] > 0.99


def test_extrapolate_recovers_series_and_annealed_limit():
    from spinnet.experiments.dense import lm_extrapolate

    ns = [20, 30, 40, 50, 60]
    vals = [0.3 + 0.2 / n - 1.5 / n**2 for n in ns]
    fit = lm_extrapolate(ns, vals, [1e-6] * 5)
    assert fit["alpha_inf"] == pytest.approx(0.3, abs=1e-9)
    # the annealed α₁(N) extrapolates to α₁ (its correction is a 1/N series)
    lam = 1.0
    fit = lm_extrapolate(ns, [lm_alpha1_finite(n, lam) for n in ns], [1e-6] * 5, order=3)
    assert fit["alpha_inf"] == pytest.approx(lm_alpha1(lam), abs=1e-5)
    with pytest.raises(ValueError, match="order"):
        lm_extrapolate([20, 30], [0.1, 0.2], [1e-3, 1e-3])


def test_simulations_reproducible_with_seed():
    from spinnet.experiments.dense import lm_basin

    a = lm_threshold(20, 0.5, [0.35, 0.4], n_probes=20, n_bins=300, n_boot=5, rng=9)
    b = lm_threshold(20, 0.5, [0.35, 0.4], n_probes=20, n_bins=300, n_boot=5, rng=9)
    assert a == b
    a = lm_all_patterns(16, 1.0, [0.15, 0.2], n_sets=3, rng=9)
    b = lm_all_patterns(16, 1.0, [0.15, 0.2], n_sets=3, rng=9)
    assert a == b
    a = lm_basin(16, 1.0, 0.2, [0.5, 0.9], n_probes=10, rng=9)
    b = lm_basin(16, 1.0, 0.2, [0.5, 0.9], n_probes=10, rng=9)
    assert a == b


def test_condensed_participation_matches_rem():
    # Gaussian overlaps, λ = 2 > λ_c(½) = 1: Poisson–Dirichlet weights, E[Σw²] = 1 − λ_c/λ = ½
    k = 300
    res = lm_rem_sample(60, 2.0, [0.5], ensemble="gaussian", n_probes=k, n_bins=4000,
                        exact_below=32, rng=21)
    y = res["participation"][0]
    assert np.mean(y) == pytest.approx(lm_rest_participation(0.5, 2.0, "gaussian"),
                                       abs=4 * np.std(y) / math.sqrt(k))
    # not condensed (λ = 0.5 < 1): the weight is spread, Σw² small and shrinking with N
    res = lm_rem_sample(60, 0.5, [0.5], ensemble="gaussian", n_probes=50, rng=22)
    assert np.mean(res["participation"][0]) < 0.01


def test_statements_of_the_paper_text():
    # The two quantitative statements of Lucibello & Mézard (2024) that spinnet could
    # read (abstract and summary; the body was not reachable, docs/modern-hopfield.md):
    # spherical patterns: the all-pattern bound coincides with the typical threshold;
    # Gaussian patterns: a gap α_c < α₁ — at every λ of a dense grid, not only at LAMS.
    lams = np.linspace(0.05, 8.0, 160)
    gaps = np.array([lm_alpha1(lam, "gaussian") - lm_alphac(lam, "gaussian") for lam in lams])
    assert all(lm_alphac(lam, "spherical") == lm_alpha1(lam, "spherical") for lam in lams)
    assert np.all(gaps > 0.009)
    # P = e^{αN}: the finite-N annealed threshold is ln P / N and tends to α₁
    errs = [abs(lm_alpha1_finite(n, 0.5) - lm_alpha1(0.5)) for n in (50, 200, 800)]
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-4
