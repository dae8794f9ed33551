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

Gradient estimators are *training rules* held in one registry,
:data:`TRAINING_RULES`; :func:`register_rule` adds one. The same registry and
the same update loop serve :meth:`RBM.fit <spinnet.boltzmann.rbm.RBM.fit>`,
:func:`train` and the greedy pretraining of
:class:`~spinnet.boltzmann.dbn.DeepBeliefNet`, so a new rule reaches all three.

Every ``checkpoint_every`` epochs the full training state is written atomically
to ``checkpoint_dir/checkpoint/`` (the :mod:`spinnet._persist` format); calling
:func:`train` again on that directory resumes and reproduces the uninterrupted
run exactly, because every random draw of epoch ``e`` comes from generators
derived from the seed and ``e``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from spinnet._history import History
from spinnet._persist import is_saved_state, load_state, save_state
from spinnet._progress import ProgressCallback, report
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
    "TRAINING_RULES",
    "History",
    "RuleState",
    "TrainConfig",
    "TrainingRule",
    "default_pt_betas",
    "get_rule",
    "load_checkpoint",
    "register_rule",
    "train",
    "unregister_rule",
]

#: The built-in training rules (the registry :data:`TRAINING_RULES` may hold more).
METHODS = ("cd", "pcd", "pt", "pl", "rm", "exact")
#: Name of the resume-checkpoint directory inside ``checkpoint_dir``.
CHECKPOINT_NAME = "checkpoint"
CHECKPOINT_KIND = "spinnet.boltzmann.training.checkpoint"
#: Largest smaller-layer size for which the exact log-likelihood is tracked per epoch.
MAX_TRACKED_UNITS = 16
_MATMUL_DTYPES = {"float32": torch.float32, "float64": torch.float64,
                  "bfloat16": torch.bfloat16}
# Fields that may differ between a checkpointed run and its continuation.
_RESUMABLE_FIELDS = ("epochs", "checkpoint_every")


# ------------------------------------------------------------- training rules
@dataclass
class RuleState:
    """What a training rule sees besides the RBM and the minibatch.

    Attributes
    ----------
    k : int
        Gibbs sweeps per update (``config.k``).
    gen : torch.Generator
        The epoch's generator (all random draws of a rule come from it).
    W : torch.Tensor, shape (n_visible, n_hidden)
        The weights to multiply with (``rbm.W`` or a low-precision copy).
    chains : torch.Tensor, shape (n_chains, n_visible) or (n_betas, n_chains, n_visible), or None
        Persistent chains (rules with ``persistent=True``; the leading temperature
        axis for tempered rules); a rule replaces them.
    betas : torch.Tensor or None
        Inverse temperatures, shape ``(n_betas, 1)`` (tempered rules).
    gaussian_hidden : bool
        Hidden units are linear with unit Gaussian noise (DBN code layer).
    swap_rates : list of float
        Replica-exchange acceptance rates of the epoch (tempered rules append).
    """

    k: int
    gen: torch.Generator
    W: torch.Tensor
    chains: torch.Tensor | None = None
    betas: torch.Tensor | None = None
    gaussian_hidden: bool = False
    swap_rates: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class TrainingRule:
    """A gradient estimator for RBM training.

    Parameters
    ----------
    name : str
        Key in :data:`TRAINING_RULES` (the ``method`` of :class:`TrainConfig`).
    gradient : callable
        ``gradient(rbm, batch, state) -> {"W", "b", "c"}``: the ascent direction on
        a validated minibatch, with ``state`` a :class:`RuleState`.
    persistent : bool
        Needs persistent chains (``state.chains``), started uniformly at random.
    tempered : bool
        Chains carry a leading temperature axis (``config.betas``).
    binary_visible : bool
        Only for Bernoulli or Ising visibles.
    gaussian_hidden : bool
        Supports linear-Gaussian hidden units (a DBN's code layer).
    sampling : bool
        A sampling estimator (``config.matmul_dtype`` applies).
    enumerates : bool
        Enumerates a layer (``<= 20`` units).
    """

    name: str
    gradient: Callable[[RBM, torch.Tensor, RuleState], dict[str, torch.Tensor]]
    persistent: bool = False
    tempered: bool = False
    binary_visible: bool = False
    gaussian_hidden: bool = False
    sampling: bool = False
    enumerates: bool = False


