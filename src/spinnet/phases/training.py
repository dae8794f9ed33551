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

__all__ = ["KIND", "N_BLOCKS", "REPRESENTATIONS", "PhaseClassifier", "block_spins",
           "check_windows", "held_out_mask", "predict_proba", "prepare_inputs",
           "train_classifier"]

REPRESENTATIONS = ("spins", "energy", "blocks")

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

    Raises
    ------
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
    Hamiltonian). ``"blocks"``: the same for the ``N_BLOCKS × N_BLOCKS``
    majority-rule block spins (:func:`block_spins`), whatever ``L``.
    ``"energy"``: :func:`~spinnet.phases.data.energy_configurations`.
    """
    representation = check_option(representation, "representation", REPRESENTATIONS)
    if representation == "blocks":
        spins = block_spins(spins, N_BLOCKS)
        representation = "spins"
    if representation == "spins":
        # Fix the Z2 gauge: s -> sign(M) s (sign(0) = +1). The Hamiltonian is invariant,
        # and the two classes then differ already in the mean input (m ~ 1 against m ~ 0)
        # instead of only in its second moment, which a fully connected net with
        # symmetric data otherwise learns very slowly and overfits.
        sign = np.where(spins.sum(axis=(-1, -2), dtype=np.int64) < 0, -1, 1).astype(np.int8)
        return (spins * sign[..., None, None])[..., None, :, :].astype(np.float32)
    return energy_configurations(spins, model).astype(np.float32)


def block_spins(spins: np.ndarray, n_blocks: int) -> np.ndarray:
    """Majority-rule block spins (Kadanoff 1966): ``(..., L, L)`` -> ``(..., n, n)``.

    Each of the ``n × n`` blocks of ``b = L/n`` sites becomes the sign of its
    spin sum; a tie (even ``b²``) takes the block's corner spin, so the map
    commutes with the global spin flip. Near ``T_c`` the distribution of the
    block configuration depends on ``L`` only through ``(T − T_c) L^{1/ν}``
    (up to corrections that vanish as ``b`` grows): a fixed classifier on it
    has no length scale of its own.
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


def held_out_mask(n_T: int, n_samples: int, train_index: np.ndarray, n_train: int) -> np.ndarray:
    """Boolean ``(n_T, n_samples)``: snapshots not used for training or validation."""
    mask = np.ones((n_T, n_samples), dtype=bool)
    mask[train_index, :n_train] = False
    return mask



def predict_proba(module: Any, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Softmax probability of class 1 (paramagnetic) for inputs ``x`` ``(..., C, L, L)``."""
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
                 validation_fraction: float = 0.2) -> None:
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

    # ----------------------------------------------------------------- parameters
    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters given to ``__init__``."""
        return {"net": self.net, "representation": self.representation,
                "hidden": self.hidden, "width": self.width, "epochs": self.epochs,
                "patience": self.patience, "batch_size": self.batch_size,
                "learning_rate": self.learning_rate, "weight_decay": self.weight_decay,
                "augment": self.augment, "validation_fraction": self.validation_fraction}

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
    def fit(self, X: Any, y: Any, *, rng: SeedLike = None,
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
                xb = xt[idx]
                if p["augment"]:
                    # A random periodic translation per batch: a symmetry of every periodic
                    # lattice model; it keeps a fully connected net from fitting pixel noise.
                    shift = torch.randint(0, side, (2,), generator=torch_gen)
                    xb = torch.roll(xb, shifts=(int(shift[0]), int(shift[1])), dims=(-2, -1))
                opt.zero_grad()
                loss = loss_fn(module(xb), yt[idx])
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(idx)
            train_loss = total / len(order)
            val_loss, val_acc = _evaluate(module, xt[val_t], yt[val_t])
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
        val_loss, val_acc = _evaluate(module, xt[val_t], yt[val_t])
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


def _evaluate(module: Any, x: Any, y: Any) -> tuple[float, float]:
    torch = _torch()

    module.eval()
    with torch.no_grad():
        losses, correct = 0.0, 0
        for b in range(0, len(y), 512):
            logits = module(x[b:b + 512])
            losses += float(torch.nn.functional.cross_entropy(logits, y[b:b + 512],
                                                              reduction="sum"))
            correct += int((logits.argmax(1) == y[b:b + 512]).sum())
    return losses / len(y), correct / len(y)


def train_classifier(spins: Any, temperatures: Any, net: str, fm_window: Sequence[float],
                     pm_window: Sequence[float], *, model: ModelSpec | str = "ising",
                     representation: str = "spins", train_fraction: float = 0.75,
                     n_train: int | None = None, validation_fraction: float = 0.2,
                     epochs: int = 25, patience: int = 4, batch_size: int = 64,
                     learning_rate: float = 1e-3, weight_decay: float = 0.0,
                     augment: bool = True, rng: SeedLike = 0,
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
    clf = PhaseClassifier(net, representation, epochs=epochs, patience=patience,
                          batch_size=batch_size, learning_rate=learning_rate,
                          weight_decay=weight_decay, augment=augment,
                          validation_fraction=validation_fraction)
    clf._checked_params()
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
    clf.fit(x, labels, rng=rng, checkpoint=checkpoint, progress=progress)
    clf.info_.update({
        "net": net, "representation": representation, "L": int(L),
        "fm_window": [float(v) for v in fm_window], "pm_window": [float(v) for v in pm_window],
        "train_fraction": train_fraction, "model": model.to_dict(), "n_samples": int(n_samples),
        "train_temperatures": T[train_index].tolist(), "train_index": train_index.tolist(),
        "n_train_per_T": n_train})
    return clf
