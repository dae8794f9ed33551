"""Phase classifiers as estimators: training with early stopping, checkpoints, save/load.

:class:`PhaseClassifier` is the estimator: ``fit(X, y)`` on network inputs
``X`` ``(n, C, h, w)`` and labels ``y`` (0 = ferromagnetic, 1 = paramagnetic),
``predict_proba``, ``score`` (accuracy), ``history_`` and ``save``/``load`` in
the library's one format (:mod:`spinnet._persist`). Training stops when the
validation loss has not improved for ``patience`` epochs and keeps the best
weights; with ``checkpoint=`` the full training state (weights, best weights,
Adam buffers, the torch generator, the history) is written atomically after
every epoch in the same format, and an interrupted training resumes from it
bit for bit.

:func:`train_classifier` is the physics front end (Carrasquilla & Melko, Nat.
Phys. 13, 431 (2017)): from snapshots ``(n_T, n_samples, L, L)`` on a
temperature grid it labels those inside the ferromagnetic window 0 and those
inside the paramagnetic window 1. At those temperatures the first
``train_fraction`` of the snapshots is used for training (split again into
training and validation sets); the rest is held out, so that the network
output is later evaluated only on snapshots it has not seen.

PyTorch is imported only when a network is built, trained or applied
(:func:`spinnet._optional.require_torch`).
"""

from __future__ import annotations

import copy
import math
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._history import History
from spinnet._optional import require_torch
from spinnet._persist import (
    load_state,
    save_state,
    torch_rng_from_array,
    torch_rng_to_array,
)
from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator, kernel_seed
from spinnet._validation import (
    check_array,
    check_fraction,
    check_int,
    check_option,
    check_positive_float,
)
from spinnet.phases.data import ModelSpec, PhaseData, StoreConflict, energy_configurations
from spinnet.phases.networks import NETS, build_net

__all__ = ["D4", "KIND", "N_BLOCKS", "REPRESENTATIONS", "TEMPERATURE_PRIORS", "PhaseClassifier",
           "baxter_wu_gauge", "block_spins", "check_windows", "held_out_mask", "lattice_image",
           "predict_proba", "prepare_inputs", "temperature_weights", "train_classifier"]

REPRESENTATIONS = ("spins", "energy", "blocks")
#: How the labelled grid temperatures are weighted in the training loss
#: (:func:`temperature_weights`): ``"grid"`` every snapshot alike, ``"uniform"``
#: a uniform prior density in ``T``.
TEMPERATURE_PRIORS = ("grid", "uniform")

#: Side of the block-spin lattice of the ``"blocks"`` representation (blocks of
#: ``b = L/4`` sites: ``b >= 4`` for every default size).
N_BLOCKS = 4

#: ``kind`` of a saved classifier and of a training checkpoint (:mod:`spinnet._persist`).
KIND = "spinnet.phases.PhaseClassifier"
CHECKPOINT_KIND = "spinnet.phases.PhaseClassifier.checkpoint"


def _torch() -> Any:
    return require_torch("spinnet.phases classifiers")


