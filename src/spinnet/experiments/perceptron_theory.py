"""Perceptron theory against simulation: Gardner α_c(κ), Krauth–Mézard, teacher–student.

Three pipelines behind ``spinnet perceptron capacity --kappa``, ``spinnet
perceptron binary`` and ``spinnet perceptron teacher``; each returns its rows,
writes a CSV table, a PNG figure (theory lines over simulation points) and
``manifest.json`` into ``out``, and keeps every finished unit of work in
``checkpoint.json`` (a re-run with the same settings resumes).

Finite-size capacity. For one random sequence of patterns, ``p_c(κ)`` is the
largest ``p`` whose first ``p`` patterns are storable at stability ``κ``; the
finite-``N`` capacity is ``α_c(N) = E[p_c]/N``. At ``κ = 0`` Cover's theorem
gives ``E[p_c] = Σ_p C(p, N)/2^p = 2N`` exactly for every ``N``, so this
definition has no finite-size bias there; at ``κ > 0`` (and for binary weights)
the ``N → ∞`` limit is taken by a weighted least-squares fit
``α_c(N) = α_∞ + b/N``: the mean of ``p_c`` is a smooth function of ``1/N``
(the ``N^{−1/2}`` width of the transition is symmetric to leading order and
drops out of the mean), and the fit's χ² per degree of freedom is reported
beside the ``1/√N`` alternative.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet.experiments._errors import OptionError

__all__ = [
    "binary_capacity",
    "extrapolate",
    "kappa_capacity",
    "teacher_student",
]

LEARNINGS = ("hebb", "gibbs", "amp", "bayes")


def extrapolate(ns: Sequence[int], values: Sequence[float], errors: Sequence[float], *,
                power: float = 1.0) -> dict[str, float]:
    """Weighted least-squares fit ``v(N) = v_∞ + b N^{−power}``.

    Parameters
    ----------
    ns : sequence of int, length ≥ 2
    values, errors : sequence of float, same length (errors > 0)
    power : float
        1 (fit in ``1/N``) or 0.5 (fit in ``1/√N``).

    Returns
    -------
    dict
        ``value`` (``v_∞``), ``error`` (its standard error), ``slope``,
        ``chi2_dof`` (NaN with two points).
    """
    n = np.asarray(ns, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    e = np.asarray(errors, dtype=np.float64)
    if n.size < 2 or v.shape != n.shape or e.shape != n.shape:
        raise ValueError(f"extrapolate needs >= 2 sizes with one value and error each; got "
                         f"{n.size}, {v.size}, {e.size}")
    e = np.where(e > 0, e, np.nanmax(e[e > 0]) if np.any(e > 0) else 1.0)
    x = n ** (-power)
    design = np.stack([np.ones_like(x), x], axis=1) / e[:, None]
    coef, *_ = np.linalg.lstsq(design, v / e, rcond=None)
    cov = np.linalg.inv(design.T @ design)
    resid = (v - design @ coef * e) / e
    dof = n.size - 2
    return {"value": float(coef[0]), "error": float(math.sqrt(cov[0, 0])),
            "slope": float(coef[1]),
            "chi2_dof": float(resid @ resid / dof) if dof > 0 else math.nan}


# ------------------------------------------------------------------ checkpointing
def _load_checkpoint(out: Path, identity: dict[str, Any], overwrite: bool) -> dict[str, Any]:
    ckpt = out / "checkpoint.json"
    if not ckpt.is_file() or overwrite:
        return {}
    try:
        saved = json.loads(ckpt.read_text())
        old, done = saved["settings"], saved["done"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OptionError(f"{ckpt} is not a readable checkpoint ({exc}); re-run with "
                          "--overwrite to replace it", "--overwrite") from None
    if old != identity:
        diff = ", ".join(f"{k}: {old.get(k)!r} there, {v!r} now" for k, v in identity.items()
                         if old.get(k) != v)
        raise OptionError(f"{ckpt} holds results made with other settings ({diff}); re-run "
                          "with --overwrite to replace them, or choose another --out",
                          "--overwrite")
    return dict(done)


def _save_checkpoint(out: Path, identity: dict[str, Any], done: dict[str, Any]) -> None:
    from spinnet._io import write_json

    write_json(out / "checkpoint.json", {"settings": identity, "done": done})


def _finish(out: Path, command: str, parameters: dict[str, Any], started: float,
            tables: dict[str, list[dict[str, Any]]], figure: Any, figure_name: str,
            **extra: Any) -> list[str]:
    from spinnet._io import write_csv, write_manifest
    from spinnet.plotting.hopfield import save_figure

    files = []
    for name, rows in tables.items():
        if rows:
            write_csv(out / name, rows)
            files.append(name)
    save_figure(figure, out / figure_name)
    files.append(figure_name)
    write_manifest(out, command, parameters, started, [*files, "checkpoint.json"], **extra)
    return [*files, "manifest.json"]


def _figure(ncols: int = 1, width: float = 6.4) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, 4.4), layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes


# ------------------------------------------------------------- Gardner α_c(κ)
def kappa_capacity(out: str | Path, *, ns: Sequence[int], kappas: Sequence[float],
                   samples: int | Sequence[int] = 50, kind: str = "gaussian", seed: int = 0,
                   max_sweeps: int = 20_000, overwrite: bool = False,
                   progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Maximal-stability capacity ``E[p_c(κ)]/N`` against Gardner's ``α_c(κ)``.

    For each ``N`` and sample ``s`` (seed ``SeedSequence(seed, spawn_key=(N, s))``)
    a sequence of ``P = ⌈2N + 8√N⌉ + 10`` random patterns with random labels is
    drawn and :func:`spinnet.neurons.perceptron_learning.critical_patterns` finds
    ``p_c(κ)`` for every ``κ`` (LP at ``κ = 0``, certified maximal-stability
    bracket at ``κ > 0``). Writes kappa_capacity.csv (per ``N, κ``),
    kappa_extrapolation.csv (per ``κ``: ``N → ∞`` fits in ``1/N`` and ``1/√N``,
    Gardner's value, relative deviation), kappa_capacity.png, checkpoint.json
    (per sample), manifest.json.

    Parameters
    ----------
    out : path
    ns : sequence of int
    kappas : sequence of float, ``κ ≥ 0``
    samples : int or sequence of int (one per ``N``)
    kind : {"gaussian", "spins"}
    seed : int
    max_sweeps : int
        Sweep budget of each maximal-stability decision.
    overwrite : bool
    progress : ProgressCallback, optional
        ``progress("samples", done, total)``.

    Returns
    -------
    dict
        ``rows``, ``extrapolation``, ``files``, ``resumed``, ``undecided``.
    """
    from spinnet.neurons.perceptron import random_dichotomy
    from spinnet.neurons.perceptron_learning import critical_patterns
    from spinnet.theory.perceptron import gardner_alpha_c

    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ns = [int(n) for n in ns]
    ks = [float(k) for k in kappas]
    per_n = ([int(samples)] * len(ns) if isinstance(samples, int | np.integer)
             else [int(v) for v in samples])
    if len(per_n) != len(ns):
        raise ValueError(f"samples must be one int or one per N ({len(ns)}); got {samples!r}")
    count = dict(zip(ns, per_n, strict=True))
    identity = {"kappas": ks, "kind": kind, "seed": int(seed), "max_sweeps": int(max_sweeps)}
    done = _load_checkpoint(out, identity, overwrite)
    keys = [(n, s) for n in ns for s in range(count[n])]
    resumed = sum(f"{n}/{s}" in done for n, s in keys)
    report(progress, "samples", resumed, len(keys))
    finished = resumed
    for n, s in keys:
        key = f"{n}/{s}"
        if key in done:
            continue
        big_p = math.ceil(2 * n + 8 * math.sqrt(n)) + 10
        x, y = random_dichotomy(big_p, n, kind=kind,
                                rng=np.random.SeedSequence(int(seed), spawn_key=(n, s)))
        res = critical_patterns(x, y, ks, max_sweeps=max_sweeps)
        done[key] = {"p_c": [int(v) for v in res["p_c"]], "truncated": res["truncated"],
                     "undecided": res["undecided"]}
        _save_checkpoint(out, identity, done)
        finished += 1
        report(progress, "samples", finished, len(keys))
    rows = []
    for n in ns:
        m = count[n]
        pcs = np.array([done[f"{n}/{s}"]["p_c"] for s in range(m)], dtype=np.float64)
        for j, k in enumerate(ks):
            a = pcs[:, j] / n
            rows.append({"N": n, "kappa": k, "samples": m, "alpha_c": float(a.mean()),
                         "alpha_c_err": float(a.std(ddof=1) / math.sqrt(m))
                         if m > 1 else math.nan,
                         "gardner": float(gardner_alpha_c(k))})
    undecided = sum(int(done[f"{n}/{s}"]["undecided"]) for n, s in keys)
    truncated = sum(bool(done[f"{n}/{s}"]["truncated"]) for n, s in keys)
    extrap = []
    for k in ks:
        sel = [r for r in rows if r["kappa"] == k]
        theory = float(gardner_alpha_c(k))
        row = {"kappa": k, "gardner": theory}
        for label, power in (("1/N", 1.0), ("1/sqrtN", 0.5)):
            if len(sel) >= 2:
                fit = extrapolate([r["N"] for r in sel], [r["alpha_c"] for r in sel],
                                  [r["alpha_c_err"] for r in sel], power=power)
            else:
                fit = {"value": math.nan, "error": math.nan, "chi2_dof": math.nan}
            row[f"fit_{label}"] = fit["value"]
            row[f"fit_{label}_err"] = fit["error"]
            row[f"fit_{label}_slope"] = fit.get("slope", math.nan)
            row[f"chi2_dof_{label}"] = fit["chi2_dof"]
        row["largest_N"] = sel[-1]["alpha_c"]
        row["rel_dev_1/N"] = (row["fit_1/N"] - theory) / theory
        extrap.append(row)
    fig = _kappa_figure(rows, extrap)
    files = _finish(out, "perceptron capacity --kappa",
                    {"N": ns, "kappa": ks, "samples": per_n, "kind": kind, "seed": seed,
                     "max_sweeps": max_sweeps},
                    started, {"kappa_capacity.csv": rows,
                              "kappa_extrapolation.csv": extrap},
                    fig, "kappa_capacity.png", undecided=undecided, truncated=truncated)
    return {"rows": rows, "extrapolation": extrap, "files": files, "resumed": resumed,
            "undecided": undecided, "truncated": truncated}