#: The one registry of training rules, shared by :func:`train`, ``RBM.fit`` and DBN
#: pretraining.
TRAINING_RULES: dict[str, TrainingRule] = {}


def register_rule(rule: TrainingRule, *, replace: bool = False) -> TrainingRule:
    """Add ``rule`` to :data:`TRAINING_RULES` (``replace=True`` to redefine a name).

    Parameters
    ----------
    rule : TrainingRule
        The rule; its ``name`` becomes the key (the ``method`` of
        :class:`TrainConfig`).
    replace : bool, default False
        Allow redefining an existing name.

    Returns
    -------
    TrainingRule
        ``rule`` itself (so it can be used as a decorator result).
    """
    if not isinstance(rule, TrainingRule):
        raise TypeError(f"rule must be a TrainingRule; got {type(rule).__name__}")
    if not callable(rule.gradient):
        raise TypeError("rule.gradient must be callable")
    if rule.name in TRAINING_RULES and not replace:
        raise ValueError(f"a training rule named {rule.name!r} exists; pass replace=True")
    TRAINING_RULES[rule.name] = rule
    return rule


def unregister_rule(name: str) -> None:
    """Remove the rule ``name`` from :data:`TRAINING_RULES`.

    Parameters
    ----------
    name : str
        Key of the rule (``KeyError`` if absent).
    """
    if name not in TRAINING_RULES:
        raise KeyError(f"no training rule named {name!r}")
    del TRAINING_RULES[name]


def get_rule(name: str) -> TrainingRule:
    """The registered rule ``name`` (``ValueError`` listing the known ones otherwise).

    Parameters
    ----------
    name : str
        Key of :data:`TRAINING_RULES`.

    Returns
    -------
    TrainingRule
    """
    check_option(name, "method", tuple(TRAINING_RULES))
    return TRAINING_RULES[name]


def _cd_rule(rbm: RBM, batch: torch.Tensor, st: RuleState) -> dict[str, torch.Tensor]:
    neg = rbm._gibbs(batch, st.k, st.gen, st.W, gaussian_hidden=st.gaussian_hidden)
    return _moment_difference(rbm, batch, neg, st.W, gaussian_hidden=st.gaussian_hidden)


def _pcd_rule(rbm: RBM, batch: torch.Tensor, st: RuleState) -> dict[str, torch.Tensor]:
    st.chains = rbm._gibbs(st.chains, st.k, st.gen, st.W, gaussian_hidden=st.gaussian_hidden)
    return _moment_difference(rbm, batch, st.chains, st.W, gaussian_hidden=st.gaussian_hidden)


def _pt_rule(rbm: RBM, batch: torch.Tensor, st: RuleState) -> dict[str, torch.Tensor]:
    chains = _tempered_gibbs(rbm, st.chains, st.betas, st.k, st.gen, st.W)
    st.chains, rate = _replica_exchange(rbm, chains, st.betas, st.gen)
    st.swap_rates.append(rate)
    return _moment_difference(rbm, batch, st.chains[0], st.W)


for _rule in (
    TrainingRule("cd", _cd_rule, gaussian_hidden=True, sampling=True),
    TrainingRule("pcd", _pcd_rule, persistent=True, gaussian_hidden=True, sampling=True),
    TrainingRule("pt", _pt_rule, persistent=True, tempered=True, binary_visible=True,
                 sampling=True),
    TrainingRule("pl", lambda rbm, batch, st: pl_gradient(rbm, batch), binary_visible=True),
    TrainingRule("rm", lambda rbm, batch, st: rm_gradient(rbm, batch), binary_visible=True),
    TrainingRule("exact", lambda rbm, batch, st: exact_loglik_gradient(rbm, batch),
                 enumerates=True),
):
    register_rule(_rule)


def default_pt_betas(n_betas: int = 10) -> tuple[float, ...]:
    """Inverse temperatures ``β_k`` evenly spaced from 1 down to 0 (inclusive).

    ``β = 0`` is the uniform distribution over visible states, which the chain
    samples exactly in one sweep, so the ladder always has a perfectly mixing
    end (Desjardins et al., AISTATS 2010, use a ladder of this kind).

    Parameters
    ----------
    n_betas : int, default 10
        Number of temperatures (>= 2).

    Returns
    -------
    tuple of float
        ``(1, …, 0)``, length ``n_betas``.
    """
    n_betas = check_int(n_betas, "n_betas", minimum=2)
    return tuple(float(x) for x in np.linspace(1.0, 0.0, n_betas))


