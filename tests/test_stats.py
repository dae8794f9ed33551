"""Error analysis on processes with known answers (AR(1), iid Gaussian); fixed seeds,
tolerances from the known statistical error of each estimator (4 sigma)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.signal import lfilter

from spinnet.stats import (
    AutocorrelationTime,
    BinningResult,
    ErrorEstimate,
    autocorrelation,
    binning_error,
    integrated_autocorrelation_time,
    jackknife,
    mean_with_error,
)


def ar1(phi: float, n: int, seed: int, n_chains: int | None = None) -> np.ndarray:
    """Stationary AR(1), x_t = phi x_{t-1} + eps_t, eps ~ N(0, 1): rho(t) = phi^t,
    tau_int = (1 + phi) / (2 (1 - phi)), var(x) = 1 / (1 - phi^2)."""
    rng = np.random.default_rng(seed)
    shape = (n,) if n_chains is None else (n_chains, n)
    eps = rng.standard_normal(shape)
    x0 = rng.standard_normal(shape[:-1]) / math.sqrt(1 - phi * phi)
    x, _ = lfilter([1.0], [1.0, -phi], eps, axis=-1, zi=np.asarray(phi * x0)[..., None])
    return x


def tau_ar1(phi: float) -> float:
    return 0.5 * (1 + phi) / (1 - phi)


def exact_var_of_block_mean(phi: float, b: int) -> float:
    """Var of the mean of b consecutive AR(1) samples: (σ²/b)[1 + 2Σ_{t<b}(1 - t/b)φ^t]."""
    t = np.arange(1, b)
    return (1 + 2 * np.sum((1 - t / b) * phi ** t)) / (b * (1 - phi * phi))


# ----------------------------------------------------------------------------- autocorrelation

def test_autocorrelation_matches_direct_sum():
    x = ar1(0.7, 300, seed=3)
    rho = autocorrelation(x)
    d = x - x.mean()
    n = x.size
    direct = np.array([np.dot(d[: n - t], d[t:]) / (n - t) for t in range(n)])
    np.testing.assert_allclose(rho, direct / direct[0], rtol=1e-10, atol=1e-12)
    assert autocorrelation(x, max_lag=10).shape == (11,)


def test_autocorrelation_of_ar1_follows_phi_power_t():
    phi, n = 0.8, 2 ** 17
    rho = autocorrelation(ar1(phi, n, seed=5), max_lag=20)
    t = np.arange(21)
    # Bartlett: var(rho_hat(t)) ~ [(1 + phi^2)(1 - phi^2t)/(1 - phi^2) - 2t phi^2t] / n.
    var = ((1 + phi ** 2) * (1 - phi ** (2 * t)) / (1 - phi ** 2) - 2 * t * phi ** (2 * t)) / n
    assert np.all(np.abs(rho - phi ** t) <= 4 * np.sqrt(var) + 1e-12)


def test_autocorrelation_averages_chains():
    x = ar1(0.5, 1000, seed=7, n_chains=3)
    d = x - x.mean(axis=1, keepdims=True)
    acov = np.mean([[np.dot(c[: 1000 - t], c[t:]) / (1000 - t) for t in range(5)] for c in d],
                   axis=0)
    np.testing.assert_allclose(autocorrelation(x, max_lag=4), acov / acov[0], rtol=1e-10)


@pytest.mark.parametrize(("phi", "seed"), [(0.0, 11), (0.5, 12), (0.8, 13), (0.9, 14)])
def test_integrated_autocorrelation_time_of_ar1(phi, seed):
    n = 2 ** 17
    res = integrated_autocorrelation_time(ar1(phi, n, seed))
    assert isinstance(res, AutocorrelationTime)
    assert res.converged
    # Sokal: var(tau)/tau^2 ~ 2(2W + 1)/n, plus the neglected tail phi^(W+1)/(1 - phi).
    tail = phi ** (res.window + 1) / (1 - phi)
    assert res.error == pytest.approx(res.tau * math.sqrt(2 * (2 * res.window + 1) / n))
    assert abs(res.tau - tau_ar1(phi)) < 4 * res.error + tail
    assert res.window >= 5.0 * res.tau                   # the automatic-window criterion
    assert res.window - 1 < 5.0 * (res.tau - autocorrelation(ar1(phi, n, seed),
                                                             max_lag=res.window)[-1])


def test_integrated_autocorrelation_time_chains_and_edge_cases():
    phi = 0.8
    res = integrated_autocorrelation_time(ar1(phi, 2 ** 15, seed=21, n_chains=4))
    assert abs(res.tau - tau_ar1(phi)) < 4 * res.error
    const = integrated_autocorrelation_time(np.full(100, 3.0))
    assert const == (0.5, 0, 0.0, True)
    # A ramp is "correlated" over its whole length: no window <= n/4 satisfies W >= 5 tau.
    with pytest.warns(RuntimeWarning, match="too short"):
        short = integrated_autocorrelation_time(np.arange(50.0))
    assert not short.converged
    with pytest.raises(ValueError, match="c must"):
        integrated_autocorrelation_time(np.arange(10.0), c=0)
    with pytest.raises(ValueError, match="x"):
        integrated_autocorrelation_time(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="x"):
        integrated_autocorrelation_time([1.0, np.nan, 2.0])


# ----------------------------------------------------------------------------- binning

@pytest.mark.parametrize(("phi", "seed"), [(0.0, 31), (0.8, 32), (0.9, 33)])
def test_binning_error_of_ar1(phi, seed):
    n = 2 ** 17
    x = ar1(phi, n, seed)
    res = binning_error(x)
    assert isinstance(res, BinningResult)
    assert res.converged
    assert res.mean == pytest.approx(x.mean())
    j = int(np.flatnonzero(res.bin_sizes == res.bin_size)[0])
    n_bins = n // res.bin_size
    # At the chosen level the estimate fluctuates by errors_error around the exact
    # sqrt(Var(bin mean) / n_bins) (4 sigma) ...
    expected = math.sqrt(exact_var_of_block_mean(phi, res.bin_size) / n_bins)
    assert abs(res.error - expected) < 4 * res.errors_error[j]
    # ... which is within a few per cent of the true error of the mean (the plateau).
    true_error = math.sqrt(exact_var_of_block_mean(phi, n))
    assert expected / true_error > 0.93
    assert res.tau == pytest.approx(0.5 * (res.error / res.errors[0]) ** 2)
    assert res.bin_sizes[0] == 1 and np.all(np.diff(np.log2(res.bin_sizes)) == 1)


def test_binning_error_warns_on_short_series():
    with pytest.warns(RuntimeWarning, match="too short"):
        res = binning_error(ar1(0.999, 256, seed=2))
    assert not res.converged
    with pytest.raises(ValueError, match="at least 4"):
        binning_error([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="confidence"):
        binning_error(np.arange(100.0), confidence=1.0)


# ----------------------------------------------------------------------------- jackknife

def test_jackknife_mean_leave_one_out_is_standard_error():
    x = np.random.default_rng(0).standard_normal(500)
    est = jackknife(x, np.mean, n_blocks=500)
    assert est.value == pytest.approx(x.mean(), rel=1e-12)
    assert est.error == pytest.approx(x.std(ddof=1) / math.sqrt(x.size), rel=1e-12)


def test_jackknife_bias_correction_of_variance():
    # Leave-one-out jackknife turns the biased variance (ddof=0) into the unbiased one.
    x = np.random.default_rng(1).standard_normal(400) * 3
    est = jackknife(x, np.var, n_blocks=400)
    assert est.value == pytest.approx(np.var(x, ddof=1), rel=1e-10)
    raw = jackknife(x, np.var, n_blocks=400, bias_correction=False)
    assert raw.value == np.var(x)
    assert raw.error == est.error


def test_jackknife_error_of_gaussian_variance():
    # Var(s^2) = 2 sigma^4 / n for Gaussian data. With B blocks the jackknife variance
    # estimate has relative spread ~ sqrt(2/(B-1)), i.e. ~1/sqrt(2(B-1)) on the error.
    sigma, n, B = 2.0, 20000, 200
    x = np.random.default_rng(2).normal(scale=sigma, size=n)
    est = jackknife(x, np.var, n_blocks=B)
    expected = sigma ** 2 * math.sqrt(2 / n)
    assert abs(est.error / expected - 1) < 4 / math.sqrt(2 * (B - 1))
    assert abs(est.value - sigma ** 2) < 4 * expected


def test_jackknife_blocks_handle_correlated_data():
    phi, n, B = 0.8, 2 ** 17, 100
    x = ar1(phi, n, seed=41)
    est = jackknife(x, np.mean, n_blocks=B)
    true_error = math.sqrt(exact_var_of_block_mean(phi, n))
    assert abs(est.error / true_error - 1) < 4 / math.sqrt(2 * (B - 1))
    # Leave-one-out ignores correlations: error too small by ~sqrt(2 tau) = 3.
    short = x[: 2 ** 12]
    naive = jackknife(short, np.mean, n_blocks=short.size)
    assert naive.error < 0.5 * math.sqrt(exact_var_of_block_mean(phi, short.size))


def test_jackknife_several_series_and_vector_output():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(1000), rng.standard_normal(1000)
    est = jackknife((a, b), lambda u, v: np.mean(u * v), n_blocks=50)
    assert isinstance(est.value, float)
    assert abs(est.value) < 4 * est.error
    vec = jackknife(np.stack([a, b]), lambda y: y.mean(axis=-1), n_blocks=50)
    assert vec.value.shape == (2,) and vec.error.shape == (2,)
    np.testing.assert_allclose(vec.value, [a.mean(), b.mean()], rtol=1e-10)
    # The first n mod B samples are dropped.
    odd = np.concatenate([[1e6], np.ones(100)])
    assert jackknife(odd, np.mean, n_blocks=10).value == pytest.approx(1.0)


def test_jackknife_validation():
    x = np.arange(10.0)
    with pytest.raises(TypeError, match="func"):
        jackknife(x, "mean")
    with pytest.raises(ValueError, match="n_blocks"):
        jackknife(x, np.mean, n_blocks=11)
    with pytest.raises(ValueError, match="n_blocks"):
        jackknife(x, np.mean, n_blocks=1)
    with pytest.raises(ValueError, match="same length"):
        jackknife((x, x[:5]), lambda u, v: 0.0)
    with pytest.raises(ValueError, match="empty"):
        jackknife((), np.mean)


# ----------------------------------------------------------------------------- helpers

def test_mean_with_error_methods_agree_on_ar1():
    phi, n = 0.8, 2 ** 17
    x = ar1(phi, n, seed=51)
    true_error = math.sqrt(exact_var_of_block_mean(phi, n))
    for method in ("binning", "autocorrelation"):
        est = mean_with_error(x, method=method)
        assert est.value == pytest.approx(x.mean())
        assert est.error == pytest.approx(true_error, rel=0.15)
    naive = mean_with_error(x, method="naive")
    assert naive.error == pytest.approx(x.std(ddof=1) / math.sqrt(n))
    with pytest.raises(ValueError, match="method"):
        mean_with_error(x, method="bootstrap")


def test_error_estimate_formatting():
    assert str(ErrorEstimate(0.911319377, 0.000123)) == "0.91132 ± 0.00012"
    assert ErrorEstimate(0.911319377, 0.000123).format(digits=1) == "0.9113 ± 0.0001"
    assert str(ErrorEstimate(1234.5, 56.0)) == "1234 ± 56"
    assert str(ErrorEstimate(123456.0, 789.0)) == "123460 ± 790"
    assert str(ErrorEstimate(1.5, 0.0)) == "1.5 ± 0"
    assert str(ErrorEstimate(np.array([1.0, 2.0]), np.array([0.1, 0.02]))) == (
        "[1.00 ± 0.10, 2.000 ± 0.020]")
    value, error = ErrorEstimate(1.0, 0.5)
    assert (value, error) == (1.0, 0.5)
