r"""Finite-size analysis of classifier outputs: ``P(T; L)``, ``V(T; L)``, ``T*`` and ``1/ν``.

For every temperature the network output ``f`` (probability of the
paramagnetic label) is averaged over snapshots, ``P(T; L) = ⟨f⟩``, and its
variance over snapshots ``V(T; L) = ⟨f²⟩ − ⟨f⟩²`` -- the variance of the output
function, which peaks in the critical region (Chertenkov, Burovski & Shchur,
Phys. Rev. E 108, L032102 (2023)). A Gaussian
``A exp(−(T − μ)²/(2σ²))`` fitted to the peak gives its position ``μ(L)`` and
width ``σ(L)``; finite-size scaling, ``σ(L) ∝ L^{−1/ν}`` and
``μ(L) = T* + a L^{−1/ν}``, gives ``1/ν`` and ``T*``.

The half-widths below and above the peak, ``σ−(L)`` and ``σ+(L)``, come from a
split-normal (two-piece Gaussian) fit of the same peak region,
``A exp(−(T − m)²/(2σ−²))`` for ``T < m`` and ``A exp(−(T − m)²/(2σ+²))`` for
``T ≥ m`` (John, Commun. Stat. Theory Methods 11, 879 (1982)); for a symmetric
peak ``σ− = σ+ = σ``. Each side scales on its own, ``σ±(L) ∝ L^{−1/ν}`` (the
whole V curve is a function of ``(T − T_c) L^{1/ν}`` near ``T_c``; Fisher &
Ferdinand, Phys. Rev. Lett. 19, 169 (1967)), which gives the two further
estimates ``1/ν_σ−`` and ``1/ν_σ+`` of Chertenkov, Burovski & Shchur's tables.

Errors: the snapshots at every temperature are resampled with replacement
(bootstrap; Efron 1979) and the whole chain -- ``V``, peak fits, scaling fits --
is repeated on every replicate; the quoted error is the standard deviation of
the replicates. This propagates the statistical error of the Monte Carlo
sample through a fixed trained network; it does not include the spread over
independently trained networks.

Unsupervised baseline (Wang, Phys. Rev. B 94, 195105 (2016)): the first
principal component ``w₁`` of the snapshots, the projection
``y = s·w₁/√N`` per snapshot, and the crossing of its Binder cumulant
``U(T; L) = 1 − ⟨y⁴⟩/(3⟨y²⟩²)`` for successive sizes (Binder, Z. Phys. B 43,
119 (1981)).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import optimize

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_array, check_int

__all__ = [
    "TABLE_COLUMNS",
    "FSSResult",
    "PeakResult",
    "binder_crossing",
    "fit_gaussian_peak",
    "fit_split_peak",
    "fss_fit",
    "ideal_energy_outputs",
    "output_curves",
    "pca_projection",
    "table_rows",
    "write_table",
]


@dataclasses.dataclass
class PeakResult:
    """``P``, ``V`` and the fitted ``V`` peak at one size.

    Attributes
    ----------
    L : int
    temperatures : ndarray, shape (n_T,)
    P, P_err, V, V_err : ndarray, shape (n_T,)
    mu, sigma, amplitude : float
        Gaussian fit of the ``V`` peak.
    mu_boot, sigma_boot : ndarray, shape (n_boot,)
        The same fit on bootstrap replicates (NaN where a fit failed).
    sigma_minus, sigma_plus : float
        Half-widths below and above the peak from the split-normal fit
        (:func:`fit_split_peak`); NaN when not fitted.
    sigma_minus_boot, sigma_plus_boot : ndarray, shape (n_boot,)
        The same on the bootstrap replicates (empty when not fitted).
    mu_split, amplitude_split : float
        Mode and height of the split-normal fit (for drawing it).
    """

    L: int
    temperatures: np.ndarray
    P: np.ndarray
    P_err: np.ndarray
    V: np.ndarray
    V_err: np.ndarray
    mu: float
    sigma: float
    amplitude: float
    mu_boot: np.ndarray
    sigma_boot: np.ndarray
    sigma_minus: float = float("nan")
    sigma_plus: float = float("nan")
    sigma_minus_boot: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    sigma_plus_boot: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    mu_split: float = float("nan")
    amplitude_split: float = float("nan")

    @property
    def mu_err(self) -> float:
        return float(np.nanstd(self.mu_boot, ddof=1))

    @property
    def sigma_err(self) -> float:
        return float(np.nanstd(self.sigma_boot, ddof=1))

    @property
    def sigma_minus_err(self) -> float:
        """Bootstrap standard deviation of ``σ−`` (NaN with fewer than 2 good replicates)."""
        return _boot_std(self.sigma_minus_boot)

    @property
    def sigma_plus_err(self) -> float:
        """Bootstrap standard deviation of ``σ+`` (NaN with fewer than 2 good replicates)."""
        return _boot_std(self.sigma_plus_boot)


def _boot_std(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.std(x, ddof=1)) if x.size >= 2 else float("nan")


@dataclasses.dataclass
class FSSResult:
    """Finite-size scaling of the peak positions and widths.

    Attributes
    ----------
    T_star, T_star_err : float
        ``T*`` from ``μ(L) = T* + a L^{−1/ν}`` with ``1/ν`` from the width fit.
    inv_nu, inv_nu_err : float
        ``1/ν`` from ``σ(L) = b L^{−1/ν}``.
    a, b : float
    chi2_mu, chi2_sigma : float
        ``χ²`` per degree of freedom of the two fits (errors from the bootstrap).
    sizes : ndarray of float, shape (n_sizes,)
        The lattice sizes ``L`` of the fitted peaks, in the order of the peaks.
    mu_weights, log_sigma_weights : ndarray of float, shape (n_sizes,), or None
        Per-size standard errors used in the fits.
    inv_nu_minus, inv_nu_minus_err, inv_nu_plus, inv_nu_plus_err : float
        ``1/ν`` from ``σ−(L) = b− L^{−1/ν}`` and ``σ+(L) = b+ L^{−1/ν}`` (NaN when
        the half-widths were not fitted at every size).
    b_minus, b_plus, chi2_sigma_minus, chi2_sigma_plus : float
        Amplitudes and ``χ²`` per degree of freedom of those two fits.
    log_sigma_minus_weights, log_sigma_plus_weights : ndarray of float, shape (n_sizes,), or None
        Per-size standard errors of ``ln σ−`` and ``ln σ+`` used in the fits.
    """

    T_star: float
    T_star_err: float
    inv_nu: float
    inv_nu_err: float
    a: float
    b: float
    chi2_mu: float
    chi2_sigma: float
    sizes: np.ndarray
    mu_weights: np.ndarray | None = None
    log_sigma_weights: np.ndarray | None = None
    inv_nu_minus: float = float("nan")
    inv_nu_minus_err: float = float("nan")
    inv_nu_plus: float = float("nan")
    inv_nu_plus_err: float = float("nan")
    b_minus: float = float("nan")
    b_plus: float = float("nan")
    chi2_sigma_minus: float = float("nan")
    chi2_sigma_plus: float = float("nan")
    log_sigma_minus_weights: np.ndarray | None = None
    log_sigma_plus_weights: np.ndarray | None = None


def _gauss(T: np.ndarray, A: float, mu: float, sigma: float) -> np.ndarray:
    return A * np.exp(-0.5 * ((T - mu) / sigma) ** 2)


def _peak_region(T: Any, V: Any, level: float) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Checked ``T``, ``V`` and the fit region ``[lo, hi]`` around ``k = argmax V``."""
    T = check_array(T, "T", ndim=1, dtype=np.float64)
    V = check_array(V, "V", ndim=1, dtype=np.float64)
    if V.shape != T.shape:
        raise ValueError(f"V must have the shape of T {T.shape}; got {V.shape}")
    k = int(np.argmax(V))
    lo = k
    while lo > 0 and V[lo - 1] >= level * V[k]:
        lo -= 1
    hi = k
    while hi < len(V) - 1 and V[hi + 1] >= level * V[k]:
        hi += 1
    lo, hi = max(0, min(lo, k - 2)), min(len(V) - 1, max(hi, k + 2))
    return T, V, k, lo, hi