def _kappa_figure(rows: list[dict[str, Any]], extrap: list[dict[str, Any]]) -> Any:
    from matplotlib.ticker import MaxNLocator

    from spinnet.theory.perceptron import gardner_alpha_c

    fig, (ax, ax2) = _figure(2, 10.0)
    kk = np.linspace(0, max(2.5, max(r["kappa"] for r in rows) * 1.1), 200)
    ax.plot(kk, gardner_alpha_c(kk), "k-", lw=1.5, label="Gardner α_c(κ)")
    ns = sorted({r["N"] for r in rows})
    for n in ns:
        sel = [r for r in rows if r["N"] == n]
        ax.errorbar([r["kappa"] for r in sel], [r["alpha_c"] for r in sel],
                    [r["alpha_c_err"] for r in sel], fmt="o", ms=4, label=f"N = {n}")
    ax.errorbar([e["kappa"] for e in extrap], [e["fit_1/N"] for e in extrap],
                [e["fit_1/N_err"] for e in extrap], fmt="*", ms=10, color="crimson",
                label="N → ∞ (fit in 1/N)")
    ax.set_xlabel("stability κ")
    ax.set_ylabel("capacity α_c = ⟨p_c⟩/N")
    ax.legend(fontsize=8)
    ax.set_title("maximal-stability perceptron vs Gardner")
    for e in extrap:
        sel = [r for r in rows if r["kappa"] == e["kappa"]]
        x = [1 / r["N"] for r in sel]
        y = [r["alpha_c"] / e["gardner"] for r in sel]
        line = ax2.errorbar(x, y, [r["alpha_c_err"] / e["gardner"] for r in sel], fmt="o",
                            ms=4, label=f"κ = {e['kappa']:g}")
        if math.isfinite(e["fit_1/N"]):
            xx = np.linspace(0, max(x), 20)
            ax2.plot(xx, (e["fit_1/N"] + e["fit_1/N_slope"] * xx) / e["gardner"], "--",
                     color=line[0].get_color(), lw=1)
    ax2.axhline(1, color="k", lw=1)
    ax2.axhspan(0.97, 1.03, color="0.9", zorder=0)
    ax2.set_xlabel("1/N")
    ax2.xaxis.set_major_locator(MaxNLocator(5))
    ax2.set_ylabel("α_c(N) / Gardner's α_c")
    ax2.set_xlim(left=0)
    ax2.legend(fontsize=8)
    ax2.set_title("finite-size extrapolation (band: ±3 %)")
    return fig


