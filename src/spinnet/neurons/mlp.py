"""A multilayer perceptron in NumPy, with backpropagation written out by the chain rule.

Forward pass (layers ``l = 1..L``, ``a⁰ = x``, row vectors, a minibatch of ``B``)::

    z^l = a^{l−1} W^l + b^l,      a^l = f(z^l)   (l < L),     logits = z^L,
    loss = −(1/B) Σ_n log softmax(z^L_n)[y_n]   (cross-entropy, + λ/2 Σ_l ‖W^l‖²).

Backward pass (Rumelhart, Hinton & Williams 1986): with ``δ^l = ∂loss/∂z^l``,

    δ^L = (softmax(z^L) − onehot(y)) / B,
    ∂loss/∂W^l = (a^{l−1})ᵀ δ^l + λ W^l,      ∂loss/∂b^l = Σ_n δ^l_n,
    δ^{l−1} = (δ^l (W^l)ᵀ) ⊙ f′(z^{l−1}).

Softmax and its logarithm use the log-sum-exp shift, so large logits never
overflow. Training is minibatch SGD with (heavy-ball) momentum. The gradients
agree with torch autograd to round-off (tests check 1e-8 in float64).

:class:`MLP` follows spinnet's estimator contract: ``fit(x, labels, ...,
rng=None)`` returns the network itself, the per-epoch record is ``history_``
(a :class:`spinnet._history.History`), ``score`` is the accuracy, and
``save(path)`` / ``MLP.load(path)`` round-trip the weights bit for bit in the
library's one format (:mod:`spinnet._persist`).

Given a ``checkpoint_dir``, :meth:`MLP.fit` writes the full training state
(weights, momenta, generator state, history) atomically after every epoch, in
the same format, to ``checkpoint_dir/mlp_checkpoint/``, and resumes from it
when called again, reproducing the uninterrupted run bit for bit: the
minibatch generator's exact state is restored, so the remaining epochs draw
the same permutations as they would have without the interruption.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import numbers
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._history import History
from spinnet._persist import load_state, rng_from_state, rng_to_state, save_state
from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import (
    check_array,
    check_int,
    check_nonneg_float,
    check_option,
    check_positive_float,
)

__all__ = [
    "ACTIVATIONS",
    "CHECKPOINT_KIND",
    "CHECKPOINT_NAME",
    "MLP",
    "MODEL_KIND",
    "CheckpointMismatchError",
    "cross_entropy",
    "load_checkpoint",
    "log_softmax",
    "softmax",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid")
#: Name of :meth:`MLP.fit`'s checkpoint directory inside ``checkpoint_dir``.
CHECKPOINT_NAME = "mlp_checkpoint"
#: ``kind`` of a saved network and of a training checkpoint (:mod:`spinnet._persist`).
MODEL_KIND = "spinnet.neurons.MLP"
CHECKPOINT_KIND = "spinnet.neurons.MLP.checkpoint"


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise ``log softmax`` with the max shift (no overflow at large logits).

    Parameters
    ----------
    z : ndarray of float, shape (..., K)
        Logits.

    Returns
    -------
    ndarray of float, shape (..., K)
    """
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax ``exp(z_k) / Σ_j exp(z_j)``, computed stably.

    Parameters
    ----------
    z : ndarray of float, shape (..., K)
        Logits.

    Returns
    -------
    ndarray of float, shape (..., K)
        Probabilities summing to 1 along the last axis.
    """
    return np.exp(log_softmax(z))


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Mean cross-entropy ``−(1/B) Σ_n log softmax(z_n)[y_n]`` (natural log).

    Parameters
    ----------
    logits : ndarray of float, shape (B, K)
        Logits ``z``.
    labels : ndarray of int, shape (B,)
        Class indices ``y``.

    Returns
    -------
    float
        In nats.
    """
    lp = log_softmax(logits)
    return float(-lp[np.arange(labels.shape[0]), labels].mean())


def _act(name: str, z: np.ndarray) -> np.ndarray:
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "tanh":
        return np.tanh(z)
    # sigmoid via tanh: no overflow warning for large |z|
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _act_grad(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """f′(z) given ``z`` and ``a = f(z)``."""
    if name == "relu":
        return (z > 0).astype(z.dtype)
    if name == "tanh":
        return 1.0 - a * a
    return a * (1.0 - a)


def _check_labels(labels: Any, n: int, n_classes: int, name: str = "labels") -> np.ndarray:
    lab = check_array(labels, name, ndim=1)
    if not np.issubdtype(lab.dtype, np.integer):
        raise TypeError(f"{name} must be integer class indices; got dtype {lab.dtype}")
    if lab.shape[0] != n:
        raise ValueError(f"{name} must have one entry per sample ({n}); got {lab.shape[0]}")
    if lab.min() < 0 or lab.max() >= n_classes:
        raise ValueError(f"{name} must lie in 0..{n_classes - 1}; got range "
                         f"{int(lab.min())}..{int(lab.max())}")
    return lab.astype(np.int64)


# ------------------------------------------------------------- checkpoint helpers
# (shared with :mod:`spinnet.neurons.forward_forward`)
def _data_digest(*arrays: np.ndarray | None) -> str:
    """SHA-256 of the arrays' dtypes, shapes and bytes (``None`` for an absent array)."""
    h = hashlib.sha256()
    for a in arrays:
        if a is None:
            h.update(b"<none>")
            continue
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _seed_of(rng: SeedLike) -> int | None:
    """The integer seed of ``rng``, or ``None`` (a Generator, SeedSequence or fresh entropy)."""
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return int(rng)
    return None


class CheckpointMismatchError(ValueError):
    """A resume checkpoint was written by a run that this one cannot continue.

    Parameters
    ----------
    message : str
        Error message.
    fields : sequence of str
        What differs (stored as :attr:`fields`).

    Attributes
    ----------
    fields : list of str
        What differs: setting names, ``"seed"``, ``"data"`` or ``"epochs"``.
    """

    def __init__(self, message: str, fields: Sequence[str]) -> None:
        super().__init__(message)
        self.fields = list(fields)


def _check_resume(path: Path, state: Mapping[str, Any], settings: Mapping[str, Any],
                  seed: int | None, digest: str, epochs: int) -> None:
    """Raise :class:`CheckpointMismatchError` if ``state`` cannot continue this run."""
    old, new = dict(state["settings"]), dict(settings)
    diff = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    if diff:
        detail = "; ".join(f"{k}: checkpoint {old.get(k)!r}, now {new.get(k)!r}" for k in diff)
        raise CheckpointMismatchError(
            f"settings differ from those of the checkpoint {str(path)!r} in {diff} "
            f"({detail}); use another checkpoint directory to start afresh", diff)
    saved_seed = state.get("seed")
    if seed is not None and saved_seed is not None and int(saved_seed) != seed:
        raise CheckpointMismatchError(
            f"rng seed {seed} differs from the seed {int(saved_seed)} of the checkpoint "
            f"{str(path)!r}; use another checkpoint directory to start afresh", ["seed"])
    if state["data_sha256"] != digest:
        raise CheckpointMismatchError(
            f"data differ from those of the checkpoint {str(path)!r} (training and test sets "
            "are compared by SHA-256); use another checkpoint directory to start afresh",
            ["data"])
    done = int(state["epoch"])
    if done > epochs:
        raise CheckpointMismatchError(
            f"checkpoint {str(path)!r} already holds {done} epochs, more than "
            f"epochs={epochs}; ask for epochs >= {done} or use another checkpoint directory",
            ["epochs"])


def _resolve_checkpoint(path: str | os.PathLike, name: str) -> Path:
    """``path`` itself, or ``path/name`` when ``path`` is the directory holding it."""
    path = Path(path)
    if (path / name).exists():
        return path / name
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {str(path)!r}")
    return path


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """Read a checkpoint written by :meth:`MLP.fit`.

    Parameters
    ----------
    path : path-like
        The checkpoint directory or the directory holding ``mlp_checkpoint/``.

    Returns
    -------
    dict
        ``settings, seed, data_sha256, epoch, history`` (a :class:`History`),
        ``rng_state`` (see :func:`spinnet._persist.rng_to_state`) and
        ``weights, biases, velocity_weights, velocity_biases`` (lists of
        arrays, one per layer).

    Raises
    ------
    FileNotFoundError
        If there is no checkpoint at ``path``.
    ValueError
        If the checkpoint is truncated, corrupt or not an MLP checkpoint; the
        message names it.
    """
    path = _resolve_checkpoint(path, CHECKPOINT_NAME)
    saved = load_state(path, kind=CHECKPOINT_KIND)
    state = saved.state
    required = {"settings", "seed", "data_sha256", "epoch", "history", "rng_state"}
    if not required <= set(state):
        raise ValueError(f"checkpoint {str(path)!r} is not an MLP training checkpoint "
                         f"(missing {sorted(required - set(state))})")
    out = dict(state)
    try:
        n_layers = len(state["settings"]["layer_sizes"]) - 1
        out["history"] = History.from_dict(state["history"])
        for key in ("weights", "biases", "velocity_weights", "velocity_biases"):
            out[key] = [np.asarray(saved.arrays[f"{key}/{l}"]) for l in range(n_layers)]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"checkpoint {str(path)!r} is not an MLP training checkpoint "
                         f"(missing {exc})") from None
    return out