def fit_gaussian_peak(T: Any, V: Any, V_err: Any | None = None, *,
                      level: float = 0.2) -> tuple[float, float, float]:
    """Fit ``A exp(−(T − μ)²/(2σ²))`` to the contiguous region around ``max V``
    where ``V >= level * max V`` (at least two points either side of the maximum).

    Parameters
    ----------
    T, V : array_like, shape (n_T,)
        Temperatures (increasing) and the output variance.
    V_err : array_like, shape (n_T,), optional
        Standard errors of ``V`` (weights of the least-squares fit).
    level : float
        Fraction of the maximum that delimits the fit region.

    Returns
    -------
    (mu, sigma, A) : floats; NaN if the fit fails.
    """
    T, V, k, lo, hi = _peak_region(T, V, level)
    t, v = T[lo:hi + 1], V[lo:hi + 1]
    if len(t) < 4:
        return float("nan"), float("nan"), float("nan")
    s = None
    if V_err is not None:
        s = np.maximum(np.asarray(V_err, float)[lo:hi + 1], 1e-3 * V[k] + 1e-12)
    w = np.clip(v, 0, None)
    mu0 = float(np.sum(w * t) / np.sum(w)) if w.sum() > 0 else float(T[k])
    sig0 = float(np.sqrt(np.sum(w * (t - mu0) ** 2) / w.sum())) if w.sum() > 0 else 0.1
    sig0 = max(sig0, 0.5 * float(np.min(np.diff(t))))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, _ = optimize.curve_fit(_gauss, t, v, p0=(V[k], mu0, sig0), sigma=s,
                                      absolute_sigma=False, maxfev=5000)
    except (RuntimeError, ValueError, optimize.OptimizeWarning):
        return float("nan"), float("nan"), float("nan")
    A, mu, sigma = float(p[0]), float(p[1]), abs(float(p[2]))
    if not (np.isfinite(mu) and T[0] <= mu <= T[-1] and 0 < sigma < T[-1] - T[0]):
        return float("nan"), float("nan"), float("nan")
    return mu, sigma, A