# ------------------------------------------------------------- binary perceptron
def binary_capacity(out: str | Path, *, ns: Sequence[int], samples: int = 200, seed: int = 0,
                    overwrite: bool = False, progress: ProgressCallback | None = None
                    ) -> dict[str, Any]:
    """Binary-perceptron capacity by exact enumeration against Krauth–Mézard.

    For each odd ``N ≤ 27``, ``samples`` pattern sequences (seed
    ``SeedSequence(seed, spawn_key=(N,))``) give the exact ``p_c``
    (:func:`spinnet.neurons.perceptron_learning.binary_critical_patterns`);
    ``α_c(N) = E[p_c]/N`` is extrapolated in ``1/N``. Writes binary_capacity.csv,
    binary_entropy.csv (RS entropy ``s(α)`` and the exact finite-``N`` quenched
    entropy ``⟨ln #solutions⟩/N``, at loads where every sample has a solution),
    binary_capacity.png, checkpoint.json, manifest.json.

    Parameters
    ----------
    out : str or path
        Output directory (created).
    ns : sequence of int
        Odd sizes ``N <= 27``.
    samples : int, default 200
        Pattern sequences per ``N``.
    seed : int, default 0
        Root seed.
    overwrite : bool, default False
        Discard a checkpoint of other settings.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``.

    Returns
    -------
    dict
        ``rows``, ``extrapolation`` (fit dict plus ``theory``), ``entropy``,
        ``files``, ``resumed``.
    """
    from spinnet.neurons.perceptron_learning import binary_critical_patterns
    from spinnet.theory.perceptron import binary_rs_saddle, krauth_mezard_alpha_c

    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ns = [int(n) for n in ns]
    identity = {"samples": int(samples), "seed": int(seed)}
    done = _load_checkpoint(out, identity, overwrite)
    resumed = sum(str(n) in done for n in ns)
    report(progress, "sizes", resumed, len(ns))
    finished = resumed
    for n in ns:
        if str(n) in done:
            continue
        res = binary_critical_patterns(n, samples,
                                       rng=np.random.SeedSequence(int(seed), spawn_key=(n,)))
        ent = np.mean(res["log_solutions"], axis=0) / n
        done[str(n)] = {"p_c": [int(v) for v in res["p_c"]],
                        "entropy": [float(v) if math.isfinite(v) else None for v in ent]}
        _save_checkpoint(out, identity, done)
        finished += 1
        report(progress, "sizes", finished, len(ns))
    theory = krauth_mezard_alpha_c()
    rows = []
    for n in ns:
        pc = np.array(done[str(n)]["p_c"], dtype=np.float64) / n
        rows.append({"N": n, "samples": samples, "alpha_c": float(pc.mean()),
                     "alpha_c_err": float(pc.std(ddof=1) / math.sqrt(samples))
                     if samples > 1 else math.nan, "krauth_mezard": theory})
    if len(ns) >= 2:
        fit = extrapolate(ns, [r["alpha_c"] for r in rows], [r["alpha_c_err"] for r in rows])
        fit_sqrt = extrapolate(ns, [r["alpha_c"] for r in rows],
                               [r["alpha_c_err"] for r in rows], power=0.5)
    else:
        fit = fit_sqrt = {"value": math.nan, "error": math.nan, "slope": math.nan,
                          "chi2_dof": math.nan}
    extrap = {**fit, "fit_sqrt_value": fit_sqrt["value"], "fit_sqrt_error": fit_sqrt["error"],
              "fit_sqrt_chi2_dof": fit_sqrt["chi2_dof"], "theory": theory,
              "deviation": fit["value"] - theory}
    entropy = []
    for a in np.linspace(0.02, 1.0, 50):
        st = binary_rs_saddle(float(a))
        entropy.append({"alpha": float(a), "N": "RS", "entropy": st["entropy"], "q": st["q"]})
    for n in ns:
        for p, s in enumerate(done[str(n)]["entropy"]):
            if s is not None and p > 0:
                entropy.append({"alpha": p / n, "N": n, "entropy": s, "q": math.nan})
    fig = _binary_figure(rows, extrap, entropy)
    files = _finish(out, "perceptron binary", {"N": ns, "samples": samples, "seed": seed},
                    started, {"binary_capacity.csv": rows, "binary_entropy.csv": entropy},
                    fig, "binary_capacity.png", extrapolation=extrap)
    return {"rows": rows, "extrapolation": extrap, "entropy": entropy, "files": files,
            "resumed": resumed}


