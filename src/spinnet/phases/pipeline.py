"""End-to-end pipeline: generate -> train -> analyse, per model and size.

File layout under an output directory::

    data/<tag>_L<L>.h5                   configurations (:mod:`spinnet.phases.data`)
    nets/<net>_<repr>_<tag>_L<L>_s<seed>.<k>/     classifiers trained per size
    nets/<net>_blocks_<tag>_pooled_s<seed>.<k>/   one classifier for all sizes (block spins)
    nets/checkpoints/...                  per-epoch checkpoints (resumable training)

Every network is a :class:`~spinnet.phases.training.PhaseClassifier` directory
(:mod:`spinnet._persist`). ``<tag>`` names the model and its couplings (``ising``,
``ising_Jh1_Jv0.5``, ``baxter-wu``). Every stage skips work whose output
already exists, so an interrupted run continues where it stopped; stored work
made with other parameters (another seed, grid, windows, or data) raises
:class:`~spinnet.phases.data.StoreConflict` unless ``overwrite=True``.
"""

from __future__ import annotations

import dataclasses
import itertools
import shutil
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike
from spinnet._validation import check_int, check_option
from spinnet.phases.analysis import (
    FSSResult,
    PeakResult,
    binder_crossing,
    fss_fit,
    output_curves,
    pca_projection,
)
from spinnet.phases.data import (
    DataFileError,
    GenerationConfig,
    ModelSpec,
    PhaseData,
    StoreConflict,
    check_L,
    dense_grid,
    generate,
    load,
)
from spinnet.phases.training import (
    N_BLOCKS,
    TEMPERATURE_PRIORS,
    PhaseClassifier,
    block_spins,
    check_windows,
    held_out_mask,
    train_classifier,
)

__all__ = [
    "ANISOTROPIC",
    "GRID_WINDOWS",
    "STALL_FACTOR",
    "WINDOW_BANDS",
    "WINDOW_RANGE",
    "RunPlan",
    "TransferResult",
    "default_config",
    "default_grid",
    "default_windows",
    "evaluate",
    "generate_sizes",
    "load_networks",
    "model_tag",
    "pca_baseline",
    "run_all",
    "side_windows",
    "stalled_networks",
    "train_networks",
    "train_pooled",
    "train_sizes",
    "window_ensemble",
]

ISING_TC = 2.0 / np.log1p(np.sqrt(2.0))


def model_tag(model: ModelSpec) -> str:
    """File-name tag of a model (couplings included when not the default).

    Parameters
    ----------
    model : ModelSpec
        The lattice model.

    Returns
    -------
    str
        ``"ising"``, ``"ising_Jh<J_h>_Jv<J_v>[_Jd<J_d>]"``, ``"baxter-wu"`` or
        ``"baxter-wu_J<J>"`` (couplings in ``%g`` format).
    """
    if model.name == "baxter-wu":
        return "baxter-wu" if model.J == 1.0 else f"baxter-wu_J{model.J:g}"
    if model.J_h == model.J_v == 1.0 and model.J_d == 0.0:
        return "ising"
    tag = f"ising_Jh{model.J_h:g}_Jv{model.J_v:g}"
    return tag + (f"_Jd{model.J_d:g}" if model.J_d else "")


#: Half-widths, in units of ``T_c``, of the critical band left out of the label windows.
#: Network ``k`` of an ensemble uses ``WINDOW_BANDS[k % 3]`` (see :func:`window_ensemble`).
WINDOW_BANDS = (0.10, 0.08, 0.12)

#: Extent of the label windows (and of the default grid), in units of ``T_c``.
WINDOW_RANGE = (0.70, 1.35)

#: Extra grid coverage (in units of T_c) beyond the dense region, for the label windows.
GRID_WINDOWS = ((0.70, 0.85), (1.20, 1.35))

#: The two training protocols: one network per size, or one for all sizes on block spins.
PROTOCOLS = ("pooled", "per-size")


def default_windows(model: ModelSpec, band: float = 0.10
                    ) -> tuple[tuple[float, float], tuple[float, float]]:
    """Label windows ``[0.70, 1 − band] T_c`` (FM) and ``[1 + band, 1.35] T_c`` (PM), rounded.

    Carrasquilla & Melko's labelling (every snapshot by its side of ``T_c``)
    with a symmetric critical band ``|T − T_c| < band T_c`` left unlabelled:
    there the correlation length is comparable to the smallest lattices
    (``ξ ≈ 0.57/|t|`` above ``T_c`` for the square lattice: ``ξ ≈ 6`` at
    ``band = 0.1``), so a snapshot's label would say more about ``T_c`` than
    about its phase.

    Parameters
    ----------
    model : ModelSpec
        The model; its ``critical_temperature`` sets the scale.
    band : float
        Half-width of the unlabelled band, as a fraction of ``T_c`` (default 0.10).

    Returns
    -------
    (fm_window, pm_window) : two (float, float) pairs
        Temperatures (rounded to 2 decimals) of the ferromagnetic and the
        paramagnetic label window.

    Raises
    ------
    ValueError
        If ``band`` is not in ``(0, 0.3)``.
    """
    band = float(band)
    if not 0.0 < band < 0.3:
        raise ValueError(f"band must lie in (0, 0.3) (a fraction of T_c); got {band}")
    tc = model.critical_temperature
    lo, hi = WINDOW_RANGE
    return ((round(lo * tc, 2), round((1 - band) * tc, 2)),
            (round((1 + band) * tc, 2), round(hi * tc, 2)))


def side_windows(model: ModelSpec) -> tuple[tuple[float, float], tuple[float, float]]:
    """Every snapshot labelled by its side of the known ``T_c``: FM below, PM above.

    FM ``[0.70 T_c, T_c)``, PM ``(T_c, 1.35 T_c]`` (:data:`WINDOW_RANGE`).

    The labelling of the per-size protocol (Carrasquilla & Melko, Nat. Phys.
    13, 431 (2017); Chertenkov, Burovski & Shchur, Phys. Rev. E 108, L032102
    (2023)): no temperature is left unlabelled except ``T_c`` itself (the
    window edges sit ``10^{-4} T_c`` from it, rounded to 4 decimals). With
    labels on both sides arbitrarily close to ``T_c`` the Bayes-optimal
    classifier of every size has its boundary at ``T_c`` (its output is the
    posterior probability of ``T > T_c``), so training no longer chooses where
    in an unlabelled band the boundary of each size goes (docs/phases-protocol.md).

    Parameters
    ----------
    model : ModelSpec
        The model; its ``critical_temperature`` is the known ``T_c``.

    Returns
    -------
    (fm_window, pm_window) : two (float, float) pairs
    """
    tc = model.critical_temperature
    lo, hi = WINDOW_RANGE
    return ((round(lo * tc, 2), round((1 - 1e-4) * tc, 4)),
            (round((1 + 1e-4) * tc, 4), round(hi * tc, 2)))


