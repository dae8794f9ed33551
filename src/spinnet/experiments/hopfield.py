"""Hopfield experiments: recall of stored images, and the statistical physics of the model.

:func:`load_patterns` and :func:`recall_experiment` are the pipeline of
``spinnet demo`` and ``spinnet hopfield recall``.

Four experiments, each a declarative :class:`~spinnet.sweeps.Grid` of tasks
from :mod:`spinnet.experiments.hopfield_tasks` run through
:func:`~spinnet.sweeps.run_sweep` (resumable, local pool or Dask), then
reduced to a tidy table, PNG figures with the AGS theory overlaid, and a
summary dict (written to the manifest by the CLI):

- :func:`capacity_experiment` — (a) ``m(α)`` at ``T = 0`` for several ``N``,
  finite-size extrapolation of ``α_c``; (e) largest stable ``p`` for the Hebb,
  Storkey and pseudo-inverse rules vs ``N``;
- :func:`basins_experiment` — (b) final vs initial overlap for several ``α``;
- :func:`phase_diagram_experiment` — (c) Glauber simulation on an ``(α, T)``
  grid with ``T_M``, ``T_c``, ``T_g`` and ``T_R`` overlaid;
- :func:`spurious_experiment` — (d) symmetric 3-mixtures, spin-glass states and
  the energy ordering.

Each experiment takes a ``quick``/``full`` preset whose grid entries can be
overridden one by one (``settings={"N": 200, "T": [0, 0.5, 1]}``), reports
progress through ``progress(stage, completed, total)`` (the sweep of tasks,
then the theory curves), and refuses a store made with another seed unless
``overwrite=True`` (:class:`~spinnet.sweeps.StoreMismatchError`).
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._io import write_csv
from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, spawn
from spinnet.experiments import hopfield_tasks as tasks
from spinnet.sweeps import Grid, StoreMismatchError, Sweep, load_results
from spinnet.theory import hopfield as theory

__all__ = [
    "DATA_SOURCES",
    "SETTINGS",
    "basins_experiment",
    "capacity_experiment",
    "experiment_settings",
    "load_patterns",
    "phase_diagram_experiment",
    "recall_experiment",
    "spurious_experiment",
]

#: Named pattern sources of :func:`load_patterns` (anything else is a file path).
DATA_SOURCES = ("letters", "digits", "mnist", "random")
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# ----------------------------------------------------------------------------- recall
def load_patterns(data: str, *, n_patterns: int | None = None, size: int = 32,
                  n_spins: int = 1000, data_dir: str | os.PathLike | None = None,
                  rng: SeedLike = None
                  ) -> tuple[np.ndarray, tuple[int, int] | None, list[str], dict[str, Any]]:
    """Patterns to store for a recall experiment.

    Parameters
    ----------
    data : str
        ``"letters"`` (``size`` × ``size`` glyphs; default the 8 weakly
        correlated :data:`~spinnet.datasets.DEMO_LETTERS`, else the first
        ``n_patterns`` of A..Z), ``"digits"`` / ``"mnist"`` (the first image of
        each class 0..``n_patterns - 1``; MNIST from the t10k test set in
        ``data_dir``, see :func:`spinnet.datasets.resolve_mnist_dir`),
        ``"random"`` (``n_patterns`` random ±1 patterns of ``n_spins`` spins
        drawn from ``rng``), or the path of a ``.npy`` or ``.csv`` file holding
        a ``(p, N)`` array of ±1 patterns (the first ``n_patterns`` rows are
        used; a square ``N`` is shown as an image).
    n_patterns : int, optional
        Number of patterns (default 8 letters, 10 digits/MNIST/random, all rows
        of a file).
    size : int, default 32
        Glyph side for ``"letters"``.
    n_spins : int, default 1000
        Number of spins ``N`` for ``"random"``.
    data_dir : str, path or None, default None
        Directory of the MNIST files.
    rng : SeedLike, default None
        Seed or generator for ``"random"``.

    Returns
    -------
    patterns : ndarray of int8, shape (p, N)
    shape : (int, int) or None
        Image shape for figures.
    names : list of str
    info : dict
        What the manifest records about the data (e.g. the MNIST directory).

    Raises
    ------
    ValueError
        Naming ``n_patterns``, ``n_spins`` or ``data`` when a value does not fit
        the source; :class:`~spinnet.datasets.MnistNotFoundError` when MNIST is
        missing.
    """
    from spinnet import datasets
    from spinnet._validation import check_spins
    from spinnet.spins import random_patterns

    info: dict[str, Any] = {"data": data}
    if data == "letters":
        if n_patterns is not None and not 1 <= n_patterns <= 26:
            raise ValueError(f"n_patterns must be in 1..26 for letters; got {n_patterns}")
        chars = datasets.DEMO_LETTERS if n_patterns is None else _ALPHABET[:n_patterns]
        return datasets.letters(chars, size), (size, size), list(chars), info
    if data == "random":
        p = 10 if n_patterns is None else n_patterns
        if p < 1:
            raise ValueError(f"n_patterns must be >= 1; got {p}")
        if n_spins < 2:
            raise ValueError(f"n_spins must be >= 2; got {n_spins}")
        return random_patterns(p, n_spins, rng=rng), None, [f"#{i}" for i in range(p)], info
    if data in ("digits", "mnist"):
        if data == "digits":
            x, y = datasets.digits()
            shape = datasets.DIGITS_SHAPE
        else:
            directory = datasets.resolve_mnist_dir(data_dir)
            x, y = datasets.load_mnist(directory)
            shape = datasets.MNIST_SHAPE
            info.update(data_dir=str(directory), split="t10k")
        p = 10 if n_patterns is None else n_patterns
        if not 1 <= p <= 10:
            raise ValueError(f"n_patterns must be in 1..10 for {data} (one image per class); "
                             f"got {p}")
        idx = [int(np.flatnonzero(y == k)[0]) for k in range(p)]
        return x[idx], shape, [str(k) for k in range(p)], info
    path = Path(data)
    if path.suffix not in (".npy", ".csv"):
        raise ValueError(f"data must be one of {', '.join(DATA_SOURCES)} or a .npy/.csv file "
                         f"of ±1 patterns; got {data!r}")
    if not path.is_file():
        raise ValueError(f"data file {data!r} does not exist")
    try:
        raw = np.load(path, allow_pickle=False) if path.suffix == ".npy" else \
            np.loadtxt(path, delimiter=",", ndmin=2)
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read patterns from data file {data!r}: {exc}") from None
    xi = check_spins(raw, "data", ndim=2)
    if n_patterns is not None:
        if not 1 <= n_patterns <= xi.shape[0]:
            raise ValueError(f"n_patterns must be in 1..{xi.shape[0]} for {data!r}; "
                             f"got {n_patterns}")
        xi = xi[:n_patterns]
    side = math.isqrt(xi.shape[1])
    shape = (side, side) if side * side == xi.shape[1] else None
    info.update(data_file=str(path.resolve()))
    return xi, shape, [f"#{i}" for i in range(xi.shape[0])], info


def recall_experiment(patterns: np.ndarray, out: str | Path, *, names: Sequence[str],
                      shape: tuple[int, int] | None = None, rule: str = "pseudo_inverse",
                      noise: float = 0.25, dynamics: str = "async", temperature: float = 0.0,
                      max_sweeps: int = 100, rng: SeedLike = None, label: str = "",
                      figure: str = "recall.png") -> tuple[list[dict[str, Any]],
                                                           dict[str, Any], list[str]]:
    """Store ``patterns``, flip a fraction ``noise`` of each, recall; write table and figure.

    The corruption and the dynamics draw from two streams spawned from ``rng``.
    ``max_sweeps`` is a budget: zero-temperature dynamics stop at a fixed point.

    Parameters
    ----------
    patterns : ndarray of int8, shape (p, N)
        ±1 patterns to store.
    out : str or path
        Output directory.
    names : sequence of str
        One name per pattern (table and figure).
    shape : (int, int) or None, default None
        Image shape; ``None`` writes no figure.
    rule : str, default "pseudo_inverse"
        Learning rule of :class:`~spinnet.hopfield.HopfieldNetwork`.
    noise : float, default 0.25
        Fraction of spins flipped in each probe.
    dynamics : {"async", "sync", "glauber", "little"}, default "async"
        Update dynamics.
    temperature : float, default 0.0
        Temperature of Glauber dynamics.
    max_sweeps : int, default 100
        Budget of sweeps.
    rng : SeedLike, default None
        Seed or generator.
    label : str, default ""
        Text for the figure title.
    figure : str, default "recall.png"
        File name of the figure.

    Returns
    -------
    rows : list of dict
        Per pattern: ``pattern, overlap_degraded, overlap_recalled, recovered``
        (final overlap >= 0.95) and ``sweeps`` used.
    summary : dict
        ``min_overlap, mean_overlap, recovered``.
    files : list of str
        Files written to ``out`` (``recall.csv`` and, for images, ``figure``).
    """
    from spinnet._io import write_csv as _write_csv
    from spinnet.hopfield import HopfieldNetwork
    from spinnet.plotting import recall_grid, save_figure
    from spinnet.spins import flip

    out = Path(out)
    corrupt_rng, dyn_rng = spawn(rng, 2)
    net = HopfieldNetwork(rule).fit(patterns)
    degraded = flip(patterns, noise, rng=corrupt_rng)
    recalled, traj = net.recall(degraded, dynamics=dynamics, temperature=temperature,
                                max_sweeps=max_sweeps, rng=dyn_rng, return_trajectory=True)
    m0 = np.diag(net.overlaps(degraded))
    m1 = np.diag(net.overlaps(recalled))
    rows = [{"pattern": name, "overlap_degraded": float(a), "overlap_recalled": float(b),
             "recovered": bool(b >= 0.95), "sweeps": int(s)}
            for name, a, b, s in zip(names, m0, m1, traj.n_sweeps, strict=True)]
    files = ["recall.csv"]
    _write_csv(out / "recall.csv", rows)
    if shape is not None:
        fig = recall_grid(patterns, degraded, recalled, shape, overlaps_degraded=m0,
                          overlaps_recalled=m1,
                          title=f"{label}: {rule} rule, {noise:.0%} flipped, {dynamics} "
                                "dynamics")
        save_figure(fig, out / figure)
        files.append(figure)
    summary = {"min_overlap": float(m1.min()), "mean_overlap": float(m1.mean()),
               "recovered": int(sum(r["recovered"] for r in rows))}
    return rows, summary, files

#: Grids of the quick (minutes on 2 cores) and full settings of each experiment.
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "capacity": {
        "quick": dict(N=[500, 1000, 2000], alpha=np.round(np.arange(0.10, 0.2001, 0.01), 3),
                      trials=6, rule_N=[50, 100, 200], rule_trials=4),
        "full": dict(N=[500, 1000, 2000, 4000],
                     alpha=np.round(np.arange(0.10, 0.2001, 0.005), 3), trials=24,
                     rule_N=[50, 100, 200, 400], rule_trials=8),
    },
    "basins": {
        "quick": dict(N=1000, alpha=[0.05, 0.10, 0.13, 0.15], m0=np.round(
            np.arange(0.05, 1.0001, 0.05), 2), trials=3),
        "full": dict(N=4000, alpha=[0.02, 0.05, 0.08, 0.10, 0.12, 0.13, 0.14, 0.15],
                     m0=np.round(np.arange(0.025, 1.0001, 0.025), 3), trials=6),
    },
    "phase-diagram": {
        "quick": dict(N=1000, alpha=[0.01, 0.03, 0.05, 0.08, 0.10, 0.12, 0.14],
                      T=np.round(np.arange(0.0, 1.2001, 0.05), 3), n_sweeps=100, trials=2),
        "full": dict(N=4000, alpha=[0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.08, 0.10, 0.12,
                                    0.13, 0.14],
                     T=np.round(np.arange(0.0, 1.2001, 0.02), 3), n_sweeps=300, trials=4),
    },
    "spurious": {
        "quick": dict(N=2000, alpha=np.round(np.arange(0.005, 0.0601, 0.005), 3), trials=4,
                      alpha_sg=[0.2, 0.3]),
        "full": dict(N=5000, alpha=np.round(np.arange(0.0025, 0.0601, 0.0025), 4), trials=10,
                     alpha_sg=[0.2, 0.3, 0.5]),
    },
}

_RETRIEVED = 0.9  # final overlap that counts as retrieval (AGS m >= 0.967 below α_c)
_RETAINED = 0.5  # fraction of Glauber chains still retrieving that marks the boundary


def _mode(quick: bool) -> str:
    return "quick" if quick else "full"


def experiment_settings(name: str, quick: bool = True,
                        settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The grid of experiment ``name``: the quick/full preset with ``settings`` overriding it.

    Parameters
    ----------
    name : {"capacity", "basins", "phase-diagram", "spurious"}
        Experiment, a key of :data:`SETTINGS`.
    quick : bool, default True
        Quick preset (``False``: full).
    settings : dict or None, default None
        Overrides; ``None`` values keep the preset.

    Returns
    -------
    dict
        The grid settings (e.g. ``N``, ``alpha``, ``trials``).

    Raises
    ------
    ValueError
        If ``settings`` names an entry the experiment does not have.
    """
    cfg = dict(SETTINGS[name][_mode(quick)])
    for key, value in (settings or {}).items():
        if key not in cfg:
            raise ValueError(f"settings: {name} has no entry {key!r} (it has "
                             f"{', '.join(cfg)})")
        if value is not None:
            cfg[key] = value
    return cfg