def _split_gauss(T: np.ndarray, A: float, m: float, s_minus: float,
                 s_plus: float) -> np.ndarray:
    s = np.where(T < m, s_minus, s_plus)
    return A * np.exp(-0.5 * ((T - m) / s) ** 2)


def fit_split_peak(T: Any, V: Any, V_err: Any | None = None, *, level: float = 0.2
                   ) -> tuple[float, float, float, float]:
    r"""Fit a split-normal (two-piece Gaussian) peak: half-widths below and above the mode.

    ``V(T) ≈ A exp(−(T − m)²/(2σ−²))`` for ``T < m`` and
    ``A exp(−(T − m)²/(2σ+²))`` for ``T ≥ m`` (John, Commun. Stat. Theory
    Methods 11, 879 (1982)), fitted by weighted least squares to the same
    region as :func:`fit_gaussian_peak`. A symmetric peak gives
    ``σ− = σ+ = σ``; ``σ−`` and ``σ+`` are the widths below and above the peak
    whose finite-size scaling gives ``1/ν_σ−`` and ``1/ν_σ+`` (Chertenkov,
    Burovski & Shchur, Phys. Rev. E 108, L032102 (2023)).

    Parameters
    ----------
    T, V : array_like, shape (n_T,)
        Temperatures (increasing) and the output variance.
    V_err : array_like, shape (n_T,), optional
        Standard errors of ``V`` (fit weights).
    level : float
        Fraction of the maximum that delimits the fit region.

    Returns
    -------
    (m, sigma_minus, sigma_plus, A) : floats
        NaN if the fit fails, the region has fewer than 5 points, or a
        half-width is not positive and smaller than the temperature range.
    """
    T, V, k, lo, hi = _peak_region(T, V, level)
    nan4 = (float("nan"),) * 4
    t, v = T[lo:hi + 1], V[lo:hi + 1]
    if len(t) < 5:
        return nan4
    s = None
    if V_err is not None:
        s = np.maximum(np.asarray(V_err, float)[lo:hi + 1], 1e-3 * V[k] + 1e-12)
    w = np.clip(v, 0, None)
    if w.sum() <= 0:
        return nan4
    m0 = float(T[k])
    below, above = t <= m0, t >= m0
    step = 0.5 * float(np.min(np.diff(t)))

    def side(mask: np.ndarray) -> float:
        ww = w[mask]
        return max(float(np.sqrt(np.sum(ww * (t[mask] - m0) ** 2) / ww.sum())), step)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, _ = optimize.curve_fit(_split_gauss, t, v,
                                      p0=(V[k], m0, side(below), side(above)), sigma=s,
                                      absolute_sigma=False, maxfev=5000)
    except (RuntimeError, ValueError, optimize.OptimizeWarning):
        return nan4
    A, m, sm, sp = float(p[0]), float(p[1]), abs(float(p[2])), abs(float(p[3]))
    span = T[-1] - T[0]
    if not (np.isfinite(m) and T[0] <= m <= T[-1] and 0 < sm < span and 0 < sp < span):
        return nan4
    return m, sm, sp, A


