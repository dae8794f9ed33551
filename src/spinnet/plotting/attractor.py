"""Figures for learning attractor networks and the Hopfield-Tank TSP network."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = ["online_learning_figure", "tsp_figure", "tsp_tours_figure"]


def online_learning_figure(result: Any, *, title: str | None = None) -> Figure:
    """Overlap of the attractor with each prototype vs time, and the forgetting curve.

    Parameters
    ----------
    result : OnlineLearningResult
        From :func:`spinnet.experiments.attractor.online_learning`.
    title : str, optional

    Returns
    -------
    Figure
        Panels: ``m_k(t)`` for every class (shaded bands: presentation
        periods); final overlap vs age (classes shown since); the number of
        retrievable classes vs classes presented (palimpsest); overlap of the
        state the synapses saw with the prototype and with the exemplar, per
        presentation.
    """
    import matplotlib as mpl

    fig = Figure(figsize=(18, 4.4), layout="constrained")
    ax, bx, dx, cx = fig.subplots(1, 4, width_ratios=[1.5, 1, 1, 1.2])
    k = result.overlaps.shape[1]
    colours = mpl.colormaps["viridis"](np.linspace(0.0, 0.95, k))
    p = int(result.parameters.get("n_exemplars", 1))
    for c in range(k):
        start = result.class_start[c]
        if c % 2 == 0:
            ax.axvspan(start, start + p, color="0.93", lw=0)
        ax.plot(result.times, result.overlaps[:, c], color=colours[c], lw=1.4,
                label=f"class {c}" if k <= 12 else None)
    ax.axhline(result.parameters.get("retrieval_threshold", 0.9), color="k", ls=":", lw=0.8)
    ax.set_xlabel("presentations")
    ax.set_ylabel(r"overlap of attractor with prototype $m_k$")
    ax.set_ylim(-0.15, 1.05)
    if k <= 12:
        ax.legend(fontsize=7, ncol=2, loc="center right")
    ax.set_title("attractors form, persist, fade (grey: class periods)", fontsize=10)

    order = np.argsort(result.age)
    bx.plot(result.age[order], result.final_overlaps[order], "o-")
    bx.set_xlabel("age (classes presented since)")
    bx.set_ylabel("final overlap")
    bx.set_ylim(-0.15, 1.05)
    bx.set_title("forgetting curve", fontsize=10)
    bx.grid(True, alpha=0.3)

    shown = np.arange(1, k + 1)
    dx.plot(shown, shown, "k:", lw=0.8, label="all classes shown")
    dx.plot(shown, result.retrieved_after_class, "o-", color="C3", label="retrievable")
    dx.set_xlabel("classes presented")
    dx.set_ylabel("classes with m > threshold")
    dx.set_title("palimpsest: capacity stays finite", fontsize=10)
    dx.legend(fontsize=8)
    dx.grid(True, alpha=0.3)

    t = np.arange(1, len(result.state_prototype_overlap) + 1)
    cx.plot(t, result.state_prototype_overlap, ".", ms=3, label="state · prototype")
    cx.plot(t, result.state_exemplar_overlap, ".", ms=3, label="state · exemplar")
    q = result.parameters.get("noise")
    if q is not None:
        cx.axhline(1 - 2 * q, color="k", ls=":", lw=0.8, label=r"$1 - 2q$")
    cx.set_xlabel("presentation")
    cx.set_ylabel("overlap of the learnt state")
    cx.set_ylim(-0.15, 1.05)
    cx.legend(fontsize=8, loc="lower right")
    cx.set_title("recall while learning", fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def tsp_figure(rows: Sequence[dict], *, title: str | None = None) -> Figure:
    """Tour-length ratio to the reference per method, and Hopfield-Tank validity.

    ``rows`` as returned by :func:`spinnet.experiments.attractor.tsp_comparison`.

    Parameters
    ----------
    rows : sequence of dict
        One row per (instance, method, run), with at least ``method``, ``ratio``
        (tour length over the reference; NaN for an invalid tour) and ``valid``
        (bool, or its CSV spelling ``"True"``/``"true"``/``"1"``).
    title : str, optional
        Figure title (``suptitle``); none by default.

    Returns
    -------
    Figure
        Left: box plot of the ratio per method (valid tours only). Right: the
        fraction of valid tours per method (red where below 1).
    """
    methods = list(dict.fromkeys(str(r["method"]) for r in rows))
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    data = []
    for m in methods:
        vals = [float(r["ratio"]) for r in rows if r["method"] == m
                and not math.isnan(float(r["ratio"]))]
        data.append(vals if vals else [math.nan])
    ax.boxplot(data, tick_labels=methods)
    ax.axhline(1.0, color="k", ls=":", lw=0.8)
    ax.set_ylabel("tour length / reference")
    ax.set_title("valid tours only", fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    frac = [np.mean([str(r["valid"]) in ("True", "true", "1") for r in rows
                     if r["method"] == m]) for m in methods]
    bx.bar(methods, frac, color=["C0" if f == 1 else "C3" for f in frac])
    bx.set_ylim(0, 1.05)
    bx.set_ylabel("fraction of valid tours")
    bx.grid(True, axis="y", alpha=0.3)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def tsp_tours_figure(coordinates: Any, tours: dict[str, Any], lengths: dict[str, float],
                     V: Any = None, *, title: str | None = None) -> Figure:
    """Cities and tours side by side; optionally the Hopfield-Tank output matrix ``V``.

    ``tours`` maps method names to tours (``None`` for an invalid state).

    Parameters
    ----------
    coordinates : array_like of float, shape (n, 2)
        City positions.
    tours : dict str -> sequence of int or None
        Per method, the visiting order of the ``n`` cities (closed back to the
        first), or ``None`` for an invalid Hopfield-Tank state.
    lengths : dict str -> float
        Per method with a tour, its length (shown in the panel title).
    V : array_like of float, shape (n, n), optional
        Hopfield-Tank outputs ``V_Xi`` in ``[0, 1]`` (city ``X``, position ``i``),
        drawn in an extra last panel; none by default.
    title : str, optional
        Figure title (``suptitle``); none by default.

    Returns
    -------
    Figure
        One panel per method (cities and closed tour), plus the ``V`` panel.
    """
    x = np.asarray(coordinates, dtype=float)
    n_panels = len(tours) + (V is not None)
    fig = Figure(figsize=(3.3 * n_panels + 0.4, 3.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n_panels, squeeze=False)[0])
    for ax, (name, tour) in zip(axes, tours.items(), strict=False):
        ax.plot(x[:, 0], x[:, 1], "ko", ms=4)
        if tour is not None:
            t = np.append(np.asarray(tour), tour[0])
            ax.plot(x[t, 0], x[t, 1], "C0-", lw=1.2)
            ax.set_title(f"{name}: L = {lengths[name]:.3f}", fontsize=9)
        else:
            ax.set_title(f"{name}: invalid state", fontsize=9)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    if V is not None:
        ax = axes[-1]
        ax.imshow(np.asarray(V), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.set_xlabel("position i")
        ax.set_ylabel("city X")
        ax.set_title(r"Hopfield-Tank $V_{Xi}$", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig
