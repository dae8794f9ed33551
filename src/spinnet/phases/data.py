"""Equilibrium configurations for phase classification, stored in chunked HDF5.

One HDF5 file holds the snapshots of one model at one lattice size ``L`` on a
temperature grid. Generation is resumable chunk by chunk: after every chunk
(``n_chains`` chains times ``snapshots_per_chain`` snapshots at one
temperature) the snapshots, their CRC-32 checksum, the chains' state (spins,
xoshiro256++ state, sweep counter) and -- last -- the fill counter are written
and flushed. A killed run therefore resumes from the last completed chunk and
continues the very same Markov chains: an interrupted and resumed run produces
the same file content as an uninterrupted one, with no duplicated or missing
snapshot. Loading checks shapes, fill counters and checksums and raises a
:class:`DataFileError` naming the file when anything is truncated or corrupt.

Samplers: Swendsen-Wang cluster updates for the Ising models (critical
slowing down removed, ``τ_int ≈ 3`` sweeps at ``T_c``); checkerboard Metropolis
for Baxter-Wu, the only exact sampler the engine offers for three-spin
couplings. The integrated autocorrelation times of ``E`` and ``|m|`` measured
between stored snapshots are written to the file (``tau_energy``,
``tau_abs_m``, in units of the snapshot spacing; ``0.5`` means independent).
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import threading
import warnings
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike
from spinnet._validation import _check_real, check_array, check_int, check_spins
from spinnet.models.lattice import BaxterWu, SquareIsing
from spinnet.samplers.base import ChainState
from spinnet.samplers.cluster import SwendsenWang
from spinnet.samplers.local import Metropolis
from spinnet.stats import integrated_autocorrelation_time
from spinnet.theory.ising import baxter_wu_tc, houtappel_tc

__all__ = [
    "FORMAT",
    "MODELS",
    "DataFileError",
    "GenerationConfig",
    "ModelSpec",
    "PhaseData",
    "StoreConflict",
    "dense_grid",
    "energy_configurations",
    "generate",
    "load",
]

#: Value of the ``format`` attribute of every file this module writes.
FORMAT = "spinnet.phases/1"
MODELS = ("ising", "baxter-wu")


class DataFileError(ValueError):
    """A configuration file is missing, truncated, corrupt or incomplete."""


class StoreConflict(ValueError):
    """Stored results were made with other parameters; ``overwrite=True`` replaces them.

    Parameters
    ----------
    message : str
        The error message.
    parameter : str
        Stored as the attribute ``parameter``.

    Attributes
    ----------
    parameter : str
        The parameter that differs (``"seed"``, ``"temperatures"``, ``"config"``, ...).
    """

    def __init__(self, message: str, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class _DeferInterrupt:
    """Hold Ctrl-C (SIGINT) until the block is done, then raise ``KeyboardInterrupt``.

    A chunk of snapshots and the chain state that continues it are several HDF5
    writes; an interrupt between them would leave a chain state that does not
    match the fill counter. Outside the main thread this does nothing.
    """

    def __enter__(self) -> _DeferInterrupt:
        self.received = False
        self.old: Any = None
        if threading.current_thread() is threading.main_thread():
            try:
                self.old = signal.signal(signal.SIGINT, self._handler)
            except ValueError:  # pragma: no cover - embedded interpreters
                self.old = None
        return self

    def _handler(self, signum: int, frame: Any) -> None:
        self.received = True

    def __exit__(self, *exc: Any) -> None:
        if self.old is None:
            return
        signal.signal(signal.SIGINT, self.old)
        if self.received and self.old is not signal.SIG_IGN:
            if callable(self.old):
                self.old(signal.SIGINT, None)
            raise KeyboardInterrupt


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """Which lattice model: ``"ising"`` (``J_h, J_v, J_d``) or ``"baxter-wu"`` (``J``).

    Parameters
    ----------
    name : {"ising", "baxter-wu"}
    J_h, J_v, J_d : float
        Square/anisotropic/diagonal Ising couplings (:class:`~spinnet.models.SquareIsing`),
        in the region ``J_v + J_h > 0``, ``J_h + J_d > 0``, ``J_d + J_v > 0`` of
        :func:`~spinnet.theory.ising.houtappel_tc` (one coupling, e.g. ``J_d``, may be
        negative).
    J : float
        Baxter-Wu three-spin coupling.
    """

    name: str = "ising"
    J_h: float = 1.0
    J_v: float = 1.0
    J_d: float = 0.0
    J: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or self.name not in MODELS:
            raise ValueError(f"model must be one of {list(MODELS)}; got {self.name!r}")
        for key in ("J_h", "J_v", "J_d", "J"):
            object.__setattr__(self, key, _check_real(getattr(self, key), key))
        if self.name == "ising":
            # Houtappel's region: a ferromagnetic ground state, one coupling may be negative.
            for (a, na), (b, nb) in (((self.J_v, "J_v"), (self.J_h, "J_h")),
                                     ((self.J_h, "J_h"), (self.J_d, "J_d")),
                                     ((self.J_d, "J_d"), (self.J_v, "J_v"))):
                if not a + b > 0:
                    raise ValueError(
                        "phase classification needs a ferromagnetic ground state: J_v + J_h > 0, "
                        f"J_h + J_d > 0, J_d + J_v > 0; got {na} + {nb} = {a + b:g} "
                        f"(J_h={self.J_h}, J_v={self.J_v}, J_d={self.J_d})")
        elif self.J <= 0:
            raise ValueError(f"J must be > 0 for the Baxter-Wu ferromagnet; got {self.J}")

    @property
    def critical_temperature(self) -> float:
        """Exact ``T_c``: Houtappel's condition (Ising) or ``2J / ln(1 + √2)`` (Baxter-Wu)."""
        if self.name == "ising":
            return houtappel_tc(self.J_h, self.J_v, self.J_d)
        return baxter_wu_tc(self.J)

    @property
    def exact_inverse_nu(self) -> float:
        """``1/ν``: 1 for the Ising class, 3/2 for Baxter-Wu (4-state Potts class)."""
        return 1.0 if self.name == "ising" else 1.5

    def build(self, L: int) -> SquareIsing | BaxterWu:
        """The :mod:`spinnet.models` instance for size ``L``."""
        L = check_L(L)
        if self.name == "ising":
            return SquareIsing(L, self.J_h, self.J_v, self.J_d)
        return BaxterWu(L, self.J)

    def to_dict(self) -> dict[str, Any]:
        if self.name == "ising":
            return {"name": self.name, "J_h": self.J_h, "J_v": self.J_v, "J_d": self.J_d}
        return {"name": self.name, "J": self.J}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelSpec:
        return cls(**d)

    @property
    def label(self) -> str:
        if self.name == "baxter-wu":
            return "Baxter-Wu" if self.J == 1.0 else f"Baxter-Wu J={self.J:g}"
        if self.J_h == self.J_v and self.J_d == 0.0:
            return "Ising"
        s = f"Ising J_h={self.J_h:g} J_v={self.J_v:g}"
        return s + (f" J_d={self.J_d:g}" if self.J_d else "")


