"""Figures of the anisotropy scan: ``T*/T_c`` and ``1/ν`` against ``J_d`` with the disorder
line, and the correlation function ``G(r)`` (theory and simulation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from spinnet.plotting.hopfield import save_figure

__all__ = ["correlation_figure", "save_figure", "scan_figure"]


def scan_figure(rows: Sequence[Mapping[str, Any]], *, title: str | None = None) -> Figure:
    """``T*/T_c(J_d)`` and ``1/ν(J_d)`` per network, with ``T_d/T_c`` and the grid's top.

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`spinnet.experiments.phases_scan.scan` (keys ``network``,
        ``J_d``, ``T_c``, ``T_star``, ``T_star_err``, ``inv_nu``, ``inv_nu_err``,
        ``T_max_over_T_c``; optionally ``mu_Lmax``, ``mu_Lmax_err`` and
        ``sizes``, which add the largest lattice's V-peak position ``μ/T_c``).
    title : str, optional
        Figure title (``suptitle``); none by default.

    Returns
    -------
    Figure
        Top: ``T*/T_c`` with the ``±1 %`` band, ``T_d/T_c`` (Stephenson's disorder
        line, :func:`spinnet.theory.ising.disorder_temperature`) and the highest
        grid temperature; where ``T_d`` falls inside the grid (correlations
        oscillate on part of it) the ``J_d`` range is shaded. Bottom: ``1/ν``
        against the exact 1.
    """
    from spinnet.theory.ising import disorder_temperature, houtappel_tc

    fig = Figure(figsize=(7.5, 6.5), layout="constrained")
    ax_t, ax_n = fig.subplots(2, 1, sharex=True)
    nets = list(dict.fromkeys(r["network"] for r in rows))
    jd_all = np.array([r["J_d"] for r in rows], dtype=float)
    lo, hi = float(jd_all.min()), float(jd_all.max())
    for k, net in enumerate(nets):
        sel = [r for r in rows if r["network"] == net]
        jd = np.array([r["J_d"] for r in sel], dtype=float)
        tc = np.array([r["T_c"] for r in sel], dtype=float)
        ts = np.array([r["T_star"] for r in sel], dtype=float)
        te = np.array([r["T_star_err"] for r in sel], dtype=float)
        off = (k - (len(nets) - 1) / 2) * 0.008 * max(hi - lo, 0.1)
        ax_t.errorbar(jd + off, ts / tc, yerr=te / tc, fmt="o", ms=4, capsize=2,
                      color=f"C{k}", label=f"{net}: T*/T_c (FSS)")
        if all("mu_Lmax" in r for r in sel):
            mu = np.array([r["mu_Lmax"] for r in sel], dtype=float)
            mu_err = np.array([r["mu_Lmax_err"] for r in sel], dtype=float)
            L_max = sel[0]["sizes"].split()[-1] if sel[0].get("sizes") else "L_max"
            ax_t.errorbar(jd + off, mu / tc, yerr=mu_err / tc, fmt="^", ms=4, mfc="none",
                          capsize=2, color=f"C{k}", label=f"{net}: V peak μ(L={L_max})/T_c")
        ax_n.errorbar(jd + off, [r["inv_nu"] for r in sel], yerr=[r["inv_nu_err"] for r in sel],
                      fmt="s", ms=4, capsize=2, color=f"C{k}", label=net)
    ax_t.axhline(1.0, color="k", lw=0.8)
    ax_t.axhspan(0.99, 1.01, color="0.85", zorder=0, label="±1 % of Houtappel's T_c")
    # The test grid of the frustrated side decides where T_d falls inside it (J_d = 0 may be
    # the isotropic training grid, which reaches further).
    neg = [r for r in rows if r["J_d"] < 0] or list(rows)
    top = float(np.nanmax([r["T_max_over_T_c"] for r in neg]))
    ax_t.axhline(top, color="0.4", ls=":", lw=1, label="top of the temperature grid")
    jd_neg = np.linspace(-0.95, -0.25, 300)
    ratio = np.array([disorder_temperature(1.0, j) / houtappel_tc(1.0, 1.0, j)
                      for j in jd_neg])
    ax_t.plot(jd_neg, ratio, "C3-", lw=1.5, label="T_d / T_c (disorder line)")
    osc = jd_neg[ratio < top]
    if osc.size:
        ax_t.axvspan(osc.min(), osc.max(), color="C3", alpha=0.12,
                     label="T_d inside the grid: G(r) oscillates on part of it")
    ratios = np.array([r["T_star"] / r["T_c"] for r in rows], dtype=float)
    ratios = ratios[np.isfinite(ratios)]
    # Keep the ±1 % band readable: a wild T* (failed FSS) is clipped, not zoomed to.
    low = float(ratios.min()) if ratios.size else 1.0
    ax_t.set_ylim(max(0.94, min(0.97, low - 0.01)), top + 0.03)
    ax_t.set_ylabel("T / T_c(Houtappel)")
    ax_t.legend(fontsize=7, loc="upper right")
    ax_n.axhline(1.0, color="k", lw=0.8, label="exact 1/ν = 1")
    ax_n.set_xlabel("J_d  (J_h = J_v = 1)")
    ax_n.set_ylabel("1/ν")
    ax_n.legend(fontsize=7)
    ax_n.set_xlim(-0.98, hi + 0.03)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def correlation_figure(curves: Mapping[str, Mapping[str, Any]], *,
                       title: str | None = None) -> Figure:
    """``G(r)`` per direction: exact (lines) and Monte Carlo (points with error bars).

    Parameters
    ----------
    curves : dict label -> dict
        Per panel (e.g. ``"T = 0.7 T_d"``): ``"r"`` (array), ``"exact"`` (dict
        direction -> array) and optionally ``"mc"``
        (a :class:`spinnet.correlation.CorrelationFunction`).
    title : str, optional
        Figure title (``suptitle``); none by default.

    Returns
    -------
    Figure
        One panel per label, symmetric-log ``y`` axis so that sign changes show.
    """
    fig = Figure(figsize=(4.2 * len(curves), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(curves)))
    for ax, (label, c) in zip(axes, curves.items(), strict=True):
        r = np.asarray(c["r"])
        for k, (d, g) in enumerate(c["exact"].items()):
            ax.plot(r, g, "-", color=f"C{k}", lw=1.2, label=f"{d} (exact)")
            mc = c.get("mc")
            if mc is not None and d in mc.G:
                n = min(len(mc.r), len(r))
                ax.errorbar(mc.r[:n], mc.G[d][:n], yerr=mc.G_err[d][:n], fmt="o", ms=3,
                            color=f"C{k}", capsize=2)
        ax.axhline(0, color="k", lw=0.6)
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.set_xlabel("r (lattice steps)")
        ax.set_title(label, fontsize=9)
    axes[0].set_ylabel("G(r) = <s_0 s_r>")
    axes[0].legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig
