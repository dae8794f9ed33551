"""Supervised training of phase classifiers with early stopping and checkpoints.

Snapshots at temperatures inside the ferromagnetic window are labelled 0,
those inside the paramagnetic window 1 (Carrasquilla & Melko, Nat. Phys. 13,
431 (2017)). At those temperatures the first ``train_fraction`` of the
snapshots is used for training (split again into training and validation
sets); the rest is held out, so that the network output is later evaluated
only on snapshots it has not seen. Training stops when the validation loss has
not improved for ``patience`` epochs and the best weights are kept. A
checkpoint is written atomically after every epoch; an interrupted training
resumes from it.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._io import atomic_path
from spinnet._rng import SeedLike, as_generator, kernel_seed
from spinnet._validation import check_fraction, check_int, check_option, check_positive_float
from spinnet.phases.data import ModelSpec, PhaseData, energy_configurations
from spinnet.phases.networks import NETS, build_net

__all__ = ["N_BLOCKS", "REPRESENTATIONS", "TrainedClassifier", "block_spins", "check_windows",
           "held_out_mask",
           "load_classifier", "predict_proba", "prepare_inputs", "save_classifier",
           "train_classifier"]

REPRESENTATIONS = ("spins", "energy", "blocks")

#: Side of the block-spin lattice of the ``"blocks"`` representation (blocks of
#: ``b = L/4`` sites: ``b >= 4`` for every default size).
N_BLOCKS = 4

# ``data.spins`` already holds network inputs ``(n_T, n, C, h, w)`` (pipeline.train_pooled).
_PREPARED = "prepared"


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


@dataclasses.dataclass
class TrainedClassifier:
    """A trained network with what is needed to apply it and to audit its training.

    Attributes
    ----------
    module : torch.nn.Module
        In evaluation mode.
    net : str
    representation : {"spins", "energy"}
    L : int
    in_channels : int
    info : dict
        Windows, training temperatures, ``n_train_per_T``, epochs run, best
        validation loss and accuracy, history, training model.
    """

    module: Any
    net: str
    representation: str
    L: int
    in_channels: int
    info: dict[str, Any]

    def predict_proba(self, spins: np.ndarray, model: ModelSpec, batch_size: int = 512,
                      ) -> np.ndarray:
        """``P(paramagnetic | configuration)`` for spins ``(..., L, L)`` of ``model``."""
        x = prepare_inputs(spins, model, self.representation)
        if x.shape[-3] != self.in_channels:
            raise ValueError(f"the network was trained on {self.in_channels}-channel "
                             f"{self.representation} inputs; {model.label} gives "
                             f"{x.shape[-3]} channels")
        side = self.info.get("input_side", self.L)
        if self.net == "fcnn" and x.shape[-1] != side:
            raise ValueError(f"the fully connected network was trained at L = {self.L}; "
                             f"got L = {spins.shape[-1]}")
        return predict_proba(self.module, x, batch_size)


def predict_proba(module: Any, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Softmax probability of class 1 (paramagnetic) for inputs ``x`` ``(..., C, L, L)``."""
    import torch

    lead = x.shape[:-3]
    flat = x.reshape(-1, *x.shape[-3:])
    out = np.empty(flat.shape[0], dtype=np.float64)
    module.eval()
    with torch.no_grad():
        for i in range(0, flat.shape[0], batch_size):
            logits = module(torch.from_numpy(np.ascontiguousarray(flat[i:i + batch_size])))
            out[i:i + batch_size] = torch.softmax(logits, dim=1)[:, 1].double().numpy()
    return out.reshape(lead)