def _binary_figure(rows: list[dict[str, Any]], extrap: dict[str, Any],
                   entropy: list[dict[str, Any]]) -> Any:
    from matplotlib.ticker import MaxNLocator

    fig, (ax, ax2) = _figure(2, 10.0)
    rs = [e for e in entropy if e["N"] == "RS"]
    ax.plot([e["alpha"] for e in rs], [e["entropy"] for e in rs], "k-", lw=1.5,
            label="RS entropy (Gardner–Derrida)")
    for n in sorted({e["N"] for e in entropy if e["N"] != "RS"})[-3:]:
        sel = [e for e in entropy if e["N"] == n]
        ax.plot([e["alpha"] for e in sel], [e["entropy"] for e in sel], "o", ms=3,
                label=f"⟨ln #w⟩/N, N = {n} (exact)")
    ax.axhline(0, color="0.5", lw=0.8)
    ax.axvline(extrap["theory"], color="crimson", ls=":", label=f"α_KM = {extrap['theory']:.4f}")
    ax.set_xlabel("α = p/N")
    ax.set_ylabel("entropy per weight")
    ax.set_ylim(-0.05, 0.72)
    ax.legend(fontsize=8)
    ax.set_title("binary perceptron: entropy of the solution space")
    x = [1 / r["N"] for r in rows]
    ax2.errorbar(x, [r["alpha_c"] for r in rows], [r["alpha_c_err"] for r in rows], fmt="o",
                 ms=4, label="exact enumeration ⟨p_c⟩/N")
    if math.isfinite(extrap["value"]):
        xx = np.linspace(0, max(x), 20)
        ax2.plot(xx, extrap["value"] + extrap["slope"] * xx, "--", lw=1,
                 label=f"fit in 1/N: α_∞ = {extrap['value']:.3f} ± {extrap['error']:.3f}")
    ax2.axhline(extrap["theory"], color="crimson", lw=1.2, label="Krauth–Mézard 0.8331")
    ax2.axhspan(extrap["theory"] - 0.03, extrap["theory"] + 0.03, color="0.9", zorder=0)
    ax2.set_xlabel("1/N")
    ax2.xaxis.set_major_locator(MaxNLocator(5))
    ax2.set_ylabel("α_c(N)")
    ax2.set_xlim(left=0)
    ax2.legend(fontsize=8)
    ax2.set_title("finite-size extrapolation (band: ±0.03)")
    return fig