def output_curves(T: Any, outputs: Sequence[np.ndarray], L: int, *, n_boot: int = 200,
                  rng: SeedLike = 0, level: float = 0.2) -> PeakResult:
    """``P``, ``V`` with bootstrap errors and the fitted ``V`` peak for one size.

    Parameters
    ----------
    T : array_like, shape (n_T,)
    outputs : sequence of 1-D arrays
        Network outputs ``f ∈ [0, 1]`` of the snapshots at each temperature
        (lengths may differ).
    L : int
    n_boot : int
        Bootstrap replicates (``>= 2``).
    rng : SeedLike
    level : float
        Peak region of the Gaussian and split-normal fits (see
        :func:`fit_gaussian_peak`, :func:`fit_split_peak`).

    Returns
    -------
    PeakResult
        ``P``, ``V`` (shape ``(n_T,)``) with bootstrap errors, ``μ``, ``σ``
        (Gaussian fit), ``σ−``, ``σ+`` (split-normal fit) and their values on
        the ``n_boot`` bootstrap replicates (the same resampled snapshots for
        both fits).
    """
    T = check_array(T, "T", ndim=1, dtype=np.float64)
    if len(outputs) != len(T):
        raise ValueError(f"outputs must have one array per temperature ({len(T)}); "
                         f"got {len(outputs)}")
    n_boot = check_int(n_boot, "n_boot", minimum=2)
    gen = as_generator(rng)
    n_T = len(T)
    P, V = np.empty(n_T), np.empty(n_T)
    Pb, Vb = np.empty((n_boot, n_T)), np.empty((n_boot, n_T))
    for t, f in enumerate(outputs):
        f = np.asarray(f, dtype=np.float64).ravel()
        if f.size < 2:
            raise ValueError(f"need at least 2 outputs per temperature; got {f.size} at "
                             f"T = {T[t]:g}")
        P[t], V[t] = f.mean(), f.var(ddof=1)
        fb = f[gen.integers(0, f.size, size=(n_boot, f.size))]
        Pb[:, t], Vb[:, t] = fb.mean(1), fb.var(1, ddof=1)
    P_err, V_err = Pb.std(0, ddof=1), Vb.std(0, ddof=1)
    mu, sigma, A = fit_gaussian_peak(T, V, V_err, level=level)
    m_s, s_minus, s_plus, A_s = fit_split_peak(T, V, V_err, level=level)
    mub, sigb = np.empty(n_boot), np.empty(n_boot)
    smb, spb = np.empty(n_boot), np.empty(n_boot)
    for b in range(n_boot):
        mub[b], sigb[b], _ = fit_gaussian_peak(T, Vb[b], V_err, level=level)
        _, smb[b], spb[b], _ = fit_split_peak(T, Vb[b], V_err, level=level)
    return PeakResult(L=int(L), temperatures=T, P=P, P_err=P_err, V=V, V_err=V_err, mu=mu,
                      sigma=sigma, amplitude=A, mu_boot=mub, sigma_boot=sigb,
                      sigma_minus=s_minus, sigma_plus=s_plus, sigma_minus_boot=smb,
                      sigma_plus_boot=spb, mu_split=m_s, amplitude_split=A_s)


