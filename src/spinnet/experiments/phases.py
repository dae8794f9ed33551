"""Machine learning of phase transitions: the pipelines behind ``spinnet phases ...``.

Four pipelines, each writing its tables, figures and ``manifest.json`` under an
output directory:

* :func:`generate` -- Monte Carlo snapshots, ``OUT/data/<model>_L<L>.h5``
  (resumable chunk by chunk; needs no PyTorch);
* :func:`train` -- classifiers on the snapshots of a :func:`generate` directory,
  ``OUT/nets/<name>/`` (one :class:`~spinnet.phases.training.PhaseClassifier`
  directory per network, per-epoch checkpoints);
* :func:`analyze` -- ``P``, ``V``, peak fits, finite-size scaling and the PCA
  baseline for the networks of a :func:`train` directory;
* :func:`run` -- all of it in one directory (:func:`spinnet.phases.pipeline.run_all`).

Every finished unit (a chunk of snapshots, a trained network) is on disk before
the next begins: calling a pipeline again with the same arguments after an
interruption resumes and gives the result of an uninterrupted call. Stored
units made with other parameters raise
:class:`~spinnet.phases.data.StoreConflict` unless ``overwrite=True``.
Long steps report through ``progress(stage, done, total)``
(:mod:`spinnet._progress`); ``on_kept(text)`` is told what is on disk after
every unit.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet.phases.data import DataFileError, ModelSpec, PhaseData, load
from spinnet.phases.pipeline import (
    RunPlan,
    default_config,
    default_grid,
    generate_sizes,
    model_tag,
    window_ensemble,
    with_samples,
)

__all__ = ["PER_SIZE_QUICK_SIZES", "PROTOCOLS", "PhasesInputError", "analyze", "generate",
           "resolve_protocol", "run", "train"]

#: Training protocols: one ensemble per lattice size, or one for all sizes on block spins.
PROTOCOLS = ("per-size", "pooled")

#: File in a train directory naming the data directory the networks were trained on.
SOURCE_FILE = "phases-source.json"

OnKept = Callable[[str], None]


class PhasesInputError(ValueError):
    """A bad argument of a phases pipeline; ``parameter`` names it.

    Parameters
    ----------
    message : str
        The error message.
    parameter : str
        The offending argument (e.g. ``"sizes"``, ``"from_dir"``), stored as the
        attribute ``parameter``.
    """

    def __init__(self, message: str, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def _threads(threads: int | None) -> None:
    if threads is None:
        return
    from spinnet._optional import require_torch

    if threads < 1:
        raise PhasesInputError(f"threads must be >= 1; got {threads}", "threads")
    require_torch("phase classifiers").set_num_threads(int(threads))


def resolve_protocol(protocol: str | None, representation: str | None) -> tuple[str, str]:
    """The training protocol and network input from what was asked for.

    ``"pooled"`` is one ensemble for all sizes on 4x4 majority-rule block spins
    (:func:`~spinnet.phases.pipeline.train_pooled`); ``"per-size"`` is one
    ensemble per lattice size, as in Chertenkov, Burovski & Shchur, Phys. Rev.
    E 108, L032102 (2023), on raw spins or energy configurations
    (:func:`~spinnet.phases.pipeline.train_sizes`). Either may be None:
    ``representation`` then defaults to ``"blocks"`` (pooled) or ``"spins"``
    (per-size), and ``protocol`` follows from ``representation`` (blocks ->
    pooled, spins or energy -> per-size), which keeps the behaviour from before
    the protocol existed.

    Parameters
    ----------
    protocol : {"per-size", "pooled"} or None
    representation : {"spins", "energy", "blocks"} or None

    Returns
    -------
    (protocol, representation) : tuple of str

    Raises
    ------
    PhasesInputError
        ``parameter="protocol"`` for an unknown protocol or a combination that
        does not exist (pooled on spins or energy, per-size on blocks);
        ``parameter="representation"`` for an unknown representation.
    """
    if representation is not None and representation not in ("spins", "energy", "blocks"):
        raise PhasesInputError("representation must be 'spins', 'energy' or 'blocks'; got "
                               f"{representation!r}", "representation")
    if protocol is None:
        representation = representation or "blocks"
        return ("pooled" if representation == "blocks" else "per-size"), representation
    if protocol == "pooled":
        if representation not in (None, "blocks"):
            raise PhasesInputError(
                "protocol 'pooled' trains one network on the 4x4 block spins of all sizes "
                f"and needs representation 'blocks'; got {representation!r} (use protocol "
                "'per-size' for spins or energy configurations)", "protocol")
        return protocol, "blocks"
    if protocol == "per-size":
        if representation == "blocks":
            raise PhasesInputError(
                "protocol 'per-size' trains one ensemble per L on representation 'spins' or "
                "'energy'; got 'blocks' (block spins are the 'pooled' protocol)", "protocol")
        return protocol, representation or "spins"
    raise PhasesInputError(f"protocol must be one of {list(PROTOCOLS)}; got {protocol!r}",
                           "protocol")


def _kept(on_kept: OnKept | None, text: str) -> None:
    if on_kept is not None:
        on_kept(text)


def _datasets(data_dir: Path, model: ModelSpec, sizes: Sequence[int] | None,
              parameter: str, *, sizes_parameter: str = "sizes") -> dict[int, PhaseData]:
    """Load and verify ``DATA/data/<tag>_L*.h5`` (all sizes, or ``sizes``).

    Errors name ``parameter`` (missing or broken files) or ``sizes_parameter``
    (a requested size without a file).
    """
    tag = model_tag(model)
    found = {}
    for f in sorted((data_dir / "data").glob(f"{tag}_L*.h5")):
        try:
            found[int(f.stem.rsplit("_L", 1)[1])] = f
        except ValueError:
            continue
    if sizes is not None:
        missing = [L for L in sizes if L not in found]
        if missing:
            raise PhasesInputError(f"no data for {model.label} at L = {missing} under "
                                   f"{data_dir / 'data'}; run 'spinnet phases generate' first",
                                   sizes_parameter)
        found = {L: found[L] for L in sizes}
    if not found:
        raise PhasesInputError(f"no data files {tag}_L*.h5 under {data_dir / 'data'}; run "
                               "'spinnet phases generate' first", parameter)
    try:
        return {L: load(p) for L, p in sorted(found.items())}
    except DataFileError as exc:
        raise PhasesInputError(str(exc), parameter) from None


def _generation_row(d: PhaseData, seconds: float | None = None) -> dict[str, Any]:
    row = {"model": d.model.label, "L": d.L, "n_T": len(d.temperatures),
           "n_samples": d.n_samples, "sampler": d.attrs["sampler"],
           "sweeps_between": d.attrs["sweeps_between"],
           "tau_E_max": float(np.nanmax(d.tau_energy)),
           "tau_abs_m_max": float(np.nanmax(d.tau_abs_m))}
    if seconds is not None:
        row["seconds"] = seconds
    return row


# --------------------------------------------------------------------------- generate
def generate(out: str | Path, model: ModelSpec, sizes: Sequence[int],
             temperatures: Sequence[float] | None = None, *, quick: bool = False,
             n_samples: int | None = None, n_chains: int | None = None,
             snapshots_per_chunk: int | None = None, sweeps_between: int | None = None,
             n_thermalize: int | None = None, seed: int = 0, overwrite: bool = False,
             progress: ProgressCallback | None = None,
             on_kept: OnKept | None = None) -> dict[str, Any]:
    """Equilibrium snapshots for every size into ``OUT/data``; ``generate.csv``, manifest.

    Parameters
    ----------
    out : path
    model : ModelSpec
    sizes : sequence of int
    temperatures : sequence of float, optional
        Default: :func:`~spinnet.phases.pipeline.default_grid` (coarser with ``quick``).
    quick : bool
        Coarser default grid and fewer snapshots (:func:`~spinnet.phases.pipeline.default_config`).
    n_samples, n_chains, snapshots_per_chunk, sweeps_between, n_thermalize : int, optional
        Override the sampling plan.
    seed : int
    overwrite : bool
        Replace files made with other parameters.
    progress : ProgressCallback, optional
        ``progress(stage, done, total)`` as snapshot chunks are generated.
    on_kept : callable(str), optional
        Called with a short text (chunks kept so far and where) each time a chunk
        is stored.

    Returns
    -------
    dict
        ``rows`` (one per size: autocorrelation times, seconds), ``config``,
        ``temperatures``, ``files``.
    """
    started = time.time()
    out = Path(out)
    cfg = default_config(model, quick=quick)
    overrides = {k: v for k, v in (("n_chains", n_chains),
                                   ("snapshots_per_chunk", snapshots_per_chunk),
                                   ("sweeps_between", sweeps_between),
                                   ("n_thermalize", n_thermalize)) if v is not None}
    try:
        cfg = dataclasses.replace(cfg, **overrides)
        if n_samples is not None:
            cfg = (dataclasses.replace(cfg, n_samples=n_samples) if snapshots_per_chunk
                   else with_samples(cfg, n_samples))
    except (TypeError, ValueError) as exc:
        raise PhasesInputError(str(exc), "n_samples") from None
    if temperatures is None:
        grid = default_grid(model, quick=quick)
    else:
        grid = np.asarray(temperatures, dtype=np.float64)
        if np.any(grid <= 0) or np.any(np.diff(grid) <= 0):
            raise PhasesInputError("temperatures must be positive and strictly increasing; "
                                   f"got {list(map(float, grid))}", "temperatures")
    total = len(sizes) * len(grid) * cfg.n_chunks
    chunks: dict[str, int] = {}

    def tracked(stage: str, done: int, n: int | None) -> None:
        report(progress, stage, done, n)
        if chunks.get(stage) != done:
            chunks[stage] = done
            _kept(on_kept, f"{sum(chunks.values())} of {total} snapshot chunks in "
                           f"{out / 'data'}")

    rows = []
    for L in sizes:
        t0 = time.perf_counter()
        paths = generate_sizes(out, model, [L], grid, cfg, seed, overwrite=overwrite,
                               progress=tracked)
        d = load(paths[L])
        rows.append({**_generation_row(d, time.perf_counter() - t0),
                     "file": str(paths[L].relative_to(out))})
    from spinnet._io import write_csv, write_manifest

    write_csv(out / "generate.csv", rows)
    files = ["generate.csv", "manifest.json"] + [r["file"] for r in rows]
    write_manifest(out, "phases generate", dict(model=model.to_dict(), sizes=list(sizes),
                                                seed=seed, quick=quick,
                                                config=dataclasses.asdict(cfg),
                                                temperatures=list(map(float, grid))),
                   started, files)
    return {"rows": rows, "config": cfg, "temperatures": grid, "files": files}


# ------------------------------------------------------------------------------ train
def _window_pairs(model: ModelSpec, networks: int, fm_window: Sequence[float] | None,
                  pm_window: Sequence[float] | None, protocol: str = "pooled") -> list[Any]:
    # The protocol's own default labelling (pipeline.window_ensemble): the band
    # ensemble for pooled networks, side-of-T_c labels for per-size ones.
    ensemble = window_ensemble(model, networks, protocol=protocol)
    if fm_window is None and pm_window is None:
        return ensemble
    fm = tuple(fm_window) if fm_window is not None else ensemble[0][0]
    pm = tuple(pm_window) if pm_window is not None else ensemble[0][1]
    return [(fm, pm)]


def _prior_kw(temperature_prior: str | None, per_size: bool) -> dict[str, str]:
    """``{"temperature_prior": ...}`` for per-size training; refused for the pooled protocol."""
    from spinnet.phases.training import TEMPERATURE_PRIORS

    if temperature_prior is None:
        return {"temperature_prior": "uniform"} if per_size else {}
    if temperature_prior not in TEMPERATURE_PRIORS:
        raise PhasesInputError(f"temperature_prior must be one of {list(TEMPERATURE_PRIORS)}; "
                               f"got {temperature_prior!r}", "temperature_prior")
    if not per_size:
        raise PhasesInputError("the temperature prior weights the training of per-size "
                               "networks; the pooled protocol trains unweighted (choose the "
                               "per-size protocol or leave the prior out)", "temperature_prior")
    return {"temperature_prior": temperature_prior}


def train(data_dir: str | Path, out: str | Path, model: ModelSpec, nets: Sequence[str], *,
          sizes: Sequence[int] | None = None, representation: str | None = None,
          protocol: str | None = None,
          fm_window: Sequence[float] | None = None, pm_window: Sequence[float] | None = None,
          networks: int = 3, epochs: int = 25, patience: int = 4, batch_size: int = 64,
          temperature_prior: str | None = None,
          seed: int = 0, threads: int | None = None, overwrite: bool = False,
          progress: ProgressCallback | None = None,
          on_kept: OnKept | None = None) -> dict[str, Any]:
    """Train ensembles of classifiers on the snapshots under ``DATA_DIR/data``.

    ``protocol="pooled"`` (or ``representation="blocks"``): one ensemble serves
    every size (:func:`~spinnet.phases.pipeline.train_pooled`);
    ``protocol="per-size"`` (or ``representation="spins"``/``"energy"``): one
    ensemble per size (:func:`~spinnet.phases.pipeline.train_sizes`). With
    neither given: pooled block spins (:func:`resolve_protocol`).
    Networks go to ``OUT/nets``; ``train.csv``, ``phases-source.json`` (where the
    data are) and the manifest to ``OUT``.

    Parameters
    ----------
    data_dir : path
        A :func:`generate` directory (``data/<tag>_L<L>.h5``).
    out : path
        Output directory.
    model : ModelSpec
        The model of the training data.
    nets : sequence of str
        Architectures (:data:`spinnet.phases.networks.NETS`), one ensemble each.
    sizes : sequence of int, optional
        Lattice sizes to use (default: every size found under ``data_dir``).
    representation, protocol : str, optional
        Network input and training protocol (:func:`resolve_protocol`).
    fm_window, pm_window : (T_low, T_high), optional
        Label windows (ferromagnetic, paramagnetic) shared by all networks; a
        missing one is taken from the protocol's first default window pair. With
        neither: the protocol's default ensemble of windows
        (:func:`~spinnet.phases.pipeline.window_ensemble`).
    networks : int
        Networks per ensemble (default 3).
    epochs, patience, batch_size : int
        Training: maximum epochs (default 25), early-stopping patience in epochs
        (default 4) and minibatch size (default 64).
    temperature_prior : {"uniform", "grid"}, optional
        Weighting of the training temperatures of per-size networks
        (:func:`~spinnet.phases.pipeline.train_sizes`; default ``"uniform"``);
        the pooled protocol trains unweighted and refuses it.
    seed : int
        Seed of the networks (default 0).
    threads : int, optional
        torch threads (default: torch's own choice).
    overwrite : bool
        Replace stored networks made with other parameters.
    progress : ProgressCallback, optional
        ``progress(stage, done, total)`` during training.
    on_kept : callable(str), optional
        Called with a short text after each network is stored.

    Returns
    -------
    dict
        ``rows``: one per (size, network): windows, epochs, validation loss and accuracy.
    """
    from spinnet.phases.pipeline import train_networks

    started = time.time()
    data_dir, out = Path(data_dir), Path(out)
    protocol, representation = resolve_protocol(protocol, representation)
    prior_kw = _prior_kw(temperature_prior, protocol == "per-size")
    _threads(threads)
    windows = _window_pairs(model, networks, fm_window, pm_window, protocol)
    ds = _datasets(data_dir, model, sizes, "data_dir")
    n_total = len(nets) * networks * (1 if representation == "blocks" else len(ds))
    trained: list[str] = []

    def on_trained(name: str) -> None:
        trained.append(name)
        _kept(on_kept, f"{len(trained)} of {n_total} networks in {out / 'nets'}")

    (out / "nets").mkdir(parents=True, exist_ok=True)
    (out / SOURCE_FILE).write_text(json.dumps({"data_dir": str(data_dir.resolve())}) + "\n")
    rows = []
    for net in nets:
        clfs = train_networks(out, ds, net, windows, representation=representation,
                              n_networks=networks, seed=seed, epochs=epochs,
                              patience=patience, batch_size=batch_size, overwrite=overwrite,
                              progress=progress, on_trained=on_trained, **prior_kw)
        rows += [{"network": net, "L": L, "k": k,
                  "fm_window": "{:g}-{:g}".format(*c.info_["fm_window"]),
                  "pm_window": "{:g}-{:g}".format(*c.info_["pm_window"]),
                  "epochs": c.info_["epochs"], "val_loss": c.info_["best_val_loss"],
                  "val_accuracy": c.info_["val_accuracy"], "n_train": c.info_["n_train"]}
                 for L, cl in clfs.items() for k, c in enumerate(cl)]
    from spinnet._io import write_csv, write_manifest

    write_csv(out / "train.csv", rows)
    write_manifest(out, "phases train",
                   dict(net=list(nets), model=model.to_dict(), data_dir=str(data_dir),
                        windows=[[list(fm), list(pm)] for fm, pm in windows],
                        networks=networks, epochs=epochs, patience=patience,
                        batch_size=batch_size, seed=seed, representation=representation,
                        protocol=protocol, **prior_kw),
                   started, ["train.csv", "manifest.json", SOURCE_FILE])
    return {"rows": rows}


# ---------------------------------------------------------------------------- analyze

def _figures(out: Path, name: str, r: Any) -> list[str]:
    from spinnet._io import write_csv
    from spinnet.plotting.phases import collapse_figure, fss_figure, pv_figure, save_figure

    title = f"{r.net} ({r.representation}) trained on {r.train_label}, tested on {r.test_label}"
    write_csv(out / f"{name}_peaks.csv",
              [{"L": p.L, "mu": p.mu, "mu_err": p.mu_err, "sigma": p.sigma,
                "sigma_err": p.sigma_err, "V_max": p.amplitude,
                "sigma_minus": p.sigma_minus, "sigma_minus_err": p.sigma_minus_err,
                "sigma_plus": p.sigma_plus, "sigma_plus_err": p.sigma_plus_err}
               for p in r.peaks])
    files = [f"{name}_peaks.csv", f"{name}_PV.png"]
    save_figure(pv_figure(r.peaks, r.T_c, title=title), out / f"{name}_PV.png")
    if r.fss is not None:
        save_figure(fss_figure(r.peaks, r.fss, r.T_c, title=title, T_star_err=r.T_star_err,
                               inv_nu_err=r.inv_nu_err, inv_nu_minus_err=r.inv_nu_minus_err,
                               inv_nu_plus_err=r.inv_nu_plus_err), out / f"{name}_fss.png")
        save_figure(collapse_figure(r.peaks, r.fss.T_star, r.fss.inv_nu, title=title),
                    out / f"{name}_collapse.png")
        files += [f"{name}_fss.png", f"{name}_collapse.png"]
    return files


def _pca_row(p: dict[str, Any], keys: Sequence[str], test: str, T_c: float,
             note: str) -> dict[str, Any]:
    return {**{k: float("nan") for k in keys}, "network": "pca", "input": "spins",
            "protocol": "-", "train": "-", "test": test, "T_star": p["T_c"],
            "T_star_err": p["T_c_err"],
            "T_c_exact": T_c, "rel_dev_T_pct": 100 * (p["T_c"] - T_c) / T_c, "sizes": "",
            "note": note}


def resolve_data_dir(from_dir: str | Path, data_dir: str | Path | None) -> Path:
    """Where the snapshots of a train directory are: ``data_dir``, the directory
    recorded by :func:`train`, or ``from_dir`` itself."""
    if data_dir is not None:
        return Path(data_dir)
    src = Path(from_dir) / SOURCE_FILE
    if src.is_file():
        try:
            return Path(json.loads(src.read_text())["data_dir"])
        except (ValueError, KeyError, TypeError):
            raise PhasesInputError(f"{src} is corrupt; give the data directory with "
                                   "data_dir", "data_dir") from None
    return Path(from_dir)


def analyze(from_dir: str | Path, out: str | Path, nets: Sequence[str], *,
            data_dir: str | Path | None = None, representation: str | None = None,
            protocol: str | None = None,
            train_model: ModelSpec | None = None, model: ModelSpec | None = None,
            sizes: Sequence[int] | None = None, n_boot: int = 200, pca: bool = True,
            seed: int = 0, threads: int | None = None,
            progress: ProgressCallback | None = None) -> dict[str, Any]:
    """``P``, ``V``, peak fits and finite-size scaling of stored networks on stored data.

    Parameters
    ----------
    from_dir : path
        A :func:`train` directory (``nets/``).
    out : path
        Where ``analysis.csv``, the figures and the manifest go.
    nets : sequence of str
        Architectures to analyse (one row each).
    data_dir : path, optional
        The :func:`generate` directory of the test data (default: the one the
        networks were trained on).
    representation, protocol : str, optional
        Input and training protocol of the networks (:func:`resolve_protocol`;
        default: pooled block spins). With ``protocol`` given only networks of
        that protocol are used; without it pooled networks are preferred.
    train_model, model : ModelSpec
        What the networks were trained on, and the test data's model
        (default: isotropic Ising for both).
    sizes : sequence of int, optional
        Test sizes (default: every size of the test data).
    n_boot : int
        Bootstrap replicates of the peak fits and of the PCA baseline (default 200).
    pca : bool
        Add the PCA baseline (Binder crossing of the first principal component;
        only for the ``"spins"`` representation and at least two sizes; default
        ``True``).
    seed : int
        Seed of the networks to load and of the bootstrap (default 0).
    threads : int, optional
        torch threads (default: torch's own choice).
    progress : ProgressCallback, optional
        ``progress(stage, done, total)`` during evaluation and the PCA baseline.

    Notes
    -----
    Writes ``analysis.csv`` (every column of
    :meth:`~spinnet.phases.pipeline.TransferResult.row`), ``table.csv`` (the
    columns of :data:`~spinnet.phases.analysis.TABLE_COLUMNS`: network,
    protocol, ``T*``, ``Δ/σ_T`` and the three ``1/ν`` estimates), the figures
    and ``manifest.json``.

    Returns
    -------
    dict
        ``rows`` (one per network, then the PCA baseline), ``table`` (the
        ``table.csv`` rows), ``pca`` and ``results``.
    """
    from spinnet.phases.pipeline import evaluate, load_networks, pca_baseline
    from spinnet.plotting.phases import binder_figure, save_figure

    started = time.time()
    from_dir, out = Path(from_dir), Path(out)
    asked = protocol
    protocol, representation = resolve_protocol(protocol, representation)
    train_model = train_model or ModelSpec()
    model = model or ModelSpec()
    _threads(threads)
    ddir = resolve_data_dir(from_dir, data_dir)
    ds = _datasets(ddir, model, sizes, "data_dir" if data_dir is not None else "from_dir")
    own = train_model.to_dict() == model.to_dict()
    rows: list[dict[str, Any]] = []
    files = ["analysis.csv", "table.csv", "manifest.json"]
    results = []
    for net in nets:
        try:
            clfs = load_networks(from_dir, net, representation, train_model, sorted(ds), seed,
                                 protocol=asked)
        except ValueError as exc:
            raise PhasesInputError(str(exc), "from_dir") from None
        if not clfs:
            which = f"{asked} " if asked else ""
            raise PhasesInputError(f"no {which}{net} networks ({representation}, trained on "
                                   f"{train_model.label}, seed {seed}) under "
                                   f"{from_dir / 'nets'}; run 'spinnet phases train' first",
                                   "net")
        if own:
            fps = {L: d.fingerprint for L, d in ds.items()}
            for L, cl in clfs.items():
                for c in cl:
                    want = c.info_.get("data")
                    want = want.get(str(L)) if isinstance(want, dict) else want
                    if L in fps and want is not None and want != fps[L]:
                        raise PhasesInputError(
                            f"the {net} networks under {from_dir / 'nets'} were trained on "
                            f"other data than {ddir / 'data'} holds at L = {L} (generated "
                            "again?); train them again with --overwrite", "from_dir")
        r = evaluate(clfs, ds, held_out=own, n_boot=n_boot, seed=seed,
                     train_label=train_model.label, progress=progress)
        results.append(r)
        rows.append(r.row())
        name = f"{net}_{representation}_{model_tag(train_model)}_on_{model_tag(model)}"
        files += _figures(out, name, r)
    summary: dict[str, Any] = {"table": list(rows)}
    p = None
    if pca and representation == "spins" and len(ds) >= 2:
        report(progress, "PCA baseline", 0, 1)
        p = pca_baseline(ds, n_boot=n_boot, rng=seed)
        report(progress, "PCA baseline", 1, 1)
        save_figure(binder_figure(p["temperatures"], p["binder"], p["T_c"],
                                  title=f"PCA baseline, {model.label}"),
                    out / f"pca_{model_tag(model)}.png")
        files.append(f"pca_{model_tag(model)}.png")
        summary["pca"] = {k: p[k] for k in ("T_c", "T_c_err", "pairs")}
        rows.append(_pca_row(p, rows[0], model.label, model.critical_temperature,
                             "Binder crossing"))
    from spinnet._io import write_csv, write_manifest
    from spinnet.phases.analysis import table_rows, write_table

    table = table_rows(results)
    write_csv(out / "analysis.csv", rows)
    write_table(out / "table.csv", table)
    write_manifest(out, "phases analyze",
                   dict(net=list(nets), representation=representation, protocol=protocol,
                        train_model=train_model.to_dict(), model=model.to_dict(),
                        from_dir=str(from_dir), data_dir=str(ddir), n_boot=n_boot, seed=seed),
                   started, files, summary=summary)
    return {"rows": rows, "table": table, "pca": p, "results": results}


# -------------------------------------------------------------------------------- run
#: Ising sizes of ``run(quick=True, protocol="per-size")``: one network per size costs
#: ``∝ L²`` per epoch, and ``L = 48, 64`` alone take about 50 min of CPU for the CNN;
#: ``16, 24, 32`` keep the quick preset near 6 min of CPU (measured: 346 s, FCNN + CNN,
#: three networks each). The published-table runs use ``--full`` or ``--L``.
PER_SIZE_QUICK_SIZES: tuple[int, ...] = (16, 24, 32)


def run(out: str | Path, *, quick: bool = True, nets: Sequence[str] = ("fcnn", "cnn"),
        protocol: str | None = None, transfer_nets: Sequence[str] | None = None,
        networks: int | None = None, sizes: Sequence[int] | None = None,
        n_samples: int | None = None, epochs: int | None = None, n_boot: int = 200,
        temperature_prior: str | None = None,
        seed: int = 0, threads: int | None = None, overwrite: bool = False,
        progress: ProgressCallback | None = None,
        on_kept: OnKept | None = None) -> dict[str, Any]:
    """Generate, train and analyse in one directory (resumable: call again to continue).

    ``quick``: isotropic Ising, the networks in ``nets`` and the PCA baseline
    (:meth:`RunPlan.quick_plan`, about 2 min on 2 cores; with the per-size
    protocol the Ising sizes are :data:`PER_SIZE_QUICK_SIZES` unless ``sizes``
    is given, about 6 min of CPU for FCNN + CNN). Otherwise also the
    anisotropic Ising transfer and Baxter-Wu with cross-model transfer through
    energy configurations (:meth:`RunPlan.full_plan`, about 18 min). ``sizes``,
    ``n_samples``, ``epochs`` shrink the Ising part for trying things out.
    ``protocol`` (:func:`resolve_protocol`): ``"pooled"`` (default: one ensemble
    on block spins for all Ising sizes) or ``"per-size"`` (one ensemble per
    Ising size on raw spins). ``transfer_nets``: the networks of the
    Ising <-> Baxter-Wu transfer (full preset; default FCNN).

    Writes ``ising.csv`` (network, ``T*``, ``1/ν`` with errors, PCA),
    ``anisotropic.csv``, ``cross.csv``, ``table.csv`` (every network row in the
    columns of :data:`~spinnet.phases.analysis.TABLE_COLUMNS`),
    ``generation.csv`` (autocorrelation times), figures and ``manifest.json``.

    Parameters
    ----------
    out : path
        Output directory (also holds the data and networks; resumable).
    quick : bool
        The quick preset (default ``True``) or the full one.
    nets : sequence of str
        Architectures of the Ising part (default ``("fcnn", "cnn")``).
    protocol : {"pooled", "per-size"}, optional
        See above.
    transfer_nets : sequence of str, optional
        See above; must not be empty.
    networks : int, optional
        Networks per ensemble (default: the preset's).
    sizes : sequence of int, optional
        Ising sizes (multiples of 4 for block spins; default: the preset's).
    n_samples, epochs : int, optional
        Snapshots per temperature and maximum training epochs (default: the preset's).
    n_boot : int
        Bootstrap replicates of the peak fits (default 200).
    temperature_prior : {"uniform", "grid"}, optional
        Weighting of the training temperatures of the per-size networks (the
        per-size Ising networks and the ``quick=False`` transfer networks;
        default ``"uniform"``, :func:`~spinnet.phases.pipeline.train_sizes`);
        refused when the run trains none.
    seed : int
        Seed of data, networks and bootstrap (default 0).
    threads : int, optional
        torch threads (default: torch's own choice).
    overwrite : bool
        Replace stored units made with other parameters.
    progress : ProgressCallback, optional
        ``progress(stage, done, total)`` throughout.
    on_kept : callable(str), optional
        Called with a short text after each finished unit is stored.

    Returns
    -------
    dict
        ``ising``, ``anisotropic``, ``cross`` (lists of table rows), ``generation``,
        ``files``, ``plan``.
    """
    from spinnet.phases.pipeline import run_all
    from spinnet.plotting.phases import binder_figure, save_figure, transfer_figure

    started = time.time()
    out = Path(out)
    _threads(threads)
    plan = RunPlan.quick_plan() if quick else RunPlan.full_plan()
    plan = dataclasses.replace(plan, nets=tuple(nets), n_boot=n_boot)
    if protocol is not None:
        _, rep_ = resolve_protocol(protocol, None)
        plan = dataclasses.replace(plan, ising_representation=rep_)
    if transfer_nets is not None:
        if not transfer_nets:
            raise PhasesInputError("transfer_nets must name at least one network",
                                   "transfer_nets")
        plan = dataclasses.replace(plan, cross_nets=tuple(transfer_nets))
    if networks is not None:
        plan = dataclasses.replace(plan, n_networks=networks)
    if sizes is None and quick and plan.protocol == "per-size":
        sizes = PER_SIZE_QUICK_SIZES
    if sizes is not None:
        plan = dataclasses.replace(plan, ising_sizes=tuple(sizes))
    if n_samples is not None:
        try:
            with_samples(default_config(ModelSpec()), n_samples)
        except ValueError as exc:
            raise PhasesInputError(str(exc), "n_samples") from None
        plan = dataclasses.replace(plan, n_samples=n_samples)
    if epochs is not None:
        plan = dataclasses.replace(plan, epochs=epochs)
    plan = dataclasses.replace(plan, **_prior_kw(
        temperature_prior, plan.protocol == "per-size" or bool(plan.baxter_wu_sizes)))
    if plan.ising_representation == "blocks":
        bad = [L for L in plan.ising_sizes if L % 4]
        if bad:
            raise PhasesInputError(f"the block-spin networks need sizes divisible by 4; got "
                                   f"{bad}", "sizes")
    res = run_all(out, plan, seed=seed, overwrite=overwrite, progress=progress,
                  on_kept=on_kept)
    from spinnet._io import write_csv, write_manifest

    files = ["manifest.json", "generation.csv"]
    write_csv(out / "generation.csv", res["generation"])
    ising_rows = [r.row() for r in res["ising"].values()]
    for name, r in res["ising"].items():
        files += _figures(out, f"{name}_ising", r)
    if "pca" in res:
        p = res["pca"]
        tc = ModelSpec().critical_temperature
        ising_rows.append(_pca_row(p, ising_rows[0], "Ising", tc, "Binder crossing of PC1"))
        save_figure(binder_figure(p["temperatures"], p["binder"], p["T_c"],
                                  title="PCA baseline, Ising"), out / "pca_ising.png")
        files.append("pca_ising.png")
    write_csv(out / "ising.csv", ising_rows)
    files.append("ising.csv")
    aniso_rows = [r.row() for r in res["anisotropic"]]
    if aniso_rows:
        write_csv(out / "anisotropic.csv", aniso_rows)
        save_figure(transfer_figure(aniso_rows, title="isotropic-trained networks on "
                                                      "anisotropic Ising"),
                    out / "anisotropic.png")
        files += ["anisotropic.csv", "anisotropic.png"]
    cross_rows = [r.row() for r in res["cross"]]
    if cross_rows:
        write_csv(out / "cross.csv", cross_rows)
        files.append("cross.csv")
        several = len(plan.cross_nets) > 1
        for r in res["cross"]:
            name = f"cross_{r.train_label}_on_{r.test_label}".replace(" ", "")
            # one network keeps the file names of before; several get their name in front
            files += _figures(out, f"{r.net}_{name}" if several else name, r)
    from spinnet.phases.analysis import table_rows, write_table

    table = table_rows([*res["ising"].values(), *res["anisotropic"], *res["cross"]])
    write_table(out / "table.csv", table)
    files.append("table.csv")
    elapsed = time.time() - started
    write_manifest(out, "phases run",
                   dict(quick=quick, net=list(plan.nets), protocol=plan.protocol,
                        transfer_nets=list(plan.cross_nets), networks=plan.n_networks,
                        seed=seed, threads=threads, ising_sizes=list(plan.ising_sizes),
                        baxter_wu_sizes=list(plan.baxter_wu_sizes), n_samples=plan.n_samples,
                        epochs=plan.epochs, n_boot=plan.n_boot,
                        temperature_prior=plan.temperature_prior),
                   started, files, summary={"ising": ising_rows,
                                            "wall_seconds": round(elapsed, 1)})
    return {"ising": ising_rows, "anisotropic": aniso_rows, "cross": cross_rows,
            "table": table, "generation": res["generation"], "files": files, "plan": plan,
            "seconds": elapsed}