# ------------------------------------------------------------------ teacher–student
def teacher_student(out: str | Path, *, alphas: Sequence[float], learnings: Sequence[str],
                    prior: str = "spherical", n: int = 2000, samples: int = 20,
                    n_iter: int = 30, seed: int = 0, overwrite: bool = False,
                    progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Generalisation error ε(α) of a student perceptron: theory and simulation.

    Theory for every row: Hebb (closed form), Gibbs and Bayes-optimal
    (replica symmetric), AMP (state evolution after ``n_iter`` steps from
    ``q = 0``). Simulation (``samples`` teachers of ``N`` weights, Gaussian
    inputs, seed ``SeedSequence(seed, spawn_key=(i_α, s))``) for ``hebb`` (Hebb
    student) and ``amp`` (GAMP, ``n_iter`` iterations); ``gibbs`` and ``bayes``
    are theory lines. ε of a student is ``arccos(R)/π`` (exact for Gaussian test
    inputs). Writes teacher.csv, teacher.png, checkpoint.json, manifest.json.

    Parameters
    ----------
    out : path
    alphas : sequence of float, ``α > 0``
    learnings : sequence of {"hebb", "gibbs", "amp", "bayes"}
    prior : {"spherical", "binary"}
        Teacher (and AMP prior).
    n : int
    samples : int
    n_iter : int
    seed : int
    overwrite : bool
    progress : ProgressCallback, optional

    Returns
    -------
    dict
        ``rows`` (per learning and α: ``theory``, ``simulated``, ``simulated_err``,
        ``z`` = (simulated − theory)/err), ``curves`` (dense theory curves),
        ``thresholds`` (binary: α_IT, α_alg), ``files``, ``resumed``.
    """
    from spinnet.neurons.perceptron_learning import (
        gamp_perceptron,
        hebb_student,
        overlap_error,
        teacher_student_data,
    )
    from spinnet.theory.perceptron import (
        binary_teacher_transition,
        generalization_error,
        hebb_overlap,
        teacher_student_curves,
        teacher_student_rs,
    )

    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    al = [float(a) for a in alphas]
    learnings = list(dict.fromkeys(learnings))
    simulated = [m for m in learnings if m in ("hebb", "amp")]
    identity = {"prior": prior, "N": int(n), "samples": int(samples), "n_iter": int(n_iter),
                "seed": int(seed)}
    done = _load_checkpoint(out, identity, overwrite)
    keys = [(i, s) for i in range(len(al)) for s in range(samples)] if simulated else []
    resumed = sum(f"{al[i]!r}/{s}" in done and all(m in done[f"{al[i]!r}/{s}"]
                                                     for m in simulated) for i, s in keys)
    report(progress, "samples", resumed, len(keys))
    finished = resumed
    for i, s in keys:
        key = f"{al[i]!r}/{s}"
        if key in done and all(m in done[key] for m in simulated):
            continue
        p = max(1, round(al[i] * n))
        teacher, x, y = teacher_student_data(
            n, p, prior=prior, rng=np.random.SeedSequence(int(seed), spawn_key=(i, s)))
        entry = dict(done.get(key, {}))
        if "hebb" in simulated:
            entry["hebb"] = overlap_error(hebb_student(x, y), teacher)[1]
        if "amp" in simulated:
            entry["amp"] = float(gamp_perceptron(x, y, prior=prior, n_iter=n_iter,
                                                 teacher=teacher)["error"][-1])
        done[key] = entry
        _save_checkpoint(out, identity, done)
        finished += 1
        report(progress, "samples", finished, len(keys))
    thresholds = binary_teacher_transition() if prior == "binary" else {}
    a_it = thresholds.get("alpha_it", math.inf)
    rows = []
    for a in al:
        st = teacher_student_rs(a, prior)
        amp_se = teacher_student_rs(a, prior, n_iter=n_iter)
        theory = {"hebb": float(generalization_error(hebb_overlap(a))),
                  "gibbs": 0.0 if a > a_it else st["gibbs_error"],
                  "bayes": 0.0 if a > a_it else st["bayes_error"],
                  "amp": float(generalization_error(math.sqrt(amp_se["q"])))}
        for m in learnings:
            row = {"learning": m, "prior": prior, "alpha": a, "N": n if m in simulated else "",
                   "theory": theory[m], "simulated": math.nan, "simulated_err": math.nan,
                   "z": math.nan}
            if m in simulated:
                vals = np.array([done[f"{a!r}/{s}"][m] for s in range(samples)])
                row["simulated"] = float(vals.mean())
                if samples > 1:
                    row["simulated_err"] = float(vals.std(ddof=1) / math.sqrt(samples))
                    # every sample exact (binary teacher above α_alg): no error bar, no z
                    if row["simulated_err"] > 1e-9:
                        row["z"] = (row["simulated"] - theory[m]) / row["simulated_err"]
            rows.append(row)
    grid = np.linspace(0.0, max(max(al) * 1.1, 2.0), 121)
    curves = teacher_student_curves(grid, prior)
    fig = _teacher_figure(rows, curves, prior, thresholds)
    files = _finish(out, "perceptron teacher",
                    {"alpha": al, "learning": learnings, "teacher": prior, "N": n,
                     "samples": samples, "n_iter": n_iter, "seed": seed},
                    started, {"teacher.csv": rows}, fig, "teacher.png", thresholds=thresholds)
    return {"rows": rows, "curves": {k: v.tolist() for k, v in curves.items()},
            "thresholds": thresholds, "files": files, "resumed": resumed}


def _teacher_figure(rows: list[dict[str, Any]], curves: dict[str, np.ndarray], prior: str,
                    thresholds: dict[str, float]) -> Any:
    fig, ax = _figure()
    colors = {"hebb": "tab:blue", "gibbs": "tab:green", "bayes": "k", "amp": "tab:red"}
    labels = {"hebb": "Hebb (closed form)", "gibbs": "Gibbs (RS)", "bayes": "Bayes-optimal",
              "amp": "AMP state evolution (fixed point)"}
    a = curves["alpha"]
    for m in ("hebb", "gibbs", "bayes"):
        ax.plot(a, curves[m], "-", color=colors[m], lw=1.4, label=labels[m])
    if prior == "binary":
        ax.plot(a, curves["amp"], ":", color=colors["amp"], lw=1.4, label=labels["amp"])
        for name, val in thresholds.items():
            ax.axvline(val, color="0.6", ls="--", lw=0.8)
            ax.text(val, 0.46, f" {name.replace('alpha_', 'α_')} = {val:.3f}", fontsize=7,
                    rotation=90, va="top")
    for m in ("hebb", "amp"):
        sel = [r for r in rows if r["learning"] == m and math.isfinite(r["simulated"])]
        if sel:
            ax.errorbar([r["alpha"] for r in sel], [r["simulated"] for r in sel],
                        [r["simulated_err"] for r in sel], fmt="o", ms=5, mfc="none",
                        color=colors[m], label=f"{m} simulation, N = {sel[0]['N']}")
    ax.set_xlabel("α = p/N")
    ax.set_ylabel("generalisation error ε")
    ax.set_ylim(0, 0.52)
    ax.set_xlim(0, a[-1])
    ax.legend(fontsize=8)
    ax.set_title(f"student perceptron, {prior} teacher")
    return fig