def _prepare(specs: list[tuple[Callable, Grid, str]], out: Path, seed: int,
             overwrite: bool) -> list[Sweep]:
    """Sweeps of one experiment, every store checked before any task runs.

    A store made by another seed (or task function) raises
    :class:`~spinnet.sweeps.StoreMismatchError`, unless ``overwrite``: then that
    store (and only an incompatible one) is replaced, so that rerunning the
    same command with ``overwrite`` still resumes a compatible store.
    """
    sweeps = []
    for func, grid, name in specs:
        try:
            sweep = Sweep(func, grid, out / name, seed=seed, name=name)
        except StoreMismatchError:
            if not overwrite:
                raise
            sweep = Sweep(func, grid, out / name, seed=seed, name=name, overwrite=True)
        sweeps.append(sweep)
    return sweeps


def _run(sweep: Sweep, scheduler: Any, n_workers: int | None,
         progress: bool | ProgressCallback, counter: list[int]) -> list[dict[str, Any]]:
    sweep.run(scheduler=scheduler, n_workers=n_workers, progress=progress)
    counter[0] += sweep.last_run_count
    return load_results(sweep.path, sweep.grid)


def _callback(progress: bool | ProgressCallback | None) -> ProgressCallback | None:
    return progress if callable(progress) and not isinstance(progress, bool) else None