def check_L(L: Any, name: str = "L") -> int:
    """Lattice size, an integer ``>= 4``."""
    return check_int(L, name, minimum=4)


def dense_grid(T_c: float, *, half_width: float = 0.3, fine_half_width: float = 0.1,
               fine_step: float = 0.01, coarse_step: float = 0.05,
               train_windows: Sequence[tuple[float, float]] = (),
               train_step: float = 0.1) -> np.ndarray:
    """A temperature grid dense around ``T_c``: fine steps within ``±fine_half_width``,
    coarse steps out to ``±half_width``, plus points covering the training windows.

    Parameters
    ----------
    T_c : float
        Centre of the grid (the critical temperature), in units of ``J/k_B``.
    half_width : float
        Half-width of the coarse part, ``T_c ± half_width`` (default 0.3).
    fine_half_width : float
        Half-width of the fine part (default 0.1).
    fine_step, coarse_step : float
        Step of the fine and the coarse part (defaults 0.01 and 0.05).
    train_windows : sequence of (lo, hi)
        Absolute temperature windows to cover as well, from ``lo`` to ``hi``
        inclusive (default none).
    train_step : float
        Step within the training windows (default 0.1).

    Returns
    -------
    ndarray of float64, shape (n_T,)
        Sorted, unique (rounded to 1e-6), positive temperatures.

    Raises
    ------
    ValueError
        If a grid point would be ``<= 0``.
    """
    T_c = float(T_c)
    fine = np.arange(-fine_half_width, fine_half_width + 1e-9, fine_step)
    coarse = np.arange(-half_width, half_width + 1e-9, coarse_step)
    pts = [T_c + fine, T_c + coarse]
    for lo, hi in train_windows:
        pts.append(np.arange(lo, hi + 1e-9, train_step))
    grid = np.unique(np.round(np.concatenate(pts), 6))
    if np.any(grid <= 0):
        raise ValueError("the temperature grid must stay positive; reduce half_width or "
                         "move the training windows")
    return grid


