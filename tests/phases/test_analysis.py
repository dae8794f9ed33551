"""Analysis: peak fits, bootstrap errors, finite-size scaling, PCA and Binder crossings."""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.phases.analysis import (
    PeakResult,
    binder_crossing,
    fit_gaussian_peak,
    fss_fit,
    output_curves,
    pca_projection,
)


def test_gaussian_peak_fit_recovers_exact_parameters():
    T = np.linspace(2.0, 2.6, 31)
    V = 0.2 * np.exp(-0.5 * ((T - 2.31) / 0.05) ** 2)
    mu, sigma, A = fit_gaussian_peak(T, V)
    assert mu == pytest.approx(2.31, abs=1e-6)
    assert sigma == pytest.approx(0.05, rel=1e-5)
    assert A == pytest.approx(0.2, rel=1e-5)
    with pytest.raises(ValueError, match="shape"):
        fit_gaussian_peak(T, V[:-1])


def test_output_curves_bootstrap_errors_match_the_standard_error(rng):
    """P is the mean output; its bootstrap error is the standard error of the mean."""
    T = np.linspace(2.0, 2.6, 25)
    p_true = 1 / (1 + np.exp(-(T - 2.3) / 0.04))
    n = 400
    outputs = [(rng.random(n) < p).astype(float) for p in p_true]  # Bernoulli outputs
    r = output_curves(T, outputs, L=32, n_boot=300, rng=1)
    se = np.sqrt(p_true * (1 - p_true) / n)
    mid = (p_true > 0.1) & (p_true < 0.9)
    # 300 bootstrap replicates estimate an error to ~4% (1/sqrt(2*300)); allow 4 sigma
    np.testing.assert_allclose(r.P_err[mid], se[mid], rtol=0.25)
    assert np.all(np.abs(r.P - p_true) < 4 * se + 1e-12)
    # V of Bernoulli outputs is p(1 - p): peak at 2.3 with sigma from the logistic shape
    assert abs(r.mu - 2.3) < 4 * r.mu_err
    with pytest.raises(ValueError, match="one array per temperature"):
        output_curves(T, outputs[:-1], L=32)
    with pytest.raises(ValueError, match="n_boot must be >= 2"):
        output_curves(T, outputs, L=32, n_boot=1)


def _synthetic_peak(L, T_c, a, b, inv_nu, err, rng):
    mu = T_c + a * L**-inv_nu
    sigma = b * L**-inv_nu
    n = 400
    mu_b = mu + rng.normal(0, err, n)
    sig_b = sigma * np.exp(rng.normal(0, 0.02, n))
    m0 = mu + rng.normal(0, err)
    s0 = sigma * np.exp(rng.normal(0, 0.02))
    return PeakResult(L=L, temperatures=np.zeros(1), P=np.zeros(1), P_err=np.zeros(1),
                      V=np.zeros(1), V_err=np.zeros(1), mu=m0, sigma=s0, amplitude=0.2,
                      mu_boot=mu_b, sigma_boot=sig_b)


@pytest.mark.parametrize("inv_nu", [1.0, 1.5])
def test_fss_fit_recovers_tc_and_nu(rng, inv_nu):
    peaks = [_synthetic_peak(L, 2.269185, 0.6, 1.8, inv_nu, 1e-3, rng)
             for L in (16, 24, 32, 48, 64)]
    f = fss_fit(peaks)
    assert abs(f.T_star - 2.269185) < 4 * f.T_star_err
    assert abs(f.inv_nu - inv_nu) < 4 * f.inv_nu_err
    assert f.inv_nu_err < 0.1 and f.T_star_err < 0.01
    with pytest.raises(ValueError, match="at least 3 sizes"):
        fss_fit(peaks[:2])


def test_pca_first_component_is_the_magnetisation(rng):
    n_T, n, L = 4, 50, 6
    m = np.linspace(0.9, 0.1, n_T)
    s = np.where(rng.random((n_T, n, L, L)) < (1 + m[:, None, None, None]) / 2, 1, -1)
    s = s * rng.choice([-1, 1], size=(n_T, n, 1, 1))  # both signs, as after cluster flips
    y = pca_projection(s, rng=0)
    mag = s.mean(axis=(2, 3))
    corr = np.corrcoef(y.ravel(), mag.ravel())[0, 1]
    assert abs(corr) > 0.99


def _binder_samples(T, L, T_c, n, rng):
    """Order parameter whose ordered fraction is a function of (T - T_c) L only."""
    w = 1 / (1 + np.exp((T - T_c) * L))
    ordered = rng.random((len(T), n)) < w[:, None]
    return np.where(ordered, rng.choice([-1.0, 1.0], size=(len(T), n)),
                    rng.normal(0, 1, (len(T), n)))


def test_binder_crossing_finds_the_scale_invariant_point(rng):
    T = np.linspace(2.0, 2.6, 31)
    tc, err, u1, u2 = binder_crossing(T, _binder_samples(T, 16, 2.3, 4000, rng),
                                      _binder_samples(T, 32, 2.3, 4000, rng), n_boot=100,
                                      rng=2)
    assert err > 0 and abs(tc - 2.3) < 4 * err
    assert u1[0] > u1[-1] and u2[0] > u2[-1]