def _group(rows: list[dict], keys: tuple[str, ...]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[tuple(r[k] for k in keys)].append(r)
    return dict(sorted(groups.items()))


def _mean_se(values: list[float]) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0


def _crossing(x: np.ndarray, y: np.ndarray, level: float) -> float:
    """First x where y falls below ``level`` (linear interpolation); NaN if never."""
    for k in range(1, len(x)):
        if y[k - 1] >= level > y[k]:
            return float(x[k - 1] + (y[k - 1] - level) * (x[k] - x[k - 1]) / (y[k - 1] - y[k]))
    return float("nan")


# ----------------------------------------------------------------------------- (a) + (e)
def capacity_experiment(out: str | Path, *, quick: bool = True, seed: int = 0,
                        scheduler: Any = None, n_workers: int | None = None,
                        progress: bool | ProgressCallback = True,
                        settings: dict[str, Any] | None = None,
                        overwrite: bool = False) -> dict[str, Any]:
    """Retrieval overlap ``m(α)`` at ``T = 0`` vs ``N``, extrapolated ``α_c``, and rules.

    (a) For each ``N`` and ``α``, ``trials`` independent pattern sets; 10
    probes each start at stored patterns and relax by asynchronous dynamics.
    ``α_c(N)`` is where the retrieved fraction (final ``m > 0.9``) falls through
    1/2; a weighted least-squares fit ``α_c(N) = α_c(∞) + b / √N`` extrapolates
    it (error from the fit covariance, per-point errors by bootstrap over
    trials). (e) The largest ``p`` with every stored pattern stable, for the
    three learning rules vs ``N``.

    Writes ``capacity.csv``, ``capacity_fss.csv``, ``rules.csv``,
    ``capacity.png`` and ``rules.png`` to ``out``; returns a summary
    (``tasks_run``: tasks computed by this call, the rest came from the stores).

    Parameters
    ----------
    out : str or path
        Output directory (sweep stores, CSV tables, figures).
    quick : bool, default True
        Use the quick preset of :data:`SETTINGS` (``False``: the full one).
    seed : int, default 0
        Seed of the sweep (each task has its own stream; resumable).
    scheduler : str, distributed.Client or None, default None
        Dask scheduler address or client; ``None`` runs a local process pool.
    n_workers : int or None, default None
        Number of local worker processes.
    progress : bool or callable, default True
        ``True``: a progress bar on stderr; a callable
        ``progress(stage, done, total)``; ``False``: silent.
    settings : dict or None, default None
        Entries overriding the preset (see :func:`experiment_settings`).
    overwrite : bool, default False
        Replace an incompatible store (other seed or task) instead of raising
        :class:`~spinnet.sweeps.StoreMismatchError`.

    Returns
    -------
    dict
        Summary, also written to the manifest: ``alpha_c_extrapolated, alpha_c_err, fss_slope,
        fss_chi2_per_dof, alpha_c_theory, alpha_c_N, m_vs_ags_max_deviation_in_errors,
        largest_N``, ``tasks`` and
        ``tasks_run`` (tasks computed by this call; the rest came from the
        stores).
    """
    from spinnet.plotting.hopfield import capacity_figure, rules_figure, save_figure

    out = Path(out)
    cfg = experiment_settings("capacity", quick, settings)
    grid = Grid(N=cfg["N"], alpha=cfg["alpha"], trial=range(cfg["trials"]))
    rgrid = Grid(rule=["hebbian", "storkey", "pseudo_inverse"], N=cfg["rule_N"],
                 trial=range(cfg["rule_trials"]))
    sweep, rsweep = _prepare([(tasks.retrieval_task, grid, "retrieval"),
                              (tasks.capacity_task, rgrid, "rules")], out, seed, overwrite)
    ran = [0]
    rows = _run(sweep, scheduler, n_workers, progress, ran)
    cb = _callback(progress)
    groups = _group(rows, ("N", "alpha"))
    table = []
    for k, ((n, a), rs) in enumerate(groups.items()):
        report(cb, "AGS theory", k, len(groups))
        m, m_se = _mean_se([r["m_mean"] for r in rs])
        f, f_se = _mean_se([r["retrieved"] for r in rs])
        table.append({"N": n, "alpha": a, "m": m, "m_err": m_se, "retrieved": f,
                      "retrieved_err": f_se, "m_theory": theory.ags_solve(a, 0.0).m,
                      "trials": len(rs)})
    report(cb, "AGS theory", len(groups), len(groups))
    write_csv(out / "capacity.csv", table)

    gen = np.random.default_rng(seed)
    fss = []
    for (n,), rs in _group(rows, ("N",)).items():
        by_alpha = _group(rs, ("alpha",))
        alphas = np.array([k[0] for k in by_alpha])
        per_trial = np.array([[r["retrieved"] for r in v] for v in by_alpha.values()])
        a_c = _crossing(alphas, per_trial.mean(axis=1), 0.5)
        boot = [_crossing(alphas, per_trial[:, gen.integers(0, per_trial.shape[1],
                                                             per_trial.shape[1])].mean(axis=1),
                          0.5) for _ in range(200)]
        fss.append({"N": n, "alpha_c_N": a_c, "alpha_c_N_err": float(np.nanstd(boot))})
    x = np.array([1.0 / np.sqrt(r["N"]) for r in fss])
    y = np.array([r["alpha_c_N"] for r in fss])
    w = 1.0 / np.maximum(np.array([r["alpha_c_N_err"] for r in fss]), 1e-4) ** 2
    A = np.stack([np.ones_like(x), x], axis=1)
    cov = np.linalg.inv(A.T @ (A * w[:, None]))
    coef = cov @ (A.T @ (w * y))
    chi2 = float(np.sum(w * (y - A @ coef) ** 2))
    dof = max(len(y) - 2, 1)
    # Inflate the fit error when the points scatter more than their error bars.
    err = float(np.sqrt(cov[0, 0] * max(1.0, chi2 / dof)))
    write_csv(out / "capacity_fss.csv", fss)

    rrows = _run(rsweep, scheduler, n_workers, progress, ran)
    rules = []
    for (rule, n), rs in _group(rrows, ("rule", "N")).items():
        pm, pm_se = _mean_se([r["p_max"] for r in rs])
        rules.append({"rule": rule, "N": n, "p_max": pm, "p_max_err": pm_se,
                      "theory": {"hebbian": n / (2 * np.log(n)),
                                 "storkey": n / np.sqrt(2 * np.log(n)),
                                 "pseudo_inverse": n - 1}[rule]})
    write_csv(out / "rules.csv", rules)

    save_figure(capacity_figure(table, fss, coef, err), out / "capacity.png")
    save_figure(rules_figure(rules), out / "rules.png")
    big = max(cfg["N"])
    dev = [abs(r["m"] - r["m_theory"]) / max(r["m_err"], 1e-12) for r in table
           if r["N"] == big and r["alpha"] <= 0.12]
    return {"alpha_c_extrapolated": float(coef[0]), "alpha_c_err": err,
            "fss_slope": float(coef[1]), "fss_chi2_per_dof": chi2 / dof,
            "alpha_c_theory": theory.capacity_point()[0],
            "alpha_c_N": {str(r["N"]): r["alpha_c_N"] for r in fss},
            "m_vs_ags_max_deviation_in_errors": float(max(dev)) if dev else None,
            "largest_N": big, "tasks": len(grid) + len(rgrid), "tasks_run": ran[0]}


# ----------------------------------------------------------------------------- (b)
def basins_experiment(out: str | Path, *, quick: bool = True, seed: int = 0,
                      scheduler: Any = None, n_workers: int | None = None,
                      progress: bool | ProgressCallback = True,
                      settings: dict[str, Any] | None = None,
                      overwrite: bool = False) -> dict[str, Any]:
    """Basins of attraction: final overlap vs initial overlap ``m0`` for several ``α``.

    Probes start at overlap ``m0`` with a stored pattern (an exact fraction
    ``(1 - m0)/2`` of spins flipped) and relax by asynchronous dynamics. The
    basin edge is the smallest ``m0`` from which at least half the probes are
    retrieved (final ``m > 0.9``); it moves towards ``m0 = 1`` as ``α → α_c``.

    Parameters
    ----------
    out : str or path
        Output directory (sweep stores, CSV tables, figures).
    quick : bool, default True
        Use the quick preset of :data:`SETTINGS` (``False``: the full one).
    seed : int, default 0
        Seed of the sweep (each task has its own stream; resumable).
    scheduler : str, distributed.Client or None, default None
        Dask scheduler address or client; ``None`` runs a local process pool.
    n_workers : int or None, default None
        Number of local worker processes.
    progress : bool or callable, default True
        ``True``: a progress bar on stderr; a callable
        ``progress(stage, done, total)``; ``False``: silent.
    settings : dict or None, default None
        Entries overriding the preset (see :func:`experiment_settings`).
    overwrite : bool, default False
        Replace an incompatible store (other seed or task) instead of raising
        :class:`~spinnet.sweeps.StoreMismatchError`.

    Returns
    -------
    dict
        Summary, also written to the manifest: ``N, basin_edge_m0`` (per ``α``), ``tasks`` and
        ``tasks_run`` (tasks computed by this call; the rest came from the
        stores).
    """
    from spinnet.plotting.hopfield import basins_figure, save_figure

    out = Path(out)
    cfg = experiment_settings("basins", quick, settings)
    grid = Grid(N=[cfg["N"]], alpha=cfg["alpha"], m0=cfg["m0"], trial=range(cfg["trials"]))
    (sweep,) = _prepare([(tasks.basin_task, grid, "basins")], out, seed, overwrite)
    ran = [0]
    rows = _run(sweep, scheduler, n_workers, progress, ran)
    table = []
    for (a, m0), rs in _group(rows, ("alpha", "m0")).items():
        m, m_se = _mean_se([r["m_final"] for r in rs])
        f, _ = _mean_se([r["retrieved"] for r in rs])
        table.append({"N": cfg["N"], "alpha": a, "m0": m0, "m_final": m, "m_final_err": m_se,
                      "retrieved": f})
    write_csv(out / "basins.csv", table)
    radius = {}
    for (a,), rs in _group(table, ("alpha",)).items():
        m0s = np.array([r["m0"] for r in rs])[::-1]
        f = np.array([r["retrieved"] for r in rs])[::-1]
        radius[str(a)] = _crossing(m0s, f, 0.5)
    save_figure(basins_figure(table), out / "basins.png")
    return {"N": cfg["N"], "basin_edge_m0": radius, "tasks": len(grid), "tasks_run": ran[0]}


# ----------------------------------------------------------------------------- (c)
def phase_diagram_experiment(out: str | Path, *, quick: bool = True, seed: int = 0,
                             scheduler: Any = None, n_workers: int | None = None,
                             progress: bool | ProgressCallback = True,
                             settings: dict[str, Any] | None = None,
                             overwrite: bool = False) -> dict[str, Any]:
    """Glauber simulation on an ``(α, T)`` grid against the AGS phase diagram.

    Chains start at stored patterns; the overlap with the starting pattern,
    averaged over the second half of ``n_sweeps`` Glauber sweeps, stays at
    ``m_AGS(α, T)`` inside the retrieval region and decays to ``O(1/√N)``
    outside; near ``T_M`` single chains do one or the other. The simulated
    boundary ``T_sim(α)`` is where the fraction of chains still retrieving
    (time-averaged ``m > 0.35``) falls through 1/2 (linear interpolation in
    T), compared with ``T_M(α)``.

    Parameters
    ----------
    out : str or path
        Output directory (sweep stores, CSV tables, figures).
    quick : bool, default True
        Use the quick preset of :data:`SETTINGS` (``False``: the full one).
    seed : int, default 0
        Seed of the sweep (each task has its own stream; resumable).
    scheduler : str, distributed.Client or None, default None
        Dask scheduler address or client; ``None`` runs a local process pool.
    n_workers : int or None, default None
        Number of local worker processes.
    progress : bool or callable, default True
        ``True``: a progress bar on stderr; a callable
        ``progress(stage, done, total)``; ``False``: silent.
    settings : dict or None, default None
        Entries overriding the preset (see :func:`experiment_settings`).
    overwrite : bool, default False
        Replace an incompatible store (other seed or task) instead of raising
        :class:`~spinnet.sweeps.StoreMismatchError`.

    Returns
    -------
    dict
        Summary, also written to the manifest: ``N, n_sweeps, boundary`` (``{α: [T_sim, T_M]}``),
        the largest ``|T_sim − T_M|`` for ``α <= 0.1``, ``tasks`` and
        ``tasks_run`` (tasks computed by this call; the rest came from the
        stores).
    """
    from spinnet.plotting.hopfield import phase_diagram_figure, save_figure

    out = Path(out)
    cfg = experiment_settings("phase-diagram", quick, settings)
    grid = Grid(N=[cfg["N"]], alpha=cfg["alpha"], T=cfg["T"], n_sweeps=[cfg["n_sweeps"]],
                trial=range(cfg["trials"]))
    (sweep,) = _prepare([(tasks.glauber_task, grid, "phase_diagram")], out, seed, overwrite)
    ran = [0]
    rows = _run(sweep, scheduler, n_workers, progress, ran)
    cb = _callback(progress)
    groups = _group(rows, ("alpha", "T"))
    n_alpha = len({a for a, _ in groups})
    total = len(groups) + n_alpha
    table = []
    for k, ((a, T), rs) in enumerate(groups.items()):
        report(cb, "AGS theory", k, total)
        m, m_se = _mean_se([r["m_mean"] for r in rs])
        f, _ = _mean_se([r["retained"] for r in rs])
        table.append({"N": cfg["N"], "alpha": a, "T": T, "m": m, "m_err": m_se,
                      "retained": f, "m_theory": theory.ags_solve(a, T).m})
    write_csv(out / "phase_diagram.csv", table)
    boundary = []
    for k, ((a,), rs) in enumerate(_group(table, ("alpha",)).items()):
        report(cb, "AGS theory", len(groups) + k, total)
        Ts = np.array([r["T"] for r in rs])
        t_sim = _crossing(Ts, np.array([r["retained"] for r in rs]), _RETAINED)
        boundary.append({"alpha": a, "T_sim": t_sim, "T_M": theory.t_m(a),
                         "T_c": theory.t_c(a), "T_R": theory.t_r(a),
                         "T_g": theory.t_g(a)})
    report(cb, "AGS theory", total, total)
    write_csv(out / "phase_boundary.csv", boundary)
    lines = theory.ags_lines(24, tol=1e-4, progress=cb)
    save_figure(phase_diagram_figure(table, boundary, lines), out / "phase_diagram.png")
    dev = [abs(b["T_sim"] - b["T_M"]) for b in boundary if b["alpha"] <= 0.1]
    return {"N": cfg["N"], "n_sweeps": cfg["n_sweeps"],
            "boundary": {str(b["alpha"]): [b["T_sim"], b["T_M"]] for b in boundary},
            "max_abs_T_sim_minus_T_M_alpha_le_0.1":
                float(np.nanmax(dev)) if np.isfinite(dev).any() else None,
            "tasks": len(grid), "tasks_run": ran[0]}


# ----------------------------------------------------------------------------- (d)
def spurious_experiment(out: str | Path, *, quick: bool = True, seed: int = 0,
                        scheduler: Any = None, n_workers: int | None = None,
                        progress: bool | ProgressCallback = True,
                        settings: dict[str, Any] | None = None,
                        overwrite: bool = False) -> dict[str, Any]:
    """Symmetric 3-mixture states and spin-glass states at ``T = 0``.

    Zero-temperature dynamics start at ``sign(ξ¹ + ξ² + ξ³)``. At small ``α``
    the mixture is a fixed point with overlaps 1/2 each; its stability limit
    (half the mixtures survive with all three overlaps within 0.15 of 1/2) is
    compared with the RS value ``α_max = 0.0299``. At large ``α`` random
    starts relax to spin-glass states with overlaps ``O(1/√N)`` with every
    pattern. Energies per spin of pure, mixture and random-start fixed points
    give the energy ordering (pure < mixture at small α).

    Parameters
    ----------
    out : str or path
        Output directory (sweep stores, CSV tables, figures).
    quick : bool, default True
        Use the quick preset of :data:`SETTINGS` (``False``: the full one).
    seed : int, default 0
        Seed of the sweep (each task has its own stream; resumable).
    scheduler : str, distributed.Client or None, default None
        Dask scheduler address or client; ``None`` runs a local process pool.
    n_workers : int or None, default None
        Number of local worker processes.
    progress : bool or callable, default True
        ``True``: a progress bar on stderr; a callable
        ``progress(stage, done, total)``; ``False``: silent.
    settings : dict or None, default None
        Entries overriding the preset (see :func:`experiment_settings`).
    overwrite : bool, default False
        Replace an incompatible store (other seed or task) instead of raising
        :class:`~spinnet.sweeps.StoreMismatchError`.

    Returns
    -------
    dict
        Summary, also written to the manifest: mixture overlaps, stability
        limit and energies, ``tasks`` and ``tasks_run`` (tasks computed by
        this call; the rest came from the stores).
    """
    from spinnet.plotting.hopfield import save_figure, spurious_figure

    out = Path(out)
    cfg = experiment_settings("spurious", quick, settings)
    alphas = sorted(set(cfg["alpha"]) | set(cfg["alpha_sg"]))
    grid = Grid(N=[cfg["N"]], alpha=alphas, trial=range(cfg["trials"]))
    (sweep,) = _prepare([(tasks.mixture_task, grid, "spurious")], out, seed, overwrite)
    ran = [0]
    rows = _run(sweep, scheduler, n_workers, progress, ran)
    cb = _callback(progress)
    table = []
    keys = ("m_mix", "survived", "e_mixture", "e_pure", "e_random_start", "m_max_random_start")
    groups = _group(rows, ("alpha",))
    for k, ((a,), rs) in enumerate(groups.items()):
        report(cb, "AGS theory", k, len(groups))
        row: dict[str, Any] = {"N": cfg["N"], "alpha": a}
        for k in keys:
            row[k], row[k + "_err"] = _mean_se([r[k] for r in rs])
        th = theory.mixture_state(3, a)
        row["m_mix_theory"] = th["m"]
        row["e_spin_glass_theory"] = theory.ags_solve(a, 0.0, branch="spin-glass").free_energy
        row["e_pure_theory"] = theory.ags_solve(a, 0.0).free_energy
        table.append(row)
    report(cb, "AGS theory", len(groups), len(groups))
    write_csv(out / "spurious.csv", table)
    small = [r for r in table if r["alpha"] <= 0.01]
    alpha_loss = _crossing(np.array([r["alpha"] for r in table]),
                           np.array([r["survived"] for r in table]), 0.5)
    save_figure(spurious_figure(table, theory.mixture_state(3)["alpha_max"]),
                out / "spurious.png")
    sg = [r for r in table if r["alpha"] in cfg["alpha_sg"]]
    return {
        "N": cfg["N"],
        # None when the grid has no load <= 0.01 (possible with a custom --alpha)
        "mixture_overlap_small_alpha":
            float(np.mean([r["m_mix"] for r in small])) if small else None,
        "mixture_overlap_small_alpha_err":
            float(np.max([r["m_mix_err"] for r in small])) if small else None,
        "alpha_mixture_unstable": alpha_loss,
        "alpha_mixture_theory": theory.mixture_state(3)["alpha_max"],
        "spin_glass_max_overlap": {str(r["alpha"]): r["m_max_random_start"] for r in sg},
        "one_over_sqrt_N": 1 / np.sqrt(cfg["N"]),
        "tasks": len(grid),
        "tasks_run": ran[0],
    }