@dataclasses.dataclass(frozen=True)
class GenerationConfig:
    """How many snapshots, how decorrelated.

    Parameters
    ----------
    n_samples : int
        Snapshots per temperature; a multiple of ``n_chains * snapshots_per_chunk``.
    n_chains : int
        Independent chains per temperature (Baxter-Wu benefits from several).
    snapshots_per_chunk : int
        Snapshots per chain in one chunk (the unit of resumption).
    sweeps_between : int
        Sweeps between stored snapshots (Swendsen-Wang updates for Ising,
        checkerboard Metropolis sweeps for Baxter-Wu).
    n_thermalize : int
        Sweeps discarded before the first snapshot of each chain.
    compression : {"gzip", "lzf", None}
    start : {"random", "up"}
        Initial configuration of every chain. ``"up"`` (one of the ordered
        ground states) suits Baxter-Wu, whose random starts below ``T_c`` coarsen
        slowly through domains of its four ground states; ordered starts above
        ``T_c`` disorder within a few sweeps.
    """

    n_samples: int = 400
    n_chains: int = 4
    snapshots_per_chunk: int = 25
    sweeps_between: int = 6
    n_thermalize: int = 200
    compression: str | None = "gzip"
    start: str = "random"

    def __post_init__(self) -> None:
        if self.start not in ("random", "up"):
            raise ValueError(f"start must be 'random' or 'up'; got {self.start!r}")
        for key in ("n_samples", "n_chains", "snapshots_per_chunk", "sweeps_between"):
            check_int(getattr(self, key), key, minimum=1)
        check_int(self.n_thermalize, "n_thermalize", minimum=0)
        if self.compression not in ("gzip", "lzf", None):
            raise ValueError(f"compression must be 'gzip', 'lzf' or None; "
                             f"got {self.compression!r}")
        if self.n_samples % self.chunk_samples:
            raise ValueError(f"n_samples must be a multiple of n_chains * snapshots_per_chunk "
                             f"= {self.chunk_samples}; got {self.n_samples}")

    @property
    def chunk_samples(self) -> int:
        return self.n_chains * self.snapshots_per_chunk

    @property
    def n_chunks(self) -> int:
        return self.n_samples // self.chunk_samples


@dataclasses.dataclass
class PhaseData:
    """Snapshots of one model at one size, loaded and verified.

    Attributes
    ----------
    model : ModelSpec
    L : int
    temperatures : ndarray, shape (n_T,)
    spins : ndarray of int8, shape (n_T, n_samples, L, L)
    energy : ndarray, shape (n_T, n_samples)
        Energy per spin of each snapshot.
    magnetization : ndarray, shape (n_T, n_samples)
        Signed magnetisation per spin.
    tau_energy, tau_abs_m : ndarray, shape (n_T,)
        Integrated autocorrelation times between consecutive snapshots of a chain.
    attrs : dict
        File metadata (seed, sweeps, sampler, ...).
    path : Path or None
    fingerprint : str
        Identifies the content (checksums, grid, model, configuration, seed):
        networks record it, so that they are never applied as if to their own
        training data after the data were regenerated.
    """

    model: ModelSpec
    L: int
    temperatures: np.ndarray
    spins: np.ndarray
    energy: np.ndarray
    magnetization: np.ndarray
    tau_energy: np.ndarray
    tau_abs_m: np.ndarray
    attrs: dict[str, Any]
    path: Path | None = None
    fingerprint: str = ""

    @property
    def n_samples(self) -> int:
        return int(self.spins.shape[1])

    def subset(self, T_lo: float, T_hi: float) -> np.ndarray:
        """Indices of temperatures in ``[T_lo, T_hi]``."""
        return np.flatnonzero((self.temperatures >= T_lo - 1e-9)
                              & (self.temperatures <= T_hi + 1e-9))


