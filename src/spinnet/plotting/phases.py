"""Figures for machine learning of phase transitions: P and V curves, FSS, data collapse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from spinnet.plotting.hopfield import save_figure

__all__ = ["binder_figure", "collapse_figure", "fss_figure", "pv_figure", "save_figure",
           "transfer_figure"]


def _gauss(T: np.ndarray, A: float, mu: float, sigma: float) -> np.ndarray:
    return A * np.exp(-0.5 * ((T - mu) / sigma) ** 2)


def _split(T: np.ndarray, A: float, m: float, s_minus: float, s_plus: float) -> np.ndarray:
    return A * np.exp(-0.5 * ((T - m) / np.where(T < m, s_minus, s_plus)) ** 2)


def pv_figure(peaks: Sequence[Any], T_c: float | None = None, *, title: str | None = None
              ) -> Figure:
    """``P(T; L)`` and ``V(T; L)`` with bootstrap error bars and the peak fits: the
    Gaussian (solid) and, where fitted, the split normal with half-widths ``σ−``,
    ``σ+`` (dashed; :func:`spinnet.phases.analysis.fit_split_peak`).

    Parameters
    ----------
    peaks : sequence of :class:`spinnet.phases.analysis.PeakResult`
        One per lattice size; each gives its temperatures, ``P``, ``V`` with
        errors and the fitted peak parameters.
    T_c : float, optional
        Exact critical temperature, drawn as a vertical line.
    title : str, optional
        Figure title (``suptitle``); none by default.

    Returns
    -------
    Figure
        Left: ``P(T; L)``; right: ``V(T; L)`` with the fitted peaks.
    """
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    ax_p, ax_v = fig.subplots(1, 2)
    for k, p in enumerate(peaks):
        c = f"C{k % 10}"
        ax_p.errorbar(p.temperatures, p.P, yerr=p.P_err, fmt="o-", ms=3, lw=0.8, color=c,
                      capsize=1.5, label=f"L = {p.L}")
        ax_v.errorbar(p.temperatures, p.V, yerr=p.V_err, fmt="o", ms=3, color=c, capsize=1.5,
                      label=f"L = {p.L}")
        if np.isfinite(p.mu):
            t = np.linspace(p.temperatures.min(), p.temperatures.max(), 400)
            ax_v.plot(t, _gauss(t, p.amplitude, p.mu, p.sigma), "-", color=c, lw=1)
        if np.isfinite(getattr(p, "sigma_minus", np.nan)):
            t = np.linspace(p.temperatures.min(), p.temperatures.max(), 400)
            ax_v.plot(t, _split(t, p.amplitude_split, p.mu_split, p.sigma_minus,
                                p.sigma_plus), "--", color=c, lw=0.8)
    for ax in (ax_p, ax_v):
        if T_c is not None:
            ax.axvline(T_c, color="0.4", ls=":", lw=1, label=r"exact $T_c$")
        ax.set_xlabel("temperature $T$")
    ax_p.set_ylabel(r"$P(T; L) = \langle f \rangle$  (paramagnetic output)")
    ax_v.set_ylabel(r"$V(T; L) = \langle f^2 \rangle - \langle f \rangle^2$")
    ax_p.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def fss_figure(peaks: Sequence[Any], fss: Any, T_c: float | None = None, *,
               title: str | None = None, T_star_err: float | None = None,
               inv_nu_err: float | None = None, inv_nu_minus_err: float | None = None,
               inv_nu_plus_err: float | None = None) -> Figure:
    """``μ(L)`` vs ``L^{−1/ν}`` with the line to ``T*``, and ``σ(L)``, ``σ−(L)``,
    ``σ+(L)`` vs ``L`` (log-log) with their power-law fits.

    ``T_star_err``, ``inv_nu_err``, ``inv_nu_minus_err``, ``inv_nu_plus_err``
    override the bootstrap errors of ``fss`` in the legend (e.g. with the
    network-to-network jackknife included); the error bars of the points are
    the bootstrap errors.

    Parameters
    ----------
    peaks : sequence of :class:`spinnet.phases.analysis.PeakResult`
        One per lattice size (``μ``, ``σ``, ``σ±`` with errors).
    fss : :class:`spinnet.phases.analysis.FSSResult`
        The fit of those peaks (``T*``, ``a``, ``1/ν``, ``b`` and the half-width fits).
    T_c : float, optional
        Exact critical temperature, drawn as a horizontal line in the ``μ`` panel.
    title : str, optional
        Figure title (``suptitle``); none by default.
    T_star_err, inv_nu_err, inv_nu_minus_err, inv_nu_plus_err : float, optional
        Errors shown in the legend instead of those of ``fss`` (see above).

    Returns
    -------
    Figure
        Left: ``μ(L)`` against ``L^{−1/ν}`` with the fitted line; right: the widths
        against ``L`` on log-log axes with their power laws (``σ±`` only where
        fitted at every size).
    """
    side_err = {"-": getattr(fss, "inv_nu_minus_err", np.nan) if inv_nu_minus_err is None
                else inv_nu_minus_err,
                "+": getattr(fss, "inv_nu_plus_err", np.nan) if inv_nu_plus_err is None
                else inv_nu_plus_err}
    T_star_err = fss.T_star_err if T_star_err is None else T_star_err
    inv_nu_err = fss.inv_nu_err if inv_nu_err is None else inv_nu_err
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax_m, ax_s = fig.subplots(1, 2)
    L = np.array([p.L for p in peaks], float)
    mu = np.array([p.mu for p in peaks])
    sig = np.array([p.sigma for p in peaks])
    x = L ** (-fss.inv_nu)
    ax_m.errorbar(x, mu, yerr=[p.mu_err for p in peaks], fmt="o", capsize=2)
    xx = np.linspace(0, x.max() * 1.05, 50)
    ax_m.plot(xx, fss.T_star + fss.a * xx, "-", lw=1,
              label=rf"$T^* = {fss.T_star:.4f} \pm {T_star_err:.4f}$")
    if T_c is not None:
        ax_m.axhline(T_c, color="0.4", ls=":", lw=1, label=rf"exact $T_c = {T_c:.4f}$")
    ax_m.set_xlabel(r"$L^{-1/\nu}$")
    ax_m.set_ylabel(r"peak position $\mu(L)$")
    ax_m.legend(fontsize=8)
    ax_s.errorbar(L, sig, yerr=[p.sigma_err for p in peaks], fmt="o", capsize=2, color="C0")
    LL = np.linspace(L.min() * 0.9, L.max() * 1.1, 50)
    ax_s.plot(LL, fss.b * LL ** (-fss.inv_nu), "-", lw=1, color="C0",
              label=rf"$\sigma$: $1/\nu = {fss.inv_nu:.3f} \pm {inv_nu_err:.3f}$")
    for k, (attr, inv, b, sym) in enumerate(
            (("sigma_minus", getattr(fss, "inv_nu_minus", np.nan),
              getattr(fss, "b_minus", np.nan), "-"),
             ("sigma_plus", getattr(fss, "inv_nu_plus", np.nan),
              getattr(fss, "b_plus", np.nan), "+"))):
        w = np.array([getattr(p, attr, np.nan) for p in peaks], float)
        if not (np.all(np.isfinite(w)) and np.isfinite(inv)):
            continue
        c = f"C{k + 1}"
        ax_s.errorbar(L, w, yerr=[getattr(p, attr + "_err") for p in peaks], fmt="s", ms=3,
                      capsize=2, color=c)
        ax_s.plot(LL, b * LL ** (-inv), "--", lw=1, color=c,
                  label=rf"$\sigma_{sym}$: $1/\nu = {inv:.3f} \pm {side_err[sym]:.3f}$")
    ax_s.set_xscale("log")
    ax_s.set_yscale("log")
    ax_s.set_xlabel("$L$")
    ax_s.set_ylabel(r"peak widths $\sigma$, $\sigma_-$, $\sigma_+$")
    ax_s.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def collapse_figure(peaks: Sequence[Any], T_c: float, inv_nu: float, *,
                    title: str | None = None) -> Figure:
    """Data collapse: ``P`` against ``(T − T_c) L^{1/ν}`` for all sizes.

    Parameters
    ----------
    peaks : sequence of :class:`spinnet.phases.analysis.PeakResult`
        One per lattice size (temperatures, ``P`` and its error).
    T_c : float
        Critical temperature of the scaling variable (e.g. the fitted ``T*``).
    inv_nu : float
        Exponent ``1/ν`` of the scaling variable.
    title : str, optional
        Axes title; none by default.

    Returns
    -------
    Figure
        One axes, one series per size.
    """
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    for k, p in enumerate(peaks):
        ax.errorbar((p.temperatures - T_c) * p.L ** inv_nu, p.P, yerr=p.P_err, fmt="o", ms=3,
                    capsize=1.5, color=f"C{k % 10}", label=f"L = {p.L}")
    ax.set_xlabel(rf"$(T - T_c)\,L^{{1/\nu}}$   ($T_c = {T_c:.4f}$, $1/\nu = {inv_nu:.3f}$)")
    ax.set_ylabel(r"$P(T; L)$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return fig


def binder_figure(T: np.ndarray, binder: dict[int, np.ndarray], T_cross: float | None = None,
                  *, title: str | None = None) -> Figure:
    """Binder cumulants of the first principal component for each size (PCA baseline).

    Parameters
    ----------
    T : ndarray of float, shape (n_T,)
        Temperatures, shared by all sizes.
    binder : dict int -> ndarray of float, shape (n_T,)
        Binder cumulant ``U(T)`` per lattice size ``L`` (e.g. from
        :func:`spinnet.phases.analysis.binder_crossing`); drawn in increasing ``L``.
    T_cross : float, optional
        Crossing temperature, drawn as a vertical line when finite.
    title : str, optional
        Axes title; none by default.

    Returns
    -------
    Figure
        One axes, one curve per size.
    """
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    for k, (L, u) in enumerate(sorted(binder.items())):
        ax.plot(T, u, "o-", ms=3, lw=0.8, color=f"C{k % 10}", label=f"L = {L}")
    if T_cross is not None and np.isfinite(T_cross):
        ax.axvline(T_cross, color="0.4", ls=":", lw=1, label=f"crossing {T_cross:.4f}")
    ax.set_xlabel("temperature $T$")
    ax.set_ylabel(r"$U = 1 - \langle y_1^4 \rangle / 3 \langle y_1^2 \rangle^2$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return fig


def transfer_figure(rows: Sequence[dict[str, Any]], *, title: str | None = None) -> Figure:
    """Located ``T*`` against the exact ``T_c`` (e.g. Houtappel) for transfer experiments.

    Parameters
    ----------
    rows : sequence of dict
        One per test model, with keys ``test`` (label of the point),
        ``T_c_exact``, ``T_star`` and ``T_star_err``.
    title : str, optional
        Axes title; none by default.

    Returns
    -------
    Figure
        The points with error bars and the diagonal ``T* = T_c``.
    """
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    tc = np.array([r["T_c_exact"] for r in rows], float)
    ts = np.array([r["T_star"] for r in rows], float)
    er = np.array([r["T_star_err"] for r in rows], float)
    ax.errorbar(tc, ts, yerr=er, fmt="o", capsize=2, label="network $T^*$")
    lo, hi = float(np.nanmin(tc)) * 0.95, float(np.nanmax(tc)) * 1.05
    ax.plot([lo, hi], [lo, hi], "k-", lw=0.8, label="exact")
    for r in rows:
        ax.annotate(r["test"], (r["T_c_exact"], r["T_star"]), fontsize=7,
                    xytext=(4, -10), textcoords="offset points")
    ax.set_xlabel(r"exact $T_c$")
    ax.set_ylabel(r"located $T^*$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return fig
