"""Figures for formal neurons: logic gates, perceptron capacity, classifier training."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = ["capacity_figure", "gates_figure", "training_figure"]


def _boundary(ax: Any, w: Sequence[float], theta: float, **kw: Any) -> None:
    """Draw the line ``w·x = θ`` on the unit square."""
    xs = np.linspace(-0.25, 1.25, 2)
    if abs(w[1]) > 1e-12:
        ax.plot(xs, (theta - w[0] * xs) / w[1], **kw)
    elif abs(w[0]) > 1e-12:
        ax.axvline(theta / w[0], **kw)


def gates_figure(gates: Mapping[str, Mapping[str, Any]], *, title: str | None = None
                 ) -> Figure:
    """Truth tables as points, with analytic and learned decision lines, and learning curves.

    Parameters
    ----------
    gates : mapping
        Gate name -> dict with ``inputs`` (m, n) {0, 1}, ``targets`` (m,),
        optionally ``analytic`` and ``learned`` (``(weights, threshold)``),
        ``hidden`` (list of ``(weights, threshold)`` for a two-layer solution)
        and ``errors_per_epoch`` (perceptron mistakes per epoch).
    title : str or None, default None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    two_d = [g for g, d in gates.items() if np.asarray(d["inputs"]).shape[1] == 2]
    n_panels = len(two_d) + 1
    fig = Figure(figsize=(3.0 * n_panels, 3.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n_panels))
    for ax, g in zip(axes, two_d, strict=False):
        d = gates[g]
        x = np.asarray(d["inputs"])
        t = np.asarray(d["targets"])
        ax.scatter(x[t == 1, 0], x[t == 1, 1], s=120, c="tab:red", label="1", zorder=3)
        ax.scatter(x[t == 0, 0], x[t == 0, 1], s=120, facecolors="white",
                   edgecolors="k", label="0", zorder=3)
        if d.get("analytic") is not None:
            _boundary(ax, *d["analytic"], color="k", ls="--", lw=1.2, label="analytic")
        if d.get("learned") is not None:
            _boundary(ax, *d["learned"], color="tab:blue", lw=1.2,
                      label="perceptron" + ("" if d.get("converged", True) else " (no conv.)"))
        for i, (w, th) in enumerate(d.get("hidden") or []):
            _boundary(ax, w, th, color="tab:green", lw=1.2, ls=":",
                      label="hidden units" if i == 0 else None)
        ax.set_xlim(-0.3, 1.3)
        ax.set_ylim(-0.3, 1.3)
        ax.set_aspect("equal")
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title(g)
        ax.legend(fontsize=6, loc="best", framealpha=0.6)
    ax = axes[-1]
    for g, d in gates.items():
        err = d.get("errors_per_epoch")
        if err is not None and len(err):
            ax.plot(np.arange(1, len(err) + 1), err, marker=".", ms=3, label=g)
    ax.set_xscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("perceptron mistakes per epoch")
    ax.set_title("perceptron rule")
    ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


def capacity_figure(rows: Sequence[Mapping[str, Any]], *, title: str | None = None) -> Figure:
    """Learnable fraction vs α for each N with Cover's exact curve; right: vs (α − 2)√N.

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`spinnet.neurons.perceptron.capacity_experiment` (keys
        ``N, p, alpha, fraction, fraction_err``, optionally ``perceptron_fraction``).
    title : str or None, default None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from spinnet.neurons.perceptron import cover_probability

    fig = Figure(figsize=(11.0, 4.4), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    ns = sorted({int(r["N"]) for r in rows})
    colors = {n: f"C{i}" for i, n in enumerate(ns)}
    for n in ns:
        rs = sorted((r for r in rows if int(r["N"]) == n), key=lambda r: float(r["alpha"]))
        a = np.array([float(r["alpha"]) for r in rs])
        f = np.array([float(r["fraction"]) for r in rs])
        e = np.array([float(r["fraction_err"]) for r in rs])
        ax.errorbar(a, f, yerr=e, fmt="o", ms=3, capsize=2, color=colors[n], label=f"N = {n}")
        p = np.arange(max(1, int(a.min() * n)), int(np.ceil(a.max() * n)) + 1)
        ax.plot(p / n, cover_probability(p, n), color=colors[n], lw=1)
        pf = np.array([float(r.get("perceptron_fraction", np.nan)) for r in rs])
        if np.any(np.isfinite(pf)):
            ax.plot(a, pf, "x", ms=5, color=colors[n])
        bx.errorbar((a - 2.0) * np.sqrt(n), f, yerr=e, fmt="o", ms=3, capsize=2,
                    color=colors[n], label=f"N = {n}")
    ax.axvline(2.0, color="k", ls=":", lw=1)
    ax.axhline(0.5, color="k", ls=":", lw=1)
    ax.set_xlabel(r"$\alpha = p/N$")
    ax.set_ylabel("fraction of learnable dichotomies")
    ax.set_title("points: linear programming; lines: Cover (1965);\n"
                 "x: perceptron rule within its epoch cap", fontsize=9)
    ax.legend(fontsize=8)
    bx.axvline(0.0, color="k", ls=":", lw=1)
    bx.axhline(0.5, color="k", ls=":", lw=1)
    bx.set_xlabel(r"$(\alpha - 2)\sqrt{N}$")
    bx.set_ylabel("fraction learnable")
    bx.set_title("finite-size scaling: width ~ $N^{-1/2}$", fontsize=9)
    bx.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def training_figure(histories: Mapping[str, Sequence[Mapping[str, Any]]], *,
                    title: str | None = None) -> Figure:
    """Test and training accuracy (left) and training loss (right) vs epoch.

    Parameters
    ----------
    histories : mapping
        Name -> rows with ``epoch, train_loss, train_accuracy, test_accuracy``.
    title : str or None, default None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(11.0, 4.2), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    for i, (name, rows) in enumerate(histories.items()):
        ep = [int(r["epoch"]) for r in rows]
        ax.plot(ep, [float(r["test_accuracy"]) for r in rows], "-", color=f"C{i}",
                label=f"{name} (test)")
        ax.plot(ep, [float(r["train_accuracy"]) for r in rows], "--", color=f"C{i}",
                label=f"{name} (train)")
        bx.plot(ep, [float(r["train_loss"]) for r in rows], color=f"C{i}", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=8)
    bx.set_xlabel("epoch")
    bx.set_ylabel("training loss")
    bx.set_yscale("log")
    bx.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