# ------------------------------------------------------------------ energy configurations
def energy_configurations(spins: Any, model: ModelSpec | str) -> np.ndarray:
    r"""Local energy configurations: the spin -> bond/plaquette transform.

    Square Ising: bond variables ``ε = -s_{r,c} s_{r,c+1}`` (channel 0),
    ``-s_{r,c} s_{r+1,c}`` (channel 1) and, if ``J_d != 0``,
    ``-s_{r,c} s_{r+1,c+1}`` (channel 2). Baxter-Wu: triangle variables
    ``-s_{r,c} s_{r,c+1} s_{r+1,c+1}`` (up, channel 0) and
    ``-s_{r,c} s_{r+1,c} s_{r+1,c+1}`` (down, channel 1). The couplings are left
    out, so ``E = Σ_k J_k Σ ε_k`` and both isotropic models give two ±1
    channels per site with the same meaning (local energy in units of ``J``):
    a network trained on one model can be applied to the other
    (Chertenkov, Burovski & Shchur, Phys. Rev. E 108, L032102 (2023)).
    Both models are self-dual with the same ``T_c = 2/ln(1+√2)`` and the same
    energy per bond/triangle at ``T_c``, ``-1/√2``.

    Parameters
    ----------
    spins : array_like of ±1, shape (..., L, L)
    model : ModelSpec or {"ising", "baxter-wu"}

    Returns
    -------
    ndarray of int8, shape (..., C, L, L)
        ``C = 2`` (3 for Ising with a diagonal coupling).
    """
    if isinstance(model, str):
        model = ModelSpec(model)
    if not isinstance(model, ModelSpec):
        raise TypeError(f"model must be a ModelSpec or a model name; got {type(model).__name__}")
    s = check_spins(spins, "spins")
    if s.ndim < 2 or s.shape[-1] != s.shape[-2]:
        raise ValueError(f"spins must have shape (..., L, L); got {s.shape}")
    right = np.roll(s, -1, axis=-1)
    down = np.roll(s, -1, axis=-2)
    diag = np.roll(down, -1, axis=-1)
    if model.name == "ising":
        ch = [-(s * right), -(s * down)]
        if model.J_d != 0.0:
            ch.append(-(s * diag))
    else:
        ch = [-(s * right * diag), -(s * down * diag)]
    return np.stack(ch, axis=-3).astype(np.int8)


# ------------------------------------------------------------------------- generation
def _h5py():
    try:
        import h5py
    except ImportError as exc:  # pragma: no cover - dependency
        raise ImportError("spinnet.phases needs h5py (pip install h5py)") from exc
    return h5py


def _sampler(model: ModelSpec) -> SwendsenWang | Metropolis:
    return SwendsenWang() if model.name == "ising" else Metropolis("checkerboard")


def _crc(a: np.ndarray) -> int:
    return zlib.crc32(np.ascontiguousarray(a).tobytes())


def _chain_seed(seed: int, L: int, t_index: int) -> np.random.SeedSequence:
    # One stream per (seed, L, temperature): independent of the grid's other points
    # and of the order in which temperatures are generated.
    return np.random.SeedSequence(entropy=seed, spawn_key=(L, t_index))