@dataclass
class TrainConfig:
    """Hyper-parameters of :func:`train`.

    Parameters
    ----------
    method : str
        Training rule, a key of :data:`TRAINING_RULES` (``"cd"``, ``"pcd"``, ``"pt"``,
        ``"pl"``, ``"rm"``, ``"exact"`` or a registered one).
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
    initial_momentum_epochs : int
        The first this many epochs use momentum ``min(momentum, 0.5)`` (Hinton's
        guide §9: small momentum while the parameters move fast).
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
    initial_momentum_epochs: int = 0

    def __post_init__(self) -> None:
        check_option(self.method, "config.method", tuple(TRAINING_RULES))
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
            if not TRAINING_RULES[self.method].sampling:
                names = [n for n, r in TRAINING_RULES.items() if r.sampling]
                raise ValueError("config.matmul_dtype applies to the sampling estimators "
                                 f"{names}; got method={self.method!r}")
        self.initial_momentum_epochs = check_int(self.initial_momentum_epochs,
                                                 "config.initial_momentum_epochs", minimum=0)

    @property
    def chains(self) -> int:
        """The number of persistent chains actually used."""
        return self.n_chains if self.n_chains is not None else self.batch_size

    @property
    def betas(self) -> tuple[float, ...]:
        """The PT inverse-temperature ladder actually used."""
        return self.pt_betas if self.pt_betas is not None else default_pt_betas()


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


def _check_compatible(rbm: RBM, config: TrainConfig, gaussian_hidden: bool = False) -> None:
    rule = TRAINING_RULES[config.method]
    if rbm.visible == "gaussian" and rule.binary_visible:
        raise ValueError(f"config.method={config.method!r} needs binary (bernoulli or ising) "
                         "visibles; got visible='gaussian'")
    if gaussian_hidden and not rule.gaussian_hidden:
        names = [n for n, r in TRAINING_RULES.items() if r.gaussian_hidden]
        raise ValueError(f"config.method={config.method!r} does not support linear-Gaussian "
                         f"hidden units (a DBN with top_hidden='gaussian'); use one of {names}")
    if rule.enumerates:
        limit = MAX_ENUMERATION_UNITS
        ok = rbm.n_hidden <= limit or (rbm.visible != "gaussian" and rbm.n_visible <= limit)
        if not ok:
            raise ValueError(f"config.method={config.method!r} needs a layer of at most "
                             f"{limit} units to enumerate; got n_visible={rbm.n_visible}, "
                             f"n_hidden={rbm.n_hidden}")


def _rbm_signature(rbm: RBM) -> dict[str, Any]:
    return {"n_visible": rbm.n_visible, "n_hidden": rbm.n_hidden, "visible": rbm.visible,
            "dtype": str(rbm.dtype)}


def _group(arrays: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    p = prefix + "/"
    return {key[len(p):]: val for key, val in arrays.items() if key.startswith(p)}


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """Read a training checkpoint written by :func:`train`.

    Parameters
    ----------
    path : path-like
        The checkpoint directory (``checkpoint/``) or the ``checkpoint_dir`` holding it.

    Returns
    -------
    dict
        Keys ``rbm, config, params, velocity, chains, offsets, entropy, epoch, history,
        data_sha256, tag`` (tensors on the CPU, ``history`` a :class:`History`).

    Raises
    ------
    ValueError
        If the directory cannot be read as a checkpoint (truncated, corrupt, or not
        written by :func:`train`); the message names it.
    """
    path = Path(path)
    if not is_saved_state(path) and (path / CHECKPOINT_NAME).exists():
        path = path / CHECKPOINT_NAME
    if not path.exists():
        raise FileNotFoundError(f"no training checkpoint at {str(path)!r}")
    saved = load_state(path, kind=CHECKPOINT_KIND)
    try:
        cfg, st = saved.config, saved.state
        out = {"rbm": cfg["rbm"], "config": cfg["train"], "data_sha256": cfg["data_sha256"],
               "entropy": int(cfg["entropy"]), "tag": cfg.get("tag") or {},
               "epoch": int(st["epoch"]), "history": History.from_dict(st["history"]),
               "params": _group(saved.arrays, "params"),
               "velocity": _group(saved.arrays, "velocity"),
               "offsets": _group(saved.arrays, "offsets"),
               "chains": saved.arrays.get("chains")}
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"checkpoint {str(path)!r} is corrupt or incomplete: "
                         f"{type(exc).__name__}: {exc}") from None
    if set(out["params"]) != {"W", "b", "c"}:
        raise ValueError(f"checkpoint {str(path)!r} is corrupt or incomplete: no parameters")
    return out


def _to(x: Any, rbm: RBM) -> Any:
    if isinstance(x, torch.Tensor):
        return x.to(device=rbm.device, dtype=rbm.dtype)
    if isinstance(x, dict):
        return {key: _to(val, rbm) for key, val in x.items()}
    return x


def _tensors(prefix: str, d: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {f"{prefix}/{key}": val.detach().cpu() for key, val in d.items()}


def _sgd_step(rbm: RBM, batch: torch.Tensor, rule: TrainingRule, st: RuleState,
              config: TrainConfig, velocity: dict[str, torch.Tensor],
              offsets: dict[str, torch.Tensor], momentum: float) -> None:
    """One minibatch update of ``rbm`` (in place) with the rule's ascent direction."""
    g = rule.gradient(rbm, batch, st)
    if config.weight_decay:
        g["W"] = g["W"] - config.weight_decay * rbm.W
    if config.centering:
        mu, lam = offsets["mu"], offsets["lam"]
        g["W"] = g["W"] - torch.outer(mu, g["c"]) - torch.outer(g["b"], lam)
    for key in velocity:
        velocity[key] = momentum * velocity[key] + config.learning_rate * g[key]
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