def _save(path: Path, payload: dict[str, Any]) -> None:
    import torch

    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def train_classifier(data: PhaseData, net: str, fm_window: Sequence[float],
                     pm_window: Sequence[float], *, representation: str = "spins",
                     train_fraction: float = 0.75, validation_fraction: float = 0.2,
                     max_epochs: int = 25, patience: int = 4, batch_size: int = 64,
                     learning_rate: float = 1e-3, weight_decay: float = 0.0,
                     augment: bool = True, rng: SeedLike = 0,
                     checkpoint: str | os.PathLike | None = None,
                     progress: Callable[[int, float, float], None] | None = None
                     ) -> TrainedClassifier:
    """Train ``net`` to label snapshots FM (0) / PM (1) by their temperature window.

    Parameters
    ----------
    data : PhaseData
    net : {"fcnn", "cnn", "resnet"}
    fm_window, pm_window : (float, float)
        Temperature windows of the two labels (inclusive); each must contain
        grid temperatures and ``fm_window`` must lie below ``pm_window``.
    representation : {"spins", "energy"}
        Spins (1 channel) or local energy configurations
        (:func:`~spinnet.phases.data.energy_configurations`).
    train_fraction : float
        Fraction of the snapshots at window temperatures used for training and
        validation; the rest is held out for evaluation.
    validation_fraction : float
        Part of those used for validation (early stopping).
    max_epochs, patience, batch_size : int
    learning_rate, weight_decay : float
        Adam parameters.
    augment : bool
        Translate every training batch by a random lattice vector (periodic
        boundaries make translations a symmetry of the model).
    rng : SeedLike
        Initial weights, split and shuffling.
    checkpoint : path-like, optional
        Written atomically after every epoch; resumed from if it exists and
        matches the arguments (a finished checkpoint is loaded without training).
    progress : callable, optional
        ``progress(epoch, train_loss, val_loss)`` after every epoch.

    Returns
    -------
    TrainedClassifier
    """
    import torch

    if not isinstance(data, PhaseData):
        raise TypeError(f"data must be PhaseData; got {type(data).__name__}")
    if not isinstance(net, str) or net not in NETS:
        raise ValueError(f"net must be one of {list(NETS)}; got {net!r}")
    if representation != _PREPARED:
        representation = check_option(representation, "representation", REPRESENTATIONS)
    train_fraction = check_fraction(train_fraction, "train_fraction")
    validation_fraction = check_fraction(validation_fraction, "validation_fraction")
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must lie in (0, 1); got {validation_fraction}")
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    patience = check_int(patience, "patience", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    weight_decay = float(weight_decay)
    fm_idx, pm_idx = check_windows(data.temperatures, fm_window, pm_window)
    n_train = int(train_fraction * data.n_samples)
    if n_train < 2:
        raise ValueError(f"train_fraction * n_samples = {n_train} snapshots per temperature is "
                         "too few to train on")
    train_index = np.concatenate([fm_idx, pm_idx])
    labels = np.concatenate([np.zeros(len(fm_idx) * n_train, np.int64),
                             np.ones(len(pm_idx) * n_train, np.int64)])
    if representation == _PREPARED:  # network inputs already made (pooled sizes)
        x = np.ascontiguousarray(data.spins[train_index, :n_train], dtype=np.float32)
        x = x.reshape(-1, *x.shape[2:])
    else:
        x = prepare_inputs(data.spins[train_index, :n_train].reshape(-1, data.L, data.L),
                           data.model, representation)
    gen = as_generator(rng)
    perm = gen.permutation(len(labels))
    n_val = max(1, round(validation_fraction * len(labels)))
    val_i, tr_i = perm[:n_val], perm[n_val:]
    if len(tr_i) == 0:
        raise ValueError("no training snapshots are left after the validation split")
    torch_gen = torch.Generator().manual_seed(kernel_seed(gen))
    init_seed = kernel_seed(gen)
    in_channels = x.shape[1]
    signature = {"net": net, "representation": representation, "L": data.L,
                 "in_channels": in_channels, "fm_window": [float(v) for v in fm_window],
                 "pm_window": [float(v) for v in pm_window], "train_fraction": train_fraction,
                 "validation_fraction": validation_fraction, "batch_size": batch_size,
                 "learning_rate": learning_rate, "weight_decay": weight_decay,
                 "augment": bool(augment),
                 "model": data.model.to_dict(), "n_samples": data.n_samples,
                 "data_seed": data.attrs.get("seed"), "init_seed": init_seed}
    # fork_rng restores the global torch generator afterwards: no global seeding leaks.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(init_seed)
        module = build_net(net, in_channels, x.shape[-1])
    opt = torch.optim.Adam(module.parameters(), lr=learning_rate, weight_decay=weight_decay)
    history: list[dict[str, float]] = []
    best_val, best_state, bad, epoch0 = math.inf, None, 0, 0
    ckpt = Path(checkpoint) if checkpoint is not None else None
    if ckpt is not None and ckpt.exists():
        payload = torch.load(ckpt, weights_only=False)
        if payload.get("signature") != signature:
            raise ValueError(f"checkpoint {ckpt} was written for different arguments; remove "
                             "it or use another checkpoint path")
        module.load_state_dict(payload["state"])
        opt.load_state_dict(payload["optimizer"])
        torch_gen.set_state(payload["torch_rng"])
        best_val, best_state = payload["best_val"], payload["best_state"]
        bad, epoch0, history = payload["bad_epochs"], payload["epoch"], payload["history"]
        if payload["finished"]:
            epoch0 = max_epochs
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(labels)
    loss_fn = torch.nn.CrossEntropyLoss()
    tr_t, val_t = torch.from_numpy(tr_i), torch.from_numpy(val_i)
    finished = False
    for epoch in range(epoch0, max_epochs):
        module.train()
        order = tr_t[torch.randperm(len(tr_t), generator=torch_gen)]
        total = 0.0
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            xb = xt[idx]
            if augment:
                # A random periodic translation per batch: a symmetry of every periodic
                # lattice model; it keeps a fully connected net from fitting pixel noise.
                shift = torch.randint(0, data.L, (2,), generator=torch_gen)
                xb = torch.roll(xb, shifts=(int(shift[0]), int(shift[1])), dims=(-2, -1))
            opt.zero_grad()
            loss = loss_fn(module(xb), yt[idx])
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        train_loss = total / len(order)
        val_loss, val_acc = _evaluate(module, xt[val_t], yt[val_t])
        history.append({"epoch": epoch + 1, "train_loss": train_loss, "val_loss": val_loss,
                        "val_accuracy": val_acc})
        if val_loss < best_val - 1e-6:
            best_val, bad = val_loss, 0
            best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
        else:
            bad += 1
        finished = bad >= patience or epoch + 1 == max_epochs
        if ckpt is not None:
            _save(ckpt, {"signature": signature, "state": module.state_dict(),
                         "optimizer": opt.state_dict(), "torch_rng": torch_gen.get_state(),
                         "best_val": best_val, "best_state": best_state, "bad_epochs": bad,
                         "epoch": epoch + 1, "history": history, "finished": finished})
        if progress is not None:
            progress(epoch + 1, train_loss, val_loss)
        if finished:
            break
    if best_state is not None:
        module.load_state_dict(best_state)
    module.eval()
    val_loss, val_acc = _evaluate(module, xt[val_t], yt[val_t])
    info = {**signature, "input_side": int(x.shape[-1]),
            "train_temperatures": data.temperatures[train_index].tolist(),
            "train_index": train_index.tolist(), "n_train_per_T": n_train,
            "n_train": len(tr_i), "n_validation": int(n_val),
            "epochs": len(history), "best_val_loss": val_loss, "val_accuracy": val_acc,
            "history": history}
    return TrainedClassifier(module=module, net=net, representation=representation,
                             L=data.L, in_channels=in_channels, info=info)


def _evaluate(module: Any, x: Any, y: Any) -> tuple[float, float]:
    import torch

    module.eval()
    with torch.no_grad():
        losses, correct = 0.0, 0
        for b in range(0, len(y), 512):
            logits = module(x[b:b + 512])
            losses += float(torch.nn.functional.cross_entropy(logits, y[b:b + 512],
                                                              reduction="sum"))
            correct += int((logits.argmax(1) == y[b:b + 512]).sum())
    return losses / len(y), correct / len(y)


def save_classifier(clf: TrainedClassifier, path: str | os.PathLike) -> Path:
    """Write the trained weights and metadata atomically (``torch.save``)."""
    _save(Path(path), {"net": clf.net, "representation": clf.representation, "L": clf.L,
                       "in_channels": clf.in_channels, "info": clf.info,
                       "state": clf.module.state_dict()})
    return Path(path)


def load_classifier(path: str | os.PathLike) -> TrainedClassifier:
    """Load a classifier written by :func:`save_classifier`."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such classifier file")
    try:
        p = torch.load(path, weights_only=False)
        module = build_net(p["net"], p["in_channels"], p["info"].get("input_side", p["L"]))
        module.load_state_dict(p["state"])
    except (RuntimeError, KeyError, EOFError, OSError) as exc:
        raise ValueError(f"{path}: not a readable classifier file ({exc})") from exc
    module.eval()
    return TrainedClassifier(module=module, net=p["net"], representation=p["representation"],
                             L=p["L"], in_channels=p["in_channels"], info=p["info"])
