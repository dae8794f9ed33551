"""Figures for retrieval dynamics and for the Landau theory near T_g (theory over simulation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = ["dynamics_figure", "fi_figure"]


def dynamics_figure(curves: Sequence[dict[str, Any]], *, title: str | None = None) -> Figure:
    """Overlap ``m(t)`` and energy per spin ``E(t)/N``: simulation points, theory lines.

    Parameters
    ----------
    curves : sequence of dict
        As returned by :func:`spinnet.experiments.retrieval_dynamics.dynamics_rows`
        (``t_sim, m_sim, m_se, e_sim, e_se, t_th, m_th, e_th`` and, for
        synchronous updates, ``m_exact``).
    title : str, optional

    Returns
    -------
    Figure
        Left: ``m(t)``; right: ``E/N``. Synchronous: Amari–Maginu dashed,
        Gardner–Derrida–Mottishaw exact ``m(1), m(2)`` as open diamonds.
        Sequential: Coolen–Sherrington lines.
    """
    fig = Figure(figsize=(11.0, 4.4), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    colors = ["C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"]
    sync = bool(curves) and curves[0]["updates"] == "sync"
    for k, c in enumerate(curves):
        col = colors[k % len(colors)]
        lab = f"α = {c['alpha']:.3g}, m0 = {c['m0']:.2g}"
        t, ts = np.asarray(c["t_sim"]), np.asarray(c["t_th"])
        step = 1 if sync else max(1, (len(t) - 1) // 20)
        sel = slice(None, None, step)
        ax.errorbar(t[sel], np.asarray(c["m_sim"])[sel], yerr=np.asarray(c["m_se"])[sel],
                    fmt="o", ms=3.5, color=col, label=lab)
        bx.errorbar(t[sel], np.asarray(c["e_sim"])[sel], yerr=np.asarray(c["e_se"])[sel],
                    fmt="o", ms=3.5, color=col)
        if sync:
            ax.plot(ts, c["m_th"], "--", color=col, lw=1.2)
            ex = np.asarray(c["m_exact"])
            ok = np.isfinite(ex)
            ax.plot(ts[ok], ex[ok], "D", mfc="none", mec="k", ms=7)
        else:
            ax.plot(ts, c["m_th"], "-", color=col, lw=1.4)
            bx.plot(ts, c["e_th"], "-", color=col, lw=1.4)
    unit = "synchronous steps t" if sync else "sweeps t (N random-sequential updates)"
    ax.set_xlabel(unit)
    bx.set_xlabel(unit)
    ax.set_ylabel("overlap m(t)")
    bx.set_ylabel("energy per spin E/N")
    if sync:
        ax.plot([], [], "k--", lw=1.2, label="Amari–Maginu")
        ax.plot([], [], "D", mfc="none", mec="k", label="exact m(1), m(2) (GDM)")
    else:
        ax.plot([], [], "k-", lw=1.4, label="Coolen–Sherrington (RS)")
        bx.plot([], [], "k-", lw=1.4, label="Coolen–Sherrington (RS)")
        bx.legend(fontsize=7)
    ax.legend(fontsize=7, ncol=1 if len(curves) < 7 else 2)
    if curves:
        fig.suptitle(title or f"Hopfield retrieval dynamics, N = {curves[0]['N']}: "
                     "simulation (points ± s.e.) vs theory (lines)", fontsize=11)
    return fig


def fi_figure(fi_alpha: Any, ags_points: Sequence[dict[str, float]] | None = None, *,
              ags_lines: dict[str, list[float]] | None = None) -> Figure:
    """Landau-theory phase lines near ``T_g`` with the full AGS values.

    Parameters
    ----------
    fi_alpha : array_like, shape (n,)
        Loads on which the Landau lines are drawn.
    ags_points : sequence of dict, optional
        Rows with ``alpha, T_M_ags, T_c_ags`` (AGS replica-symmetric values), drawn
        as points.
    ags_lines : dict, optional
        :func:`spinnet.theory.hopfield.ags_lines` output, drawn as thin lines.

    Returns
    -------
    Figure
        Left: the ``(α, T)`` plane with the regions of the Landau theory labelled;
        right: ``(1 − T)/√α`` against ``√α``, where the Landau values are the
        horizontal lines ``b_M``, ``b_c``, ``−1`` and AGS approaches them linearly.
    """
    from spinnet.theory.feigelman_ioffe import B_C, B_M, fi_lines
    from spinnet.theory.hopfield import t_g

    a = np.asarray(fi_alpha, dtype=float)
    fl = fi_lines(a)
    fig = Figure(figsize=(11.0, 4.6), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    ax.plot(a, fl["T_g"], "-", color="darkorange", lw=2, label="T_g = 1 + √α (both)")
    ax.plot(a, fl["T_M"], "-", color="C3", lw=2, label=f"T_M Landau: 1 − {B_M:.3f}√α")
    ax.plot(a, fl["T_c"], "-", color="C0", lw=2, label=f"T_c Landau: 1 − {B_C:.3f}√α")
    if ags_lines is not None:
        ax.plot(ags_lines["alpha"], ags_lines["T_M"], ":", color="C3", lw=1.2,
                label="T_M AGS (full RS)")
        ax.plot(ags_lines["alpha"], ags_lines["T_c"], ":", color="C0", lw=1.2,
                label="T_c AGS (full RS)")
    if ags_points:
        pa = np.array([p["alpha"] for p in ags_points])
        ax.plot(pa, [p["T_M_ags"] for p in ags_points], "o", color="C3", mfc="none",
                label="T_M AGS (solved here)")
        ax.plot(pa, [p["T_c_ags"] for p in ags_points], "s", color="C0", mfc="none",
                label="T_c AGS (solved here)")
        e = np.sqrt(pa)
        bx.plot(e, (1 - np.array([p["T_M_ags"] for p in ags_points])) / e, "o", color="C3",
                mfc="none", label="AGS (1 − T_M)/√α")
        bx.plot(e, (1 - np.array([p["T_c_ags"] for p in ags_points])) / e, "s", color="C0",
                mfc="none", label="AGS (1 − T_c)/√α")
        bx.plot(e, (1 - t_g(pa)) / e, "^", color="darkorange", mfc="none",
                label="AGS (1 − T_g)/√α")
    x = max(a.max(), 1e-6)
    ax.text(0.02 * x, 1.0 + 0.6 * np.sqrt(x), "paramagnet", fontsize=9)
    ax.text(0.45 * x, 1.0 - 0.3 * np.sqrt(0.45 * x), "spin glass\n(chaotic, no retrieval)",
            fontsize=8, ha="center")
    ax.text(0.85 * x, 1.0 - 2.25 * np.sqrt(0.85 * x), "metastable\nmemory", fontsize=7,
            ha="center")
    ylo = max(0.0, 1 - 4.2 * np.sqrt(x))
    ax.text(0.3 * x, ylo + 0.25 * (1 - ylo), "well-functioning memory", fontsize=9)
    ax.set_xlim(0, x)
    ax.set_ylim(ylo, 1 + 1.3 * np.sqrt(x))
    ax.set_xlabel("load α = p/N")
    ax.set_ylabel("temperature T")
    ax.set_title("Landau expansion near T_g (Feigel'man–Ioffe) vs AGS", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    ex = np.linspace(0, np.sqrt(x), 2)
    for val, col, lab in ((B_M, "C3", "b_M"), (B_C, "C0", "b_c"), (-1.0, "darkorange", "−1")):
        bx.plot(ex, [val, val], "-", color=col, lw=1.5, label=f"Landau {lab} = {val:.3f}")
    bx.set_xlabel("√α")
    bx.set_ylabel("(1 − T)/√α")
    bx.set_title("scaling window: agreement as α → 0, corrections O(√α)", fontsize=10)
    bx.legend(fontsize=7)
    return fig