def ideal_energy_outputs(L: int, temperatures: Any, fm_window: Sequence[float],
                         pm_window: Sequence[float], *, temperature_prior: str = "uniform",
                         n_quantiles: int = 2000, J: float = 1.0) -> list[np.ndarray]:
    """Outputs of the ideal (Bayes) energy classifier on the ``L x L`` Ising torus.

    With every snapshot labelled by its temperature window, the classifier that
    minimises the cross-entropy is the posterior ``f(E) = P(T ∈ PM | E)``, a
    function of the energy alone (``E`` is sufficient for ``T``); well-trained
    per-size networks with side-of-``T_c`` labels converge to it
    (docs/phases-protocol.md). Here the energy per spin ``u`` at each
    temperature is taken Gaussian, with Kaufman's exact finite-torus mean
    ``ū_L(T)`` and variance ``T² c_L(T) / N``
    (:func:`~spinnet.theory.ising.kaufman_energy_per_spin`,
    :func:`~spinnet.theory.ising.kaufman_specific_heat_per_spin`); the
    labelled grid temperatures carry the prior of ``temperature_prior``
    (``"grid"``: equal, ``"uniform"``: the trapezoid weights of
    :func:`~spinnet.phases.training.temperature_weights`). No sampling noise:
    the outputs at each temperature are ``f`` at the ``n_quantiles`` equal-mass
    quantiles ``ū + sd Φ⁻¹((i + ½)/n)``, ready for :func:`output_curves`.

    Parameters
    ----------
    L : int
        Lattice side (``>= 2``).
    temperatures : array_like, shape (n_T,)
        The grid (distinct, positive).
    fm_window, pm_window : (float, float)
        Label windows, as in :func:`~spinnet.phases.training.train_classifier`.
    temperature_prior : {"uniform", "grid"}
        Prior over the labelled temperatures (default ``"uniform"``).
    n_quantiles : int
        Energy quantiles per temperature (default 2000).
    J : float
        Coupling (default 1).

    Returns
    -------
    list of ndarray, n_T arrays of shape (n_quantiles,)
        ``f`` per temperature; ``np.var`` of each is the ``V(T; L)`` of the ideal classifier.
    """
    from scipy.special import ndtri

    from spinnet.phases.training import TEMPERATURE_PRIORS, check_windows, temperature_weights
    from spinnet.theory.ising import kaufman_energy_per_spin, kaufman_specific_heat_per_spin

    L = check_int(L, "L", minimum=2)
    n_quantiles = check_int(n_quantiles, "n_quantiles", minimum=2)
    if temperature_prior not in TEMPERATURE_PRIORS:
        raise ValueError(f"temperature_prior must be one of {list(TEMPERATURE_PRIORS)}; got "
                         f"{temperature_prior!r}")
    T = check_array(temperatures, "temperatures", ndim=1, dtype=np.float64)
    if np.any(T <= 0):
        raise ValueError("temperatures must be > 0")
    fm_idx, pm_idx = check_windows(T, fm_window, pm_window)
    lab = np.concatenate([fm_idx, pm_idx])
    log_prior = (np.log(temperature_weights(T, lab)) if temperature_prior == "uniform"
                 else np.zeros(len(lab)))
    n = L * L
    mean = np.asarray(kaufman_energy_per_spin(L, T, J), dtype=np.float64)
    var = T ** 2 * np.asarray(kaufman_specific_heat_per_spin(L, T, J), dtype=np.float64) / n
    is_pm = np.concatenate([np.zeros(len(fm_idx), bool), np.ones(len(pm_idx), bool)])
    z = ndtri((np.arange(n_quantiles) + 0.5) / n_quantiles)
    outs = []
    for t in range(len(T)):
        u = mean[t] + np.sqrt(var[t]) * z
        logp = (-0.5 * (u[:, None] - mean[lab]) ** 2 / var[lab] - 0.5 * np.log(var[lab])
                + log_prior)
        logp -= logp.max(axis=1, keepdims=True)
        p = np.exp(logp)
        outs.append(p[:, is_pm].sum(1) / p.sum(1))
    return outs


def _wls_line(x: np.ndarray, y: np.ndarray, s: np.ndarray) -> tuple[float, float, float]:
    """Weighted straight line ``y = c0 + c1 x``; returns ``(c0, c1, chi2/dof)``."""
    w = 1.0 / s**2
    A = np.stack([np.ones_like(x), x], 1)
    coef = np.linalg.solve(A.T @ (A * w[:, None]), A.T @ (w * y))
    dof = max(len(x) - 2, 1)
    chi2 = float(np.sum(w * (y - A @ coef) ** 2) / dof)
    return float(coef[0]), float(coef[1]), chi2


def _side_fit(lnL: np.ndarray, widths: np.ndarray, boot: np.ndarray | None,
              extra_var: Any, s_override: Any) -> dict[str, Any]:
    """``ln w = ln b − (1/ν) ln L`` for one half-width, with bootstrap error."""
    nan = float("nan")
    out: dict[str, Any] = dict(inv_nu=nan, err=nan, b=nan, chi2=nan, s=None)
    if not np.all(np.isfinite(widths) & (widths > 0)):
        return out
    good = None
    if boot is not None:
        good = boot[np.all(np.isfinite(boot) & (boot > 0), axis=1)]
    if s_override is not None:
        s = np.asarray(s_override, dtype=float)
    elif good is not None and len(good) >= 2:
        var = np.var(np.log(good), 0, ddof=1)
        if extra_var is not None:
            var = var + np.asarray(extra_var, dtype=float)
        s = np.maximum(np.sqrt(var), 1e-12)
    else:
        s = np.ones_like(widths)
    lnb, slope, chi2 = _wls_line(lnL, np.log(widths), s)
    out.update(inv_nu=-slope, b=float(np.exp(lnb)), chi2=chi2, s=s)
    if good is not None and len(good) >= 2:
        slopes = [_wls_line(lnL, np.log(g), s)[1] for g in good]
        out["err"] = float(np.std(slopes, ddof=1))
    return out


def _boot_matrix(peaks: Sequence[PeakResult], attr: str) -> np.ndarray | None:
    arrs = [np.asarray(getattr(p, attr), dtype=float) for p in peaks]
    n = {a.size for a in arrs}
    if len(n) != 1 or 0 in n:
        return None
    return np.stack(arrs, 1)


def fss_fit(peaks: Sequence[PeakResult], *, extra_mu_var: Any = None,
            extra_log_sigma_var: Any = None, weights: tuple[Any, Any] | None = None,
            extra_log_sigma_minus_var: Any = None, extra_log_sigma_plus_var: Any = None,
            side_weights: tuple[Any, Any] | None = None) -> FSSResult:
    """``1/ν`` from ``ln σ = ln b − (1/ν) ln L`` and ``T*`` from ``μ = T* + a L^{−1/ν}``.

    Weighted least squares with the bootstrap errors of ``μ`` and ``σ``; the
    errors of ``T*`` and ``1/ν`` are the spread of the same fits over the
    bootstrap replicates (``T*`` thereby includes the uncertainty of ``1/ν``).
    The half-widths below and above the peak give two more estimates the same
    way, ``ln σ± = ln b± − (1/ν_σ±) ln L`` (``inv_nu_minus``, ``inv_nu_plus``;
    NaN when a half-width is missing at some size). ``T*`` always uses ``1/ν``
    of the Gaussian width ``σ``.

    Parameters
    ----------
    peaks : sequence of PeakResult
        One per size.
    extra_mu_var, extra_log_sigma_var : array_like of float, shape (n_sizes,), optional
        Per-size variances added to the bootstrap variances of ``μ`` and
        ``ln σ`` in the weights and ``χ²`` (e.g. the spread over independently
        trained networks).
    weights : (s_mu, s_log_sigma), optional
        Use these per-size standard errors instead of the bootstrap ones
        (for jackknife replicates that have no bootstrap of their own).
    extra_log_sigma_minus_var, extra_log_sigma_plus_var : array_like of float, optional
        Shape ``(n_sizes,)``. Per-size variances added to the bootstrap variances
        of ``ln σ−``, ``ln σ+``.
    side_weights : (s_log_sigma_minus, s_log_sigma_plus), optional
        Per-size standard errors of ``ln σ−`` and ``ln σ+`` to use instead of
        the bootstrap ones.

    Returns
    -------
    FSSResult

    Raises
    ------
    ValueError
        With fewer than three sizes or when a peak could not be fitted.
    """
    if len(peaks) < 3:
        raise ValueError(f"finite-size scaling needs at least 3 sizes; got {len(peaks)}")
    Ls = np.array([p.L for p in peaks], dtype=float)
    if len(set(Ls)) != len(Ls):
        raise ValueError("peaks must be for distinct sizes L")
    mu = np.array([p.mu for p in peaks])
    sig = np.array([p.sigma for p in peaks])
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sig))):
        bad = [int(p.L) for p in peaks if not (np.isfinite(p.mu) and np.isfinite(p.sigma))]
        raise ValueError(f"no V peak could be fitted for L = {bad} (is the temperature grid "
                         "wide and dense enough around the transition?)")
    mub = np.stack([p.mu_boot for p in peaks], 1)
    sigb = np.stack([p.sigma_boot for p in peaks], 1)
    ok = np.all(np.isfinite(mub) & np.isfinite(sigb) & (sigb > 0), axis=1)
    mub, sigb = mub[ok], sigb[ok]
    if weights is not None:
        s_mu, s_lsig = (np.asarray(w, dtype=float) for w in weights)
    else:
        if len(mub) < 2:
            raise ValueError("the peak fits failed on the bootstrap replicates")
        var_lsig = np.var(np.log(sigb), 0, ddof=1)
        var_mu = np.var(mub, 0, ddof=1)
        if extra_mu_var is not None:
            var_mu = var_mu + np.asarray(extra_mu_var, dtype=float)
        if extra_log_sigma_var is not None:
            var_lsig = var_lsig + np.asarray(extra_log_sigma_var, dtype=float)
        s_lsig = np.maximum(np.sqrt(var_lsig), 1e-12)
        s_mu = np.maximum(np.sqrt(var_mu), 1e-12)
    lnL = np.log(Ls)

    def fit(m: np.ndarray, s: np.ndarray) -> tuple[float, float, float, float, float, float]:
        lnb, slope, chi_s = _wls_line(lnL, np.log(s), s_lsig)
        inv_nu = -slope
        T_star, a, chi_m = _wls_line(Ls ** (-inv_nu), m, s_mu)
        return T_star, inv_nu, a, float(np.exp(lnb)), chi_m, chi_s

    T_star, inv_nu, a, b, chi_m, chi_s = fit(mu, sig)
    if len(mub) >= 2:
        boot = np.array([fit(mub[i], sigb[i])[:2] for i in range(len(mub))])
        T_err, nu_err = float(np.std(boot[:, 0], ddof=1)), float(np.std(boot[:, 1], ddof=1))
    else:
        T_err = nu_err = float("nan")
    sw = side_weights if side_weights is not None else (None, None)
    minus = _side_fit(lnL, np.array([p.sigma_minus for p in peaks], dtype=float),
                      _boot_matrix(peaks, "sigma_minus_boot"), extra_log_sigma_minus_var,
                      sw[0])
    plus = _side_fit(lnL, np.array([p.sigma_plus for p in peaks], dtype=float),
                     _boot_matrix(peaks, "sigma_plus_boot"), extra_log_sigma_plus_var, sw[1])
    return FSSResult(T_star=T_star, T_star_err=T_err, inv_nu=inv_nu, inv_nu_err=nu_err, a=a,
                     b=b, chi2_mu=chi_m, chi2_sigma=chi_s, sizes=Ls,
                     mu_weights=s_mu, log_sigma_weights=s_lsig,
                     inv_nu_minus=minus["inv_nu"], inv_nu_minus_err=minus["err"],
                     inv_nu_plus=plus["inv_nu"], inv_nu_plus_err=plus["err"],
                     b_minus=minus["b"], b_plus=plus["b"], chi2_sigma_minus=minus["chi2"],
                     chi2_sigma_plus=plus["chi2"], log_sigma_minus_weights=minus["s"],
                     log_sigma_plus_weights=plus["s"])