def check_windows(temperatures: np.ndarray, fm_window: Sequence[float],
                  pm_window: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the grid temperatures in the FM and PM windows; errors if a window is empty.

    Parameters
    ----------
    temperatures : ndarray of float, shape (n_T,)
        The temperature grid of the data.
    fm_window, pm_window : (low, high)
        Temperature windows labelled ferromagnetic (0) and paramagnetic (1),
        bounds inclusive (to within ``1e-9``); ``fm_window`` must lie below
        ``pm_window``.

    Returns
    -------
    fm_index, pm_index : ndarray of int, shape (n_fm,) and (n_pm,)
        Increasing indices into ``temperatures`` of the grid points in each window.

    Raises
    ------
    TypeError
        If a window is not a pair of numbers.
    ValueError
        If a window is not ``(low, high)`` with ``low <= high``, if it overlaps
        the other window, or if it contains no grid temperature.
    """
    out = []
    for name, w in (("fm_window", fm_window), ("pm_window", pm_window)):
        try:
            lo, hi = (float(v) for v in w)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a pair (T_low, T_high); got {w!r}") from exc
        if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
            raise ValueError(f"{name} must be (T_low, T_high) with T_low <= T_high; got {w!r}")
        idx = np.flatnonzero((temperatures >= lo - 1e-9) & (temperatures <= hi + 1e-9))
        if idx.size == 0:
            raise ValueError(f"{name} [{lo:g}, {hi:g}] contains none of the data's temperatures "
                             f"({temperatures.min():g} .. {temperatures.max():g}): the label "
                             "window is empty")
        out.append((lo, hi, idx))
    if out[0][1] >= out[1][0]:
        raise ValueError(f"fm_window must lie below pm_window; got fm_window={tuple(fm_window)}, "
                         f"pm_window={tuple(pm_window)}")
    return out[0][2], out[1][2]


def prepare_inputs(spins: np.ndarray, model: ModelSpec, representation: str) -> np.ndarray:
    """Network input ``(..., C, L, L)`` float32 from spins ``(..., L, L)``.

    ``"spins"``: one channel, each configuration multiplied by the sign of its
    magnetisation (a global spin flip, a symmetry of the zero-field Ising
    Hamiltonian); for Baxter-Wu, whose symmetry reverses two of the three
    sublattices instead, :func:`baxter_wu_gauge`. ``"blocks"``: the same for
    the ``N_BLOCKS × N_BLOCKS`` majority-rule block spins (:func:`block_spins`),
    whatever ``L``.
    ``"energy"``: :func:`~spinnet.phases.data.energy_configurations`.

    Parameters
    ----------
    spins : ndarray of int8, shape (..., L, L)
        ±1 configurations.
    model : ModelSpec
        Their model (decides the gauge of ``"spins"`` and the channels of
        ``"energy"``).
    representation : {"spins", "energy", "blocks"}
        The input representation.

    Returns
    -------
    ndarray of float32, shape (..., C, h, w)
        ``C = 1`` and ``h = w = L`` for ``"spins"``, ``C = 1`` and
        ``h = w = N_BLOCKS`` for ``"blocks"``; the channels of
        :func:`~spinnet.phases.data.energy_configurations` for ``"energy"``.
    """
    representation = check_option(representation, "representation", REPRESENTATIONS)
    if representation == "blocks":
        spins = block_spins(spins, N_BLOCKS)  # majority blocks are Ising-like: sign gauge
    elif representation == "spins" and model.name == "baxter-wu":
        return baxter_wu_gauge(spins)[..., None, :, :].astype(np.float32)
    if representation in ("spins", "blocks"):
        # Fix the Z2 gauge: s -> sign(M) s (sign(0) = +1). The Hamiltonian is invariant,
        # and the two classes then differ already in the mean input (m ~ 1 against m ~ 0)
        # instead of only in its second moment, which a fully connected net with
        # symmetric data otherwise learns very slowly and overfits.
        sign = np.where(spins.sum(axis=(-1, -2), dtype=np.int64) < 0, -1, 1).astype(np.int8)
        return (spins * sign[..., None, None])[..., None, :, :].astype(np.float32)
    return energy_configurations(spins, model).astype(np.float32)


def baxter_wu_gauge(spins: np.ndarray) -> np.ndarray:
    """Baxter-Wu configurations ``(..., L, L)`` mapped to a fixed representative of their orbit.

    The Baxter-Wu Hamiltonian ``E = -J Σ_triangles s_i s_j s_k`` (Baxter & Wu,
    Phys. Rev. Lett. 31, 1294 (1973)) is invariant under reversing the spins
    of *two* of the three sublattices of the triangular lattice (a global
    flip is not a symmetry: it reverses ``E``). With the lattice stored as an
    ``L × L`` array whose triangles are ``(r, c), (r, c+1), (r+1, c+1)`` and
    ``(r, c), (r+1, c), (r+1, c+1)`` (:func:`~spinnet.phases.data.energy_configurations`)
    the sublattices are ``(r + c) mod 3``. Of the four images (identity and the
    three pair flips) the one with the largest magnetisation is returned (the
    first in that order on a tie), so that the four ordered ground states all
    map to the all-up state -- the analogue of the Ising ``s -> sign(M) s``.

    Parameters
    ----------
    spins : ndarray of ±1, shape (..., L, L), L divisible by 3

    Returns
    -------
    ndarray of int8, shape (..., L, L)
        A symmetry image of each configuration (same energy).
    """
    L = spins.shape[-1]
    if spins.shape[-2] != L or L % 3:
        raise ValueError(f"Baxter-Wu spins need L x L lattices with L divisible by 3; got "
                         f"{spins.shape[-2:]}")
    sub = (np.arange(L)[:, None] + np.arange(L)[None, :]) % 3
    m = np.stack([np.where(sub == k, spins, 0).sum(axis=(-1, -2), dtype=np.int64)
                  for k in range(3)], axis=-1)                       # (..., 3)
    # signs of the sublattices in the four images: identity, flip {1,2}, {0,2}, {0,1}
    elements = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=np.int64)
    best = np.argmax(m @ elements.T, axis=-1)                        # first maximum
    signs = elements[best].astype(np.int8)                           # (..., 3)
    return (spins * signs[..., sub]).astype(np.int8)


def block_spins(spins: np.ndarray, n_blocks: int) -> np.ndarray:
    """Majority-rule block spins (Kadanoff 1966): ``(..., L, L)`` -> ``(..., n, n)``.

    Each of the ``n × n`` blocks of ``b = L/n`` sites becomes the sign of its
    spin sum; a tie (even ``b²``) takes the block's corner spin, so the map
    commutes with the global spin flip. Near ``T_c`` the distribution of the
    block configuration depends on ``L`` only through ``(T − T_c) L^{1/ν}``
    (up to corrections that vanish as ``b`` grows): a fixed classifier on it
    has no length scale of its own.

    Parameters
    ----------
    spins : ndarray of int8, shape (..., L, L)
        ±1 configurations of a square lattice.
    n_blocks : int
        Blocks per side ``n``; must divide ``L``.

    Returns
    -------
    ndarray of int8, shape (..., n_blocks, n_blocks)
        The ±1 block spins.

    Raises
    ------
    ValueError
        If the lattice is not square or ``L`` is not divisible by ``n_blocks``.
    """
    L = spins.shape[-1]
    if spins.shape[-2] != L or L % n_blocks:
        raise ValueError(f"block spins need square L x L lattices with L divisible by "
                         f"{n_blocks}; got {spins.shape[-2:]}")
    b = L // n_blocks
    total = spins.reshape(*spins.shape[:-2], n_blocks, b, n_blocks, b).sum(
        axis=(-3, -1), dtype=np.int32)
    corner = spins[..., ::b, ::b]
    return np.where(total > 0, 1, np.where(total < 0, -1, corner)).astype(np.int8)


def temperature_weights(temperatures: Any, index: Any) -> np.ndarray:
    """Weights that make the labelled grid temperatures a uniform prior in ``T``.

    A classifier trained with every snapshot weighted alike learns the
    posterior under the prior "every grid temperature equally likely"; on a
    grid that is denser near ``T_c`` this prior is peaked, and the learnt
    boundary's width depends on how the thermal width ``~ L^{-1/ν}`` compares
    with the dense region -- an ``L``-dependent bias of the ``V`` peak widths
    (docs/phases-protocol.md). Weighting each temperature by its share of the
    axis, the trapezoid half-width ``(T_{i+1} − T_{i−1}) / 2`` on the sorted
    grid (one-sided at the ends), makes the prior uniform in ``T``.

    Parameters
    ----------
    temperatures : array_like, shape (n_T,)
        The whole grid (sorted or not; distinct values).
    index : array_like of int, shape (k,)
        The labelled temperatures.

    Returns
    -------
    ndarray of float64, shape (k,)
        Weight per labelled temperature, mean 1.
    """
    T = check_array(temperatures, "temperatures", ndim=1, dtype=np.float64)
    idx = np.asarray(index, dtype=np.int64)
    if len(T) < 2:
        raise ValueError("temperature weights need at least two grid temperatures")
    order = np.argsort(T)
    Ts = T[order]
    if np.any(np.diff(Ts) <= 0):
        raise ValueError("temperatures must be distinct")
    half = np.empty_like(Ts)
    half[1:-1] = (Ts[2:] - Ts[:-2]) / 2
    half[0], half[-1] = Ts[1] - Ts[0], Ts[-1] - Ts[-2]
    width = np.empty_like(half)
    width[order] = half
    w = width[idx]
    return w / w.mean()


def held_out_mask(n_T: int, n_samples: int, train_index: np.ndarray, n_train: int) -> np.ndarray:
    """Boolean ``(n_T, n_samples)``: snapshots not used for training or validation.

    Parameters
    ----------
    n_T, n_samples : int
        Temperatures and snapshots per temperature of the data.
    train_index : ndarray of int, shape (n_train_T,)
        Indices of the training temperatures (the label windows).
    n_train : int
        Snapshots per training temperature used for training and validation:
        the first ``n_train`` of each.

    Returns
    -------
    ndarray of bool, shape (n_T, n_samples)
        ``False`` at the first ``n_train`` snapshots of each training temperature,
        ``True`` elsewhere.
    """
    mask = np.ones((n_T, n_samples), dtype=bool)
    mask[train_index, :n_train] = False
    return mask



def predict_proba(module: Any, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Softmax probability of class 1 (paramagnetic) for inputs ``x`` ``(..., C, L, L)``.

    Parameters
    ----------
    module : torch.nn.Module
        A classifier with two output logits (:func:`~spinnet.phases.networks.build_net`);
        it is put in evaluation mode.
    x : ndarray, shape (..., C, L, L)
        Network inputs (cast to float32).
    batch_size : int
        Configurations per forward pass (default 512).

    Returns
    -------
    ndarray of float64, shape x.shape[:-3]
        ``P(paramagnetic)`` per configuration.
    """
    torch = _torch()

    lead = x.shape[:-3]
    flat = np.ascontiguousarray(x.reshape(-1, *x.shape[-3:]), dtype=np.float32)
    out = np.empty(flat.shape[0], dtype=np.float64)
    module.eval()
    with torch.no_grad():
        for i in range(0, flat.shape[0], batch_size):
            logits = module(torch.from_numpy(flat[i:i + batch_size]))
            out[i:i + batch_size] = torch.softmax(logits, dim=1)[:, 1].double().numpy()
    return out.reshape(lead)


def _crc(*arrays: np.ndarray) -> int:
    c = 0
    for a in arrays:
        c = zlib.crc32(np.ascontiguousarray(a).tobytes(), c)
    return c


def _restore_state_dict(arrays: dict[str, Any], prefix: str, reference: dict[str, Any]
                        ) -> dict[str, Any]:
    """Tensors ``prefix/<key>`` shaped like ``reference`` (0-d tensors come back 1-d)."""
    out = {}
    for k, ref in reference.items():
        name = f"{prefix}/{k}"
        if name not in arrays:
            raise ValueError(f"missing weights {name!r}")
        out[k] = arrays[name].reshape(ref.shape)
    return out


class PhaseClassifier:
    """A network that labels configurations ferromagnetic (0) or paramagnetic (1).

    Parameters
    ----------
    net : {"fcnn", "cnn", "resnet"}
        Architecture (:func:`~spinnet.phases.networks.build_net`).
    representation : {"spins", "energy", "blocks"}
        What the inputs are made from (:func:`prepare_inputs`); used when
        spins are passed with ``model=`` to :meth:`predict_proba`, :meth:`score`
        or :meth:`transform`.
    hidden, width : int
        FCNN hidden units; channels of the convolutional nets.
    epochs : int
        Upper limit on training epochs (early stopping may end sooner).
    patience : int
        Epochs without improvement of the validation loss before stopping.
    batch_size : int
    learning_rate, weight_decay : float
        Adam parameters.
    augment : bool
        Translate every training batch by a random lattice vector (periodic
        boundaries make translations a symmetry of the model).
    point_group : bool
        Also map every training batch by a random element of the square
        lattice's point group D4 (the four rotations by 90°, each with or without
        a reflection; :func:`lattice_image`). A symmetry of the square Ising
        model with ``J_h = J_v`` on spin inputs only; not of anisotropic or
        diagonal couplings, nor of Baxter-Wu, nor of the channels of energy
        inputs (which it would permute).
    validation_fraction : float
        Part of the training set used for early stopping, in ``(0, 1)``.

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network, in evaluation mode.
    in_channels_, input_side_ : int
        Input shape ``(C, side, side)`` it was trained on.
    history_ : spinnet._history.History
        One row per epoch: ``epoch, train_loss, val_loss, val_accuracy``.
    info_ : dict
        Training record: ``n_train``, ``n_validation``, ``epochs``,
        ``best_val_loss``, ``val_accuracy``, ``init_seed``; :func:`train_classifier`
        adds the label windows, temperatures and held-out bookkeeping.

    Examples
    --------
    >>> clf = PhaseClassifier("cnn", epochs=5).fit(X, y, rng=0)  # doctest: +SKIP
    >>> clf.score(X_test, y_test)                                 # doctest: +SKIP
    """

    def __init__(self, net: str = "cnn", representation: str = "spins", *, hidden: int = 100,
                 width: int = 8, epochs: int = 25, patience: int = 4, batch_size: int = 64,
                 learning_rate: float = 1e-3, weight_decay: float = 0.0, augment: bool = True,
                 validation_fraction: float = 0.2, point_group: bool = False) -> None:
        self.net = net
        self.representation = representation
        self.hidden = hidden
        self.width = width
        self.epochs = epochs
        self.patience = patience
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.augment = augment
        self.validation_fraction = validation_fraction
        self.point_group = point_group

    # ----------------------------------------------------------------- parameters
    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters given to ``__init__``."""
        return {"net": self.net, "representation": self.representation,
                "hidden": self.hidden, "width": self.width, "epochs": self.epochs,
                "patience": self.patience, "batch_size": self.batch_size,
                "learning_rate": self.learning_rate, "weight_decay": self.weight_decay,
                "augment": self.augment, "validation_fraction": self.validation_fraction,
                "point_group": self.point_group}

    def _checked_params(self) -> dict[str, Any]:
        if not isinstance(self.net, str) or self.net not in NETS:
            raise ValueError(f"net must be one of {list(NETS)}; got {self.net!r}")
        p = self.get_params()
        p["representation"] = check_option(self.representation, "representation",
                                           REPRESENTATIONS)
        for key in ("hidden", "width", "epochs", "patience", "batch_size"):
            p[key] = check_int(p[key], key, minimum=1)
        p["learning_rate"] = check_positive_float(self.learning_rate, "learning_rate")
        wd = float(self.weight_decay)
        if not (math.isfinite(wd) and wd >= 0):
            raise ValueError(f"weight_decay must be >= 0; got {self.weight_decay}")
        p["weight_decay"] = wd
        vf = check_fraction(self.validation_fraction, "validation_fraction")
        if not 0 < vf < 1:
            raise ValueError(f"validation_fraction must lie in (0, 1); got {vf}")
        p["validation_fraction"] = vf
        p["augment"] = bool(self.augment)
        if not isinstance(self.point_group, (bool, np.bool_)):
            raise TypeError(f"point_group must be a bool; got {self.point_group!r}")
        p["point_group"] = bool(self.point_group)
        return p

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"PhaseClassifier({args})"

    def _check_fitted(self) -> None:
        if not hasattr(self, "module_"):
            raise RuntimeError("this PhaseClassifier is not fitted yet; call fit(X, y) first")

    # ------------------------------------------------------------------- inputs
    def transform(self, spins: Any, model: ModelSpec | str = "ising") -> np.ndarray:
        """Network inputs ``(..., C, h, w)`` made from spins ``(..., L, L)`` of ``model``."""
        return prepare_inputs(np.asarray(spins), model if isinstance(model, ModelSpec)
                              else ModelSpec(model), self.representation)

    def _inputs(self, X: Any, model: ModelSpec | str | None) -> np.ndarray:
        self._check_fitted()
        if model is not None:
            m = model if isinstance(model, ModelSpec) else ModelSpec(model)
            x = self.transform(X, m)
            if x.shape[-3] != self.in_channels_:
                raise ValueError(f"the network was trained on {self.in_channels_}-channel "
                                 f"{self.representation} inputs; {m.label} gives "
                                 f"{x.shape[-3]} channels")
        else:
            x = np.asarray(X)
            if x.ndim < 4:
                raise ValueError(f"X must be network inputs of shape (..., C, h, w); got shape "
                                 f"{x.shape} (pass model= to give spin configurations "
                                 "(..., L, L))")
            if x.shape[-3] != self.in_channels_:
                raise ValueError(f"X has {x.shape[-3]} channels; the network was trained on "
                                 f"{self.in_channels_}")
        if self.net == "fcnn" and x.shape[-1] != self.input_side_:
            L = self.info_.get("L", self.input_side_)
            raise ValueError(f"the fully connected network was trained at L = {L}; "
                             f"got L = {np.shape(X)[-1]}")
        return x

    # --------------------------------------------------------------------- fit
    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, rng: SeedLike = None,
            checkpoint: str | os.PathLike | None = None,
            progress: ProgressCallback | None = None) -> PhaseClassifier:
        """Train on inputs ``X`` ``(n, C, h, w)`` with labels ``y`` in ``{0, 1}``.

        A random ``validation_fraction`` of the samples is held back for early
        stopping; the best weights (lowest validation loss) are kept.

        Parameters
        ----------
        X : array_like, shape (n, C, h, w)
            Network inputs (e.g. from :meth:`transform` or :func:`prepare_inputs`).
        y : array_like of int, shape (n,)
        sample_weight : array_like of float, shape (n,), optional
            Non-negative weight of each sample in the training and validation
            losses (rescaled to mean 1; default: all 1). :func:`train_classifier`
            uses it for ``temperature_prior="uniform"``.
        rng : SeedLike
            Validation split, initial weights, shuffling and augmentation.
        checkpoint : path-like, optional
            Directory written atomically after every epoch (:mod:`spinnet._persist`);
            resumed from if it exists and was written for the same data and
            parameters (a finished checkpoint is loaded without training). A
            resumed training equals an uninterrupted one bit for bit.
        progress : callable, optional
            ``progress("epochs", epoch, epochs)`` after every epoch.

        Returns
        -------
        self
        """
        torch = _torch()
        p = self._checked_params()
        x = check_array(X, "X", ndim=4, dtype=np.float32)
        labels = check_array(y, "y", ndim=1)
        if len(labels) != len(x):
            raise ValueError(f"y must have one label per sample ({len(x)}); got {len(labels)}")
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError("y must hold the labels 0 (ferromagnetic) and 1 (paramagnetic)")
        labels = labels.astype(np.int64)
        if not np.all(np.isfinite(x)):
            raise ValueError("X must be finite")
        weights = None
        if sample_weight is not None:
            weights = check_array(sample_weight, "sample_weight", ndim=1, dtype=np.float32)
            if len(weights) != len(x):
                raise ValueError(f"sample_weight must have one entry per sample ({len(x)}); "
                                 f"got {len(weights)}")
            if not (np.all(np.isfinite(weights)) and np.all(weights >= 0)
                    and weights.sum() > 0):
                raise ValueError("sample_weight must be finite, >= 0 and not all 0")
            weights = (weights / weights.mean()).astype(np.float32)
        gen = as_generator(rng)
        perm = gen.permutation(len(labels))
        n_val = max(1, round(p["validation_fraction"] * len(labels)))
        val_i, tr_i = perm[:n_val], perm[n_val:]
        if len(tr_i) == 0:
            raise ValueError("no training snapshots are left after the validation split")
        torch_gen = torch.Generator().manual_seed(kernel_seed(gen))
        init_seed = kernel_seed(gen)
        in_channels, side = int(x.shape[1]), int(x.shape[-1])
        signature = {**p, "shape": list(x.shape), "data_crc": _crc(x, labels),
                     "init_seed": init_seed}
        if weights is not None:
            signature["weight_crc"] = _crc(weights)
        # fork_rng restores the global torch generator afterwards: no global seeding leaks.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(init_seed)
            module = build_net(p["net"], in_channels, side, hidden=p["hidden"],
                               width=p["width"])
        opt = torch.optim.Adam(module.parameters(), lr=p["learning_rate"],
                               weight_decay=p["weight_decay"])
        history = History()
        best_val, best_state, bad, epoch0, finished = math.inf, None, 0, 0, False
        ckpt = Path(checkpoint) if checkpoint is not None else None
        if ckpt is not None and ckpt.exists():
            best_val, best_state, bad, epoch0, history, finished = _load_checkpoint(
                ckpt, signature, module, opt, torch_gen)
        xt = torch.from_numpy(x)
        yt = torch.from_numpy(labels)
        wt = None if weights is None else torch.from_numpy(weights)
        loss_fn = torch.nn.CrossEntropyLoss()
        tr_t, val_t = torch.from_numpy(tr_i), torch.from_numpy(val_i)
        bs = p["batch_size"]
        for epoch in range(epoch0, p["epochs"]):
            if finished:
                break
            module.train()
            order = tr_t[torch.randperm(len(tr_t), generator=torch_gen)]
            total = 0.0
            for b in range(0, len(order), bs):
                idx = order[b:b + bs]
                xb = _augment(xt[idx], torch_gen, p["augment"], p["point_group"])
                opt.zero_grad()
                if wt is None:
                    loss = loss_fn(module(xb), yt[idx])
                else:
                    loss = (torch.nn.functional.cross_entropy(module(xb), yt[idx],
                                                              reduction="none")
                            * wt[idx]).mean()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(idx)
            train_loss = total / len(order)
            val_loss, val_acc = _evaluate(module, xt[val_t], yt[val_t],
                                          None if wt is None else wt[val_t])
            history.append(epoch=epoch + 1, train_loss=train_loss, val_loss=val_loss,
                           val_accuracy=val_acc)
            if val_loss < best_val - 1e-6:
                best_val, bad = val_loss, 0
                best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
            else:
                bad += 1
            finished = bad >= p["patience"] or epoch + 1 == p["epochs"]
            if ckpt is not None:
                _save_checkpoint(ckpt, signature, module, opt, torch_gen, best_val, best_state,
                                 bad, epoch + 1, history, finished)
            report(progress, "epochs", epoch + 1, p["epochs"])
        if best_state is not None:
            module.load_state_dict(best_state)
        module.eval()
        val_loss, val_acc = _evaluate(module, xt[val_t], yt[val_t],
                                      None if wt is None else wt[val_t])
        self.module_ = module
        self.in_channels_ = in_channels
        self.input_side_ = side
        self.history_ = history
        self.info_ = {"input_side": side, "in_channels": in_channels, "n_train": len(tr_i),
                      "n_validation": int(n_val), "epochs": len(history),
                      "best_val_loss": val_loss, "val_accuracy": val_acc,
                      "init_seed": init_seed}
        return self

    # ----------------------------------------------------------------- predict
    def predict_proba(self, X: Any, model: ModelSpec | str | None = None,
                      batch_size: int = 512) -> np.ndarray:
        """``P(paramagnetic)`` per configuration.

        Parameters
        ----------
        X : array_like
            Network inputs ``(..., C, h, w)``; or, with ``model``, spin
            configurations ``(..., L, L)`` of that model (turned into inputs by
            :meth:`transform`).
        model : ModelSpec or str, optional

        Returns
        -------
        ndarray of float64, shape ``X.shape[:-3]`` (inputs) or ``X.shape[:-2]`` (spins)
        """
        x = self._inputs(X, model)
        return predict_proba(self.module_, x, batch_size)

    def predict(self, X: Any, model: ModelSpec | str | None = None) -> np.ndarray:
        """Labels: 1 (paramagnetic) where ``predict_proba > 0.5``, else 0."""
        return (self.predict_proba(X, model) > 0.5).astype(np.int64)

    def score(self, X: Any, y: Any, model: ModelSpec | str | None = None) -> float:
        """Accuracy of :meth:`predict` against labels ``y``."""
        pred = self.predict(X, model)
        y = np.asarray(y)
        if y.shape != pred.shape:
            raise ValueError(f"y must have shape {pred.shape}; got {y.shape}")
        return float(np.mean(pred == y))

    # ------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Write the classifier directory (``config.json`` + ``arrays.h5``) atomically."""
        self._check_fitted()
        config = {**self.get_params(), "in_channels": self.in_channels_,
                  "input_side": self.input_side_}
        arrays = {f"module/{k}": v for k, v in self.module_.state_dict().items()}
        return save_state(path, kind=KIND, config=config, arrays=arrays,
                          state={"info": self.info_, "history": self.history_.to_dict()})

    @classmethod
    def load(cls, path: str | os.PathLike) -> PhaseClassifier:
        """Read a classifier written by :meth:`save` (bit-identical predictions)."""
        path = Path(path)
        if not path.exists():
            raise ValueError(f"{path}: no such classifier directory")
        s = load_state(path, kind=KIND)
        try:
            cfg = dict(s.config)
            in_channels, side = int(cfg.pop("in_channels")), int(cfg.pop("input_side"))
            clf = cls(**cfg)
            module = build_net(clf.net, in_channels, side, hidden=clf.hidden, width=clf.width)
            module.load_state_dict(_restore_state_dict(s.arrays, "module",
                                                       module.state_dict()))
        except (KeyError, TypeError, RuntimeError, ValueError) as exc:
            raise ValueError(f"{path}: not a readable classifier ({exc})") from None
        module.eval()
        clf.module_ = module
        clf.in_channels_ = in_channels
        clf.input_side_ = side
        clf.info_ = dict(s.state.get("info", {}))
        clf.history_ = History.from_dict(s.state.get("history", {}))
        return clf

    def view(self, **info: Any) -> PhaseClassifier:
        """A shallow copy sharing the network, with ``info_`` entries replaced."""
        self._check_fitted()
        other = copy.copy(self)
        other.info_ = {**self.info_, **info}
        return other


def _save_checkpoint(path: Path, signature: dict[str, Any], module: Any, opt: Any,
                     torch_gen: Any, best_val: float, best_state: dict[str, Any] | None,
                     bad: int, epoch: int, history: History, finished: bool) -> None:
    arrays: dict[str, Any] = {f"module/{k}": v for k, v in module.state_dict().items()}
    if best_state is not None:
        arrays.update({f"best/{k}": v for k, v in best_state.items()})
    for i, st in opt.state_dict()["state"].items():
        for name, value in st.items():
            arrays[f"optimizer/{i}/{name}"] = value
    arrays["torch_rng"] = torch_rng_to_array(torch_gen)
    save_state(path, kind=CHECKPOINT_KIND, config=signature, arrays=arrays,
               state={"best_val": best_val, "bad_epochs": bad, "epoch": epoch,
                      "history": history.to_dict(), "finished": finished,
                      "has_best": best_state is not None})


def _load_checkpoint(path: Path, signature: dict[str, Any], module: Any, opt: Any,
                     torch_gen: Any) -> tuple[float, Any, int, int, History, bool]:
    try:
        s = load_state(path, kind=CHECKPOINT_KIND)
    except ValueError as exc:
        raise StoreConflict(f"checkpoint {path} is unreadable ({exc}); remove it to train "
                            "again (overwrite=True in the pipelines)", "checkpoint") from None
    if s.config != signature:
        raise StoreConflict(f"checkpoint {path} was written for different arguments; remove "
                            "it or use another checkpoint path (overwrite=True in the "
                            "pipelines)", "checkpoint")
    ref = module.state_dict()
    try:
        module.load_state_dict(_restore_state_dict(s.arrays, "module", ref))
        best_state = (_restore_state_dict(s.arrays, "best", ref) if s.state["has_best"]
                      else None)
        sd = opt.state_dict()
        state: dict[int, dict[str, Any]] = {}
        for name, value in s.arrays.items():
            if name.startswith("optimizer/"):
                _, i, key = name.split("/")
                state.setdefault(int(i), {})[key] = (value.reshape(()) if key == "step"
                                                     else value)
        sd["state"] = state
        opt.load_state_dict(sd)
        torch_rng_from_array(s.arrays["torch_rng"], torch_gen)
        best_val = s.state["best_val"]
        best_val = math.inf if best_val is None else float(best_val)
        return (best_val, best_state, int(s.state["bad_epochs"]), int(s.state["epoch"]),
                History.from_dict(s.state["history"]), bool(s.state["finished"]))
    except (KeyError, RuntimeError, ValueError) as exc:
        raise StoreConflict(f"checkpoint {path} is corrupt ({exc}); remove it to train "
                            "again (overwrite=True in the pipelines)", "checkpoint") from None


#: The eight elements of D4 as (quarter turns, reflect): element ``g`` is ``(g % 4, g >= 4)``.
D4 = tuple((g % 4, g >= 4) for g in range(8))


def lattice_image(x: np.ndarray, shift: tuple[int, int] = (0, 0), element: int = 0
                  ) -> np.ndarray:
    """The image of inputs ``x`` ``(..., h, w)`` under a lattice translation and a D4 element.

    ``np.roll(x, shift)`` over the last two axes, then ``element`` of :data:`D4`:
    ``element % 4`` counter-clockwise quarter turns (``np.rot90``), followed
    by a left-right reflection if ``element >= 4``. The NumPy reference of the
    training augmentation (:class:`PhaseClassifier` ``augment``/``point_group``).

    Parameters
    ----------
    x : ndarray, shape (..., L, L)
    shift : (int, int)
    element : int in 0..7

    Returns
    -------
    ndarray, shape (..., L, L)
    """
    element = check_int(element, "element", minimum=0)
    if element > 7:
        raise ValueError(f"element must be in 0..7 (D4 has eight elements); got {element}")
    quarter, reflect = D4[element]
    y = np.roll(x, (int(shift[0]), int(shift[1])), axis=(-2, -1))
    y = np.rot90(y, quarter, axes=(-2, -1))
    return np.flip(y, axis=-1) if reflect else y


def _augment(xb: Any, torch_gen: Any, translate: bool, point_group: bool) -> Any:
    """One random symmetry image of a batch (the same for every sample of the batch)."""
    torch = _torch()

    if translate:
        # A random periodic translation per batch: a symmetry of every periodic
        # lattice model; it keeps a fully connected net from fitting pixel noise.
        shift = torch.randint(0, xb.shape[-1], (2,), generator=torch_gen)
        xb = torch.roll(xb, shifts=(int(shift[0]), int(shift[1])), dims=(-2, -1))
    if point_group:
        quarter, reflect = D4[int(torch.randint(0, 8, (1,), generator=torch_gen))]
        xb = torch.rot90(xb, quarter, dims=(-2, -1))
        if reflect:
            xb = torch.flip(xb, dims=(-1,))
    return xb


def _evaluate(module: Any, x: Any, y: Any, w: Any = None) -> tuple[float, float]:
    """Mean (``w``-weighted) cross-entropy and (unweighted) accuracy."""
    torch = _torch()

    module.eval()
    with torch.no_grad():
        losses, correct = 0.0, 0
        for b in range(0, len(y), 512):
            logits = module(x[b:b + 512])
            if w is None:
                losses += float(torch.nn.functional.cross_entropy(logits, y[b:b + 512],
                                                                  reduction="sum"))
            else:
                ce = torch.nn.functional.cross_entropy(logits, y[b:b + 512], reduction="none")
                losses += float((ce * w[b:b + 512]).sum())
            correct += int((logits.argmax(1) == y[b:b + 512]).sum())
    norm = len(y) if w is None else float(w.sum())
    return losses / norm, correct / len(y)


def train_classifier(spins: Any, temperatures: Any, net: str, fm_window: Sequence[float],
                     pm_window: Sequence[float], *, model: ModelSpec | str = "ising",
                     representation: str = "spins", train_fraction: float = 0.75,
                     n_train: int | None = None, validation_fraction: float = 0.2,
                     epochs: int = 25, patience: int = 4, batch_size: int = 64,
                     learning_rate: float = 1e-3, weight_decay: float = 0.0,
                     augment: bool = True, point_group: bool = False,
                     temperature_prior: str = "grid", rng: SeedLike = 0,
                     checkpoint: str | os.PathLike | None = None,
                     progress: ProgressCallback | None = None) -> PhaseClassifier:
    """Train ``net`` to label snapshots FM (0) / PM (1) by their temperature window.

    Parameters
    ----------
    spins : array_like of ±1, shape (n_T, n_samples, L, L)
        Snapshots at each temperature (e.g. ``PhaseData.spins``).
    temperatures : array_like, shape (n_T,)
    net : {"fcnn", "cnn", "resnet"}
    fm_window, pm_window : (float, float)
        Temperature windows of the two labels (inclusive); each must contain
        grid temperatures and ``fm_window`` must lie below ``pm_window``.
    model : ModelSpec or str
        The model of the snapshots (needed for ``representation="energy"``).
    representation : {"spins", "energy", "blocks"}
        Network input (:func:`prepare_inputs`).
    train_fraction : float
        Fraction of the snapshots at window temperatures used for training and
        validation; the rest is held out for evaluation.
    n_train : int, optional
        The same as a count per temperature (overrides ``train_fraction``).
    validation_fraction, epochs, patience, batch_size, learning_rate, weight_decay, augment
        See :class:`PhaseClassifier`.
    point_group : bool
        Augment by the point group D4 of the square lattice (see
        :class:`PhaseClassifier`); only for ``"spins"``/``"blocks"`` inputs of
        the isotropic Ising model (``J_h = J_v``, ``J_d = 0``), whose symmetry it is.
    temperature_prior : {"grid", "uniform"}
        ``"grid"`` (default): every training snapshot weighs the same, so each
        grid temperature is equally likely a priori. ``"uniform"``: snapshots
        are weighted by :func:`temperature_weights`, a uniform prior in ``T``
        over the windows, which removes the dependence of the learnt boundary
        on the grid's density (the per-size protocol's default).
    rng : SeedLike
        Initial weights, split and shuffling.
    checkpoint : path-like, optional
        Per-epoch resume checkpoint (see :meth:`PhaseClassifier.fit`).
    progress : callable, optional
        ``progress("epochs", epoch, epochs)`` after every epoch.

    Returns
    -------
    PhaseClassifier
        ``info_`` also holds the windows, ``L``, ``train_index``,
        ``train_temperatures`` and ``n_train_per_T`` (the held-out bookkeeping
        of :func:`held_out_mask`).
    """
    if isinstance(spins, PhaseData):
        raise TypeError("train_classifier takes arrays: pass data.spins, data.temperatures "
                        "and model=data.model")
    if not isinstance(net, str) or net not in NETS:
        raise ValueError(f"net must be one of {list(NETS)}; got {net!r}")
    representation = check_option(representation, "representation", REPRESENTATIONS)
    model = model if isinstance(model, ModelSpec) else ModelSpec(model)
    s = np.asarray(spins)
    if s.ndim != 4 or s.shape[-1] != s.shape[-2]:
        raise ValueError(f"spins must have shape (n_T, n_samples, L, L); got {s.shape}")
    T = check_array(temperatures, "temperatures", ndim=1, dtype=np.float64)
    if len(T) != s.shape[0]:
        raise ValueError(f"temperatures must have one entry per row of spins ({s.shape[0]}); "
                         f"got {len(T)}")
    train_fraction = check_fraction(train_fraction, "train_fraction")
    temperature_prior = check_option(temperature_prior, "temperature_prior",
                                     TEMPERATURE_PRIORS)
    clf = PhaseClassifier(net, representation, epochs=epochs, patience=patience,
                          batch_size=batch_size, learning_rate=learning_rate,
                          weight_decay=weight_decay, augment=augment,
                          validation_fraction=validation_fraction, point_group=point_group)
    clf._checked_params()
    if point_group and not (representation in ("spins", "blocks") and model.name == "ising"
                            and model.J_h == model.J_v and model.J_d == 0.0):
        raise ValueError("point_group=True needs spin or block inputs of the isotropic square "
                         f"Ising model (D4 is its symmetry); got representation="
                         f"{representation!r} for {model.label}")
    fm_idx, pm_idx = check_windows(T, fm_window, pm_window)
    n_samples, L = s.shape[1], s.shape[-1]
    n_train = (int(train_fraction * n_samples) if n_train is None
               else check_int(n_train, "n_train", minimum=0))
    if n_train > n_samples:
        raise ValueError(f"n_train must be <= n_samples = {n_samples}; got {n_train}")
    if n_train < 2:
        raise ValueError(f"train_fraction * n_samples = {n_train} snapshots per temperature is "
                         "too few to train on")
    train_index = np.concatenate([fm_idx, pm_idx])
    labels = np.concatenate([np.zeros(len(fm_idx) * n_train, np.int64),
                             np.ones(len(pm_idx) * n_train, np.int64)])
    x = prepare_inputs(s[train_index, :n_train].reshape(-1, L, L), model, representation)
    weights = (None if temperature_prior == "grid"
               else np.repeat(temperature_weights(T, train_index), n_train))
    clf.fit(x, labels, sample_weight=weights, rng=rng, checkpoint=checkpoint,
            progress=progress)
    clf.info_.update({
        "net": net, "representation": representation, "L": int(L),
        "fm_window": [float(v) for v in fm_window], "pm_window": [float(v) for v in pm_window],
        "train_fraction": train_fraction, "model": model.to_dict(), "n_samples": int(n_samples),
        "train_temperatures": T[train_index].tolist(), "train_index": train_index.tolist(),
        "n_train_per_T": n_train, "temperature_prior": temperature_prior})
    return clf