def generate(path: str | os.PathLike, model: ModelSpec, L: int, temperatures: Any,
             config: GenerationConfig = GenerationConfig(), rng: SeedLike = 0, *,
             overwrite: bool = False, progress: ProgressCallback | None = None,
             stop_after_chunks: int | None = None) -> Path:
    """Generate (or resume) equilibrium snapshots into the HDF5 file ``path``.

    Parameters
    ----------
    path : path-like
        Target file. If it exists it must hold the same model, ``L``,
        temperatures, configuration and seed; generation then continues after
        the last completed chunk. Otherwise :class:`StoreConflict` is raised,
        unless ``overwrite``.
    model : ModelSpec
    L : int
        Linear size, ``>= 4`` (a multiple of 3 for Baxter-Wu).
    temperatures : array_like, shape (n_T,)
        Positive, strictly increasing.
    config : GenerationConfig
    rng : int
        Seed (an integer: it is stored in the file so that a resumed run
        continues the same streams).
    overwrite : bool
        Replace an existing file made with other parameters (or unreadable)
        instead of raising.
    progress : callable, optional
        ``progress("snapshots <model> L=<L>", done_chunks, total_chunks)`` after
        every chunk (:mod:`spinnet._progress`).
    stop_after_chunks : int, optional
        Stop (as if killed) after writing this many chunks in this call; for
        testing resumption.

    Returns
    -------
    Path
    """
    h5py = _h5py()
    if not isinstance(model, ModelSpec):
        raise TypeError(f"model must be a ModelSpec; got {type(model).__name__}")
    if not isinstance(config, GenerationConfig):
        raise TypeError(f"config must be a GenerationConfig; got {type(config).__name__}")
    L = check_L(L)
    spin_model = model.build(L)
    T = check_array(temperatures, "temperatures", ndim=1, dtype=np.float64)
    if np.any(T <= 0) or np.any(np.diff(T) <= 0):
        raise ValueError("temperatures must be positive and strictly increasing")
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer) or rng < 0:
        raise TypeError(f"rng must be a non-negative integer seed (stored in the file for "
                        f"resumption); got {rng!r}")
    seed = int(rng)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    N, C, S = L * L, config.n_chains, config.snapshots_per_chunk
    n_T = len(T)
    meta = {"format": FORMAT, "model": json.dumps(model.to_dict()), "L": L,
            "config": json.dumps(dataclasses.asdict(config)), "seed": seed,
            "sampler": _sampler(model).name}
    f = None
    if path.exists():
        try:
            f = _open_h5(path, "r+")
            _check_same(f, path, meta, T)
        except (DataFileError, StoreConflict):
            if not overwrite:
                raise
            f = None
            path.unlink()
    if f is None:
        tmp = path.with_name(f".{path.name}.creating")
        with h5py.File(tmp, "w") as f0:
            f0.attrs.update(meta)
            f0.attrs["sweeps_between"] = config.sweeps_between
            f0.attrs["n_thermalize"] = config.n_thermalize
            f0.create_dataset("temperatures", data=T)
            comp = {"compression": config.compression} if config.compression else {}
            f0.create_dataset("spins", shape=(n_T, config.n_samples, L, L), dtype=np.int8,
                              chunks=(1, config.chunk_samples, L, L), **comp)
            f0.create_dataset("energy", shape=(n_T, config.n_samples), dtype=np.float64)
            f0.create_dataset("magnetization", shape=(n_T, config.n_samples),
                              dtype=np.float64)
            f0.create_dataset("checksum", shape=(n_T, config.n_chunks), dtype=np.uint32)
            f0.create_dataset("filled", data=np.zeros(n_T, np.int64))
            f0.create_dataset("chain_spins", shape=(n_T, C, N), dtype=np.int8)
            f0.create_dataset("chain_rng", shape=(n_T, C, 4), dtype=np.uint64)
            f0.create_dataset("chain_sweeps", data=np.zeros(n_T, np.int64))
            f0.create_dataset("tau_energy", data=np.full(n_T, np.nan))
            f0.create_dataset("tau_abs_m", data=np.full(n_T, np.nan))
        os.replace(tmp, path)  # the empty skeleton appears atomically
        f = _open_h5(path, "r+")
    sampler = _sampler(model)
    total = n_T * config.n_chunks
    stage = f"snapshots {model.label} L={L}"
    written = 0
    try:
        filled = f["filled"][...]
        done = int(filled.sum()) // config.chunk_samples
        report(progress, stage, done, total)
        for t in range(n_T):
            k0 = int(filled[t]) // config.chunk_samples
            if k0 == config.n_chunks:
                continue
            if k0 == 0:
                state = sampler.init(spin_model, T[t], C, rng=_chain_seed(seed, L, t),
                                     start=config.start)
                state, _ = sampler.run(spin_model, state, config.n_thermalize,
                                       measure_every=max(config.n_thermalize, 1))
            else:
                spins0 = f["chain_spins"][t]
                state = ChainState(
                    spins=np.ascontiguousarray(spins0), beta=np.full(C, 1.0 / T[t]),
                    energy=np.asarray(spin_model.energy(spins0), float).reshape(C),
                    magnetization=spins0.sum(axis=1, dtype=np.int64),
                    rng_state=np.ascontiguousarray(f["chain_rng"][t]),
                    n_sweeps=int(f["chain_sweeps"][t]), n_accepted=np.zeros(C, np.int64))
            for k in range(k0, config.n_chunks):
                if stop_after_chunks is not None and written >= stop_after_chunks:
                    return path
                state, trace = sampler.run(spin_model, state, config.sweeps_between * S,
                                           measure_every=config.sweeps_between,
                                           record_spins=True)
                snaps = trace.spins.reshape(C * S, L, L)  # chain-major within a chunk
                sl = slice(k * config.chunk_samples, (k + 1) * config.chunk_samples)
                with _DeferInterrupt():  # the chunk and its chain state, or neither
                    f["spins"][t, sl] = snaps
                    f["energy"][t, sl] = trace.energy.reshape(-1)
                    f["magnetization"][t, sl] = trace.magnetization.reshape(-1)
                    f["checksum"][t, k] = _crc(snaps)
                    f["chain_spins"][t] = state.spins
                    f["chain_rng"][t] = state.rng_state
                    f["chain_sweeps"][t] = state.n_sweeps
                    f.flush()
                    # The fill counter goes last: a chunk counts only once it is on disk.
                    f["filled"][t] = (k + 1) * config.chunk_samples
                    f.flush()
                written += 1
                done += 1
                report(progress, stage, done, total)
            e = f["energy"][t].reshape(config.n_chunks, C, S).transpose(1, 0, 2).reshape(C, -1)
            m = np.abs(f["magnetization"][t]).reshape(config.n_chunks, C, S)
            m = m.transpose(1, 0, 2).reshape(C, -1)
            with _DeferInterrupt():
                f["tau_energy"][t] = _tau(e)
                f["tau_abs_m"][t] = _tau(m)
                f.flush()
    finally:
        f.close()
    return path