def _initial_chains(rbm: RBM, config: TrainConfig, rule: TrainingRule,
                    entropy: int) -> torch.Tensor | None:
    if not rule.persistent:
        return None
    # Chains start uniformly at random (Gaussian: at b + noise), from a stream
    # of their own so that they do not shift the per-epoch streams.
    init_seed = int(np.random.SeedSequence([entropy, 2**32]).generate_state(1)[0])
    init_gen = _torch_gen(init_seed, rbm.device)
    shape = ((len(config.betas),) if rule.tempered else ()) + (config.chains, rbm.n_visible)
    return _random_visible(rbm, shape, init_gen)


def _matmul_dtype(rbm: RBM, config: TrainConfig) -> torch.dtype | None:
    mm = None if config.matmul_dtype is None else _MATMUL_DTYPES[config.matmul_dtype]
    return None if mm == rbm.dtype else mm


# -------------------------------------------------------------------- train
def train(rbm: RBM, data: Any, config: TrainConfig, *, rng: SeedLike = None,
          checkpoint_dir: str | os.PathLike | None = None,
          progress: ProgressCallback | None = None,
          callback: Callable[[int, RBM, History], bool | None] | None = None,
          tag: Mapping[str, Any] | None = None) -> History:
    """Train ``rbm`` in place by minibatch stochastic gradient ascent.

    Each update is ``Δ ← m Δ + η (g - λ_W W)``, ``θ ← θ + Δ`` (momentum ``m``,
    weight decay ``λ_W`` on ``W`` only), with ``g`` the ascent direction of the
    chosen training rule on a minibatch (Hinton 2010, §§7-10). With
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
        Directory for the ``checkpoint/`` save (:mod:`spinnet._persist` format),
        written atomically every ``config.checkpoint_every`` epochs and after the
        last one. If it already holds a checkpoint, training resumes from it; the
        checkpoint must match ``rbm``'s shape and type, the data, ``config``
        (except ``epochs`` and ``checkpoint_every``) and ``tag``.
    progress : callable, optional
        ``progress("RBM <method>", epochs_done, epochs)`` after each epoch.
    callback : callable or None
        ``callback(epoch, rbm, history)`` after each epoch (after its
        checkpoint); returning a true value stops training.
    tag : mapping, optional
        JSON description of the run (e.g. the seed and data source) stored in the
        checkpoint; a resume with another tag is refused.

    Returns
    -------
    History
        Metrics of all finished epochs (including those before a resume): ``epoch,
        free_energy, reconstruction_error, pseudo_log_likelihood, log_likelihood,
        wall_time, update_time, pt_swap_rate``.

    Raises
    ------
    TypeError, ValueError
        For bad arguments, a rule that does not fit the RBM, a checkpoint that
        does not match, or a corrupt checkpoint (named).
    """
    if not isinstance(rbm, RBM):
        raise TypeError(f"rbm must be an RBM; got {type(rbm).__name__}")
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig; got {type(config).__name__}")
    x, single = rbm._check_visible(data, "data")
    if single:
        raise ValueError(f"data must have shape (n_samples, {rbm.n_visible}); got one "
                         f"vector of shape ({rbm.n_visible},)")
    return _train(rbm, x, config, rng=rng, checkpoint_dir=checkpoint_dir, progress=progress,
                  callback=callback, tag=tag)