class MLP:
    """Fully connected network trained by backpropagation, in plain NumPy.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_in, n_hidden_1, ..., n_classes)``, at least two entries.
    activation : {"relu", "tanh", "sigmoid"}
        Hidden-layer nonlinearity ``f``; the output layer is linear (logits).
    rng : SeedLike
        Initial weights: He normal ``N(0, 2/n_in)`` for ReLU, Glorot normal
        ``N(0, 2/(n_in + n_out))`` otherwise; biases zero.
    dtype : {numpy.float64, numpy.float32}
        Floating type of parameters and computations.

    Attributes
    ----------
    weights : list of ndarray, shapes (n_{l−1}, n_l)
    biases : list of ndarray, shapes (n_l,)
    history_ : History
        Per-epoch ``epoch, train_loss, train_accuracy, test_accuracy, seconds``
        of the last :meth:`fit` (``None`` before the first).

    Examples
    --------
    >>> import numpy as np
    >>> net = MLP([2, 8, 2], rng=0)
    >>> x = np.array([[0., 0.], [0., 1.], [1., 0.], [1., 1.]]); y = np.array([0, 1, 1, 0])
    >>> net.fit(x, y, epochs=500, learning_rate=0.5, batch_size=4, rng=1).predict(x).tolist()
    [0, 1, 1, 0]
    """

    def __init__(self, layer_sizes: Sequence[int], *, activation: str = "relu",
                 rng: SeedLike = None, dtype: Any = np.float64) -> None:
        if isinstance(layer_sizes, str | bytes) or not isinstance(layer_sizes, Sequence):
            raise TypeError(f"layer_sizes must be a sequence of integers; got "
                            f"{type(layer_sizes).__name__}")
        sizes = [check_int(s, "layer_sizes", minimum=1) for s in layer_sizes]
        if len(sizes) < 2:
            raise ValueError(f"layer_sizes must have at least 2 entries (inputs, classes); "
                             f"got {sizes}")
        if sizes[-1] < 2:
            raise ValueError(f"layer_sizes must end with >= 2 classes; got {sizes[-1]}")
        self.activation = check_option(activation, "activation", ACTIVATIONS)
        dt = np.dtype(dtype)
        if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"dtype must be float64 or float32; got {dt}")
        gen = as_generator(rng)
        self.layer_sizes = tuple(sizes)
        self.dtype = dt
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        for n_in, n_out in itertools.pairwise(sizes):
            var = 2.0 / n_in if self.activation == "relu" else 2.0 / (n_in + n_out)
            self.weights.append((gen.standard_normal((n_in, n_out)) * math.sqrt(var))
                                .astype(dt))
            self.biases.append(np.zeros(n_out, dtype=dt))
        self.history_: History | None = None

    # ----------------------------------------------------------------- forward
    @property
    def n_classes(self) -> int:
        """Number of output classes."""
        return self.layer_sizes[-1]

    def _check_x(self, x: Any, name: str = "x") -> np.ndarray:
        arr = check_array(x, name, ndim=2)
        if arr.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"{name} must have {self.layer_sizes[0]} features per row; "
                             f"got shape {arr.shape}")
        return arr.astype(self.dtype, copy=False)

    def _forward(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations ``z^l`` and activations ``a^l`` (``a⁰ = x``, ``a^L = z^L``)."""
        zs, acts = [], [x]
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = acts[-1] @ w + b
            zs.append(z)
            acts.append(z if l == last else _act(self.activation, z))
        return zs, acts

    def forward(self, x: Any) -> np.ndarray:
        """Logits ``z^L``, shape (B, n_classes), for inputs ``x`` (B, n_in)."""
        return self._forward(self._check_x(x))[1][-1]

    def predict_proba(self, x: Any) -> np.ndarray:
        """Class probabilities ``softmax(z^L)``, shape (B, n_classes)."""
        return softmax(self.forward(x))

    def predict(self, x: Any) -> np.ndarray:
        """Most probable class, shape (B,)."""
        return np.argmax(self.forward(x), axis=1)

    def score(self, x: Any, labels: Any) -> float:
        """Classification accuracy on ``(x, labels)``."""
        xs = self._check_x(x)
        lab = _check_labels(labels, xs.shape[0], self.n_classes)
        return float(np.mean(self.predict(xs) == lab))

    # ---------------------------------------------------------------- backward
    def loss_and_gradients(self, x: Any, labels: Any, *, weight_decay: float = 0.0
                           ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """Cross-entropy loss and its exact gradients by the chain rule.

        Parameters
        ----------
        x : array_like, shape (B, n_in)
        labels : array_like of int, shape (B,)
        weight_decay : float
            ``λ`` of the penalty ``λ/2 Σ_l ‖W^l‖²`` (biases are not penalised).

        Returns
        -------
        loss : float
        grad_weights : list of ndarray, shapes like :attr:`weights`
        grad_biases : list of ndarray, shapes like :attr:`biases`
        """
        xs = self._check_x(x)
        lab = _check_labels(labels, xs.shape[0], self.n_classes)
        lam = check_nonneg_float(weight_decay, "weight_decay")
        return self._loss_and_gradients(xs, lab, lam)

    def _loss_and_gradients(self, x: np.ndarray, lab: np.ndarray, lam: float
                            ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        zs, acts = self._forward(x)
        batch = x.shape[0]
        lp = log_softmax(zs[-1])
        rows = np.arange(batch)
        loss = float(-lp[rows, lab].mean())
        if lam:
            loss += 0.5 * lam * sum(float(np.sum(w * w)) for w in self.weights)
        delta = np.exp(lp)
        delta[rows, lab] -= 1.0
        delta /= batch
        n_layers = len(self.weights)
        gw: list[np.ndarray] = [np.empty(0)] * n_layers
        gb: list[np.ndarray] = [np.empty(0)] * n_layers
        for l in range(n_layers - 1, -1, -1):
            gw[l] = acts[l].T @ delta + lam * self.weights[l]
            gb[l] = delta.sum(axis=0)
            if l > 0:
                delta = (delta @ self.weights[l].T) * _act_grad(self.activation, zs[l - 1],
                                                                acts[l])
        return loss, gw, gb

    # ---------------------------------------------------------------- training
    def fit(self, x: Any, labels: Any, *, epochs: int = 20, learning_rate: float = 0.05,
            batch_size: int = 32, momentum: float = 0.9, weight_decay: float = 0.0,
            x_test: Any = None, labels_test: Any = None, rng: SeedLike = None,
            callback: Callable[[int, History], None] | None = None,
            checkpoint_dir: str | os.PathLike | None = None,
            progress: ProgressCallback | None = None) -> MLP:
        """Minibatch SGD with momentum: ``v ← μ v − η ∇``, ``θ ← θ + v``.

        Parameters
        ----------
        x : array_like, shape (n, n_in)
        labels : array_like of int, shape (n,)
        epochs : int
            Passes over the data (reshuffled each epoch).
        learning_rate : float
            ``η > 0``.
        batch_size : int
        momentum : float
            ``μ ∈ [0, 1)``.
        weight_decay : float
            L2 penalty ``λ`` on weights.
        x_test, labels_test : array_like, optional
            Held-out set whose accuracy is recorded after each epoch (NaN otherwise).
        rng : SeedLike
            Minibatch order. On resume the checkpoint's generator state is used;
            an integer seed must then equal the checkpoint's.
        callback : callable, optional
            ``callback(epoch, history)`` after each epoch (after its checkpoint).
        checkpoint_dir : path-like, optional
            Directory for the checkpoint ``mlp_checkpoint/`` (see
            :data:`CHECKPOINT_NAME`; the format of :mod:`spinnet._persist`),
            written atomically after every epoch: weights, biases, momenta,
            the minibatch generator's state, the history, the epoch, the seed,
            the settings and a SHA-256 digest of the data. If it already holds
            a checkpoint, training resumes from it (the weights are replaced by
            the checkpoint's) and the result is bitwise identical to an
            uninterrupted run; a larger ``epochs`` continues a finished run.
        progress : ProgressCallback, optional
            ``progress("epochs", done, epochs)`` at the start and after each epoch.

        Returns
        -------
        MLP
            ``self``; :attr:`history_` holds all finished epochs, including
            those before a resume.

        Raises
        ------
        ValueError
            For bad arguments; a checkpoint written with other settings (named),
            another seed or other data, or holding more than ``epochs`` epochs;
            a truncated or corrupt checkpoint (named).
        """
        xs = self._check_x(x)
        lab = _check_labels(labels, xs.shape[0], self.n_classes)
        epochs = check_int(epochs, "epochs", minimum=1)
        eta = check_positive_float(learning_rate, "learning_rate")
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        mu = check_nonneg_float(momentum, "momentum")
        if mu >= 1:
            raise ValueError(f"momentum must be in [0, 1); got {mu}")
        lam = check_nonneg_float(weight_decay, "weight_decay")
        if (x_test is None) != (labels_test is None):
            raise ValueError("x_test and labels_test must be given together")
        if x_test is not None:
            xt = self._check_x(x_test, "x_test")
            lt = _check_labels(labels_test, xt.shape[0], self.n_classes, "labels_test")
        else:
            xt = lt = None
        settings = {"layer_sizes": list(self.layer_sizes), "activation": self.activation,
                    "dtype": self.dtype.name, "learning_rate": eta, "batch_size": batch_size,
                    "momentum": mu, "weight_decay": lam}
        seed = _seed_of(rng)
        ckpt = Path(checkpoint_dir) / CHECKPOINT_NAME if checkpoint_dir is not None else None
        digest = _data_digest(xs, lab, xt, lt) if ckpt is not None else ""
        done = 0
        if ckpt is not None and ckpt.exists():
            state = load_checkpoint(ckpt)
            _check_resume(ckpt, state, settings, seed, digest, epochs)
            try:
                gen = rng_from_state(state["rng_state"])
                shapes = [w.shape for w in self.weights] + [b.shape for b in self.biases]
                saved = state["weights"] + state["biases"]
                moms = state["velocity_weights"] + state["velocity_biases"]
                if ([a.shape for a in saved] != shapes or [a.shape for a in moms] != shapes
                        or any(a.dtype != self.dtype for a in saved + moms)):
                    raise ValueError("array shapes or dtypes do not match the settings")
                history = state["history"]
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise ValueError(f"checkpoint {str(ckpt)!r} is corrupt: {exc}") from None
            done = int(state["epoch"])
            self.weights = [w.copy() for w in state["weights"]]
            self.biases = [b.copy() for b in state["biases"]]
            vw = [v.copy() for v in state["velocity_weights"]]
            vb = [v.copy() for v in state["velocity_biases"]]
        else:
            gen = as_generator(rng)
            vw = [np.zeros_like(w) for w in self.weights]
            vb = [np.zeros_like(b) for b in self.biases]
            history = History()
        self.history_ = history
        n = xs.shape[0]
        report(progress, "epochs", done, epochs)
        for epoch in range(done + 1, epochs + 1):
            t0 = time.perf_counter()
            order = gen.permutation(n)
            total = 0.0
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                loss, gw, gb = self._loss_and_gradients(xs[idx], lab[idx], lam)
                total += loss * idx.size
                for l in range(len(self.weights)):
                    vw[l] = mu * vw[l] - eta * gw[l]
                    vb[l] = mu * vb[l] - eta * gb[l]
                    self.weights[l] += vw[l]
                    self.biases[l] += vb[l]
            if not math.isfinite(total):
                raise FloatingPointError(f"training diverged at epoch {epoch} (loss "
                                         f"{total}); lower learning_rate")
            history.append(
                epoch=epoch, train_loss=total / n,
                train_accuracy=float(np.mean(self.predict(xs) == lab)),
                test_accuracy=(float(np.mean(self.predict(xt) == lt))
                               if x_test is not None else math.nan),
                seconds=time.perf_counter() - t0)
            if ckpt is not None:
                arrays = {f"{name}/{l}": a for name, group in (("weights", self.weights),
                                                               ("biases", self.biases),
                                                               ("velocity_weights", vw),
                                                               ("velocity_biases", vb))
                          for l, a in enumerate(group)}
                save_state(ckpt, kind=CHECKPOINT_KIND, config=settings, arrays=arrays,
                           state={"settings": settings, "seed": seed, "data_sha256": digest,
                                  "epoch": epoch, "history": history.to_dict(),
                                  "rng_state": rng_to_state(gen)})
            report(progress, "epochs", epoch, epochs)
            if callback is not None:
                callback(epoch, history)
        return self

    # ----------------------------------------------------------------- persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Save the network (weights, biases, ``history_``) to the directory ``path``.

        The format is :mod:`spinnet._persist` (``config.json`` + ``arrays.h5``);
        :meth:`load` restores a network that predicts bit for bit the same.
        """
        arrays = {f"{name}/{l}": a for name, group in (("weights", self.weights),
                                                       ("biases", self.biases))
                  for l, a in enumerate(group)}
        state = {"history": None if self.history_ is None else self.history_.to_dict()}
        return save_state(path, kind=MODEL_KIND,
                          config={"layer_sizes": list(self.layer_sizes),
                                  "activation": self.activation, "dtype": self.dtype.name},
                          arrays=arrays, state=state)

    @classmethod
    def load(cls, path: str | os.PathLike) -> MLP:
        """Load a network written by :meth:`save`.

        Raises
        ------
        ValueError
            If ``path`` is not a saved MLP or is corrupt (the message names it).
        """
        saved = load_state(path, kind=MODEL_KIND)
        try:
            cfg = saved.config
            net = cls(cfg["layer_sizes"], activation=cfg["activation"], rng=0,
                      dtype=np.dtype(cfg["dtype"]))
            n_layers = len(net.weights)
            weights = [np.asarray(saved.arrays[f"weights/{l}"]) for l in range(n_layers)]
            biases = [np.asarray(saved.arrays[f"biases/{l}"]) for l in range(n_layers)]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{str(path)!r} is not a valid saved MLP: {exc}") from None
        for new, old in zip(weights + biases, net.weights + net.biases, strict=True):
            if new.shape != old.shape or new.dtype != old.dtype:
                raise ValueError(f"{str(path)!r} is corrupt: array shapes or dtypes do not "
                                 "match its config")
        net.weights, net.biases = weights, biases
        hist = saved.state.get("history")
        net.history_ = None if hist is None else History.from_dict(hist)
        return net