def window_ensemble(model: ModelSpec, n_networks: int,
                    bands: Sequence[float] = WINDOW_BANDS, *, protocol: str = "pooled"
                    ) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Label windows of each network of an ensemble: network ``k`` gets ``bands[k % len]``.

    With ``protocol="per-size"`` every network gets :func:`side_windows` (the
    adopted per-size labelling) and ``bands`` is not used.

    Where a supervised network puts its class boundary depends on the label
    windows (it thresholds an order-parameter-like feature at a value the
    windows set), and at ``L <= 64`` this moves the extrapolated ``T*`` by a
    few tenths of a percent (docs/phases.md). Training the networks of an
    ensemble on different critical bands averages over that arbitrary choice,
    and the jackknife over networks in :func:`evaluate` turns the window
    dependence into part of the quoted error.

    Parameters
    ----------
    model : ModelSpec
        The model; windows scale with its ``T_c``.
    n_networks : int
        Networks in the ensemble (``>= 1``).
    bands : sequence of float
        Critical band half-widths (fractions of ``T_c``) cycled over the networks
        (default :data:`WINDOW_BANDS`); must not be empty for the pooled protocol.
    protocol : {"pooled", "per-size"}
        The training protocol (default ``"pooled"``).

    Returns
    -------
    list of (fm_window, pm_window)
        One pair of ``(T_low, T_high)`` windows per network.

    Raises
    ------
    ValueError
        For an unknown ``protocol`` or empty ``bands``.
    """
    n_networks = check_int(n_networks, "n_networks", minimum=1)
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {list(PROTOCOLS)}; got {protocol!r}")
    if protocol == "per-size":
        return [side_windows(model)] * n_networks
    if len(bands) == 0:
        raise ValueError("bands must not be empty")
    return [default_windows(model, bands[k % len(bands)]) for k in range(n_networks)]


def default_grid(model: ModelSpec, *, quick: bool = False,
                 train_windows: Sequence[tuple[float, float]] | None = None) -> np.ndarray:
    """Temperatures dense around the model's ``T_c`` (steps scale with ``T_c / 2.269``).

    Fine steps ``0.01`` (``0.02`` quick) within ``±0.1``, steps ``0.05`` out to
    ``±0.3`` and ``0.1`` steps through ``train_windows`` (default
    ``[0.70, 0.85] T_c`` and ``[1.20, 1.35] T_c``, :data:`GRID_WINDOWS`), in
    units where the square-lattice ``T_c = 2.269``. The grid covers the default
    label windows of :func:`default_windows` and alternatives further out.

    Parameters
    ----------
    model : ModelSpec
        The model; the grid is centred on its ``critical_temperature``.
    quick : bool
        Coarser fine steps (default ``False``).
    train_windows : sequence of (T_low, T_high), optional
        Absolute temperature windows to cover with the ``0.1`` steps (default:
        :data:`GRID_WINDOWS` times ``T_c``, rounded to 2 decimals).

    Returns
    -------
    ndarray of float64, shape (n_T,)
        Sorted, unique, positive temperatures (:func:`~spinnet.phases.data.dense_grid`).
    """
    tc = model.critical_temperature
    s = tc / ISING_TC
    if train_windows is None:
        train_windows = tuple((round(a * tc, 2), round(b * tc, 2)) for a, b in GRID_WINDOWS)
    return dense_grid(tc, half_width=0.3 * s, fine_half_width=0.1 * s,
                      fine_step=(0.02 if quick else 0.01) * s, coarse_step=0.05 * s,
                      train_windows=train_windows, train_step=0.1 * s)


def data_path(out: str | Path, model: ModelSpec, L: int) -> Path:
    """``OUT/data/<tag>_L<L>.h5``."""
    return Path(out) / "data" / f"{model_tag(model)}_L{L}.h5"


def generate_sizes(out: str | Path, model: ModelSpec, sizes: Sequence[int], temperatures: Any,
                   config: GenerationConfig, seed: int = 0, *, overwrite: bool = False,
                   progress: ProgressCallback | None = None) -> dict[int, Path]:
    """Generate (or resume, or reuse) ``data/<tag>_L<L>.h5`` for every size.

    A file made with other parameters raises :class:`StoreConflict`; with
    ``overwrite`` it is replaced, as is a complete file that fails verification.

    Parameters
    ----------
    out : path
        Output directory; files go to ``OUT/data`` (:func:`data_path`).
    model : ModelSpec
        The lattice model.
    sizes : sequence of int
        Lattice sizes ``L``.
    temperatures : array_like of float, shape (n_T,)
        Temperature grid, shared by all sizes.
    config : GenerationConfig
        Sampling plan (snapshots, chains, spacing, thermalisation).
    seed : int
        Seed of the chains (default 0).
    overwrite : bool
        Replace files made with other parameters (default ``False``).
    progress : ProgressCallback, optional
        Passed on to :func:`~spinnet.phases.data.generate`.

    Returns
    -------
    dict int -> Path
        The data file of each size.
    """
    paths = {}
    for L in sizes:
        L = check_L(L)
        path = data_path(out, model, L)
        paths[L] = generate(path, model, L, temperatures, config, seed, overwrite=overwrite,
                            progress=progress)
        if overwrite:
            try:
                load(path)
            except DataFileError:
                path.unlink()
                paths[L] = generate(path, model, L, temperatures, config, seed,
                                    progress=progress)
    return paths


def _net_dir(out: str | Path, name: str) -> Path:
    return Path(out) / "nets" / name


def _ckpt_dir(out: str | Path, name: str) -> Path:
    return Path(out) / "nets" / "checkpoints" / name


def _discard(*paths: Path) -> None:
    for p in paths:
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()


def _stored(out: str | Path, name: str, want_windows: tuple[list[float], list[float]],
            want_data: Any, overwrite: bool, extra: str = "",
            extra_ok: bool = True, want_prior: str | None = None) -> PhaseClassifier | None:
    """The stored network ``name`` if it matches; None if it must be trained."""
    final = _net_dir(out, name)
    if not final.exists():
        return None
    try:
        clf = PhaseClassifier.load(final)
    except ValueError as exc:
        if overwrite:
            _discard(final, _ckpt_dir(out, name))
            return None
        raise StoreConflict(f"{final} is unreadable ({exc}); pass overwrite=True to train it "
                            "again", "network") from None
    got = (clf.info_.get("fm_window"), clf.info_.get("pm_window"))
    if want_prior is not None:
        got_prior = clf.info_.get("temperature_prior", "grid")
        extra += f" and temperature prior {got_prior!r} (requested {want_prior!r})"
        extra_ok = extra_ok and got_prior == want_prior
    if got != want_windows or not extra_ok:
        if overwrite:
            _discard(final, _ckpt_dir(out, name))
            return None
        raise StoreConflict(f"{final} was trained with windows {got[0]}, {got[1]}{extra}; "
                            f"requested {want_windows[0]}, {want_windows[1]} -- pass "
                            "overwrite=True to retrain, or use another output directory or "
                            "seed", "windows")
    if clf.info_.get("data") != want_data:
        if overwrite:
            _discard(final, _ckpt_dir(out, name))
            return None
        raise StoreConflict(f"{final} was trained on other data than the snapshots now under "
                            "data/ (they were generated again); pass overwrite=True to "
                            "retrain", "data")
    return clf


def _train_progress(progress: ProgressCallback | None, name: str) -> ProgressCallback | None:
    if progress is None:
        return None
    return lambda stage, done, total: progress(f"train {name}", done, total)


def train_sizes(out: str | Path, datasets: dict[int, PhaseData], net: str,
                windows: Sequence[tuple[Sequence[float], Sequence[float]]] | None = None, *,
                representation: str = "spins", n_networks: int = 1, seed: int = 0,
                temperature_prior: str = "uniform", overwrite: bool = False,
                progress: ProgressCallback | None = None, on_trained: Any = None,
                **train_kwargs: Any) -> dict[int, list[PhaseClassifier]]:
    """Train (or load) ``n_networks`` classifiers per size; saved under ``nets/``.

    Parameters
    ----------
    out : path
        Output directory; networks go to ``OUT/nets/<net>_<repr>_<tag>_L<L>_s<seed>.<k>``
        (checkpoints of unfinished training under ``OUT/nets/checkpoints``).
    datasets : dict L -> PhaseData
        Training data per size.
    net : str
        Architecture (:data:`spinnet.phases.networks.NETS`).
    windows : sequence of (fm_window, pm_window), optional
        Label windows; network ``k`` uses ``windows[k % len(windows)]``.
        None (the per-size protocol, docs/phases-protocol.md): every snapshot
        labelled by its side of the known ``T_c`` (:func:`side_windows`;
        ``window_ensemble(model, n, protocol="per-size")`` is the same).
    representation : {"spins", "energy", "blocks"}
        Network input (default ``"spins"``).
    n_networks : int
        Networks per size (default 1).
    seed : int
        Base seed (``>= 0``, default 0; see Notes).
    temperature_prior : {"uniform", "grid"}
        Weighting of the training temperatures
        (:func:`~spinnet.phases.training.train_classifier`). Default
        ``"uniform"``: each snapshot weighted by its temperature's share of the
        grid, so the non-uniform grid does not bias the boundary differently at
        each ``L`` (docs/phases-protocol.md); ``"grid"`` is the unweighted
        training of earlier versions. Stored networks made with the other
        prior are a conflict (see ``overwrite``).
    overwrite : bool
        Retrain stored networks made with other windows, prior or data instead of
        raising :class:`~spinnet.phases.data.StoreConflict` (default ``False``).
    progress : ProgressCallback, optional
        See Notes.
    on_trained : callable(str), optional
        See Notes.
    **train_kwargs
        Passed on to :func:`~spinnet.phases.training.train_classifier` (e.g.
        ``epochs``, ``patience``, ``batch_size``).

    Returns
    -------
    dict L -> list of PhaseClassifier
        The ``n_networks`` classifiers of each size.

    Notes
    -----
    Network ``k`` at size ``L`` is seeded with ``SeedSequence([seed, L, k])``.
    ``progress("train <name>", epoch, epochs)`` reports the epochs of each
    network; ``on_trained(name)`` is called after each network is saved.
    """
    n_networks = check_int(n_networks, "n_networks", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    temperature_prior = check_option(temperature_prior, "temperature_prior",
                                     TEMPERATURE_PRIORS)
    if windows is None:
        models = {d.model for d in datasets.values()}
        if len(models) != 1:
            raise ValueError("windows=None needs one model for all sizes (the labels come "
                             f"from its T_c); got {len(models)} models")
        windows = [side_windows(models.pop())]
    windows = _check_window_pairs(windows)
    for data in datasets.values():  # bad windows are an error even if nets exist
        for fm_window, pm_window in windows:
            check_windows(data.temperatures, fm_window, pm_window)
    result: dict[int, list[PhaseClassifier]] = {}
    for L, data in sorted(datasets.items()):
        result[L] = []
        for k in range(n_networks):
            fm_window, pm_window = windows[k % len(windows)]
            name = f"{net}_{representation}_{model_tag(data.model)}_L{L}_s{seed}.{k}"
            want = ([float(v) for v in fm_window], [float(v) for v in pm_window])
            clf = _stored(out, name, want, data.fingerprint, overwrite,
                          want_prior=temperature_prior)
            if clf is None:
                ckpt = _ckpt_dir(out, name)
                if overwrite:
                    _discard(ckpt)
                clf = train_classifier(data.spins, data.temperatures, net, fm_window, pm_window,
                                       model=data.model, representation=representation,
                                       temperature_prior=temperature_prior,
                                       rng=np.random.SeedSequence([seed, L, k]),
                                       checkpoint=ckpt,
                                       progress=_train_progress(progress, name),
                                       **train_kwargs)
                clf.info_["data"] = data.fingerprint
                clf.save(_net_dir(out, name))
                _discard(ckpt)
                if on_trained is not None:
                    on_trained(name)
            result[L].append(clf)
    return result


def train_pooled(out: str | Path, datasets: dict[int, PhaseData], net: str,
                 windows: Sequence[tuple[Sequence[float], Sequence[float]]], *,
                 representation: str = "blocks", n_networks: int = 1, seed: int = 0,
                 train_fraction: float = 0.75, overwrite: bool = False,
                 progress: ProgressCallback | None = None, on_trained: Any = None,
                 **train_kwargs: Any) -> dict[int, list[PhaseClassifier]]:
    """Train (or load) ``n_networks`` classifiers on the snapshots of *all* sizes at once.

    With ``representation="blocks"`` every snapshot is first mapped to the
    same ``N_BLOCKS × N_BLOCKS`` lattice of majority-rule block spins
    (:func:`~spinnet.phases.training.block_spins`, block side ``b = L/4``).
    Near ``T_c`` the block configuration of an ``L × L`` lattice is
    distributed as a function of ``(T − T_c) L^{1/ν}`` alone, up to
    corrections that vanish as ``b`` grows (Kadanoff's block spins; Wilson's
    renormalisation group), so one classifier for all sizes -- one decision
    boundary, no length scale of its own -- has ``P(T; L)`` curves that
    collapse, ``V`` peaks at ``μ(L) − T_c ∝ L^{−1/ν}`` and widths
    ``∝ L^{−1/ν}``. A network trained per size instead puts its boundary at a
    size-dependent place in the unlabelled critical band (docs/phases.md §2).

    At each training temperature the first ``train_fraction`` of every size's
    snapshots are pooled for training and validation; the rest stays held out
    per size. Network ``k`` uses ``windows[k % len(windows)]`` and the seed
    ``SeedSequence([seed, 0, k])``; it is saved as
    ``nets/<net>_<repr>_<tag>_pooled_s<seed>.<k>/``.

    Parameters
    ----------
    out : path
        Output directory (networks under ``OUT/nets``).
    datasets : dict L -> PhaseData
        Training data per size: one model and one temperature grid for all.
    net : str
        Architecture (:data:`spinnet.phases.networks.NETS`).
    windows : sequence of (fm_window, pm_window)
        Label windows (see above).
    representation : {"blocks", "spins", "energy"}
        Network input (default ``"blocks"``; the others only for one lattice side).
    n_networks : int
        Networks in the ensemble (default 1).
    seed : int
        Base seed (``>= 0``, default 0).
    train_fraction : float
        Fraction of each size's snapshots per training temperature used for
        training and validation (default 0.75).
    overwrite : bool
        Retrain stored networks made with other windows, sizes or data instead of
        raising (default ``False``).
    progress : ProgressCallback, optional
        ``progress("train <name>", epoch, epochs)`` per network.
    on_trained : callable(str), optional
        Called with the network's name after it is saved.
    **train_kwargs
        Passed on to :func:`~spinnet.phases.training.train_classifier`.

    Returns
    -------
    dict L -> list of PhaseClassifier
        The same networks for every size (with that size's ``n_train_per_T``).

    Raises
    ------
    ValueError
        If the sizes have different temperature grids or models, or a stored
        network was trained on other windows or sizes.
    """
    n_networks = check_int(n_networks, "n_networks", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    windows = _check_window_pairs(windows)
    if not datasets:
        raise ValueError("datasets must hold at least one size")
    sizes = sorted(datasets)
    first = datasets[sizes[0]]
    for L in sizes[1:]:
        d = datasets[L]
        if d.model != first.model or not np.allclose(d.temperatures, first.temperatures):
            raise ValueError(f"pooled training needs one model and one temperature grid for all "
                             f"sizes; L = {L} differs from L = {sizes[0]}")
    for fm_window, pm_window in windows:
        check_windows(first.temperatures, fm_window, pm_window)
    n_tr = {L: int(train_fraction * datasets[L].n_samples) for L in sizes}
    if representation != "blocks" and len({datasets[L].L for L in sizes}) > 1:
        raise ValueError(f"the {representation!r} inputs of the sizes {sizes} differ in shape "
                         "(their side is L); pool sizes with representation='blocks'")
    fingerprints = {str(L): datasets[L].fingerprint for L in sizes}
    tag = model_tag(first.model)
    result: dict[int, list[PhaseClassifier]] = {L: [] for L in sizes}
    pooled: np.ndarray | None = None
    for k in range(n_networks):
        fm_window, pm_window = windows[k % len(windows)]
        name = f"{net}_{representation}_{tag}_pooled_s{seed}.{k}"
        want = ([float(v) for v in fm_window], [float(v) for v in pm_window])
        final = _net_dir(out, name)
        stored_sizes = None
        if final.exists():
            try:
                stored_sizes = PhaseClassifier.load(final).info_.get("pooled_sizes")
            except ValueError:
                stored_sizes = None  # _stored reports it
        clf = _stored(out, name, want, fingerprints, overwrite,
                      extra=f" on sizes {stored_sizes} (requested {sizes})",
                      extra_ok=stored_sizes in (None, sizes))
        if clf is None:
            if pooled is None:  # made once, and only if a network has to be trained
                # The training parts of every size first, then the held-out parts, so
                # that train_classifier's "first n_train snapshots" are exactly those.
                coarse = {L: (block_spins(datasets[L].spins, N_BLOCKS)
                              if representation == "blocks" else datasets[L].spins)
                          for L in sizes}
                pooled = np.concatenate([coarse[L][:, :n_tr[L]] for L in sizes]
                                        + [coarse[L][:, n_tr[L]:] for L in sizes], axis=1)
            ckpt = _ckpt_dir(out, name)
            if overwrite:
                _discard(ckpt)
            clf = train_classifier(pooled, first.temperatures, net, fm_window, pm_window,
                                   model=first.model, representation=representation,
                                   n_train=sum(n_tr.values()),
                                   rng=np.random.SeedSequence([seed, 0, k]), checkpoint=ckpt,
                                   progress=_train_progress(progress, name), **train_kwargs)
            clf.info_.update(pooled_sizes=sizes, data=fingerprints,
                             n_train_by_size={str(L): n for L, n in n_tr.items()})
            clf.save(final)
            _discard(ckpt)
            if on_trained is not None:
                on_trained(name)
        for L in sizes:
            result[L].append(_for_size(clf, L))
    return result


def _for_size(clf: PhaseClassifier, L: int) -> PhaseClassifier:
    """A pooled network as seen from size ``L`` (that size's held-out bookkeeping)."""
    n = clf.info_.get("n_train_by_size", {}).get(str(L))
    return clf.view(L=L) if n is None else clf.view(L=L, n_train_per_T=n)


def train_networks(out: str | Path, datasets: dict[int, PhaseData], net: str,
                   windows: Sequence[tuple[Sequence[float], Sequence[float]]], *,
                   representation: str = "blocks", **kwargs: Any
                   ) -> dict[int, list[PhaseClassifier]]:
    """:func:`train_pooled` for ``representation="blocks"``, else :func:`train_sizes`.

    Parameters
    ----------
    out : path
        Output directory (networks under ``OUT/nets``).
    datasets : dict L -> PhaseData
        Training data per size.
    net : str
        Architecture (:data:`spinnet.phases.networks.NETS`).
    windows : sequence of (fm_window, pm_window)
        Label windows (``None`` is accepted by :func:`train_sizes`).
    representation : {"blocks", "spins", "energy"}
        Network input; chooses the protocol (default ``"blocks"``: pooled).
    **kwargs
        Passed on to the trainer.

    Returns
    -------
    dict L -> list of PhaseClassifier
        The networks of each size.
    """
    trainer = train_pooled if representation == "blocks" else train_sizes
    return trainer(out, datasets, net, windows, representation=representation, **kwargs)


def load_networks(out: str | Path, net: str, representation: str, train_model: ModelSpec,
                  sizes: Sequence[int], seed: int = 0, *,
                  protocol: str | None = None) -> dict[int, list[PhaseClassifier]]:
    """The stored networks for ``sizes``: per-size ones, or the pooled ones for every size.

    Parameters
    ----------
    out : path
        Directory holding ``nets/``.
    net, representation : str
        Architecture and input of the networks.
    train_model : ModelSpec
    sizes : sequence of int
    seed : int
    protocol : {None, "pooled", "per-size"}
        ``"pooled"``: only networks trained on all sizes at once
        (:func:`train_pooled`); ``"per-size"``: only per-size networks
        (:func:`train_sizes`); None: the pooled ones if there are any, else the
        per-size ones.

    Returns
    -------
    dict L -> list of PhaseClassifier
        Sizes without networks are left out (an empty dict if there are none).

    Raises
    ------
    ValueError
        On an unknown ``protocol``.
    """
    if protocol not in (None, "pooled", "per-size"):
        raise ValueError(f"protocol must be 'pooled', 'per-size' or None; got {protocol!r}")
    nets_dir = Path(out) / "nets"
    tag = model_tag(train_model)

    def found(prefix: str) -> list[Path]:
        dirs = [p for p in nets_dir.glob(f"{prefix}.*")
                if p.is_dir() and p.name.rsplit(".", 1)[1].isdigit()]
        return sorted(dirs, key=lambda p: int(p.name.rsplit(".", 1)[1]))

    pooled = ([] if protocol == "per-size"
              else found(f"{net}_{representation}_{tag}_pooled_s{seed}"))
    result: dict[int, list[PhaseClassifier]] = {}
    if protocol == "pooled" and not pooled:
        return result
    if pooled:
        clfs = [PhaseClassifier.load(f) for f in pooled]
        return {L: [_for_size(c, L) for c in clfs] for L in sizes}
    for L in sizes:
        files = found(f"{net}_{representation}_{tag}_L{L}_s{seed}")
        if files:
            result[L] = [PhaseClassifier.load(f) for f in files]
    return result


def _check_window_pairs(windows: Any) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    try:
        pairs = [(tuple(fm), tuple(pm)) for fm, pm in windows]
    except (TypeError, ValueError) as exc:
        raise TypeError("windows must be a sequence of (fm_window, pm_window) pairs; got "
                        f"{windows!r}") from exc
    if not pairs:
        raise ValueError("windows must contain at least one (fm_window, pm_window) pair")
    return pairs


@dataclasses.dataclass
class TransferResult:
    """Outputs of a set of classifiers on a set of datasets, with the FSS fit.

    ``T_star_err``, ``inv_nu_err``, ``inv_nu_minus_err`` and ``inv_nu_plus_err``
    combine the bootstrap over snapshots and the jackknife over the networks of
    the ensemble (when there are several). ``protocol`` is ``"pooled"`` (one
    network for all sizes, :func:`train_pooled`) or ``"per-size"``
    (:func:`train_sizes`).

    Attributes
    ----------
    train_label, test_label : str
        Models the networks were trained and tested on.
    net : str
        Architecture.
    representation : str
        Network input (``"spins"``, ``"energy"`` or ``"blocks"``).
    peaks : list of PeakResult
        ``P``, ``V`` and the peak fits per size, increasing ``L``.
    fss : FSSResult or None
        The finite-size scaling fit (None when it failed; see ``error``).
    T_c : float
        Exact critical temperature of the test model.
    inv_nu_exact : float
        Exact ``1/ν`` of the test model.
    n_networks : int
        Networks per size in the ensemble (default 1).
    T_star_err, inv_nu_err : float
        Errors of ``T*`` and ``1/ν`` (above; NaN by default).
    seconds : float
        Wall time of the evaluation.
    error : str
        Why the FSS fit failed (empty if it did not).
    protocol : str
        See above (default ``"per-size"``).
    inv_nu_minus_err, inv_nu_plus_err : float
        Errors of the half-width exponents ``1/ν_σ−``, ``1/ν_σ+`` (NaN by default).
    stalled : tuple of dict
        Networks whose training stalled (:func:`stalled_networks`; empty by default).
    """

    train_label: str
    test_label: str
    net: str
    representation: str
    peaks: list[PeakResult]
    fss: FSSResult | None
    T_c: float
    inv_nu_exact: float
    n_networks: int = 1
    T_star_err: float = float("nan")
    inv_nu_err: float = float("nan")
    seconds: float = 0.0
    error: str = ""
    protocol: str = "per-size"
    inv_nu_minus_err: float = float("nan")
    inv_nu_plus_err: float = float("nan")
    stalled: tuple[dict[str, Any], ...] = ()

    def row(self) -> dict[str, Any]:
        """One table row: the analysis columns, then the ``table.csv`` columns
        (:data:`~spinnet.phases.analysis.TABLE_COLUMNS`)."""
        f = self.fss
        nan = float("nan")
        T_star = f.T_star if f else nan
        err = self.T_star_err
        inv_nu = f.inv_nu if f else nan
        table = {"net": self.net, "protocol": self.protocol, "train_model": self.train_label,
                 "test_model": self.test_label, "T_star": T_star, "T_star_err": err,
                 "T_c": self.T_c,
                 "delta_over_sigma": abs(T_star - self.T_c) / err if err > 0 else nan,
                 "inv_nu_sigma": inv_nu, "inv_nu_sigma_err": self.inv_nu_err,
                 "inv_nu_sigma_minus": f.inv_nu_minus if f else nan,
                 "inv_nu_sigma_minus_err": self.inv_nu_minus_err,
                 "inv_nu_sigma_plus": f.inv_nu_plus if f else nan,
                 "inv_nu_sigma_plus_err": self.inv_nu_plus_err}
        return {"network": self.net, "input": self.representation, "train": self.train_label,
                "test": self.test_label, "n_networks": self.n_networks, "T_star": T_star,
                "T_star_err": err, "T_c_exact": self.T_c,
                "rel_dev_T_pct": 100 * (T_star - self.T_c) / self.T_c,
                "dev_over_err_T": (T_star - self.T_c) / err if err > 0 else nan,
                "sigma_T_Lmax": nan if not self.peaks else float(self.peaks[-1].sigma),
                "inv_nu": inv_nu, "inv_nu_err": self.inv_nu_err,
                "inv_nu_exact": self.inv_nu_exact,
                "rel_dev_inv_nu_pct": 100 * (inv_nu - self.inv_nu_exact) / self.inv_nu_exact,
                "dev_over_err_inv_nu": ((inv_nu - self.inv_nu_exact) / self.inv_nu_err
                                        if self.inv_nu_err > 0 else nan),
                "chi2_mu": f.chi2_mu if f else nan, "chi2_sigma": f.chi2_sigma if f else nan,
                "sizes": " ".join(str(p.L) for p in self.peaks), "note": self.error,
                "inv_nu_minus": table["inv_nu_sigma_minus"],
                "inv_nu_minus_err": self.inv_nu_minus_err,
                "inv_nu_plus": table["inv_nu_sigma_plus"],
                "inv_nu_plus_err": self.inv_nu_plus_err,
                **table}


#: A network whose best validation loss exceeds this multiple of its ensemble's median
#: at the same size is reported as stalled (:func:`stalled_networks`).
STALL_FACTOR = 5.0


def stalled_networks(classifiers: dict[int, Sequence[PhaseClassifier]], *,
                     factor: float = STALL_FACTOR) -> list[dict[str, Any]]:
    """Ensemble members whose training stalled: validation loss ``> factor ×`` the median.

    Early stopping can end a network on a plateau long before its siblings
    (measured: a Baxter-Wu FCNN at ``L = 48`` stopped at epoch 7 with a
    validation loss of 0.19 against 0.02-0.03, and the ensemble's ``V`` peak
    could not be fitted). Needs at least three networks of a size for a
    meaningful median; smaller ensembles are not checked.

    Parameters
    ----------
    classifiers : dict L -> sequence of PhaseClassifier
        Trained networks (``info_["best_val_loss"]``, ``info_["epochs"]``).
    factor : float
        Threshold multiple of the median (default :data:`STALL_FACTOR`).

    Returns
    -------
    list of dict
        ``L``, ``k`` (index in the ensemble), ``val_loss``, ``median`` and
        ``epochs`` of every stalled network, by increasing ``L`` and ``k``.
    """
    out = []
    for L in sorted(classifiers):
        nets = list(classifiers[L])
        losses = np.array([float(c.info_.get("best_val_loss", np.nan)) for c in nets])
        if len(nets) < 3 or not np.all(np.isfinite(losses)):
            continue
        median = float(np.median(losses))
        for k, loss in enumerate(losses):
            if loss > factor * median:
                out.append({"L": int(L), "k": k, "val_loss": float(loss), "median": median,
                            "epochs": int(nets[k].info_.get("epochs", 0))})
    return out


def evaluate(classifiers: dict[int, Sequence[PhaseClassifier]],
             datasets: dict[int, PhaseData], *, held_out: bool, n_boot: int = 200,
             seed: int = 0, train_label: str = "", level: float = 0.2,
             progress: ProgressCallback | None = None) -> TransferResult:
    """Apply each size's classifiers to the same size's data; ``P``, ``V``, peaks and FSS.

    The output of an ensemble is the mean output of its networks. Errors: the
    bootstrap over snapshots (:func:`~spinnet.phases.analysis.fss_fit`) and,
    with ``K >= 2`` networks per size, the delete-one jackknife over networks
    (each size's ``k``-th network left out together), added in quadrature; the
    per-size jackknife variances of ``μ``, ``ln σ``, ``ln σ−`` and ``ln σ+`` also
    enter the fit weights. The three exponents ``1/ν_σ``, ``1/ν_σ−``,
    ``1/ν_σ+`` (Gaussian width and split-normal half-widths,
    :func:`~spinnet.phases.analysis.fit_split_peak`) get their errors the same way.

    Parameters
    ----------
    classifiers : dict L -> sequence of PhaseClassifier
    datasets : dict L -> PhaseData
        Only sizes present in both are used.
    held_out : bool
        The data are the classifiers' training data: at training temperatures
        use only the held-out snapshots.
    n_boot : int
        Bootstrap replicates per size (default 200).
    seed : int
        Seed of the bootstrap (size ``L`` uses ``SeedSequence([seed, L])``; default 0).
    train_label : str
        Label of the training model in the result (default: the model name stored
        with the first classifier).
    level : float
        Peak region of the fits (:func:`~spinnet.phases.analysis.output_curves`;
        default 0.2).
    progress : callable, optional
        ``progress("bootstrap <label>", done, total)``: network outputs, then the
        bootstrap per size, then the jackknife over networks.

    Returns
    -------
    TransferResult
        Peaks per size and the FSS fit with the combined errors; a failed fit
        leaves ``fss`` None and its reason in ``error``.

    Raises
    ------
    ValueError
        Without a common size or with a size that has no classifier.
    """
    t0 = time.perf_counter()
    sizes = sorted(set(classifiers) & set(datasets))
    if not sizes:
        raise ValueError(f"no common sizes between classifiers {sorted(classifiers)} and data "
                         f"{sorted(datasets)}")
    K = min(len(classifiers[L]) for L in sizes)
    if K < 1:
        raise ValueError("every size needs at least one classifier")
    model = datasets[sizes[0]].model
    clf0 = classifiers[sizes[0]][0]
    stage = f"analyze {clf0.net} on {model.label}"
    n_units = 2 * len(sizes) + (K if K >= 2 else 0)
    done = 0
    report(progress, stage, done, n_units)
    outputs: dict[int, list[list[np.ndarray]]] = {}
    for L in sizes:
        data = datasets[L]
        mask = np.ones((len(data.temperatures), data.n_samples), dtype=bool)
        if held_out:
            # Snapshots no network of the ensemble has seen (the networks may have
            # been trained on different label windows).
            for clf in classifiers[L][:K]:
                mask &= held_out_mask(len(data.temperatures), data.n_samples,
                                      np.asarray(clf.info_["train_index"]),
                                      clf.info_["n_train_per_T"])
        per_net = []
        for clf in classifiers[L][:K]:
            f = clf.predict_proba(data.spins, data.model)
            per_net.append([f[t][mask[t]] for t in range(len(f))])
        outputs[L] = per_net
        done += 1
        report(progress, stage, done, n_units)

    def curves(L: int, keep: list[int], n: int) -> PeakResult:
        outs = [np.mean([outputs[L][k][t] for k in keep], axis=0)
                for t in range(len(datasets[L].temperatures))]
        return output_curves(datasets[L].temperatures, outs, L, n_boot=n,
                             rng=np.random.SeedSequence([seed, L]), level=level)

    peaks = []
    for L in sizes:
        peaks.append(curves(L, list(range(K)), n_boot))
        done += 1
        report(progress, stage, done, n_units)
    fss, error = None, ""
    T_err = nu_err = nu_minus_err = nu_plus_err = float("nan")
    try:
        fss0 = fss_fit(peaks)
        fss = fss0
        T_err, nu_err = fss0.T_star_err, fss0.inv_nu_err
        nu_minus_err, nu_plus_err = fss0.inv_nu_minus_err, fss0.inv_nu_plus_err
        if K >= 2:
            jack = []
            for j in range(K):
                jack.append([curves(L, [k for k in range(K) if k != j], 2) for L in sizes])
                done += 1
                report(progress, stage, done, n_units)

            def jack_var(values: np.ndarray) -> np.ndarray:
                return (K - 1) / K * np.sum((values - values.mean(0)) ** 2, axis=0)

            mu_j = np.array([[p.mu for p in pj] for pj in jack])
            ls_j = np.log(np.array([[p.sigma for p in pj] for pj in jack]))
            var_mu, var_ls = jack_var(mu_j), jack_var(ls_j)
            # The half-widths: their jackknife variances enter the weights only where
            # every delete-one fit succeeded (else their error stays NaN below).
            side_var = []
            for attr in ("sigma_minus", "sigma_plus"):
                with np.errstate(invalid="ignore", divide="ignore"):
                    v = jack_var(np.log(np.array([[getattr(p, attr) for p in pj]
                                                  for pj in jack])))
                side_var.append(v if np.all(np.isfinite(v)) else None)
            fss = fss_fit(peaks, extra_mu_var=var_mu, extra_log_sigma_var=var_ls,
                          extra_log_sigma_minus_var=side_var[0],
                          extra_log_sigma_plus_var=side_var[1])
            w = (fss.mu_weights, fss.log_sigma_weights)
            sw = (fss.log_sigma_minus_weights, fss.log_sigma_plus_weights)
            fits = [fss_fit(pj, weights=w, side_weights=sw) for pj in jack]
            est = np.array([[r.T_star, r.inv_nu, r.inv_nu_minus, r.inv_nu_plus]
                            for r in fits])
            jvar = jack_var(est)
            T_err = float(np.hypot(fss.T_star_err, np.sqrt(jvar[0])))
            nu_err = float(np.hypot(fss.inv_nu_err, np.sqrt(jvar[1])))
            nu_minus_err = (float(np.hypot(fss.inv_nu_minus_err, np.sqrt(jvar[2])))
                            if side_var[0] is not None else float("nan"))
            nu_plus_err = (float(np.hypot(fss.inv_nu_plus_err, np.sqrt(jvar[3])))
                           if side_var[1] is not None else float("nan"))
    except ValueError as exc:
        error = str(exc)
    stalled = tuple(stalled_networks({L: classifiers[L][:K] for L in sizes}))
    if stalled:
        what = "; ".join(f"L = {d['L']} network {d['k']}: validation loss {d['val_loss']:.3g}, "
                         f"{d['val_loss'] / d['median']:.1f}x its ensemble's median, stopped "
                         f"after {d['epochs']} epochs" for d in stalled)
        warnings.warn(f"{clf0.net} training stalled ({what}); retrain it with more patience "
                      "or another seed", RuntimeWarning, stacklevel=2)
        if error:
            error += f" (stalled training: {what})"
    return TransferResult(train_label=train_label or clf0.info_.get("model", {}).get("name", ""),
                          test_label=model.label, net=clf0.net,
                          representation=clf0.representation, peaks=peaks, fss=fss,
                          T_c=model.critical_temperature, inv_nu_exact=model.exact_inverse_nu,
                          n_networks=K, T_star_err=T_err, inv_nu_err=nu_err,
                          seconds=time.perf_counter() - t0, error=error,
                          protocol="pooled" if clf0.info_.get("pooled_sizes") else "per-size",
                          inv_nu_minus_err=nu_minus_err, inv_nu_plus_err=nu_plus_err,
                          stalled=stalled)


def pca_baseline(datasets: dict[int, PhaseData], *, n_boot: int = 200,
                 rng: SeedLike = 0) -> dict[str, Any]:
    """``T_c`` from the Binder crossing of the first principal component.

    The estimate is the crossing of the smallest and the largest size (the
    best-separated curves); the crossings of successive sizes are reported too.

    Parameters
    ----------
    datasets : dict L -> PhaseData
        At least two sizes on one temperature grid.
    n_boot : int
        Bootstrap replicates of each crossing (default 200).
    rng : SeedLike
        Seed or generator of the PCA subsample and the bootstrap (default 0).

    Returns
    -------
    dict
        ``T_c``, ``T_c_err``, ``L1``, ``L2`` (the sizes of that crossing),
        ``pairs`` (crossing for each pair of successive sizes), ``binder``
        (``L -> U(T)``) and ``temperatures``.

    Raises
    ------
    ValueError
        With fewer than two sizes or different temperature grids.
    """
    sizes = sorted(datasets)
    if len(sizes) < 2:
        raise ValueError("the PCA baseline needs at least two sizes")
    T = datasets[sizes[0]].temperatures
    for L in sizes[1:]:
        if not np.allclose(datasets[L].temperatures, T):
            raise ValueError("the PCA baseline needs the same temperature grid for every size")
    y = {L: pca_projection(datasets[L].spins, rng=rng) for L in sizes}
    pairs, binder = [], {}
    for a, b in itertools.pairwise(sizes):
        tc, err, ua, ub = binder_crossing(T, y[a], y[b], n_boot=n_boot, rng=rng)
        pairs.append({"L1": a, "L2": b, "T_cross": tc, "T_cross_err": err})
        binder[a], binder[b] = ua, ub
    tc, err, _, _ = binder_crossing(T, y[sizes[0]], y[sizes[-1]], n_boot=n_boot, rng=rng)
    return {"T_c": tc, "T_c_err": err, "L1": sizes[0], "L2": sizes[-1], "pairs": pairs,
            "binder": binder, "temperatures": T}


def default_config(model: ModelSpec, *, quick: bool = False) -> GenerationConfig:
    """Sampling plan: Swendsen-Wang, 10 sweeps between snapshots for Ising (``τ_int`` of
    ``|m|`` and ``E`` is 3-4 sweeps at ``T_c`` up to ``L = 64``); checkerboard
    Metropolis from an ordered start, 500 sweeps apart in 8 chains for Baxter-Wu
    (``τ_int(E) ≈ 150`` sweeps at ``L = 24`` and ``≈ 600`` at ``L = 48`` at ``T_c``).

    Parameters
    ----------
    model : ModelSpec
        Ising (any couplings) or Baxter-Wu.
    quick : bool
        Fewer snapshots per temperature (400 instead of 600 for Ising, 240
        instead of 400 for Baxter-Wu; default ``False``).

    Returns
    -------
    GenerationConfig
        The sampling plan.
    """
    if model.name == "ising":
        return GenerationConfig(n_samples=400 if quick else 600, n_chains=4,
                                snapshots_per_chunk=25, sweeps_between=10, n_thermalize=200)
    return GenerationConfig(n_samples=240 if quick else 400, n_chains=8,
                            snapshots_per_chunk=10, sweeps_between=500, n_thermalize=5000,
                            start="up")


def with_samples(config: GenerationConfig, n_samples: int | None) -> GenerationConfig:
    """``config`` with ``n_samples`` snapshots per temperature (None: unchanged).

    The chunk (the unit of resumption) shrinks if needed: ``snapshots_per_chunk``
    becomes the largest divisor of ``n_samples / n_chains`` not above its default.

    Raises
    ------
    ValueError
        If ``n_samples`` is not a positive multiple of ``n_chains``.
    """
    if n_samples is None:
        return config
    n = check_int(n_samples, "n_samples", minimum=1)
    if n % config.n_chains:
        raise ValueError(f"n_samples must be a positive multiple of the number of chains "
                         f"({config.n_chains}); got {n}")
    per_chain = n // config.n_chains
    per_chunk = max(d for d in range(1, min(per_chain, config.snapshots_per_chunk) + 1)
                    if per_chain % d == 0)
    return dataclasses.replace(config, n_samples=n, snapshots_per_chunk=per_chunk)


# ----------------------------------------------------------------------------- full runs
#: Anisotropic / diagonal couplings of the transfer test (``J_h, J_v, J_d``).
ANISOTROPIC = ((1.0, 0.5, 0.0), (1.0, 2.0, 0.0), (1.0, 1.0, 0.5))


@dataclasses.dataclass
class RunPlan:
    """What :func:`run_all` does; :meth:`quick_plan` and :meth:`full_plan` are the presets.

    ``quick`` selects the coarse grid and fewer snapshots of
    :func:`default_grid` / :func:`default_config` (for trying things out); the
    presets both use the full-resolution Ising data, which Swendsen-Wang
    generates in about a minute (the whole quick preset takes about two).

    Attributes
    ----------
    ising_sizes : tuple of int
        Lattice sizes of the Ising part (default ``(16, 24, 32, 48, 64)``).
    nets : tuple of str
        Architectures of the Ising networks (default ``("fcnn", "cnn")``).
    ising_representation : str
        Input of the Ising networks: ``"blocks"`` (one network for all sizes,
        :func:`train_pooled`; default) or ``"spins"`` (one network per size,
        :func:`train_sizes`).
    n_networks : int
        Networks per ensemble (default 3).
    quick : bool
        Coarse grid and fewer snapshots (see above; default ``False``).
    anisotropic : tuple of (J_h, J_v, J_d)
        Anisotropic Ising models of the transfer test (default :data:`ANISOTROPIC`).
    baxter_wu_sizes : tuple of int
        Baxter-Wu sizes of the cross-model transfer (default ``(12, 18, 24, 36, 48)``;
        empty: no transfer).
    cross_nets : tuple of str
        Networks of the Ising <-> Baxter-Wu transfer (default ``("fcnn",)``).
    pca : bool
        Add the PCA baseline (default ``True``).
    n_boot : int
        Bootstrap replicates (default 200).
    n_samples : int or None
        Snapshots per temperature (None: :func:`default_config`).
    epochs : int
        Upper limit on training epochs of every network (default 25).
    temperature_prior : {"uniform", "grid"}
        Weighting of the training temperatures of every per-size network
        (:func:`train_sizes`; default ``"uniform"``). The pooled networks are
        trained unweighted.
    """

    ising_sizes: tuple[int, ...] = (16, 24, 32, 48, 64)
    nets: tuple[str, ...] = ("fcnn", "cnn")
    #: Input of the Ising networks: ``"blocks"`` (one network for all sizes,
    #: :func:`train_pooled`) or ``"spins"`` (one network per size, :func:`train_sizes`).
    ising_representation: str = "blocks"
    n_networks: int = 3
    quick: bool = False
    anisotropic: tuple[tuple[float, float, float], ...] = ANISOTROPIC
    baxter_wu_sizes: tuple[int, ...] = (12, 18, 24, 36, 48)
    #: Networks of the Ising <-> Baxter-Wu transfer (energy configurations, per size).
    cross_nets: tuple[str, ...] = ("fcnn",)
    pca: bool = True
    n_boot: int = 200
    #: Snapshots per temperature (None: :func:`default_config`), see :func:`with_samples`.
    n_samples: int | None = None
    #: Upper limit on training epochs of every network (early stopping may end sooner).
    epochs: int = 25
    #: Weighting of the training temperatures of the per-size networks (:func:`train_sizes`).
    temperature_prior: str = "uniform"

    @classmethod
    def quick_plan(cls) -> RunPlan:
        """Isotropic Ising only (``L = 16 .. 64``, FCNN and CNN, PCA): the first table
        of the full plan, with the same data and networks."""
        return cls(anisotropic=(), baxter_wu_sizes=())

    @classmethod
    def full_plan(cls) -> RunPlan:
        return cls()

    @property
    def protocol(self) -> str:
        """``"pooled"`` (block spins, :func:`train_pooled`) or ``"per-size"``
        (:func:`train_sizes`) for the Ising networks, from ``ising_representation``."""
        return "pooled" if self.ising_representation == "blocks" else "per-size"


def run_all(out: str | Path, plan: RunPlan, *, seed: int = 0, overwrite: bool = False,
            progress: ProgressCallback | None = None,
            on_kept: Any = None) -> dict[str, Any]:
    """Generate, train and analyse everything in ``plan`` under ``out``.

    Every finished unit -- a chunk of snapshots, a trained network -- is on
    disk before the next begins, so an interrupted run called again with the
    same arguments resumes and returns the same results as an uninterrupted one.

    Parameters
    ----------
    out : path
        Output directory (``data/``, ``nets/``).
    plan : RunPlan
        What to generate, train and analyse.
    seed : int
        Seed of data, networks and bootstrap (default 0).
    overwrite : bool
        Replace stored data or networks made with other parameters (otherwise
        :class:`StoreConflict`).
    progress : callable, optional
        ``progress(stage, done, total)`` per snapshot chunk, training epoch and
        analysis step (:mod:`spinnet._progress`).
    on_kept : callable, optional
        ``on_kept(text)`` after every finished unit, saying what is on disk.

    Returns
    -------
    dict
        ``"ising"``: :class:`TransferResult` per net (isotropic Ising, spins);
        ``"pca"``: PCA baseline; ``"anisotropic"``: results of the isotropic
        nets on each anisotropic model; ``"cross"``: energy-configuration
        transfer results (Ising->Ising, Ising->BW, BW->BW, BW->Ising);
        ``"generation"``: per-file autocorrelation times.
    """
    out = Path(out)
    res: dict[str, Any] = {"ising": {}, "anisotropic": [], "cross": [], "generation": []}
    iso = ModelSpec()
    chunks: dict[str, int] = {}
    trained: list[str] = []

    def kept() -> None:
        if on_kept is not None:
            on_kept(f"{sum(chunks.values())} snapshot chunks in {out / 'data'}, "
                    f"{len(trained)} trained networks in {out / 'nets'}")

    def tracked(stage: str, done: int, total: int | None) -> None:
        report(progress, stage, done, total)
        if stage.startswith("snapshots") and chunks.get(stage) != done:
            chunks[stage] = done
            kept()

    def on_trained(name: str) -> None:
        trained.append(name)
        kept()

    train_kw = dict(seed=seed, overwrite=overwrite, progress=tracked, on_trained=on_trained,
                    epochs=plan.epochs)

    def gen(model: ModelSpec, sizes: Sequence[int], train: bool) -> dict[int, PhaseData]:
        grid = default_grid(model, quick=plan.quick, train_windows=None if train else ())
        config = with_samples(default_config(model, quick=plan.quick), plan.n_samples)
        paths = generate_sizes(out, model, sizes, grid, config, seed, overwrite=overwrite,
                               progress=tracked)
        ds = {L: load(p) for L, p in paths.items()}
        for L, d in ds.items():
            res["generation"].append({
                "model": model.label, "L": L, "n_T": len(d.temperatures),
                "n_samples": d.n_samples, "sweeps_between": d.attrs["sweeps_between"],
                "sampler": d.attrs["sampler"],
                "tau_E_max": float(np.nanmax(d.tau_energy)),
                "tau_abs_m_max": float(np.nanmax(d.tau_abs_m))})
        return ds

    ising = gen(iso, plan.ising_sizes, True)
    ising_nets = {}
    per_size_kw = {"temperature_prior": plan.temperature_prior}
    for net in plan.nets:
        ising_nets[net] = train_networks(out, ising, net,
                                         window_ensemble(iso, plan.n_networks,
                                                         protocol=plan.protocol),
                                         representation=plan.ising_representation,
                                         n_networks=plan.n_networks, **train_kw,
                                         **(per_size_kw if plan.protocol == "per-size"
                                            else {}))
        r = evaluate(ising_nets[net], ising, held_out=True, n_boot=plan.n_boot, seed=seed,
                     train_label="Ising", progress=progress)
        res["ising"][net] = r
    if plan.pca:
        res["pca"] = pca_baseline(ising, n_boot=plan.n_boot, rng=seed)
    for J_h, J_v, J_d in plan.anisotropic:
        model = ModelSpec("ising", J_h, J_v, J_d)
        data = gen(model, plan.ising_sizes, False)
        for net in plan.nets:
            res["anisotropic"].append(evaluate(ising_nets[net], data, held_out=False,
                                               n_boot=plan.n_boot, seed=seed,
                                               train_label="Ising", progress=progress))
    if plan.baxter_wu_sizes:
        bw_model = ModelSpec("baxter-wu")
        bw = gen(bw_model, plan.baxter_wu_sizes, True)
        ising_e = gen(iso, plan.baxter_wu_sizes, True)
        for net in plan.cross_nets:
            nets_i = train_sizes(out, ising_e, net, window_ensemble(iso, plan.n_networks),
                                 representation="energy", n_networks=plan.n_networks,
                                 **train_kw, **per_size_kw)
            nets_b = train_sizes(out, bw, net, window_ensemble(bw_model, plan.n_networks),
                                 representation="energy", n_networks=plan.n_networks,
                                 **train_kw, **per_size_kw)
            for train_label, nets, test, own in (("Ising", nets_i, ising_e, True),
                                                 ("Ising", nets_i, bw, False),
                                                 ("Baxter-Wu", nets_b, bw, True),
                                                 ("Baxter-Wu", nets_b, ising_e, False)):
                res["cross"].append(evaluate(nets, test, held_out=own, n_boot=plan.n_boot,
                                             seed=seed, train_label=train_label,
                                             progress=progress))
    return res
