"""Anisotropy scan: classifiers trained once on the isotropic square lattice, tested on
``J_h = J_v = 1`` with a diagonal coupling ``J_d`` (the pipeline behind
``spinnet phases scan``).

Chertenkov, Burovski & Shchur find that the transition temperature located by a
network trained on the isotropic model follows Houtappel's exact ``T_c(J_d)``
over a wide range of the diagonal coupling, and deviates where the spin-spin
correlations oscillate, above the disorder line of Stephenson (J. Math. Phys.
11, 420 (1970)). :func:`scan` measures that: for every ``J_d``,

1. Swendsen-Wang snapshots (``OUT/data/<tag>_L<L>.h5``, resumable chunk by
   chunk) on a grid around Houtappel's ``T_c`` (:func:`~spinnet.phases.pipeline.default_grid`,
   relative steps); the spacing between snapshots comes from a pilot run at
   ``T_c`` (``τ_int(|m|)`` grows from 4 sweeps at ``J_d = 0`` to hundreds at
   ``J_d = −0.45``: Swendsen-Wang is exact for mixed signs, but its clusters
   percolate far above ``T_c`` on the frustrated lattice), cached in
   ``OUT/pilot.json``;
2. the pooled block-spin networks of :func:`~spinnet.phases.pipeline.train_networks`
   trained on the isotropic data (``OUT/nets``, or loaded when already there),
   applied with :func:`~spinnet.phases.pipeline.evaluate`; ``J_d = 0`` is tested
   on the held-out isotropic snapshots;
3. one row per ``(network, J_d)``: ``T_c`` (Houtappel), ``T_d`` (where defined),
   ``T*``, ``T*/T_c − 1`` and ``1/ν`` with errors.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet.experiments.phases import PhasesInputError, _datasets
from spinnet.phases.data import (
    GenerationConfig,
    ModelSpec,
    PhaseData,
    check_L,
    load,
)
from spinnet.phases.pipeline import (
    default_config,
    default_grid,
    generate_sizes,
    model_tag,
    window_ensemble,
    with_samples,
)
from spinnet.theory.ising import disorder_temperature, houtappel_tc

__all__ = ["ScanPlan", "pilot_spacing", "scan", "scan_row"]

OnKept = Callable[[str], None]

#: Diagonal couplings of the quick preset, ``linspace(-0.45, 1, 8)``.
QUICK_JD = tuple(float(v) for v in np.round(np.linspace(-0.45, 1.0, 8), 6))


class ScanPlan:
    """Presets of :func:`scan` (``quick`` or full); every field can be overridden.

    Parameters
    ----------
    quick : bool
        Quick or full preset.
    sizes : sequence of int, optional
        Test sizes (multiples of 4).
    n_samples, networks, epochs : int, optional
        Snapshots per temperature, networks in the ensemble, most epochs per network.

    Notes
    -----
    Quick (4 min 59 s wall on the shared 2-core machine): test sizes 16, 20, 24;
    200 snapshots per temperature on the coarse relative grid (21 points within
    ``±13 %`` of ``T_c``); FCNN; 3 networks trained on isotropic data of the same
    sizes (or on those under ``from_dir``). Full: test sizes 16, 24, 32 and 400
    snapshots per temperature on the same grid.
    """

    def __init__(self, quick: bool = True, *, sizes: Sequence[int] | None = None,
                 n_samples: int | None = None, networks: int | None = None,
                 epochs: int | None = None) -> None:
        self.quick = quick
        self.sizes = tuple(sizes) if sizes else ((16, 20, 24) if quick else (16, 24, 32))
        self.n_samples = n_samples or (200 if quick else 400)
        self.networks = networks or 3
        self.epochs = epochs or 25

    def as_dict(self) -> dict[str, Any]:
        return {"quick": self.quick, "sizes": list(self.sizes), "n_samples": self.n_samples,
                "networks": self.networks, "epochs": self.epochs}


def _check_jd(values: Sequence[float]) -> list[float]:
    out = []
    for v in values:
        v = float(v)
        if not math.isfinite(v) or not v > -1.0:
            raise PhasesInputError(
                f"J_d must be > -1 (with J_h = J_v = 1 Houtappel's region J_h + J_d > 0, "
                f"J_d + J_v > 0 needs J_d > -1); got {v:g}", "J_d")
        out.append(round(v, 6))
    if len(set(out)) != len(out):
        raise PhasesInputError(f"J_d lists a value twice: {out}", "J_d")
    return out


#: Largest snapshot spacing and thermalisation (sweeps) the pilot may ask for.
MAX_SPACING = 300
MAX_THERMALIZE = 20000


def pilot_spacing(model: ModelSpec, L: int, seed: int = 0, *, n_sweeps: int = 4000,
                  max_sweeps: int = 32000,
                  cache: str | Path | None = None) -> dict[str, Any]:
    """Sweeps between snapshots and of thermalisation from a pilot Swendsen-Wang run at ``T_c``.

    Two chains from an ordered start, ``n_sweeps / 4`` sweeps of thermalisation,
    then ``n_sweeps`` measured, doubled (up to ``max_sweeps``) until the series
    is at least ``50 τ`` long, ``τ = τ_int(|m|)`` (mean over chains,
    :func:`spinnet.stats.integrated_autocorrelation_time`; a short series
    underestimates a long ``τ``). Spacing: ``τ / 2`` rounded up to a multiple of
    10, within ``[10, MAX_SPACING]``; thermalisation of the production chains
    ``10 τ`` within ``[200, MAX_THERMALIZE]``. Cached in ``cache`` (JSON) so that
    a resumed scan uses the same plan.

    Parameters
    ----------
    model : ModelSpec
        The lattice model; the pilot runs at its ``critical_temperature``.
    L : int
        Linear lattice size.
    seed : int
        Seed of the pilot chains (with ``L``; default 0).
    n_sweeps : int
        Initial measured length of the series, in Swendsen-Wang sweeps (default 4000).
    max_sweeps : int
        Longest series the doubling may reach (default 32000).
    cache : path, optional
        JSON file of earlier pilots, keyed by model, ``L``, seed and lengths; read
        and updated when given (default: no cache).

    Returns
    -------
    dict
        ``{"tau": float, "sweeps_between": int, "n_thermalize": int, "n_pilot": int}``:
        ``τ`` in sweeps, the snapshot spacing and thermalisation in sweeps, and the
        pilot series length.
    """
    import warnings

    from spinnet.samplers import SwendsenWang
    from spinnet.stats import integrated_autocorrelation_time

    key = f"{model_tag(model)}_L{L}_s{seed}_n{n_sweeps}-{max_sweeps}"
    store: dict[str, Any] = {}
    if cache is not None and Path(cache).exists():
        store = json.loads(Path(cache).read_text())
        if key in store:
            return store[key]
    spin_model = model.build(L)
    sw = SwendsenWang()
    state = sw.init(spin_model, model.critical_temperature, 2,
                    rng=np.random.SeedSequence([seed, L, 7]), start="up")
    state, _ = sw.run(spin_model, state, n_sweeps // 4)
    state, trace = sw.run(spin_model, state, n_sweeps)
    series = np.abs(trace.magnetization)  # (2, n)
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tau = float(np.mean([integrated_autocorrelation_time(m).tau for m in series]))
        n = series.shape[1]
        if n >= 50 * tau or 2 * n > max_sweeps:
            break
        state, trace = sw.run(spin_model, state, n)
        series = np.concatenate([series, np.abs(trace.magnetization)], axis=1)
    spacing = int(min(MAX_SPACING, max(10, 10 * math.ceil(tau / 20))))
    result = {"tau": tau, "sweeps_between": spacing,
              "n_thermalize": int(min(MAX_THERMALIZE, max(200, 10 * math.ceil(tau)))),
              "n_pilot": int(series.shape[1])}
    if cache is not None:
        store[key] = result
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(cache).with_suffix(".tmp")
        tmp.write_text(json.dumps(store, indent=1) + "\n")
        tmp.replace(cache)
    return result


def scan_row(net: str, J_d: float, r: Any, *, sweeps_between: int, tau_pilot: float,
             grid: np.ndarray, tau_snapshots: float = float("nan")) -> dict[str, Any]:
    """One table row for network ``net`` at ``J_d`` from an evaluation result ``r``.

    ``tau_snapshots`` is the largest ``τ_int(|m|)`` of the test data in units of
    the snapshot spacing (over temperatures and sizes): above ~0.5 the snapshots
    are correlated and the bootstrap errors of ``r`` are too small by about
    ``√(2 τ_snapshots)``.

    Parameters
    ----------
    net : str
        Network name (the row's ``network``).
    J_d : float
        Diagonal coupling (``J_h = J_v = 1``).
    r : TransferResult
        Output of :func:`spinnet.phases.pipeline.evaluate` for this network and ``J_d``.
    sweeps_between : int
        Swendsen-Wang sweeps between stored snapshots.
    tau_pilot : float
        ``τ_int(|m|)`` of the pilot run, in sweeps (:func:`pilot_spacing`).
    grid : ndarray of float, shape (n_T,)
        Temperatures of the test data (its maximum gives ``T_max_over_T_c``).
    tau_snapshots : float
        See above (default NaN: unknown).

    Returns
    -------
    dict
        Keys ``network``, ``J_d``, ``T_c`` (Houtappel), ``T_d`` (Stephenson, NaN
        outside ``-1 < J_d < 0``), ``T_d_over_T_c``, ``T_max_over_T_c``, ``T_star``,
        ``T_star_err``, ``dev_pct`` and ``dev_pct_err`` (``100 (T*/T_c − 1)``),
        ``dev_over_err``, ``inv_nu``, ``inv_nu_err``, ``mu_Lmax``, ``mu_Lmax_err``
        and ``mu_Lmax_dev_pct`` (V peak of the largest size), ``chi2_mu``, ``sizes``
        (space-separated), ``sweeps_between``, ``tau_pilot``, ``tau_snapshots``,
        ``note`` (``r.error``). Missing FSS results are NaN.
    """
    nan = float("nan")
    T_c = houtappel_tc(1.0, 1.0, J_d)
    T_d = disorder_temperature(1.0, J_d) if -1.0 < J_d < 0.0 else nan
    f = r.fss
    T_star = f.T_star if f is not None else nan
    err = r.T_star_err
    dev = T_star / T_c - 1.0
    # The V peak of the largest size: no extrapolation, a smaller error, a finite-size shift.
    last = r.peaks[-1] if r.peaks else None
    mu = float(getattr(last, "mu", nan)) if last is not None else nan
    mu_err = float(getattr(last, "mu_err", nan)) if last is not None else nan
    return {"network": net, "J_d": J_d, "T_c": T_c, "T_d": T_d, "T_d_over_T_c": T_d / T_c,
            "T_max_over_T_c": float(np.max(grid)) / T_c, "T_star": T_star, "T_star_err": err,
            "dev_pct": 100 * dev, "dev_pct_err": 100 * err / T_c,
            "dev_over_err": dev * T_c / err if err > 0 else nan,
            "inv_nu": f.inv_nu if f is not None else nan, "inv_nu_err": r.inv_nu_err,
            "mu_Lmax": mu, "mu_Lmax_err": mu_err, "mu_Lmax_dev_pct": 100 * (mu / T_c - 1.0),
            "chi2_mu": f.chi2_mu if f is not None else nan,
            "sizes": " ".join(str(p.L) for p in r.peaks), "sweeps_between": sweeps_between,
            "tau_pilot": tau_pilot, "tau_snapshots": tau_snapshots, "note": r.error}


def _pooled_view(clf: Any, L: int) -> Any:
    """A pooled network as seen from size ``L`` (that size's held-out bookkeeping, if any)."""
    n = clf.info_.get("n_train_by_size", {}).get(str(L))
    return clf.view(L=L) if n is None else clf.view(L=L, n_train_per_T=n)


def scan(out: str | Path, J_d: Sequence[float] = QUICK_JD, *, quick: bool = True,
         nets: Sequence[str] = ("fcnn",), sizes: Sequence[int] | None = None,
         from_dir: str | Path | None = None, train_sizes: Sequence[int] | None = None,
         n_samples: int | None = None, networks: int | None = None, epochs: int | None = None,
         n_boot: int = 200, seed: int = 0, threads: int | None = None,
         overwrite: bool = False, progress: ProgressCallback | None = None,
         on_kept: OnKept | None = None) -> dict[str, Any]:
    """Train once on the isotropic lattice, test across ``J_d``; rows, CSV-ready.

    Parameters
    ----------
    out : path
        Output directory (``data/``, ``nets/``, ``pilot.json``).
    J_d : sequence of float
        Diagonal couplings, each ``> −1`` (``J_h = J_v = 1``).
    quick : bool
        Preset (:class:`ScanPlan`).
    nets : sequence of str
        Network names (:data:`spinnet.phases.networks.NETS`).
    sizes : sequence of int, optional
        Test sizes (multiples of 4, block spins); default from the preset.
    from_dir : path, optional
        A directory holding isotropic ``data/ising_L*.h5`` to train on (read only);
        default: generate them under ``out`` at the test sizes.
    train_sizes : sequence of int, optional
        Sizes of the isotropic training data (default: the test sizes, or every
        size under ``from_dir``).
    n_samples, networks, epochs : int, optional
        Override the preset.
    n_boot : int
        Bootstrap replicates of the peak fits.
    seed : int
        Seed of data, pilots, networks and bootstrap.
    threads : int, optional
        torch threads.
    overwrite : bool
        Replace stored units made with other parameters.
    progress, on_kept : callable, optional
        ``progress(stage, done, total)``; ``on_kept(text)`` after each finished unit.

    Returns
    -------
    dict
        ``rows`` (one per network and ``J_d``, see :func:`scan_row`), ``plan``,
        ``seconds``.
    """
    from spinnet.phases.pipeline import evaluate, train_networks

    t0 = time.time()
    out = Path(out)
    values = _check_jd(J_d)
    if not values:
        raise PhasesInputError("J_d must hold at least one value", "J_d")
    plan = ScanPlan(quick, sizes=sizes, n_samples=n_samples, networks=networks, epochs=epochs)
    for L in plan.sizes:
        if check_L(L) % 4:
            raise PhasesInputError(f"sizes must be multiples of 4 (4x4 block spins); got {L}",
                                   "sizes")
    if len(plan.sizes) < 3:
        raise PhasesInputError(f"sizes needs at least 3 sizes for finite-size scaling; got "
                               f"{list(plan.sizes)}", "sizes")
    if threads is not None:
        if threads < 1:
            raise PhasesInputError(f"threads must be >= 1; got {threads}", "threads")
        from spinnet._optional import require_torch

        require_torch("phase classifiers").set_num_threads(int(threads))
    iso = ModelSpec()
    done_units = 0
    n_units = len(values)

    def kept(text: str) -> None:
        if on_kept is not None:
            on_kept(text)

    def gen(model: ModelSpec, Ls: Sequence[int], train: bool,
            spacing: dict[int, dict[str, Any]] | None = None) -> dict[int, PhaseData]:
        # Test data: the coarse relative grid (21 points within ±13 % of T_c) in both
        # presets -- the frustrated couplings make every snapshot expensive.
        grid = default_grid(model, quick=plan.quick or not train,
                            train_windows=None if train else ())
        ds = {}
        for L in Ls:
            config = with_samples(default_config(model, quick=plan.quick), plan.n_samples)
            if spacing is not None:
                config = GenerationConfig(
                    n_samples=config.n_samples, n_chains=config.n_chains,
                    snapshots_per_chunk=config.snapshots_per_chunk,
                    sweeps_between=spacing[L]["sweeps_between"],
                    n_thermalize=spacing[L]["n_thermalize"], start="up")
            paths = generate_sizes(out, model, [L], grid, config, seed, overwrite=overwrite,
                                   progress=progress)
            ds[L] = load(paths[L])
        return ds

    out.mkdir(parents=True, exist_ok=True)
    if from_dir is not None:
        iso_data = _datasets(Path(from_dir), ModelSpec(), train_sizes, "from_dir",
                             sizes_parameter="train_sizes")
    else:
        iso_data = gen(iso, train_sizes or plan.sizes, True)
        kept(f"isotropic training data in {out / 'data'}")
    windows = window_ensemble(iso, plan.networks)
    trained = {}
    for net in nets:
        clfs = train_networks(out, iso_data, net, windows, representation="blocks",
                              n_networks=plan.networks, seed=seed, epochs=plan.epochs,
                              overwrite=overwrite, progress=progress)
        trained[net] = clfs[next(iter(clfs))]
        kept(f"{net} networks in {out / 'nets'}")
    rows: list[dict[str, Any]] = []
    report(progress, "anisotropy scan", done_units, n_units)
    for jd in values:
        if jd == 0.0:
            data = {L: iso_data[L] for L in plan.sizes if L in iso_data}
            if len(data) < 3:
                data = gen(iso, plan.sizes, True)
            held_out = all(L in iso_data for L in data)
            pilot = {"tau": float("nan"), "sweeps_between": int(next(iter(data.values()))
                                                                .attrs["sweeps_between"])}
        else:
            model = ModelSpec("ising", 1.0, 1.0, jd)
            spacing = {L: pilot_spacing(model, L, seed, cache=out / "pilot.json")
                       for L in plan.sizes}
            data = gen(model, plan.sizes, False, spacing)
            held_out = False
            pilot = {"tau": max(s["tau"] for s in spacing.values()),
                     "sweeps_between": max(s["sweeps_between"] for s in spacing.values())}
        grid = next(iter(data.values())).temperatures
        tau_snap = float(max(np.nanmax(d.tau_abs_m) for d in data.values()))
        for net in nets:
            clfs = {L: [_pooled_view(c, L) for c in trained[net]] for L in data}
            r = evaluate(clfs, data, held_out=held_out, n_boot=n_boot, seed=seed,
                         train_label="Ising")
            rows.append(scan_row(net, jd, r, sweeps_between=pilot["sweeps_between"],
                                 tau_pilot=pilot["tau"], grid=grid, tau_snapshots=tau_snap))
        done_units += 1
        report(progress, "anisotropy scan", done_units, n_units)
        kept(f"{done_units} of {n_units} couplings J_d generated and evaluated in {out}")
    return {"rows": rows, "plan": plan.as_dict(), "seconds": time.time() - t0}