def _tau(x: np.ndarray) -> float:
    if x.shape[1] < 4:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(integrated_autocorrelation_time(x).tau)


def _open_h5(path: Path, mode: str):
    h5py = _h5py()
    try:
        return h5py.File(path, mode)
    except (OSError, ValueError) as exc:
        raise DataFileError(f"{path}: cannot be opened as HDF5 ({exc}); the file is truncated "
                            "or corrupt -- delete it and generate it again") from exc


def _check_same(f: Any, path: Path, meta: dict[str, Any], T: np.ndarray) -> None:
    if f.attrs.get("format") != FORMAT:
        f.close()
        raise DataFileError(f"{path}: not a {FORMAT} file")
    for key, value in meta.items():
        if f.attrs.get(key) != value:
            got = f.attrs.get(key)
            got = got.item() if isinstance(got, np.generic) else got
            f.close()
            raise StoreConflict(f"{path} exists with a different {key} ({got!r}, requested "
                                f"{value!r}); pass overwrite=True to replace it, or use "
                                "another output path", key)
    if f["temperatures"].shape != T.shape or not np.allclose(f["temperatures"][...], T):
        f.close()
        raise StoreConflict(f"{path} exists with a different temperature grid; pass "
                            "overwrite=True to replace it, or use another output path",
                            "temperatures")


