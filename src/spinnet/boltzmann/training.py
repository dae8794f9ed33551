"""Training restricted Boltzmann machines: minibatch SGD with resumable checkpoints.

:func:`train` fits an :class:`~spinnet.boltzmann.rbm.RBM` by minibatch
stochastic gradient *ascent* with momentum and L2 weight decay on ``W``
(Hinton, "A practical guide to training RBMs", UTML TR 2010-003, §§7-10).
The gradient comes from one of the estimators of :mod:`spinnet.boltzmann.rbm`:

* ``"cd"`` — contrastive divergence CD-k (Hinton, Neural Comput. 14, 1771 (2002));
* ``"pcd"`` — persistent CD (Tieleman, ICML 2008);
* ``"pt"`` — persistent chains at a ladder of inverse temperatures with
  replica exchange (Desjardins, Courville, Bengio, Vincent & Delalleau,
  AISTATS 2010); the ``β = 1`` chains give the negative phase;
* ``"pl"`` — pseudo-likelihood (Besag 1975);
* ``"rm"`` — ratio matching (Hyvärinen 2007), descent on its objective ``J``;
* ``"exact"`` — the exact log-likelihood gradient by enumeration (small machines).

Optional *centering* (Montavon & Müller, LNCS 7700, 621 (2012); the update of
Melchior, Fischer & Wiskott, JMLR 17, 1 (2016), Alg. 1) runs the ascent in the
centered parametrisation ``E = -(v-μ)ᵀW(h-λ) - bᵀ(v-μ) - cᵀ(h-λ)``, with ``μ``
the data mean of ``v`` and ``λ`` a running mean of ``P(h=1|v)`` on data, while
the RBM keeps its ordinary (uncentered) parameters.

Every ``checkpoint_every`` epochs the full training state is written atomically
to ``checkpoint_dir/checkpoint.pt``; calling :func:`train` again on that
directory resumes and reproduces the uninterrupted run exactly, because every
random draw of epoch ``e`` comes from generators derived from the seed and ``e``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from spinnet._io import atomic_path
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_fraction, check_int, check_nonneg_float, check_option
from spinnet.boltzmann.rbm import (
    MAX_ENUMERATION_UNITS,
    RBM,
    _bernoulli,
    _matmul,
    _moment_difference,
    exact_log_likelihood,
    exact_loglik_gradient,
    pl_gradient,
    pseudo_log_likelihood,
    rm_gradient,
)

__all__ = [
    "CHECKPOINT_NAME",
    "METHODS",
    "History",
    "TrainConfig",
    "default_pt_betas",
    "load_checkpoint",
    "train",
]

METHODS = ("cd", "pcd", "pt", "pl", "rm", "exact")
CHECKPOINT_NAME = "checkpoint.pt"
_CHECKPOINT_FORMAT = 1
#: Largest smaller-layer size for which the exact log-likelihood is tracked per epoch.
MAX_TRACKED_UNITS = 16
_MATMUL_DTYPES = {"float32": torch.float32, "float64": torch.float64,
                  "bfloat16": torch.bfloat16}
# Fields that may differ between a checkpointed run and its continuation.
_RESUMABLE_FIELDS = ("epochs", "checkpoint_every")


def default_pt_betas(n_betas: int = 10) -> tuple[float, ...]:
    """Inverse temperatures ``β_k`` evenly spaced from 1 down to 0 (inclusive).

    ``β = 0`` is the uniform distribution over visible states, which the chain
    samples exactly in one sweep, so the ladder always has a perfectly mixing
    end (Desjardins et al., AISTATS 2010, use a ladder of this kind).
    """
    n_betas = check_int(n_betas, "n_betas", minimum=2)
    return tuple(float(x) for x in np.linspace(1.0, 0.0, n_betas))


@dataclass
class TrainConfig:
    """Hyper-parameters of :func:`train`.

    Parameters
    ----------
    method : {"cd", "pcd", "pt", "pl", "rm", "exact"}
        Gradient estimator (see the module docstring).
    epochs : int
        Number of passes over the data (``>= 1``).
    k : int
        Gibbs sweeps per update for CD, PCD and PT (``>= 1``).
    batch_size : int
        Minibatch size; the last minibatch of an epoch may be smaller.
    learning_rate : float
        Step size ``η > 0``.
    momentum : float
        Momentum ``m ∈ [0, 1)``: ``Δ ← m Δ + η g``.
    weight_decay : float
        L2 penalty ``λ_W ≥ 0`` on ``W`` (the ascent direction gets ``-λ_W W``).
    centering : bool
        Train in the centered parametrisation (Montavon & Müller 2012).
    center_rate : float
        Sliding factor ``ν ∈ (0, 1]`` of the hidden offset ``λ ← (1-ν)λ + ν⟨P(h|v)⟩``.
    n_chains : int or None
        Number of persistent chains for PCD and PT (per temperature); ``None``
        means ``batch_size``.
    pt_betas : sequence of float or None
        Inverse-temperature ladder for PT, strictly decreasing from 1 to values
        in ``[0, 1)``; ``None`` means :func:`default_pt_betas` (10 values).
    checkpoint_every : int
        Write a checkpoint after every this many epochs (and after the last).
    track_log_likelihood : bool
        Record the exact log-likelihood each epoch when the smaller layer has at
        most 16 units (NaN otherwise).
    monitor_samples : int or None
        Evaluate the per-epoch metrics on the first this many training vectors
        (``None``: all of them).
    matmul_dtype : {None, "float32", "float64", "bfloat16"}
        Floating type of the matrix products of the sampling estimators (CD,
        PCD, PT); ``None`` means the RBM's own dtype. ``"bfloat16"`` is mixed
        precision: the parameters, their updates and all elementwise work stay
        in the RBM's dtype, and each minibatch multiplies with a bfloat16 copy of
        ``W`` (8-bit mantissa, float32 accumulation). On CPUs with native
        bfloat16 instructions (AVX512-BF16, AMX) this is several times faster;
        elsewhere it can be slower. The estimators are noisy at the 1e-2 level
        anyway, far above bfloat16's 4e-3 relative rounding.
    """

    method: str = "cd"
    epochs: int = 10
    k: int = 1
    batch_size: int = 100
    learning_rate: float = 0.01
    momentum: float = 0.5
    weight_decay: float = 0.0
    centering: bool = False
    center_rate: float = 0.01
    n_chains: int | None = None
    pt_betas: tuple[float, ...] | None = None
    checkpoint_every: int = 1
    track_log_likelihood: bool = True
    monitor_samples: int | None = None
    matmul_dtype: str | None = None

    def __post_init__(self) -> None:
        check_option(self.method, "config.method", METHODS)
        self.epochs = check_int(self.epochs, "config.epochs", minimum=1)
        self.k = check_int(self.k, "config.k", minimum=1)
        self.batch_size = check_int(self.batch_size, "config.batch_size", minimum=1)
        lr = check_nonneg_float(self.learning_rate, "config.learning_rate")
        if lr == 0:
            raise ValueError(f"config.learning_rate must be > 0; got {lr}")
        self.learning_rate = lr
        self.momentum = check_fraction(self.momentum, "config.momentum", inclusive_high=False)
        self.weight_decay = check_nonneg_float(self.weight_decay, "config.weight_decay")
        if not isinstance(self.centering, bool):
            raise TypeError(f"config.centering must be a bool; got {self.centering!r}")
        rate = check_fraction(self.center_rate, "config.center_rate")
        if rate == 0:
            raise ValueError("config.center_rate must lie in (0, 1]; got 0.0")
        self.center_rate = rate
        if self.n_chains is not None:
            self.n_chains = check_int(self.n_chains, "config.n_chains", minimum=1)
        if self.pt_betas is not None:
            betas = np.asarray(self.pt_betas, dtype=float)
            if (betas.ndim != 1 or betas.size < 2 or not np.all(np.isfinite(betas))
                    or betas[0] != 1.0 or np.any(np.diff(betas) >= 0) or betas[-1] < 0):
                raise ValueError("config.pt_betas must be a strictly decreasing sequence of "
                                 f"at least 2 inverse temperatures from 1 down to >= 0; got "
                                 f"{self.pt_betas!r}")
            self.pt_betas = tuple(float(x) for x in betas)
        self.checkpoint_every = check_int(self.checkpoint_every, "config.checkpoint_every",
                                          minimum=1)
        if not isinstance(self.track_log_likelihood, bool):
            raise TypeError("config.track_log_likelihood must be a bool; got "
                            f"{self.track_log_likelihood!r}")
        if self.monitor_samples is not None:
            self.monitor_samples = check_int(self.monitor_samples, "config.monitor_samples",
                                             minimum=1)
        if self.matmul_dtype is not None:
            check_option(self.matmul_dtype, "config.matmul_dtype", tuple(_MATMUL_DTYPES))
            if self.method not in ("cd", "pcd", "pt"):
                raise ValueError("config.matmul_dtype applies to the sampling estimators "
                                 f"'cd', 'pcd' and 'pt'; got method={self.method!r}")

    @property
    def chains(self) -> int:
        """The number of persistent chains actually used."""
        return self.n_chains if self.n_chains is not None else self.batch_size

    @property
    def betas(self) -> tuple[float, ...]:
        """The PT inverse-temperature ladder actually used."""
        return self.pt_betas if self.pt_betas is not None else default_pt_betas()


@dataclass
class History:
    """Per-epoch training metrics (one list entry per finished epoch).

    Attributes
    ----------
    epoch : list of int
        1-based epoch numbers.
    free_energy : list of float
        Mean free energy ``⟨F(v)⟩`` of the monitored training data.
    reconstruction_error : list of float
        Mean squared error of the mean-field reconstruction
        :meth:`RBM.reconstruct`, averaged over units and vectors.
    pseudo_log_likelihood : list of float
        Mean pseudo-log-likelihood (NaN for Gaussian visibles).
    log_likelihood : list of float
        Exact mean log-likelihood (NaN when not tracked).
    wall_time : list of float
        Seconds spent on the epoch (updates and metrics).
    update_time : list of float
        Seconds spent on the epoch's parameter updates alone (no metrics).
    pt_swap_rate : list of float
        Mean acceptance of replica exchanges in the epoch (PT only, NaN otherwise).
    """

    epoch: list[int] = field(default_factory=list)
    free_energy: list[float] = field(default_factory=list)
    reconstruction_error: list[float] = field(default_factory=list)
    pseudo_log_likelihood: list[float] = field(default_factory=list)
    log_likelihood: list[float] = field(default_factory=list)
    wall_time: list[float] = field(default_factory=list)
    update_time: list[float] = field(default_factory=list)
    pt_swap_rate: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, list]:
        """The history as a plain dict of lists (e.g. for a DataFrame)."""
        return {f.name: list(getattr(self, f.name)) for f in dataclasses.fields(self)}


# ------------------------------------------------------------------ helpers
def _epoch_seeds(entropy: int, epoch: int) -> tuple[np.random.Generator, int]:
    """Shuffle generator and torch seed of one epoch, derived from the run seed."""
    seq = np.random.SeedSequence([entropy, epoch])
    shuffle_seq, torch_seq = seq.spawn(2)
    return np.random.default_rng(shuffle_seq), int(torch_seq.generate_state(1, np.uint64)[0]
                                                   & 0x7FFF_FFFF_FFFF_FFFF)


def _torch_gen(seed: int, device: torch.device) -> torch.Generator:
    gen = torch.Generator(device=device)
    gen.manual_seed(seed)
    return gen


def _random_visible(rbm: RBM, shape: tuple[int, ...], gen: torch.Generator) -> torch.Tensor:
    if rbm.visible == "gaussian":
        return rbm.b + torch.randn(shape, generator=gen, dtype=rbm.dtype, device=rbm.device)
    half = torch.full(shape, 0.5, dtype=rbm.dtype, device=rbm.device)
    v = torch.bernoulli(half, generator=gen)
    return 2.0 * v - 1.0 if rbm.visible == "ising" else v


def _tempered_free_energy(rbm: RBM, v: torch.Tensor, betas: torch.Tensor) -> torch.Tensor:
    """``F_β(v) = -β bᵀv - Σ_j softplus(β(c_j + (vW)_j))`` of the tempered RBM.

    ``v`` has shape ``(n_betas, n_chains, n_visible)`` and ``betas`` shape
    ``(n_betas, 1)``; binary visibles (Bernoulli or Ising).
    """
    return -betas * (v @ rbm.b) - F.softplus(betas.unsqueeze(-1) * (v @ rbm.W + rbm.c)).sum(-1)


def _tempered_gibbs(rbm: RBM, v: torch.Tensor, betas: torch.Tensor, k: int,
                    gen: torch.Generator, W: torch.Tensor) -> torch.Tensor:
    """``k`` block-Gibbs sweeps of the tempered RBM ``P_β(v, h) ∝ exp(-β E(v, h))``.

    ``W`` is the weight matrix the products use (possibly a low-precision copy).
    """
    b3 = betas.unsqueeze(-1)
    for _ in range(k):
        h = _bernoulli(torch.sigmoid(b3 * (_matmul(v, W) + rbm.c)), gen)
        field = b3 * (_matmul(h, W.T) + rbm.b)
        if rbm.visible == "bernoulli":
            v = _bernoulli(torch.sigmoid(field), gen)
        else:
            v = 2.0 * _bernoulli(torch.sigmoid(2.0 * field), gen) - 1.0
    return v


def _replica_exchange(rbm: RBM, v: torch.Tensor, betas: torch.Tensor,
                      gen: torch.Generator) -> tuple[torch.Tensor, float]:
    """Metropolis swaps of adjacent temperatures, chain by chain.

    Swapping ``v_k ↔ v_{k+1}`` between ``β_k`` and ``β_{k+1}`` is accepted with
    probability ``min(1, exp(F_k(v_k) + F_{k+1}(v_{k+1}) - F_k(v_{k+1}) - F_{k+1}(v_k)))``,
    the ratio of the tempered marginals ``P_β(v) ∝ e^{-F_β(v)}``, which keeps the
    product distribution invariant (Desjardins et al. 2010, Sec. 3). Pairs are
    visited in order, so each swap sees the result of the previous one.
    """
    n_betas = v.shape[0]
    accepted = 0.0
    for j in range(n_betas - 1):
        pair = v[j:j + 2]
        bj = betas[j:j + 2]
        f_same = _tempered_free_energy(rbm, pair, bj)
        f_swap = _tempered_free_energy(rbm, pair.flip(0), bj)
        log_ratio = f_same.sum(0) - f_swap.sum(0)
        u = torch.rand(log_ratio.shape, generator=gen, dtype=v.dtype, device=v.device)
        accept = torch.log(u) < log_ratio
        new_j = torch.where(accept.unsqueeze(-1), pair[1], pair[0])
        new_j1 = torch.where(accept.unsqueeze(-1), pair[0], pair[1])
        v = v.clone()
        v[j], v[j + 1] = new_j, new_j1
        accepted += float(accept.to(v.dtype).mean())
    return v, accepted / (n_betas - 1)


def _exact_feasible(rbm: RBM) -> bool:
    small = rbm.n_hidden if rbm.visible == "gaussian" else min(rbm.n_visible, rbm.n_hidden)
    return small <= MAX_TRACKED_UNITS


def _data_digest(data: torch.Tensor) -> str:
    return hashlib.sha256(data.detach().cpu().contiguous().numpy().tobytes()).hexdigest()


def _metrics(rbm: RBM, data: torch.Tensor, track_ll: bool) -> dict[str, float]:
    with torch.no_grad():
        fe = float(rbm._free_energy(data, rbm.W, rbm.b, rbm.c).mean())
        recon = float(((rbm.reconstruct(data) - data) ** 2).mean())
        pll = (float(pseudo_log_likelihood(rbm, data)) if rbm.visible != "gaussian"
               else math.nan)
        ll = float(exact_log_likelihood(rbm, data)) if track_ll else math.nan
    return {"free_energy": fe, "reconstruction_error": recon,
            "pseudo_log_likelihood": pll, "log_likelihood": ll}


def _check_compatible(rbm: RBM, config: TrainConfig) -> None:
    if rbm.visible == "gaussian" and config.method in ("pt", "pl", "rm"):
        raise ValueError(f"config.method={config.method!r} needs binary (bernoulli or ising) "
                         "visibles; got visible='gaussian'")
    if config.method == "exact":
        limit = MAX_ENUMERATION_UNITS
        ok = rbm.n_hidden <= limit or (rbm.visible != "gaussian" and rbm.n_visible <= limit)
        if not ok:
            raise ValueError(f"config.method='exact' needs a layer of at most {limit} units to "
                             f"enumerate; got n_visible={rbm.n_visible}, "
                             f"n_hidden={rbm.n_hidden}")


def _rbm_signature(rbm: RBM) -> dict[str, Any]:
    return {"n_visible": rbm.n_visible, "n_hidden": rbm.n_hidden, "visible": rbm.visible,
            "dtype": str(rbm.dtype)}


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """Read a training checkpoint written by :func:`train`.

    Parameters
    ----------
    path : path-like
        The checkpoint file (``checkpoint.pt``) or the directory holding it.

    Returns
    -------
    dict
        Keys ``format, rbm, config, params, velocity, chains, offsets, entropy,
        epoch, history, data_sha256`` (tensors on the CPU).

    Raises
    ------
    ValueError
        If the file cannot be read as a checkpoint (truncated, corrupt, or not
        written by :func:`train`); the message names the file.
    """
    path = Path(path)
    if path.is_dir():
        path = path / CHECKPOINT_NAME
    if not path.is_file():
        raise FileNotFoundError(f"no training checkpoint at {str(path)!r}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # any unpickling/zip failure means a corrupt file
        raise ValueError(f"checkpoint file {str(path)!r} is corrupt or unreadable: "
                         f"{type(exc).__name__}: {exc}") from exc
    required = {"format", "rbm", "config", "params", "velocity", "chains", "offsets",
                "entropy", "epoch", "history", "data_sha256"}
    if not isinstance(state, dict) or not required <= set(state):
        missing = sorted(required - set(state)) if isinstance(state, dict) else sorted(required)
        raise ValueError(f"checkpoint file {str(path)!r} is not a spinnet training checkpoint "
                         f"(missing {missing})")
    if state["format"] != _CHECKPOINT_FORMAT:
        raise ValueError(f"checkpoint file {str(path)!r} has format {state['format']!r}; "
                         f"expected {_CHECKPOINT_FORMAT}")
    return state


def _save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def _cpu(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().clone()
    if isinstance(x, dict):
        return {key: _cpu(val) for key, val in x.items()}
    return x


def _to(x: Any, rbm: RBM) -> Any:
    if isinstance(x, torch.Tensor):
        return x.to(device=rbm.device, dtype=rbm.dtype)
    if isinstance(x, dict):
        return {key: _to(val, rbm) for key, val in x.items()}
    return x


# -------------------------------------------------------------------- train
def train(rbm: RBM, data: Any, config: TrainConfig, *, rng: SeedLike = None,
          checkpoint_dir: str | os.PathLike | None = None, progress: bool = True,
          callback: Callable[[int, RBM, History], bool | None] | None = None) -> History:
    """Train ``rbm`` in place by minibatch stochastic gradient ascent.

    Each update is ``Δ ← m Δ + η (g - λ_W W)``, ``θ ← θ + Δ`` (momentum ``m``,
    weight decay ``λ_W`` on ``W`` only), with ``g`` the ascent direction of the
    chosen estimator on a minibatch (Hinton 2010, §§7-10). With
    ``config.centering`` the step is taken in the centered coordinates: with
    the chain-rule gradient ``g_Wc = g_W - μ g_cᵀ - g_b λᵀ`` the uncentered
    parameters move by ``ΔW``, ``Δb - ΔW λ``, ``Δc - ΔWᵀ μ`` (Melchior et al.
    2016, Alg. 1); changing the offsets leaves the model unchanged.

    Parameters
    ----------
    rbm : RBM
        The machine to train; its parameters are updated in place (on resume
        they are first replaced by the checkpoint's).
    data : array-like, shape (n_samples, n_visible)
        Training vectors, valid visible states of ``rbm``.
    config : TrainConfig
        Hyper-parameters.
    rng : SeedLike
        Seed of the run. Epoch ``e`` shuffles with, and samples from,
        generators derived from ``(seed, e)``, so a resumed run is identical to
        an uninterrupted one. On resume the checkpoint's seed is used and
        ``rng`` is ignored.
    checkpoint_dir : path-like or None
        Directory for ``checkpoint.pt``, written atomically every
        ``config.checkpoint_every`` epochs and after the last one. If it
        already holds a checkpoint, training resumes from it; the checkpoint
        must match ``rbm``'s shape and type, the data and ``config`` (except
        ``epochs`` and ``checkpoint_every``).
    progress : bool
        Show a rich progress bar over epochs with the latest metrics.
    callback : callable or None
        ``callback(epoch, rbm, history)`` after each epoch (after its
        checkpoint); returning ``True`` stops training.

    Returns
    -------
    History
        Metrics of all finished epochs (including those before a resume).

    Raises
    ------
    TypeError, ValueError
        For bad arguments, an estimator that does not fit the RBM, a checkpoint
        that does not match, or a corrupt checkpoint file (named).
    """
    if not isinstance(rbm, RBM):
        raise TypeError(f"rbm must be an RBM; got {type(rbm).__name__}")
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig; got {type(config).__name__}")
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be a bool; got {type(progress).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None; got {type(callback).__name__}")
    _check_compatible(rbm, config)
    x, single = rbm._check_visible(data, "data")
    if single:
        raise ValueError(f"data must have shape (n_samples, {rbm.n_visible}); got one "
                         f"vector of shape ({rbm.n_visible},)")
    n_samples = x.shape[0]
    digest = _data_digest(x)
    monitor = x if config.monitor_samples is None else x[:config.monitor_samples]
    track_ll = config.track_log_likelihood and _exact_feasible(rbm)
    cfg_dict = dataclasses.asdict(config)
    cfg_dict["pt_betas"] = list(config.pt_betas) if config.pt_betas is not None else None

    ckpt_path = Path(checkpoint_dir) / CHECKPOINT_NAME if checkpoint_dir is not None else None
    history = History()
    start_epoch = 0
    velocity = {key: torch.zeros_like(p) for key, p in rbm.params.items()}
    offsets: dict[str, torch.Tensor] = {}
    chains: torch.Tensor | None = None
    if ckpt_path is not None and ckpt_path.exists():
        state = load_checkpoint(ckpt_path)
        if state["rbm"] != _rbm_signature(rbm):
            raise ValueError(f"checkpoint {str(ckpt_path)!r} is for {state['rbm']}; got an RBM "
                             f"{_rbm_signature(rbm)}")
        old = {key: val for key, val in state["config"].items() if key not in _RESUMABLE_FIELDS}
        new = {key: val for key, val in cfg_dict.items() if key not in _RESUMABLE_FIELDS}
        # A key missing from an older checkpoint counts as its default, None.
        diff = sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))
        if diff:
            raise ValueError(f"config differs from the checkpoint {str(ckpt_path)!r} in "
                             f"{diff}; use another checkpoint_dir to start afresh")
        if state["data_sha256"] != digest:
            raise ValueError(f"data differ from those of the checkpoint {str(ckpt_path)!r}")
        entropy = int(state["entropy"])
        start_epoch = int(state["epoch"])
        params = _to(state["params"], rbm)
        rbm.W, rbm.b, rbm.c = params["W"], params["b"], params["c"]
        velocity = _to(state["velocity"], rbm)
        offsets = _to(state["offsets"], rbm)
        chains = _to(state["chains"], rbm)
        saved = dict(state["history"])
        saved.setdefault("update_time", [math.nan] * len(saved["epoch"]))
        history = History(**saved)
    else:
        entropy = int(as_generator(rng).integers(0, 2**63 - 1))

    if config.centering and not offsets:
        offsets = {"mu": x.mean(0),
                   "lam": torch.full((rbm.n_hidden,), 0.5, dtype=rbm.dtype, device=rbm.device)}
    if chains is None and config.method in ("pcd", "pt"):
        # Chains start uniformly at random (Gaussian: at b + noise), from a stream
        # of their own so that they do not shift the per-epoch streams.
        init_seed = int(np.random.SeedSequence([entropy, 2**32]).generate_state(1)[0])
        init_gen = _torch_gen(init_seed, rbm.device)
        shape = ((len(config.betas),) if config.method == "pt" else ()) + (
            config.chains, rbm.n_visible)
        chains = _random_visible(rbm, shape, init_gen)
    mm_dtype = None if config.matmul_dtype is None else _MATMUL_DTYPES[config.matmul_dtype]
    if mm_dtype == rbm.dtype:
        mm_dtype = None
    betas = (torch.tensor(config.betas, dtype=rbm.dtype, device=rbm.device).unsqueeze(-1)
             if config.method == "pt" else None)

    def checkpoint(epoch: int) -> None:
        if ckpt_path is None:
            return
        _save_checkpoint(ckpt_path, {
            "format": _CHECKPOINT_FORMAT, "rbm": _rbm_signature(rbm), "config": cfg_dict,
            "params": _cpu(rbm.params), "velocity": _cpu(velocity),
            "chains": _cpu(chains), "offsets": _cpu(offsets), "entropy": entropy,
            "epoch": epoch, "history": history.as_dict(), "data_sha256": digest})

    bar = Progress(TextColumn(f"RBM {config.method}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[metrics]}"), TimeElapsedColumn(),
                   TimeRemainingColumn(), disable=not progress, transient=False)
    with bar:
        task = bar.add_task("train", total=config.epochs, completed=min(start_epoch,
                                                                        config.epochs),
                            metrics="")
        for epoch in range(start_epoch, config.epochs):
            t0 = time.perf_counter()
            shuffle, seed = _epoch_seeds(entropy, epoch)
            gen = _torch_gen(seed, rbm.device)
            order = torch.from_numpy(shuffle.permutation(n_samples)).to(rbm.device)
            swaps: list[float] = []
            for start in range(0, n_samples, config.batch_size):
                batch = x[order[start:start + config.batch_size]]
                # The batch and chains are valid by construction: call the unchecked
                # kernels (the public estimators validate every argument).
                Wm = rbm.W if mm_dtype is None else rbm.W.to(mm_dtype)
                if config.method == "cd":
                    g = _moment_difference(rbm, batch, rbm._gibbs(batch, config.k, gen, Wm), Wm)
                elif config.method == "pcd":
                    chains = rbm._gibbs(chains, config.k, gen, Wm)
                    g = _moment_difference(rbm, batch, chains, Wm)
                elif config.method == "pt":
                    chains = _tempered_gibbs(rbm, chains, betas, config.k, gen, Wm)
                    chains, rate = _replica_exchange(rbm, chains, betas, gen)
                    swaps.append(rate)
                    g = _moment_difference(rbm, batch, chains[0], Wm)
                elif config.method == "pl":
                    g = pl_gradient(rbm, batch)
                elif config.method == "rm":
                    g = rm_gradient(rbm, batch)
                else:
                    g = exact_loglik_gradient(rbm, batch)
                if config.weight_decay:
                    g["W"] = g["W"] - config.weight_decay * rbm.W
                if config.centering:
                    mu, lam = offsets["mu"], offsets["lam"]
                    g["W"] = g["W"] - torch.outer(mu, g["c"]) - torch.outer(g["b"], lam)
                for key in velocity:
                    velocity[key] = config.momentum * velocity[key] + config.learning_rate * g[key]
                dW, db, dc = velocity["W"], velocity["b"], velocity["c"]
                if config.centering:
                    db = db - dW @ offsets["lam"]
                    dc = dc - offsets["mu"] @ dW
                    with torch.no_grad():
                        hmean = torch.sigmoid(batch @ rbm.W + rbm.c).mean(0)
                    offsets["lam"] = ((1.0 - config.center_rate) * offsets["lam"]
                                      + config.center_rate * hmean)
                rbm.W = rbm.W + dW
                rbm.b = rbm.b + db
                rbm.c = rbm.c + dc
            t_updates = time.perf_counter() - t0
            metrics = _metrics(rbm, monitor, track_ll)
            history.epoch.append(epoch + 1)
            for key, val in metrics.items():
                getattr(history, key).append(val)
            history.pt_swap_rate.append(float(np.mean(swaps)) if swaps else math.nan)
            history.wall_time.append(time.perf_counter() - t0)
            history.update_time.append(t_updates)
            done = epoch + 1
            if done % config.checkpoint_every == 0 or done == config.epochs:
                checkpoint(done)
            shown = (f"LL {metrics['log_likelihood']:.3f}" if track_ll
                     else f"PLL {metrics['pseudo_log_likelihood']:.3f}")
            recon = metrics["reconstruction_error"]
            bar.update(task, advance=1, metrics=f"{shown}  recon {recon:.4f}")
            if callback is not None and callback(done, rbm, history) is True:
                if done % config.checkpoint_every != 0:
                    checkpoint(done)
                break
    return history