def _train(rbm: RBM, x: torch.Tensor, config: TrainConfig, *, rng: SeedLike = None,
           checkpoint_dir: str | os.PathLike | None = None,
           progress: ProgressCallback | None = None,
           callback: Callable[[int, RBM, History], bool | None] | None = None,
           tag: Mapping[str, Any] | None = None, gaussian_hidden: bool = False,
           metrics: Callable[[RBM, torch.Tensor], dict[str, float]] | None = None,
           stage: str | None = None) -> History:
    """The training loop on validated data ``x`` (also DBN pretraining's).

    ``gaussian_hidden`` and ``metrics`` serve the layers of a deep belief net:
    linear-Gaussian code units, and per-epoch metrics that suit mean-field data.
    """
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable or None; got {type(progress).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None; got {type(callback).__name__}")
    _check_compatible(rbm, config, gaussian_hidden)
    rule = TRAINING_RULES[config.method]
    stage = stage or f"RBM {config.method}"
    n_samples = x.shape[0]
    digest = _data_digest(x)
    monitor = x if config.monitor_samples is None else x[:config.monitor_samples]
    track_ll = config.track_log_likelihood and _exact_feasible(rbm) and not gaussian_hidden
    cfg_dict = dataclasses.asdict(config)
    cfg_dict["pt_betas"] = list(config.pt_betas) if config.pt_betas is not None else None
    tag_dict = dict(tag or {})

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
        diff = sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))
        if diff:
            raise ValueError(f"config differs from the checkpoint {str(ckpt_path)!r} in "
                             f"{diff}; use another checkpoint_dir to start afresh")
        if state["data_sha256"] != digest:
            raise ValueError(f"data differ from those of the checkpoint {str(ckpt_path)!r}")
        if state["tag"] != tag_dict:
            keys = sorted(k for k in set(state["tag"]) | set(tag_dict)
                          if state["tag"].get(k) != tag_dict.get(k))
            raise ValueError(f"the run differs from the checkpoint {str(ckpt_path)!r} in "
                             f"{keys}; use another checkpoint_dir to start afresh")
        entropy = int(state["entropy"])
        start_epoch = int(state["epoch"])
        params = _to(state["params"], rbm)
        rbm.W, rbm.b, rbm.c = params["W"], params["b"], params["c"]
        velocity = _to(state["velocity"], rbm)
        offsets = _to(state["offsets"], rbm)
        chains = _to(state["chains"], rbm)
        history = state["history"]
    else:
        entropy = int(as_generator(rng).integers(0, 2**63 - 1))

    if config.centering and not offsets:
        offsets = {"mu": x.mean(0),
                   "lam": torch.full((rbm.n_hidden,), 0.5, dtype=rbm.dtype, device=rbm.device)}
    if chains is None:
        chains = _initial_chains(rbm, config, rule, entropy)
    mm_dtype = _matmul_dtype(rbm, config)
    betas = (torch.tensor(config.betas, dtype=rbm.dtype, device=rbm.device).unsqueeze(-1)
             if rule.tempered else None)

    def checkpoint(epoch: int) -> None:
        if ckpt_path is None:
            return
        arrays = {**_tensors("params", rbm.params), **_tensors("velocity", velocity),
                  **_tensors("offsets", offsets)}
        if chains is not None:
            arrays["chains"] = chains.detach().cpu()
        save_state(ckpt_path, kind=CHECKPOINT_KIND,
                   config={"rbm": _rbm_signature(rbm), "train": cfg_dict,
                           "data_sha256": digest, "entropy": str(entropy), "tag": tag_dict},
                   arrays=arrays, state={"epoch": epoch, "history": history.to_dict()})

    report(progress, stage, min(start_epoch, config.epochs), config.epochs)
    for epoch in range(start_epoch, config.epochs):
        t0 = time.perf_counter()
        shuffle, seed = _epoch_seeds(entropy, epoch)
        gen = _torch_gen(seed, rbm.device)
        order = torch.from_numpy(shuffle.permutation(n_samples)).to(rbm.device)
        momentum = (min(config.momentum, 0.5) if epoch < config.initial_momentum_epochs
                    else config.momentum)
        st = RuleState(k=config.k, gen=gen, W=rbm.W, chains=chains, betas=betas,
                       gaussian_hidden=gaussian_hidden)
        for start in range(0, n_samples, config.batch_size):
            batch = x[order[start:start + config.batch_size]]
            st.W = rbm.W if mm_dtype is None else rbm.W.to(mm_dtype)
            _sgd_step(rbm, batch, rule, st, config, velocity, offsets, momentum)
        chains = st.chains
        t_updates = time.perf_counter() - t0
        row = (metrics(rbm, monitor) if metrics is not None
               else _metrics(rbm, monitor, track_ll))
        history.append(epoch=epoch + 1, **row,
                       pt_swap_rate=float(np.mean(st.swap_rates)) if st.swap_rates else math.nan,
                       wall_time=time.perf_counter() - t0, update_time=t_updates)
        done = epoch + 1
        if done % config.checkpoint_every == 0 or done == config.epochs:
            checkpoint(done)
        report(progress, stage, done, config.epochs)
        if callback is not None and bool(callback(done, rbm, history)):
            if done % config.checkpoint_every != 0:
                checkpoint(done)
            break
    return history


