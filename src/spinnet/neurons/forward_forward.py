"""Hinton's (2022) forward-forward algorithm, supervised variant, and a backprop baseline.

Forward-forward replaces the backward pass by two forward passes: one on
*positive* data (an image with its correct label written into it) and one on
*negative* data (the same image with a wrong label). Each layer ``l`` is
trained *locally* to make its goodness

    G_l(x) = (1/n_l) Σ_j h_{l,j}(x)²      (mean squared ReLU activity)

exceed a threshold ``θ`` on positive data and stay below it on negative data,
with the logistic loss ``softplus(θ − G_l(x⁺)) + softplus(G_l(x⁻) − θ)``
(Hinton 2022, section 2, with the goodness per unit rather than summed). The
input of every layer is length-normalised, ``x √d / ‖x‖`` (length √d so that
entries stay of order one), so that a layer cannot
pass its own goodness on and the next must use the *direction* of the
activity vector (section 2.1). Gradients never cross layers: each layer's
input is detached.

The label is embedded by overwriting the first ``n_classes`` inputs (pixels in
the top-left corner, blank in MNIST) with a one-hot code (section 3.3).
Negatives carry a uniformly random wrong label, or — ``negatives="hard"`` —
a wrong label drawn in proportion to ``exp(goodness)`` under the current
network, the "hard negatives" of section 3.3. A test image is classified by
embedding every label in turn and choosing the one with the highest goodness
accumulated over the layers.

The baseline is the same stack of hidden layers plus a softmax read-out,
trained end to end by backpropagation with the same optimiser (Adam), batch
size and number of epochs.

:class:`ForwardForwardNet` follows spinnet's estimator contract:
``fit(x, y, ..., rng=None)`` returns the network, ``history_`` is a
:class:`spinnet._history.History`, ``score`` is the accuracy, and
``save(path)`` / ``ForwardForwardNet.load(path)`` round-trip it bit for bit
(:mod:`spinnet._persist`). PyTorch is an optional dependency
(``pip install 'spinnet[torch]'``), imported only when a network is built.

Both trainers take a ``checkpoint_dir``: after every epoch the full state
(weights, Adam moments and step counts, the torch generator's state, history,
epoch, seed, settings and a SHA-256 digest of the data) is written atomically
to ``ff_checkpoint/`` or ``baseline_checkpoint/`` (the :mod:`spinnet._persist`
format), and a later call with the same directory resumes from it. Because
the generator's exact state is restored, the resumed run draws the same
minibatches and negative labels as an uninterrupted one and ends with bitwise
identical weights and history (on the same device and torch thread count,
which fix the floating-point reduction order).

References
----------
G. Hinton, "The Forward-Forward Algorithm: Some Preliminary Investigations",
arXiv:2212.13345 (2022).
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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
from spinnet._rng import SeedLike, kernel_seed
from spinnet._validation import (
    check_array,
    check_int,
    check_nonneg_float,
    check_option,
    check_positive_float,
)
from spinnet.neurons.mlp import _check_resume, _data_digest, _resolve_checkpoint, _seed_of

__all__ = [
    "BASELINE_CHECKPOINT_NAME",
    "FF_CHECKPOINT_NAME",
    "FFConfig",
    "FFHistory",
    "ForwardForwardNet",
    "embed_label",
    "load_checkpoint",
    "train_backprop_baseline",
    "train_forward_forward",
]

NEGATIVES = ("random", "hard")
EMBEDDINGS = ("replace", "append")
#: Checkpoint directory names inside ``checkpoint_dir`` (both trainers can share one).
FF_CHECKPOINT_NAME = "ff_checkpoint"
BASELINE_CHECKPOINT_NAME = "baseline_checkpoint"
_CHECKPOINT_NAMES = {"forward-forward": FF_CHECKPOINT_NAME,
                     "backprop-baseline": BASELINE_CHECKPOINT_NAME}
#: ``kind`` of a saved network (:mod:`spinnet._persist`).
MODEL_KIND = "spinnet.neurons.ForwardForwardNet"


def _torch(feature: str = "forward-forward (spinnet.neurons.forward_forward)"):
    return require_torch(feature)


def torch_generator(rng: SeedLike, device: str | None = "cpu"):
    """A ``torch.Generator`` seeded deterministically from ``rng`` (needs PyTorch)."""
    torch = _torch()
    gen = torch.Generator(device=device or "cpu")
    gen.manual_seed(kernel_seed(rng))
    return gen


@dataclass(frozen=True)
class FFConfig:
    """Hyper-parameters shared by forward-forward and its backprop baseline.

    Attributes
    ----------
    hidden : tuple of int
        Hidden-layer widths.
    epochs : int
    batch_size : int
    learning_rate : float
        Adam step size.
    threshold : float
        Goodness threshold ``θ`` (goodness is the mean squared activity).
    negatives : {"random", "hard"}
        How wrong labels for negative data are drawn.
    weight_decay : float
        L2 penalty (Adam's ``weight_decay``).
    embedding : {"replace", "append"}
        Label embedding of forward-forward (see :func:`embed_label`).
    """

    hidden: tuple[int, ...] = (500, 500)
    epochs: int = 30
    batch_size: int = 100
    learning_rate: float = 1e-3
    threshold: float = 2.0
    negatives: str = "random"
    weight_decay: float = 0.0
    embedding: str = "replace"

    def __post_init__(self) -> None:
        if isinstance(self.hidden, str) or not isinstance(self.hidden, Sequence):
            raise TypeError(f"hidden must be a sequence of integers; got {self.hidden!r}")
        hid = tuple(check_int(h, "hidden", minimum=1) for h in self.hidden)
        if not hid:
            raise ValueError("hidden must have at least one layer")
        object.__setattr__(self, "hidden", hid)
        check_int(self.epochs, "epochs", minimum=1)
        check_int(self.batch_size, "batch_size", minimum=1)
        check_positive_float(self.learning_rate, "learning_rate")
        check_positive_float(self.threshold, "threshold")
        check_option(self.negatives, "negatives", NEGATIVES)
        check_nonneg_float(self.weight_decay, "weight_decay")
        check_option(self.embedding, "embedding", EMBEDDINGS)


#: Per-epoch record: loss (sum of layer losses, or cross-entropy), accuracies, time;
#: the one :class:`~spinnet._history.History` of every spinnet trainer.
FFHistory = History


def _check_split(x_train: Any, y_train: Any, x_test: Any, y_test: Any, n_classes: int
                 ) -> tuple[Any, Any, Any, Any]:
    """Validated training data and optional test data (both or neither)."""
    xs, ys = _check_xy(x_train, y_train, "train", n_classes)
    if (x_test is None) != (y_test is None):
        raise ValueError("x_test and y_test must be given together")
    if x_test is None:
        return xs, ys, None, None
    xt, yt = _check_xy(x_test, y_test, "test", n_classes)
    if xt.shape[1] != xs.shape[1]:
        raise ValueError(f"x_test must have {xs.shape[1]} features; got {xt.shape[1]}")
    return xs, ys, xt, yt


def embed_label(x: Any, labels: Any, n_classes: int = 10, value: float = 1.0, *,
                mode: str = "replace"):
    """Write the label into the input as a one-hot code of height ``value``.

    Parameters
    ----------
    x : torch.Tensor, shape (B, d)
    labels : torch.Tensor of int64, shape (B,)
    n_classes : int
    value : float
        Height of the one-hot code (the maximum pixel intensity).
    mode : {"replace", "append"}
        ``"replace"`` overwrites the first ``n_classes`` inputs (Hinton 2022,
        section 3.3: the top-left pixels, blank in MNIST); ``"append"``
        concatenates the code, for images whose corner is not blank (the 8 × 8
        digits).

    Returns
    -------
    torch.Tensor, shape (B, d) or (B, d + n_classes)
        A new tensor; ``x`` is not modified.
    """
    torch = _torch()

    code = torch.zeros(x.shape[0], n_classes, dtype=x.dtype, device=x.device)
    code[torch.arange(x.shape[0]), labels] = value
    if mode == "append":
        return torch.cat([code, x], dim=1)
    out = x.clone()
    out[:, :n_classes] = code
    return out


def _uniform_linear(n_in: int, n_out: int, gen, dtype):
    """A ``torch.nn.Linear`` initialised like PyTorch's default, from ``gen`` (no global RNG)."""
    torch = _torch()

    layer = torch.nn.Linear(n_in, n_out, dtype=dtype)
    bound = 1.0 / math.sqrt(n_in)
    with torch.no_grad():
        layer.weight.copy_((torch.rand(n_out, n_in, generator=gen, dtype=dtype) * 2 - 1)
                           * bound)
        layer.bias.copy_((torch.rand(n_out, generator=gen, dtype=dtype) * 2 - 1) * bound)
    return layer


def _normalise(x, eps: float = 1e-8):
    """``x / rms(x)``: length √d, entries of order one (Hinton's length normalisation)."""
    return x / (x.pow(2).mean(dim=1, keepdim=True).sqrt() + eps)


class ForwardForwardNet:
    """A stack of ReLU layers trained layer-locally by forward-forward.

    Parameters
    ----------
    n_inputs : int
        Input dimension ``d`` (must exceed ``n_classes``).
    hidden : sequence of int
        Layer widths.
    n_classes : int
    embedding : {"replace", "append"}
        How the label enters the input (see :func:`embed_label`).
    rng : SeedLike
        Initial weights.
    device : str
        Torch device.

    Attributes
    ----------
    layers : torch.nn.ModuleList
        The linear layers (their ReLU is applied in :meth:`activities`).
    history_ : History
        Per-epoch ``epoch, train_loss, train_accuracy, test_accuracy, seconds``
        of the last :meth:`fit` (``None`` before the first).

    Examples
    --------
    >>> net = ForwardForwardNet(64, (200,), embedding="append", rng=0)  # doctest: +SKIP
    >>> net.fit(x, y, epochs=8, learning_rate=3e-3, batch_size=50, rng=0).score(xt, yt)
    ... # doctest: +SKIP
    """

    def __init__(self, n_inputs: int, hidden: Sequence[int], n_classes: int = 10, *,
                 embedding: str = "replace", rng: SeedLike = None,
                 device: str = "cpu") -> None:
        torch = _torch()
        n_inputs = check_int(n_inputs, "n_inputs", minimum=2)
        self.n_classes = check_int(n_classes, "n_classes", minimum=2)
        self.embedding = check_option(embedding, "embedding", EMBEDDINGS)
        if self.embedding == "replace" and n_inputs <= self.n_classes:
            raise ValueError(f"n_inputs must exceed n_classes ({self.n_classes}) to embed the "
                             f"label by replacement; got {n_inputs}")
        if isinstance(hidden, str) or not isinstance(hidden, Sequence):
            raise TypeError(f"hidden must be a sequence of integers; got {hidden!r}")
        width = n_inputs + (self.n_classes if self.embedding == "append" else 0)
        sizes = [width, *(check_int(h, "hidden", minimum=1) for h in hidden)]
        if len(sizes) < 2:
            raise ValueError("hidden must have at least one layer")
        self.hidden = tuple(sizes[1:])
        self.device = device
        gen = torch_generator(rng)
        self.layers = torch.nn.ModuleList(
            _uniform_linear(a, b, gen, torch.float32)
            for a, b in itertools.pairwise(sizes)).to(device)
        self.n_inputs = n_inputs
        self.history_: History | None = None

    def embed(self, x, labels):
        """Label-embedded inputs (see :func:`embed_label`)."""
        return embed_label(x, labels, self.n_classes, mode=self.embedding)

    def parameters(self):
        """All trainable tensors."""
        return self.layers.parameters()

    def activities(self, x) -> list:
        """ReLU activities of every layer for (label-embedded) inputs ``x`` (B, d)."""
        torch = _torch()
        acts, h = [], x
        for layer in self.layers:
            h = torch.relu(layer(_normalise(h)))
            acts.append(h)
        return acts

    def goodness(self, x):
        """Per-layer goodness, shape (B, n_layers): mean squared activity of each layer."""
        torch = _torch()
        return torch.stack([a.pow(2).mean(dim=1) for a in self.activities(x)], dim=1)

    def label_goodness(self, x, batch_size: int = 1000):
        """Total goodness of ``x`` (B, d) with each label embedded: shape (B, n_classes)."""
        torch = _torch()
        out = []
        with torch.no_grad():
            for start in range(0, x.shape[0], batch_size):
                xb = x[start:start + batch_size]
                cols = []
                for c in range(self.n_classes):
                    lab = torch.full((xb.shape[0],), c, dtype=torch.int64, device=xb.device)
                    cols.append(self.goodness(self.embed(xb, lab)).sum(dim=1))
                out.append(torch.stack(cols, dim=1))
        return torch.cat(out)

    def predict(self, x: Any) -> np.ndarray:
        """Class with the highest accumulated goodness, for inputs (B, d) in [0, 1]."""
        xt = _as_tensor(x, self.n_inputs, "x", self.device)
        return self.label_goodness(xt).argmax(dim=1).cpu().numpy()

    def score(self, x: Any, labels: Any) -> float:
        """Accuracy on ``(x, labels)``."""
        lab = check_array(labels, "labels", ndim=1)
        return float(np.mean(self.predict(x) == lab))

    def fit(self, x: Any, y: Any, *, epochs: int = 30, batch_size: int = 100,
            learning_rate: float = 1e-3, threshold: float = 2.0, negatives: str = "random",
            weight_decay: float = 0.0, x_test: Any = None, y_test: Any = None,
            rng: SeedLike = None, callback: Callable[[int, History], None] | None = None,
            checkpoint_dir: str | os.PathLike | None = None,
            progress: ProgressCallback | None = None) -> ForwardForwardNet:
        """Train the layers by forward-forward, starting from the current weights.

        Parameters
        ----------
        x : array_like, shape (n, n_inputs)
            Inputs in [0, 1].
        y : array_like of int, shape (n,)
        epochs, batch_size, learning_rate, threshold, negatives, weight_decay :
            See :class:`FFConfig`.
        x_test, y_test : array_like, optional
            Held-out set scored after each epoch.
        rng : SeedLike
            Minibatch order and negative labels.
        callback : callable, optional
            ``callback(epoch, history)`` after each epoch (after its checkpoint).
        checkpoint_dir : path-like, optional
            Directory of the resume checkpoint ``ff_checkpoint/`` (see
            :func:`train_forward_forward`).
        progress : ProgressCallback, optional
            ``progress("epochs", done, epochs)`` after each epoch.

        Returns
        -------
        ForwardForwardNet
            ``self``; :attr:`history_` holds the finished epochs.
        """
        config = FFConfig(hidden=self.hidden, epochs=epochs, batch_size=batch_size,
                          learning_rate=learning_rate, threshold=threshold,
                          negatives=negatives, weight_decay=weight_decay,
                          embedding=self.embedding)
        xs, ys, xt, yt = _check_split(x, y, x_test, y_test, self.n_classes)
        if xs.shape[1] != self.n_inputs:
            raise ValueError(f"x must have {self.n_inputs} features per row; got shape "
                             f"{xs.shape}")
        self.history_ = _train_ff(self, xs, ys, xt, yt, config, torch_generator(rng),
                                  _seed_of(rng), callback, checkpoint_dir, progress)
        return self

    # ----------------------------------------------------------------- persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Save the network (weights and ``history_``) to the directory ``path``.

        The format is :mod:`spinnet._persist`; :meth:`load` restores a network
        whose predictions are bit for bit the same.
        """
        arrays = {f"layers/{k}": v for k, v in self.layers.state_dict().items()}
        return save_state(path, kind=MODEL_KIND,
                          config={"n_inputs": self.n_inputs, "hidden": list(self.hidden),
                                  "n_classes": self.n_classes, "embedding": self.embedding},
                          arrays=arrays,
                          state={"history": None if self.history_ is None
                                 else self.history_.to_dict()})

    @classmethod
    def load(cls, path: str | os.PathLike, *, device: str = "cpu") -> ForwardForwardNet:
        """Load a network written by :meth:`save` (onto ``device``).

        Raises
        ------
        ValueError
            If ``path`` is not a saved forward-forward network or is corrupt.
        """
        saved = load_state(path, kind=MODEL_KIND)
        try:
            cfg = saved.config
            net = cls(cfg["n_inputs"], cfg["hidden"], cfg["n_classes"],
                      embedding=cfg["embedding"], rng=0, device=device)
            net.layers.load_state_dict({k.removeprefix("layers/"): v
                                        for k, v in saved.arrays.items()
                                        if k.startswith("layers/")})
        except (KeyError, TypeError, RuntimeError) as exc:
            raise ValueError(f"{str(path)!r} is not a valid saved forward-forward network: "
                             f"{exc}") from None
        hist = saved.state.get("history")
        net.history_ = None if hist is None else History.from_dict(hist)
        return net


def _as_tensor(x: Any, n_features: int, name: str, device: str):
    torch = _torch()
    arr = check_array(x, name, ndim=2, dtype=np.float32)
    if arr.shape[1] != n_features:
        raise ValueError(f"{name} must have {n_features} features per row; got shape "
                         f"{arr.shape}")
    return torch.as_tensor(arr, device=device)


def _check_xy(x: Any, y: Any, name: str, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    xs = check_array(x, f"x_{name}", ndim=2, dtype=np.float32)
    lab = check_array(y, f"y_{name}", ndim=1)
    if not np.issubdtype(lab.dtype, np.integer):
        raise TypeError(f"y_{name} must be integer labels; got dtype {lab.dtype}")
    if lab.shape[0] != xs.shape[0]:
        raise ValueError(f"y_{name} must have one label per row of x_{name} ({xs.shape[0]}); "
                         f"got {lab.shape[0]}")
    if lab.min() < 0 or lab.max() >= n_classes:
        raise ValueError(f"y_{name} must lie in 0..{n_classes - 1}")
    return xs, lab.astype(np.int64)


def _wrong_labels(labels, n_classes: int, gen, scores=None):
    """A wrong label per sample: uniform, or ∝ exp(score) over the wrong classes."""
    torch = _torch()
    if scores is None:
        shift = torch.randint(1, n_classes, labels.shape, generator=gen)
        return (labels + shift) % n_classes
    logits = scores.clone()
    logits[torch.arange(labels.shape[0]), labels] = -math.inf
    probs = torch.softmax(logits, dim=1)
    return torch.multinomial(probs, 1, generator=gen).squeeze(1)


# ------------------------------------------------------------------------ checkpoints
def _checkpoint_kind(algorithm: str) -> str:
    return f"spinnet.neurons.forward_forward.{algorithm}.checkpoint"


def load_checkpoint(path: str | os.PathLike, *, algorithm: str = "forward-forward"
                    ) -> dict[str, Any]:
    """Read a checkpoint of :func:`train_forward_forward` or :func:`train_backprop_baseline`.

    Parameters
    ----------
    path : path-like
        The checkpoint directory, or the directory holding it.
    algorithm : {"forward-forward", "backprop-baseline"}
        Which trainer's checkpoint to expect (and, for a directory, which one).

    Returns
    -------
    dict
        Keys ``algorithm, settings, seed, data_sha256, epoch, history`` (a
        :class:`History`), ``model`` (name -> tensor), ``optimizer`` (parameter
        index -> {name: tensor}) and ``rng_state`` (uint8 array).

    Raises
    ------
    FileNotFoundError
        If there is no checkpoint at ``path``.
    ValueError
        If the checkpoint is truncated, corrupt or not such a checkpoint; the
        message names it.
    """
    check_option(algorithm, "algorithm", tuple(_CHECKPOINT_NAMES))
    path = _resolve_checkpoint(path, _CHECKPOINT_NAMES[algorithm])
    saved = load_state(path, kind=_checkpoint_kind(algorithm))
    required = {"settings", "seed", "data_sha256", "epoch", "history"}
    if not required <= set(saved.state) or "rng_state" not in saved.arrays:
        raise ValueError(f"checkpoint {str(path)!r} is not a {algorithm} training checkpoint "
                         f"(missing {sorted(required - set(saved.state))} or its rng_state)")
    out = dict(saved.state)
    out["algorithm"] = algorithm
    try:
        out["history"] = History.from_dict(saved.state["history"])
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"checkpoint {str(path)!r} is corrupt: {exc}") from None
    out["rng_state"] = saved.arrays["rng_state"]
    out["model"] = {k.removeprefix("model/"): v for k, v in saved.arrays.items()
                    if k.startswith("model/")}
    optim: dict[int, dict[str, Any]] = {}
    for k, v in saved.arrays.items():
        if k.startswith("optimizer/"):
            _, idx, name = k.split("/", 2)
            optim.setdefault(int(idx), {})[name] = v
    out["optimizer"] = optim
    return out


def _open_checkpoint(checkpoint_dir: str | os.PathLike | None, algorithm: str,
                     settings: Mapping[str, Any], seed: int | None, digest: str, epochs: int
                     ) -> tuple[Path | None, dict[str, Any] | None]:
    """The checkpoint path (None: no checkpointing) and its validated state (None: none yet)."""
    if checkpoint_dir is None:
        return None, None
    path = Path(checkpoint_dir) / _CHECKPOINT_NAMES[algorithm]
    if not path.exists():
        return path, None
    state = load_checkpoint(path, algorithm=algorithm)
    _check_resume(path, state, settings, seed, digest, epochs)
    return path, state


def _restore(path: Path, state: Mapping[str, Any], model, opt, gen) -> tuple[History, int]:
    """Load weights, optimiser and generator state; the history and the finished epochs."""
    try:
        model.load_state_dict(state["model"])
        opt.load_state_dict({"state": state["optimizer"],
                             "param_groups": opt.state_dict()["param_groups"]})
        torch_rng_from_array(state["rng_state"], gen)
        history = state["history"]
    except (RuntimeError, ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"checkpoint {str(path)!r} is corrupt: {exc}") from None
    return history, int(state["epoch"])


def _save(path: Path, algorithm: str, settings: Mapping[str, Any], seed: int | None,
          digest: str, epoch: int, model, opt, gen, history: History) -> None:
    arrays: dict[str, Any] = {f"model/{k}": v.detach().cpu()
                              for k, v in model.state_dict().items()}
    for idx, entries in opt.state_dict()["state"].items():
        for name, value in entries.items():
            arrays[f"optimizer/{idx}/{name}"] = value
    arrays["rng_state"] = torch_rng_to_array(gen)
    save_state(path, kind=_checkpoint_kind(algorithm), config=settings, arrays=arrays,
               state={"settings": dict(settings), "seed": seed, "data_sha256": digest,
                      "epoch": epoch, "history": history.to_dict()})


def _train_ff(net: ForwardForwardNet, xs: np.ndarray, ys: np.ndarray, xt: np.ndarray | None,
              yt: np.ndarray | None, config: FFConfig, gen, seed: int | None,
              callback: Callable[[int, History], None] | None,
              checkpoint_dir: str | os.PathLike | None,
              progress: ProgressCallback | None) -> History:
    """The forward-forward loop on ``net`` with the torch generator ``gen``."""
    torch = _torch()
    device = net.device
    n_classes = net.n_classes
    settings = {"n_features": int(xs.shape[1]), "n_classes": n_classes,
                "hidden": list(config.hidden), "batch_size": config.batch_size,
                "learning_rate": config.learning_rate, "threshold": config.threshold,
                "negatives": config.negatives, "weight_decay": config.weight_decay,
                "embedding": config.embedding}
    digest = _data_digest(xs, ys, xt, yt) if checkpoint_dir is not None else ""
    ckpt, state = _open_checkpoint(checkpoint_dir, "forward-forward", settings, seed, digest,
                                   config.epochs)
    opt = torch.optim.Adam(net.parameters(), lr=config.learning_rate,
                           weight_decay=config.weight_decay)
    x_all = torch.as_tensor(xs, device=device)
    y_all = torch.as_tensor(ys, device=device)
    theta = config.threshold
    history, start = History(), 0
    if state is not None:
        history, start = _restore(ckpt, state, net.layers, opt, gen)
    n = xs.shape[0]
    report(progress, "epochs", start, config.epochs)
    for epoch in range(start + 1, config.epochs + 1):
        t0 = time.perf_counter()
        scores = net.label_goodness(x_all) if config.negatives == "hard" else None
        order = torch.randperm(n, generator=gen)
        total = 0.0
        for begin in range(0, n, config.batch_size):
            idx = order[begin:begin + config.batch_size]
            xb, yb = x_all[idx], y_all[idx]
            neg_lab = _wrong_labels(yb.cpu(), n_classes, gen,
                                    None if scores is None else scores[idx].cpu()).to(device)
            h_pos = net.embed(xb, yb)
            h_neg = net.embed(xb, neg_lab)
            loss = torch.zeros((), device=device)
            for layer in net.layers:
                a_pos = torch.relu(layer(_normalise(h_pos)))
                a_neg = torch.relu(layer(_normalise(h_neg)))
                g_pos = a_pos.pow(2).mean(dim=1)
                g_neg = a_neg.pow(2).mean(dim=1)
                loss = loss + (torch.nn.functional.softplus(theta - g_pos)
                               + torch.nn.functional.softplus(g_neg - theta)).mean()
                # local learning: the next layer sees this layer's output as fixed data
                h_pos, h_neg = a_pos.detach(), a_neg.detach()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += float(loss.detach()) * idx.shape[0]
        if not math.isfinite(total):
            raise FloatingPointError(f"forward-forward diverged at epoch {epoch}; lower "
                                     "learning_rate")
        history.append(
            epoch=epoch, train_loss=total / n,
            train_accuracy=float((net.label_goodness(x_all).argmax(1) == y_all)
                                 .float().mean()),
            test_accuracy=net.score(xt, yt) if xt is not None else math.nan,
            seconds=time.perf_counter() - t0)
        if ckpt is not None:
            _save(ckpt, "forward-forward", settings, seed, digest, epoch, net.layers, opt, gen,
                  history)
        report(progress, "epochs", epoch, config.epochs)
        if callback is not None:
            callback(epoch, history)
    return history


def train_forward_forward(x_train: Any, y_train: Any, config: FFConfig | None = None, *,
                          x_test: Any = None, y_test: Any = None, n_classes: int = 10,
                          rng: SeedLike = None, device: str = "cpu",
                          callback: Callable[[int, History], None] | None = None,
                          checkpoint_dir: str | os.PathLike | None = None,
                          progress: ProgressCallback | None = None,
                          ) -> tuple[ForwardForwardNet, History]:
    """Build a :class:`ForwardForwardNet` and train it on labelled images in [0, 1].

    Every minibatch gives one positive and one negative copy of each image; all
    layers are updated at once, each by the gradient of its own loss only
    (inputs detached), with Adam. One generator seeded from ``rng`` draws the
    initial weights, then the minibatches and negative labels; the estimator
    form is ``ForwardForwardNet(...).fit(x, y, ..., rng=...)``.

    Parameters
    ----------
    x_train : array_like, shape (n, d)
    y_train : array_like of int, shape (n,)
    config : FFConfig
    x_test, y_test : array_like, shapes (n_test, d) and (n_test,), optional
        Held-out set scored after each epoch.
    n_classes : int
    rng : SeedLike
        Initial weights, minibatch order and negative labels.
    device : str
    callback : callable, optional
        ``callback(epoch, history)`` after each epoch (after its checkpoint).
    checkpoint_dir : path-like, optional
        Directory for ``ff_checkpoint/``, written atomically after every epoch. If
        it already holds one, training resumes from it, bitwise identical to an
        uninterrupted run; a larger ``config.epochs`` continues a finished run.
        The checkpoint must match the data, the seed (when ``rng`` is an int)
        and ``config`` except ``epochs``; otherwise ValueError names what
        differs. A truncated or corrupt checkpoint gives a ValueError naming it.
    progress : ProgressCallback, optional
        ``progress("epochs", done, total)`` after each epoch.

    Returns
    -------
    net : ForwardForwardNet
        With ``history_`` set.
    history : History
        ``train_loss`` is the sum over layers of the mean forward-forward loss;
        all finished epochs, including those before a resume.
    """
    torch = _torch()
    config = config or FFConfig()
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    xs, ys, xt, yt = _check_split(x_train, y_train, x_test, y_test, n_classes)
    seed = _seed_of(rng)
    gen = torch_generator(rng)
    net = ForwardForwardNet(xs.shape[1], config.hidden, n_classes, embedding=config.embedding,
                            rng=int(torch.randint(0, 2**62, (1,), generator=gen)),
                            device=device)
    net.history_ = _train_ff(net, xs, ys, xt, yt, config, gen, seed, callback, checkpoint_dir,
                             progress)
    return net, net.history_


def train_backprop_baseline(x_train: Any, y_train: Any, config: FFConfig | None = None, *,
                            x_test: Any = None, y_test: Any = None, n_classes: int = 10,
                            rng: SeedLike = None, device: str = "cpu",
                            callback: Callable[[int, History], None] | None = None,
                            checkpoint_dir: str | os.PathLike | None = None,
                            progress: ProgressCallback | None = None):
    """Same hidden layers plus a linear read-out, trained end to end by backprop.

    Cross-entropy loss, Adam with ``config.learning_rate``, ``config.batch_size``
    and ``config.epochs`` — the settings forward-forward gets. The other
    arguments are those of :func:`train_forward_forward`; ``checkpoint_dir``
    holds ``baseline_checkpoint/`` (only ``hidden``, ``batch_size``,
    ``learning_rate`` and ``weight_decay`` of ``config`` must match on resume).

    Parameters
    ----------
    x_train : array_like, shape (n, d)
        Training images in [0, 1].
    y_train : array_like of int, shape (n,)
        Labels.
    config : FFConfig or None, default None
        Settings (``None``: ``FFConfig()``).
    x_test, y_test : array_like, shapes (n_test, d) and (n_test,), optional
        Held-out set scored after each epoch.
    n_classes, rng, device, callback, checkpoint_dir, progress
        As in :func:`train_forward_forward`.

    Returns
    -------
    model : torch.nn.Sequential
    history : History
    """
    torch = _torch("the backprop baseline of forward-forward")
    config = config or FFConfig()
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    xs, ys, xt, yt = _check_split(x_train, y_train, x_test, y_test, n_classes)
    settings = {"n_features": int(xs.shape[1]), "n_classes": n_classes,
                "hidden": list(config.hidden), "batch_size": config.batch_size,
                "learning_rate": config.learning_rate, "weight_decay": config.weight_decay}
    seed = _seed_of(rng)
    digest = _data_digest(xs, ys, xt, yt) if checkpoint_dir is not None else ""
    ckpt, state = _open_checkpoint(checkpoint_dir, "backprop-baseline", settings, seed, digest,
                                   config.epochs)
    gen = torch_generator(rng)
    sizes = [xs.shape[1], *config.hidden]
    mods: list[Any] = []
    for a, b in itertools.pairwise(sizes):
        mods += [_uniform_linear(a, b, gen, torch.float32), torch.nn.ReLU()]
    mods.append(_uniform_linear(sizes[-1], n_classes, gen, torch.float32))
    model = torch.nn.Sequential(*mods).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate,
                           weight_decay=config.weight_decay)
    x_all = torch.as_tensor(xs, device=device)
    y_all = torch.as_tensor(ys, device=device)
    x_te = torch.as_tensor(xt, device=device) if x_test is not None else None
    history, start = History(), 0
    if state is not None:
        history, start = _restore(ckpt, state, model, opt, gen)
    n = xs.shape[0]
    report(progress, "epochs", start, config.epochs)
    for epoch in range(start + 1, config.epochs + 1):
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=gen)
        total = 0.0
        model.train()
        for begin in range(0, n, config.batch_size):
            idx = order[begin:begin + config.batch_size]
            loss = torch.nn.functional.cross_entropy(model(x_all[idx]), y_all[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += float(loss.detach()) * idx.shape[0]
        with torch.no_grad():
            train_acc = float((model(x_all).argmax(1) == y_all).float().mean())
            test_acc = (float(np.mean(model(x_te).argmax(1).cpu().numpy() == yt))
                        if x_te is not None else math.nan)
        history.append(epoch=epoch, train_loss=total / n, train_accuracy=train_acc,
                       test_accuracy=test_acc, seconds=time.perf_counter() - t0)
        if ckpt is not None:
            _save(ckpt, "backprop-baseline", settings, seed, digest, epoch, model, opt, gen,
                  history)
        report(progress, "epochs", epoch, config.epochs)
        if callback is not None:
            callback(epoch, history)
    return model, history
