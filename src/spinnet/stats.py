"""Error analysis for correlated Monte Carlo time series.

Markov-chain samples are correlated, so the naive standard error ``σ/√n``
underestimates the true error of a mean by a factor ``√(2τ_int)``. Three
standard tools are provided:

* :func:`integrated_autocorrelation_time` — FFT autocorrelation with Sokal's
  automatic window (Sokal, "Monte Carlo methods in statistical mechanics:
  foundations and new algorithms", Cargèse lectures 1996, publ. 1997; Madras &
  Sokal, J. Stat. Phys. 50, 109 (1988));
* :func:`binning_error` — blocking analysis (Flyvbjerg & Petersen, J. Chem.
  Phys. 91, 461 (1989)) with the automatic plateau test of Jonsson, Phys. Rev.
  E 98, 043304 (2018);
* :func:`jackknife` — block jackknife errors and bias correction for nonlinear
  functions of averages such as ``χ``, ``C`` or the Binder cumulant (Efron,
  *The Jackknife, the Bootstrap and Other Resampling Plans* (SIAM, 1982);
  Newman & Barkema, *Monte Carlo Methods in Statistical Physics*, sec. 3.4.4).

Convention: ``τ_int = ½ + Σ_{t≥1} ρ(t)``, so independent samples have
``τ_int = ½`` and the standard error of the mean of ``n`` samples is
``σ √(2 τ_int / n)``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from scipy import stats as _sps

from spinnet._validation import check_array, check_fraction, check_int, check_option

__all__ = [
    "AutocorrelationTime",
    "BinningResult",
    "ErrorEstimate",
    "autocorrelation",
    "binning_error",
    "integrated_autocorrelation_time",
    "jackknife",
    "mean_with_error",
]


class ErrorEstimate(NamedTuple):
    """A value with its one-standard-deviation error; ``str()`` gives ``"value ± error"``.

    Both fields are floats, or arrays of the same shape for vector-valued
    estimates. ``str(ErrorEstimate(0.91132, 0.00012))`` is ``"0.91132 ± 0.00012"``.

    Attributes
    ----------
    value : float or ndarray of float, any shape
        The estimate.
    error : float or ndarray of float, same shape as ``value``
        Its one-standard-deviation error.
    """

    value: float | np.ndarray
    error: float | np.ndarray

    def format(self, digits: int = 2) -> str:
        """Round the error to ``digits`` significant figures and the value to match."""
        digits = check_int(digits, "digits", minimum=1)
        if np.ndim(self.value) or np.ndim(self.error):
            pairs = zip(np.ravel(self.value), np.ravel(self.error), strict=False)
            return "[" + ", ".join(ErrorEstimate(float(v), float(e)).format(digits)
                                   for v, e in pairs) + "]"
        value, error = float(self.value), float(self.error)
        if not (math.isfinite(error) and error > 0.0 and math.isfinite(value)):
            return f"{value:.6g} ± {error:.{digits}g}"
        decimals = digits - 1 - math.floor(math.log10(error))
        if decimals >= 0:
            return f"{value:.{decimals}f} ± {error:.{decimals}f}"
        return f"{round(value, decimals):.0f} ± {round(error, decimals):.0f}"

    def __str__(self) -> str:
        return self.format()


class AutocorrelationTime(NamedTuple):
    """Integrated autocorrelation time with Sokal's window.

    Attributes
    ----------
    tau : float
        ``τ_int = ½ + Σ_{t=1}^{W} ρ(t)`` (``½`` for independent samples).
    window : int
        Window ``W`` chosen by the automatic criterion ``W ≥ c τ_int(W)``.
    error : float
        Statistical error of ``tau``, ``τ √(2(2W+1)/n)`` (Sokal 1997, sec. 3).
    converged : bool
        False if no window satisfied the criterion (series too short, ``n ≲ c τ``).
    """

    tau: float
    window: int
    error: float
    converged: bool


class BinningResult(NamedTuple):
    """Blocking analysis of the error of a mean.

    Attributes
    ----------
    mean : float
        Sample mean of the series.
    error : float
        Standard error of the mean at the chosen blocking level (the plateau).
    bin_size : int
        Bin size ``2^k`` of the chosen level.
    bin_sizes : ndarray of int, shape (n_levels,)
        Bin sizes ``1, 2, 4, ...`` of all levels.
    errors : ndarray of float, shape (n_levels,)
        Standard error of the mean estimated at each level (``σ_k / √n_k``).
    errors_error : ndarray of float, shape (n_levels,)
        Statistical uncertainty of each entry of ``errors``,
        ``errors / √(2(n_k - 1))``.
    tau : float
        Implied integrated autocorrelation time ``½ (error / naive error)²``.
    converged : bool
        False if no level passed the plateau test (more data needed).
    """

    mean: float
    error: float
    bin_size: int
    bin_sizes: np.ndarray
    errors: np.ndarray
    errors_error: np.ndarray
    tau: float
    converged: bool


def _series_1d_or_chains(x: Any, name: str = "x", min_length: int = 2) -> np.ndarray:
    arr = check_array(x, name, ndim=(1, 2), dtype=np.float64)
    if arr.shape[-1] < min_length:
        raise ValueError(f"{name} must have at least {min_length} samples; got shape {arr.shape}")
    return arr


def autocorrelation(x: Any, max_lag: int | None = None) -> np.ndarray:
    """Normalized autocorrelation function ``ρ(t) = C(t) / C(0)`` of a series (FFT).

    ``C(t) = (1/(n - t)) Σ_{i=1}^{n-t} (x_i - x̄)(x_{i+t} - x̄)`` (Sokal 1997, sec. 3),
    computed in ``O(n log n)`` with a zero-padded FFT. For several chains
    (shape ``(n_chains, n)``) each chain is centred on its own mean and the
    autocovariances are averaged before normalizing.

    Parameters
    ----------
    x : array_like, shape (n,) or (n_chains, n)
        Time series (time on the last axis).
    max_lag : int, optional
        Largest lag returned (default ``n - 1``).

    Returns
    -------
    ndarray, shape (max_lag + 1,)
        ``ρ(0) = 1, ρ(1), ...``; all NaN if the series is constant.
    """
    arr = _series_1d_or_chains(x)
    n = arr.shape[-1]
    max_lag = n - 1 if max_lag is None else check_int(max_lag, "max_lag", minimum=0,
                                                       maximum=n - 1)
    centred = np.atleast_2d(arr - arr.mean(axis=-1, keepdims=True))
    size = 1 << int(2 * n - 1).bit_length()     # >= 2n - 1: no circular wrap-around
    f = np.fft.rfft(centred, n=size, axis=-1)
    acov = np.fft.irfft(f * np.conj(f), n=size, axis=-1)[:, : max_lag + 1].mean(axis=0)
    acov /= n - np.arange(max_lag + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return acov / acov[0]


def integrated_autocorrelation_time(x: Any, c: float = 5.0) -> AutocorrelationTime:
    """Integrated autocorrelation time ``τ_int`` with Sokal's automatic windowing.

    ``τ_int(W) = ½ + Σ_{t=1}^{W} ρ(t)`` and the window is the smallest ``W`` with
    ``W ≥ c τ_int(W)`` (Sokal 1997, sec. 3; Madras & Sokal 1988): long enough
    that the neglected tail ``Σ_{t>W} ρ(t) ~ e^{-c}`` is small for an exponential
    decay, short enough that the noise of ``ρ̂(t)`` at large ``t`` does not swamp
    the sum. ``c ≈ 4-6`` suits nearly exponential autocorrelations; use larger
    ``c`` (e.g. 10) for slowly decaying tails. Windows up to ``n/4`` are
    considered; a reliable estimate needs ``n ≳ 1000 τ_int`` (Sokal 1997).

    Convention: with this definition independent samples have ``τ_int = ½``, and
    the standard error of the mean of ``n`` correlated samples is
    ``σ √(2 τ_int / n)`` (some authors use ``τ' = 2τ_int = 1 + 2 Σ ρ(t)``).
    For an AR(1) process ``x_t = φ x_{t-1} + ε_t``, ``ρ(t) = φ^t`` and
    ``τ_int = ½ (1 + φ) / (1 - φ)``.

    Parameters
    ----------
    x : array_like, shape (n,) or (n_chains, n)
        Time series; several independent chains of equal length are combined by
        averaging their autocovariances.
    c : float, default 5
        Window constant.

    Returns
    -------
    AutocorrelationTime
        ``(tau, window, error, converged)``. A constant series (zero variance)
        returns ``tau = 0.5``, ``window = 0``: its mean has zero error either way.
        A series too short for the criterion warns and returns the estimate at
        the largest window with ``converged=False``.
    """
    arr = _series_1d_or_chains(x)
    if isinstance(c, bool) or not isinstance(c, int | float | np.integer | np.floating) \
            or not (np.isfinite(c) and c > 0):
        raise ValueError(f"c must be a positive finite number; got {c!r}")
    n_total = arr.size
    if np.all(np.ptp(np.atleast_2d(arr), axis=-1) == 0):
        return AutocorrelationTime(tau=0.5, window=0, error=0.0, converged=True)
    # Windows are searched up to n/4 only: ρ̂(t) at lags comparable to n is pure noise
    # (and for short, strongly correlated series its cumulative sum turns negative,
    # which would satisfy W >= c τ spuriously).
    max_window = max(1, arr.shape[-1] // 4)
    rho = autocorrelation(arr, max_lag=max_window)
    taus = 0.5 + np.cumsum(rho[1:])             # taus[W - 1] = τ_int(W)
    windows = np.arange(1, rho.size)
    ok = windows >= c * taus
    converged = bool(ok.any())
    if converged:
        W = int(windows[np.argmax(ok)])
    else:
        W = int(windows[-1])
        warnings.warn(
            f"integrated_autocorrelation_time: no window W <= {W} satisfies W >= c*tau "
            f"(c = {c}); the series is too short (n should be >> c * tau_int). "
            "The returned estimate is unreliable.", RuntimeWarning, stacklevel=2)
    tau = float(taus[W - 1])
    error = abs(tau) * math.sqrt(2.0 * (2 * W + 1) / n_total)
    return AutocorrelationTime(tau=tau, window=W, error=error, converged=converged)


def binning_error(x: Any, *, confidence: float = 0.99, min_bins: int = 16) -> BinningResult:
    """Standard error of the mean by blocking (binning) analysis.

    The series is repeatedly coarse-grained by averaging neighbouring pairs
    (bin sizes ``1, 2, 4, ...``; an odd trailing sample is dropped at each
    level). At level ``k`` with ``n_k`` bins the estimate is
    ``σ_k / √n_k`` (``σ_k²`` the unbiased variance of the bin means); it rises
    with ``k`` and saturates once bins are longer than the correlation time
    (Flyvbjerg & Petersen 1989). The plateau is chosen automatically following
    Jonsson (2018): the first level ``j`` whose statistic
    ``M_j = Σ_{k≥j} n_k (γ̂_k / σ̂_k²)²`` (``γ̂_k`` the lag-1 autocovariance of
    the level-``k`` series, ``σ̂_k²`` its variance) is below the
    ``confidence`` quantile of ``χ²`` with as many degrees of freedom as levels
    summed, i.e. from which on the bins are consistent with being uncorrelated.

    Parameters
    ----------
    x : array_like, shape (n,)
        Time series (at least 4 samples; in practice ``n ≳ 1000 τ_int``).
    confidence : float, default 0.99
        Level of the ``χ²`` test.
    min_bins : int, default 16
        Fewest bins at the chosen level for the result to count as converged
        (the relative error of the error is ``1/√(2(n_k - 1))``).

    Returns
    -------
    BinningResult
        The chosen ``error`` and the full table ``bin_sizes``, ``errors``,
        ``errors_error`` for plotting. Warns and sets ``converged=False`` if no
        level with at least ``min_bins`` bins passes (too little data).
    """
    arr = check_array(x, "x", ndim=1, dtype=np.float64)
    if arr.size < 4:
        raise ValueError(f"x must have at least 4 samples for binning; got {arr.size}")
    confidence = check_fraction(confidence, "confidence", inclusive_high=False)
    min_bins = check_int(min_bins, "min_bins", minimum=2)
    mean = float(arr.mean())
    sizes, errs, errs_err, n_k, stat = [], [], [], [], []
    level, size = arr, 1
    while level.size >= 2:
        n = level.size
        dev = level - mean
        var0 = float(np.mean(dev * dev))
        gamma = float(np.sum(dev[:-1] * dev[1:]) / n)
        sizes.append(size)
        n_k.append(n)
        err = math.sqrt(float(np.var(level, ddof=1)) / n)
        errs.append(err)
        errs_err.append(err / math.sqrt(2.0 * (n - 1)))
        stat.append(n * (gamma / var0) ** 2 if var0 > 0 else 0.0)
        level = 0.5 * (level[0: n - n % 2: 2] + level[1: n - n % 2: 2])
        size *= 2
    d = len(sizes)
    M = np.cumsum(np.asarray(stat)[::-1])[::-1]            # M_j = Σ_{k >= j} stat_k
    quantiles = _sps.chi2.ppf(confidence, df=np.arange(d, 0, -1))
    passed = M < quantiles
    # The last levels (a handful of bins) pass the test easily but give a noisy error;
    # a plateau reached only there means the series is too short.
    j = int(np.argmax(passed)) if passed.any() else d - 1
    converged = bool(passed.any()) and n_k[j] >= min_bins
    if not converged:
        warnings.warn(
            f"binning_error: no blocking level with >= {min_bins} bins passed the plateau "
            "test; the series is too short compared with its autocorrelation time. "
            "The returned error is unreliable.", RuntimeWarning, stacklevel=2)
    error = errs[j]
    naive = errs[0]
    tau = 0.5 * (error / naive) ** 2 if naive > 0 else 0.5
    return BinningResult(mean=mean, error=error, bin_size=sizes[j],
                         bin_sizes=np.asarray(sizes), errors=np.asarray(errs),
                         errors_error=np.asarray(errs_err), tau=tau, converged=converged)


def jackknife(data: Any, func: Callable[..., Any], n_blocks: int = 50,
              *, bias_correction: bool = True) -> ErrorEstimate:
    """Block-jackknife estimate and error of a function of time-series averages.

    The time axis (last axis) is cut into ``n_blocks`` contiguous blocks of
    ``b = n // n_blocks`` samples (the first ``n mod n_blocks`` samples are
    dropped, i.e. treated as extra equilibration). With ``θ̂`` the estimate on
    all kept data and ``θ̂_(i)`` the estimate with block ``i`` left out
    (Efron 1982, ch. 2; Newman & Barkema 1999, sec. 3.4.4)::

        θ̄ = (1/B) Σ_i θ̂_(i),
        error = √[(B - 1)/B Σ_i (θ̂_(i) - θ̄)²],
        θ_J = B θ̂ - (B - 1) θ̄          (bias-corrected; O(1/n) bias removed).

    Blocks longer than the autocorrelation time (``b ≫ τ_int``) make the error
    valid for correlated data. For the sample mean with ``B = n`` the error is
    exactly ``s/√n``. Cost: ``B`` calls of ``func`` on ``n - b`` samples each.

    Parameters
    ----------
    data : array_like, shape (..., n), or a tuple/list of such arrays
        Series; with several arrays (same length ``n``), each is cut the same
        way and ``func`` receives them as separate arguments, e.g.
        ``jackknife((m, e), lambda m, e: ...)``.
    func : callable
        Maps the (reduced) series to a float or an array, e.g.
        ``lambda m: binder_cumulant(m)`` or
        ``lambda e: specific_heat(e, T, N)``. It must average over the last axis.
    n_blocks : int >= 2, default 50
        Number of jackknife blocks ``B``.
    bias_correction : bool, default True
        Return ``θ_J`` (True) or ``θ̂`` (False) as the value.

    Returns
    -------
    ErrorEstimate
        ``(value, error)``, floats or arrays matching ``func``'s output.
    """
    if not callable(func):
        raise TypeError(f"func must be callable; got {type(func).__name__}")
    multi = isinstance(data, tuple | list)
    series: Sequence[Any] = data if multi else (data,)
    if multi and len(series) == 0:
        raise ValueError("data must not be an empty sequence")
    arrays = [check_array(s, f"data[{i}]" if multi else "data", dtype=np.float64)
              for i, s in enumerate(series)]
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise ValueError(f"data[{i}] must be a time series; got a scalar")
    n = arrays[0].shape[-1]
    if any(a.shape[-1] != n for a in arrays):
        raise ValueError("all series in data must have the same length (last axis); got "
                         f"{[a.shape for a in arrays]}")
    n_blocks = check_int(n_blocks, "n_blocks", minimum=2, maximum=n)
    b = n // n_blocks
    start = n - b * n_blocks
    arrays = [a[..., start:] for a in arrays]

    def evaluate(arrs: list[np.ndarray]) -> np.ndarray:
        return np.asarray(func(*arrs), dtype=np.float64)

    full = evaluate(arrays)
    leave_out = np.stack([
        evaluate([np.concatenate((a[..., : i * b], a[..., (i + 1) * b:]), axis=-1)
                  for a in arrays])
        for i in range(n_blocks)
    ])
    mean_lo = leave_out.mean(axis=0)
    error = np.sqrt((n_blocks - 1) / n_blocks * ((leave_out - mean_lo) ** 2).sum(axis=0))
    value = n_blocks * full - (n_blocks - 1) * mean_lo if bias_correction else full
    if value.ndim == 0:
        return ErrorEstimate(float(value), float(error))
    return ErrorEstimate(value, error)


_MEAN_METHODS = ("binning", "autocorrelation", "naive")


def mean_with_error(x: Any, method: str = "binning") -> ErrorEstimate:
    """Mean of a correlated time series with its standard error.

    Parameters
    ----------
    x : array_like, shape (n,)
        Time series.
    method : {"binning", "autocorrelation", "naive"}
        ``"binning"``: :func:`binning_error`; ``"autocorrelation"``:
        ``σ √(2 τ_int / n)`` with :func:`integrated_autocorrelation_time`;
        ``"naive"``: ``σ / √n`` (independent samples only).

    Returns
    -------
    ErrorEstimate
    """
    arr = check_array(x, "x", ndim=1, dtype=np.float64)
    check_option(method, "method", _MEAN_METHODS)
    if arr.size < 2:
        raise ValueError(f"x must have at least 2 samples; got {arr.size}")
    mean = float(arr.mean())
    if method == "binning":
        return ErrorEstimate(mean, binning_error(arr).error)
    sigma = float(arr.std(ddof=1))
    if method == "naive":
        return ErrorEstimate(mean, sigma / math.sqrt(arr.size))
    tau = integrated_autocorrelation_time(arr).tau
    return ErrorEstimate(mean, sigma * math.sqrt(2.0 * tau / arr.size))