# ---------------------------------------------------------------------------- loading
def load(path: str | os.PathLike, *, verify: bool = True) -> PhaseData:
    """Load and verify a configuration file written by :func:`generate`.

    Parameters
    ----------
    path : str or path-like
        The HDF5 file.
    verify : bool
        Recompute every chunk's checksum and compare it with the stored one
        (default ``True``; ``False`` skips that check only).

    Returns
    -------
    PhaseData
        All snapshots in memory (``spins`` of shape ``(n_T, n_samples, L, L)``),
        with energies, magnetisations, autocorrelation times, the file's
        attributes and a fingerprint of its contents.

    Raises
    ------
    DataFileError
        If the file is missing, is not HDF5 (truncated, overwritten), lacks
        datasets, has inconsistent shapes, is incomplete (generation
        interrupted: run it again to resume) or a chunk's checksum does not
        match its snapshots.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: no such configuration file")
    f = _open_h5(path, "r")
    try:
        if f.attrs.get("format") != FORMAT:
            raise DataFileError(f"{path}: not a {FORMAT} file (format attribute "
                                f"{f.attrs.get('format')!r})")
        need = ("temperatures", "spins", "energy", "magnetization", "checksum", "filled",
                "tau_energy", "tau_abs_m")
        missing = [k for k in need if k not in f]
        if missing:
            raise DataFileError(f"{path}: missing datasets {missing}")
        model = ModelSpec.from_dict(json.loads(f.attrs["model"]))
        config = GenerationConfig(**json.loads(f.attrs["config"]))
        L = int(f.attrs["L"])
        T = f["temperatures"][...]
        n_T = len(T)
        shapes = {"spins": (n_T, config.n_samples, L, L), "energy": (n_T, config.n_samples),
                  "magnetization": (n_T, config.n_samples), "checksum": (n_T, config.n_chunks),
                  "filled": (n_T,)}
        for key, shape in shapes.items():
            if f[key].shape != shape:
                raise DataFileError(f"{path}: dataset {key!r} has shape {f[key].shape}, "
                                    f"expected {shape}")
        filled = f["filled"][...]
        if np.any(filled != config.n_samples):
            bad = int(np.sum(filled != config.n_samples))
            raise DataFileError(f"{path}: incomplete -- {bad} of {n_T} temperatures are not "
                                "fully generated (interrupted run); run generate again with "
                                "the same arguments to resume")
        try:
            spins = f["spins"][...]
            energy = f["energy"][...]
            mag = f["magnetization"][...]
        except (OSError, ValueError) as exc:
            raise DataFileError(f"{path}: snapshot data cannot be read ({exc}); the file is "
                                "corrupt") from exc
        if verify:
            sums = f["checksum"][...]
            cs = config.chunk_samples
            for t in range(n_T):
                for k in range(config.n_chunks):
                    if _crc(spins[t, k * cs:(k + 1) * cs]) != sums[t, k]:
                        raise DataFileError(
                            f"{path}: checksum mismatch at T = {T[t]:g}, chunk {k}: the "
                            "snapshots are corrupt; delete the file and generate it again")
        attrs = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in f.attrs.items()}
        fp = zlib.crc32(np.ascontiguousarray(f["checksum"][...]).tobytes())
        fp = zlib.crc32(np.ascontiguousarray(T).tobytes(), fp)
        fp = zlib.crc32(json.dumps([attrs.get("model"), attrs.get("config"), attrs.get("seed"),
                                    L]).encode(), fp)
        attrs["config"] = json.loads(attrs["config"])
        attrs["model"] = json.loads(attrs["model"])
        return PhaseData(model=model, L=L, temperatures=T, spins=spins, energy=energy,
                         magnetization=mag, tau_energy=f["tau_energy"][...],
                         tau_abs_m=f["tau_abs_m"][...], attrs=attrs, path=path,
                         fingerprint=f"{fp:08x}")
    except KeyError as exc:
        raise DataFileError(f"{path}: missing attribute or dataset {exc}") from exc
    finally:
        f.close()