# ------------------------------------------------------------------------- the table
#: Columns of ``table.csv``, one row per (network, protocol, training model, test model),
#: in the order of Chertenkov, Burovski & Shchur's tables.
TABLE_COLUMNS = ("net", "protocol", "train_model", "test_model", "T_star", "T_star_err", "T_c",
                 "delta_over_sigma", "inv_nu_sigma", "inv_nu_sigma_err", "inv_nu_sigma_minus",
                 "inv_nu_sigma_minus_err", "inv_nu_sigma_plus", "inv_nu_sigma_plus_err")


def table_rows(results: Sequence[Any]) -> list[dict[str, Any]]:
    """The ``table.csv`` rows of evaluated networks: exactly :data:`TABLE_COLUMNS`.

    ``delta_over_sigma = |T* − T_c| / σ_{T*}`` is the deviation in units of
    the quoted error (``Δ/σ_T`` of Chertenkov, Burovski & Shchur,
    Phys. Rev. E 108, L032102 (2023), Tables I-II).

    Parameters
    ----------
    results : sequence
        :class:`~spinnet.phases.pipeline.TransferResult` objects (anything
        with a ``row()`` method returning the columns), or mappings holding them.

    Returns
    -------
    list of dict
        One dict per result with the keys of :data:`TABLE_COLUMNS`, in that order.

    Raises
    ------
    TypeError
        If a result is neither a mapping nor has ``row()``.
    ValueError
        If a result lacks a column (named).
    """
    rows = []
    for k, r in enumerate(results):
        if hasattr(r, "row"):
            r = r.row()
        if not isinstance(r, dict):
            raise TypeError(f"results[{k}] must be a TransferResult or a dict; got "
                            f"{type(r).__name__}")
        missing = [c for c in TABLE_COLUMNS if c not in r]
        if missing:
            raise ValueError(f"results[{k}] lacks the table columns {missing}")
        rows.append({c: r[c] for c in TABLE_COLUMNS})
    return rows


def write_table(path: Any, rows: Sequence[dict[str, Any]]) -> Any:
    """Write ``table.csv`` (columns :data:`TABLE_COLUMNS`) atomically.

    Parameters
    ----------
    path : path-like
    rows : sequence of dict
        From :func:`table_rows`; each must hold exactly :data:`TABLE_COLUMNS`.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If ``rows`` is empty or a row's keys are not :data:`TABLE_COLUMNS`.
    """
    from spinnet._io import write_csv

    rows = list(rows)
    if not rows:
        raise ValueError("rows must not be empty")
    for k, r in enumerate(rows):
        if tuple(r) != TABLE_COLUMNS:
            raise ValueError(f"rows[{k}] must have the columns {list(TABLE_COLUMNS)} in "
                             f"that order; got {list(r)}")
    return write_csv(path, rows)