def _partial_fit(rbm: RBM, data: Any, config: TrainConfig, rng: SeedLike) -> None:
    """One epoch over ``data`` continuing ``rbm._partial`` (momentum, chains, stream)."""
    _check_compatible(rbm, config)
    x, single = rbm._check_visible(data, "X")
    if single:
        x = x.reshape(1, -1)
    rule = TRAINING_RULES[config.method]
    key = dataclasses.asdict(config)
    st = rbm._partial
    if st is None or st["config"] != key:
        entropy = int(as_generator(rng).integers(0, 2**63 - 1))
        st = {"config": key, "entropy": entropy, "calls": 0,
              "velocity": {k: torch.zeros_like(p) for k, p in rbm.params.items()},
              "chains": _initial_chains(rbm, config, rule, entropy),
              "offsets": ({"mu": x.mean(0), "lam": torch.full((rbm.n_hidden,), 0.5,
                                                               dtype=rbm.dtype,
                                                               device=rbm.device)}
                          if config.centering else {})}
        rbm._partial = st
    t0 = time.perf_counter()
    shuffle, seed = _epoch_seeds(st["entropy"], st["calls"])
    gen = _torch_gen(seed, rbm.device)
    order = torch.from_numpy(shuffle.permutation(x.shape[0])).to(rbm.device)
    mm_dtype = _matmul_dtype(rbm, config)
    betas = (torch.tensor(config.betas, dtype=rbm.dtype, device=rbm.device).unsqueeze(-1)
             if rule.tempered else None)
    rs = RuleState(k=config.k, gen=gen, W=rbm.W, chains=st["chains"], betas=betas)
    for start in range(0, x.shape[0], config.batch_size):
        batch = x[order[start:start + config.batch_size]]
        rs.W = rbm.W if mm_dtype is None else rbm.W.to(mm_dtype)
        _sgd_step(rbm, batch, rule, rs, config, st["velocity"], st["offsets"], config.momentum)
    st["chains"] = rs.chains
    st["calls"] += 1
    monitor = x if config.monitor_samples is None else x[:config.monitor_samples]
    row = _metrics(rbm, monitor, config.track_log_likelihood and _exact_feasible(rbm))
    rbm.history_.append(epoch=len(rbm.history_) + 1, **row,
                        wall_time=time.perf_counter() - t0)