# --------------------------------------------------------------------------- PCA baseline
def pca_projection(configs: Any, *, n_fit: int = 4000, rng: SeedLike = 0) -> np.ndarray:
    """Projection of every snapshot on the first principal component, ``y = x·w₁/√N``.

    Parameters
    ----------
    configs : array_like, shape (n_T, n_samples, ...)
        Snapshots (flattened internally).
    n_fit : int
        Snapshots (drawn uniformly over all temperatures) used to find ``w₁``
        (default 4000; all of them when there are fewer).
    rng : SeedLike
        Seed or generator of that draw (default 0: reproducible).

    Returns
    -------
    ndarray of float64, shape (n_T, n_samples)
        ``y`` per temperature and snapshot (the sign of ``w₁`` is arbitrary).
    """
    X = check_array(configs, "configs")
    if X.ndim < 3:
        raise ValueError(f"configs must have shape (n_T, n_samples, ...); got {X.shape}")
    n_T, n_s = X.shape[:2]
    flat = X.reshape(n_T * n_s, -1)  # a view: no float copy of the whole data set
    gen = as_generator(rng)
    pick = np.sort(gen.choice(len(flat), size=min(int(n_fit), len(flat)), replace=False))
    sub = flat[pick].astype(np.float64)
    # Principal axes of the centred data (Pearson 1901): the top right-singular vector.
    _, _, vt = np.linalg.svd(sub - sub.mean(0), full_matrices=False)
    w1 = vt[0]
    y = np.empty(n_T * n_s)
    for i in range(0, len(flat), 2048):
        y[i:i + 2048] = flat[i:i + 2048].astype(np.float64) @ w1
    return y.reshape(n_T, n_s) / np.sqrt(flat.shape[1])


def _binder(y: np.ndarray) -> np.ndarray:
    y2 = np.mean(y**2, axis=-1)
    return 1.0 - np.mean(y**4, axis=-1) / (3.0 * y2**2)


def _crossing(T: np.ndarray, u1: np.ndarray, u2: np.ndarray) -> float:
    d = u1 - u2
    # Only the critical region counts: where both cumulants are well above their
    # disordered value 0 (there both are pure noise around 0 and cross at random).
    top = max(float(np.max(u1)), float(np.max(u2)))
    ok = np.minimum(np.minimum(u1[:-1], u1[1:]), np.minimum(u2[:-1], u2[1:])) > 0.25 * top
    s = np.flatnonzero((np.sign(d[:-1]) * np.sign(d[1:]) < 0) & ok)
    if s.size == 0:
        return float("nan")
    # With noise several sign changes may occur: take the steepest (best determined).
    k = s[np.argmax(np.abs(d[s + 1] - d[s]))]
    return float(T[k] - d[k] * (T[k + 1] - T[k]) / (d[k + 1] - d[k]))


def binder_crossing(T: Any, y_small: np.ndarray, y_large: np.ndarray, *, n_boot: int = 200,
                    rng: SeedLike = 0) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Crossing temperature of the Binder cumulants of two sizes, with bootstrap error.

    Parameters
    ----------
    T : array_like, shape (n_T,)
        Temperatures, increasing.
    y_small, y_large : ndarray, shape (n_T, n_samples)
        Order-parameter samples (e.g. :func:`pca_projection`) of the two sizes.
    n_boot : int
        Bootstrap replicates (snapshots resampled per temperature; ``>= 2``,
        default 200).
    rng : SeedLike
        Seed or generator of the bootstrap (default 0: reproducible).

    Returns
    -------
    (T_cross, T_cross_err, U_small, U_large)
        The crossing temperature (linear interpolation at the steepest sign change
        of ``U_small − U_large`` where both cumulants exceed a quarter of their
        maximum), its bootstrap standard deviation, and the Binder cumulants
        ``U = 1 − <y⁴>/(3 <y²>²)`` of the two sizes, arrays of shape ``(n_T,)``.
        NaN if the cumulants do not cross on the grid.
    """
    T = check_array(T, "T", ndim=1, dtype=np.float64)
    n_boot = check_int(n_boot, "n_boot", minimum=2)
    gen = as_generator(rng)
    u1, u2 = _binder(y_small), _binder(y_large)
    tc = _crossing(T, u1, u2)
    reps = []
    for _ in range(n_boot):
        i1 = gen.integers(0, y_small.shape[1], size=y_small.shape)
        i2 = gen.integers(0, y_large.shape[1], size=y_large.shape)
        reps.append(_crossing(T, _binder(np.take_along_axis(y_small, i1, 1)),
                              _binder(np.take_along_axis(y_large, i2, 1))))
    reps_arr = np.asarray(reps)
    err = float(np.nanstd(reps_arr, ddof=1)) if np.isfinite(reps_arr).sum() > 1 else float("nan")
    return tc, err, u1, u2
