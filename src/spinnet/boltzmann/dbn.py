"""Deep belief nets and the deep autoencoders unrolled from them (PyTorch).

A deep belief net (DBN) with layers ``n_0 - n_1 - ... - n_L`` is a stack of
RBMs trained greedily, one layer at a time (Hinton, Osindero & Teh, Neural
Comput. 18, 1527 (2006), §4): RBM ``l`` models the hidden activities that RBM
``l - 1`` produces from the data. The resulting generative model has an
undirected top RBM (layers ``L-1``, ``L``) and directed sigmoid connections
``P(h^{l-1} | h^l)`` below it, so samples are drawn ancestrally: Gibbs sampling
in the top RBM, then one down-pass.

Following Hinton & Salakhutdinov (Science 313, 504 (2006)), the stack is
*unrolled* into a deep autoencoder whose encoder uses ``(W_l, c_l)`` and whose
decoder uses ``(W_lᵀ, b_l)``, and the whole network is then fine-tuned by
backpropagation of the reconstruction cross-entropy.

Upper RBMs are trained on the hidden *probabilities* of the layer below
(mean-field data in ``[0, 1]``), as in Hinton & Salakhutdinov (2006); their
negative phase uses binary samples. The same holds for the first layer when
``visible="bernoulli"`` and the data are real intensities in ``[0, 1]``.

Pretraining calls the training loop and the registry of training rules of
:mod:`spinnet.boltzmann.training` (CD-k by default, with momentum and weight
decay; Hinton, "A practical guide to training RBMs", UTML TR 2010-003), so a
rule registered there is available here as ``fit(method=...)``.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from spinnet._history import History
from spinnet._persist import load_state, save_state, strict_json
from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator, torch_generator
from spinnet._validation import (
    check_array,
    check_int,
    check_nonneg_float,
    check_option,
    check_positive_float,
)
from spinnet.boltzmann.rbm import RBM, VISIBLE_TYPES

__all__ = ["FINETUNE_CHECKPOINT", "PRETRAIN_CHECKPOINT", "DeepAutoencoder", "DeepBeliefNet",
           "pca_reconstruction_error"]

#: Directory name of :meth:`DeepAutoencoder.fine_tune`'s checkpoint (``_persist`` format).
FINETUNE_CHECKPOINT = "finetune"
#: Directory name of :meth:`DeepBeliefNet.fit`'s per-layer checkpoints: RBM ``l`` (from 1)
#: keeps its per-epoch training checkpoint in ``pretrain/layer<l>/checkpoint/``.
PRETRAIN_CHECKPOINT = "pretrain"
_FINETUNE_KIND = "spinnet.boltzmann.DeepAutoencoder.checkpoint"


def _check_layer_sizes(layer_sizes: Any) -> tuple[int, ...]:
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError("layer_sizes must be a sequence of ints such as (784, 500, 30); "
                        f"got {type(layer_sizes).__name__}")
    sizes = tuple(check_int(n, f"layer_sizes[{i}]", minimum=1)
                  for i, n in enumerate(layer_sizes))
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes must list at least 2 layers (visible, hidden); "
                         f"got {list(sizes)}")
    return sizes


def _check_data(data: Any, name: str, n_visible: int, visible: str) -> np.ndarray:
    """Validate visible data: shape (batch, n_visible) and the values ``visible`` allows."""
    arr = check_array(data, name, ndim=(1, 2))
    arr = arr.reshape(1, -1) if arr.ndim == 1 else arr
    if arr.shape[1] != n_visible:
        raise ValueError(f"{name} must have shape (batch, {n_visible}); got shape {arr.shape}")
    if visible == "bernoulli" and (arr.min() < 0 or arr.max() > 1):
        raise ValueError(f"{name} must lie in [0, 1] for Bernoulli visibles (binary data or "
                         f"probabilities); got range [{arr.min()}, {arr.max()}]")
    if visible == "ising" and not np.all((arr == 1) | (arr == -1)):
        raise ValueError(f"{name} must contain only -1/+1 values for Ising visibles "
                         "(convert {0,1} data with 2v - 1 explicitly)")
    return arr


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _reconstruction_metric(gaussian_hidden: bool):
    """Per-epoch metric of a DBN layer: squared mean-field reconstruction error,
    summed over units and averaged over vectors (mean-field data allowed)."""
    def metric(rbm: RBM, x: torch.Tensor) -> dict[str, float]:
        with torch.no_grad():
            pre = x @ rbm.W + rbm.c
            ph = pre if gaussian_hidden else torch.sigmoid(pre)
            err = float(((rbm._mean_v(ph) - x) ** 2).sum(1).mean())
        return {"reconstruction_error": err}
    return metric


class DeepBeliefNet:
    """Deep belief net: a greedily trained stack of RBMs (Hinton, Osindero & Teh 2006).

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_visible, n_1, ..., n_L)``, at least two layers.
    visible : {"bernoulli", "ising", "gaussian"}
        Type of the bottom (data) layer.
    top_hidden : {"bernoulli", "gaussian"}
        Type of the top layer. ``"gaussian"``: linear units with unit Gaussian
        noise, ``h ~ N(c + vW, 1)``, as the code layer of Hinton & Salakhutdinov
        (Science 313, 504 (2006)); unrolled, it gives a linear code. All other
        hidden layers are Bernoulli.
    rng : SeedLike
        Seed for the initial weights (each RBM gets its own stream).
    device : str or torch.device
    dtype : torch.dtype
        Parameter dtype (``torch.float32`` default: DBNs are trained on large data).
    init_std : float
        Standard deviation of the initial weights.

    Attributes
    ----------
    rbms : list of RBM
        ``rbms[l]`` couples layer ``l`` (visible side) to layer ``l + 1``.
    history : list of list of float
        Per-RBM, per-epoch mean squared reconstruction error of the last :meth:`fit`.
    history_ : History
        The same as rows ``layer, epoch, reconstruction_error, wall_time``.
    fitted : bool
        Whether :meth:`fit` has completed.

    Examples
    --------
    >>> import numpy as np
    >>> data = (np.random.default_rng(0).random((50, 8)) < 0.3).astype(float)
    >>> dbn = DeepBeliefNet((8, 6, 2), rng=0).fit(data, epochs=2, rng=0)
    >>> tuple(dbn.transform(data).shape)
    (50, 2)
    >>> ae = DeepAutoencoder.from_dbn(dbn)
    >>> losses = ae.fine_tune(data, epochs=2, rng=0)
    >>> tuple(ae.reconstruct(data).shape)
    (50, 8)
    """

    def __init__(self, layer_sizes: Any, visible: str = "bernoulli", rng: SeedLike = None, *,
                 top_hidden: str = "bernoulli", device: Any = "cpu",
                 dtype: torch.dtype = torch.float32, init_std: float = 0.01) -> None:
        self.layer_sizes = _check_layer_sizes(layer_sizes)
        self.visible = check_option(visible, "visible", VISIBLE_TYPES)
        self.top_hidden = check_option(top_hidden, "top_hidden", ("bernoulli", "gaussian"))
        streams = as_generator(rng).spawn(len(self.layer_sizes) - 1)
        self.rbms = [RBM(n_in, n_out, visible if i == 0 else "bernoulli", rng=s,
                         device=device, dtype=dtype, init_std=init_std)
                     for i, (n_in, n_out, s) in enumerate(zip(self.layer_sizes[:-1],
                                                              self.layer_sizes[1:], streams,
                                                              strict=True))]
        self.history: list[list[float]] = []
        self.history_ = History()
        self.fitted = False
        #: Free-form JSON description saved with the net (e.g. its data and settings).
        self.metadata: dict[str, Any] = {}
        self._config = {"layer_sizes": list(self.layer_sizes), "visible": self.visible,
                        "top_hidden": self.top_hidden, "device": str(device),
                        "dtype": _dtype_name(dtype), "init_std": float(init_std)}

    def __repr__(self) -> str:
        return (f"DeepBeliefNet(layer_sizes={list(self.layer_sizes)}, "
                f"visible={self.visible!r}, top_hidden={self.top_hidden!r}, "
                f"fitted={self.fitted})")

    def _up(self, i: int, x: torch.Tensor) -> torch.Tensor:
        """Mean activity of layer ``i + 1`` given layer ``i``."""
        rbm = self.rbms[i]
        pre = x @ rbm.W + rbm.c
        if i == len(self.rbms) - 1 and self.top_hidden == "gaussian":
            return pre
        return torch.sigmoid(pre)

    @property
    def device(self) -> torch.device:
        """Device of the parameters."""
        return self.rbms[0].device

    @property
    def dtype(self) -> torch.dtype:
        """Floating dtype of the parameters."""
        return self.rbms[0].dtype

    def _tensor(self, data: Any, name: str) -> tuple[torch.Tensor, bool]:
        squeeze = not isinstance(data, torch.Tensor) and np.ndim(data) == 1
        if isinstance(data, torch.Tensor):
            squeeze = data.ndim == 1
            data = data.detach().cpu().numpy()
        arr = _check_data(data, name, self.layer_sizes[0], self.visible)
        return torch.as_tensor(arr, dtype=self.dtype, device=self.device), squeeze

    def fit(self, data: Any, *, epochs: int | tuple[int, ...] = 10,
            learning_rate: float = 0.05, k: int = 1, batch_size: int = 100,
            momentum: float = 0.9, weight_decay: float = 2e-4, rng: SeedLike = None,
            top_learning_rate: float | None = None, method: str = "cd",
            checkpoint_dir: str | os.PathLike | None = None,
            tag: Mapping[str, Any] | None = None,
            progress: ProgressCallback | None = None) -> DeepBeliefNet:
        """Greedy layer-wise pretraining (Hinton, Osindero & Teh 2006, §4).

        RBM 1 is trained on ``data``; RBM ``l + 1`` on the hidden probabilities
        ``P(h^l = 1 | h^{l-1})`` that the trained RBM ``l`` assigns to its inputs.
        Each layer is trained by :func:`spinnet.boltzmann.training.train`'s loop
        with the training rule ``method`` from
        :data:`spinnet.boltzmann.training.TRAINING_RULES`.

        Parameters
        ----------
        data : array-like, shape (n_samples, n_visible)
            Bernoulli visibles: binary data or intensities in ``[0, 1]``;
            Ising: ``±1``; Gaussian: real (standardise it first, unit variance).
        epochs : int or tuple of int
            Epochs per RBM (one int for all, or one per RBM).
        learning_rate, momentum, weight_decay : float
            SGD step, momentum (0.5 for the first epochs), L2 penalty on ``W``.
            Use a learning rate ~10x smaller for Gaussian visibles.
        k : int
            Gibbs steps of CD-k.
        batch_size : int
        rng : SeedLike
            Seed for the minibatch order and the Gibbs sampling (one stream per RBM).
        top_learning_rate : float, optional
            Learning rate of the top RBM; default ``learning_rate``, or
            ``learning_rate / 100`` for a Gaussian top layer (Hinton &
            Salakhutdinov used 0.1 and 0.001: unbounded linear units need
            small steps).
        method : str
            Training rule (default CD-k); a Gaussian top layer needs a rule that
            supports linear-Gaussian hidden units (``"cd"``, ``"pcd"``).
        checkpoint_dir : path-like, optional
            Make pretraining resumable: RBM ``l`` writes its full training state
            (weights, momentum, persistent chains, seed, history; the
            :func:`spinnet.boltzmann.training.train` checkpoint) atomically to
            ``checkpoint_dir/pretrain/layer<l>/checkpoint/`` after every epoch, so a
            finished layer is kept whole. If they exist, a call with the same
            arguments continues from them (finished layers are loaded, not
            retrained; their seeds are used, ``rng`` is ignored for them) and ends
            with a net bit-identical to an uninterrupted run's. A checkpoint made
            with other settings, data or ``tag`` raises ``ValueError``.
        tag : mapping, optional
            JSON description of the run (e.g. the seed) stored in each layer's
            checkpoint; a resume with another tag is refused.
        progress : callable, optional
            ``progress("pretrain layer i/L", epochs_done, epochs)`` after each epoch
            (with ``checkpoint_dir``: after that epoch's checkpoint).

        Returns
        -------
        DeepBeliefNet
            ``self``, trained.
        """
        from spinnet.boltzmann.training import TrainConfig, _train, get_rule

        n_rbms = len(self.rbms)
        if isinstance(epochs, (tuple, list)):
            if len(epochs) != n_rbms:
                raise ValueError(f"epochs must be an int or have one entry per RBM "
                                 f"({n_rbms}); got {len(epochs)} entries")
            epoch_list = [check_int(e, "epochs", minimum=0) for e in epochs]
        else:
            epoch_list = [check_int(epochs, "epochs", minimum=0)] * n_rbms
        learning_rate = check_positive_float(learning_rate, "learning_rate")
        if top_learning_rate is None:
            top_lr = learning_rate / 100 if self.top_hidden == "gaussian" else learning_rate
        else:
            top_lr = check_positive_float(top_learning_rate, "top_learning_rate")
        momentum = check_nonneg_float(momentum, "momentum")
        if momentum >= 1:
            raise ValueError(f"momentum must be in [0, 1); got {momentum}")
        weight_decay = check_nonneg_float(weight_decay, "weight_decay")
        k = check_int(k, "k", minimum=1)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        get_rule(method)
        if tag is not None and not isinstance(tag, Mapping):
            raise TypeError(f"tag must be a mapping or None; got {type(tag).__name__}")
        x, _ = self._tensor(data, "data")
        root = None if checkpoint_dir is None else Path(checkpoint_dir) / PRETRAIN_CHECKPOINT
        # What every layer's checkpoint must agree on beyond its own RBM, data and config
        # (in its JSON form, as the checkpoint stores it: tuples become lists).
        stack = {"layer_sizes": list(self.layer_sizes), "visible": self.visible,
                 "top_hidden": self.top_hidden, "epochs": epoch_list}
        run_tag = strict_json({**(tag or {}), "dbn": stack})
        streams = as_generator(rng).spawn(n_rbms)
        backup = [{key: p.clone() for key, p in r.params.items()} for r in self.rbms]
        history: list[list[float]] = []
        rows = History()
        try:
            for i, rbm in enumerate(self.rbms):
                top = i == n_rbms - 1
                gaussian = top and self.top_hidden == "gaussian"
                errors: list[float] = []
                if epoch_list[i] > 0:
                    config = TrainConfig(
                        method=method, epochs=epoch_list[i], k=k, batch_size=batch_size,
                        learning_rate=top_lr if top else learning_rate, momentum=momentum,
                        weight_decay=weight_decay, track_log_likelihood=False,
                        initial_momentum_epochs=min(5, epoch_list[i] // 2))
                    h = _train(rbm, x, config, rng=streams[i], progress=progress,
                               checkpoint_dir=None if root is None else root / f"layer{i + 1}",
                               tag={**run_tag, "layer": i + 1}, gaussian_hidden=gaussian,
                               metrics=_reconstruction_metric(gaussian),
                               stage=f"pretrain layer {i + 1}/{n_rbms}")
                    errors = [float(e) for e in h["reconstruction_error"]]
                    for r in h.rows:
                        rows.append(layer=i + 1, epoch=r["epoch"],
                                    reconstruction_error=r["reconstruction_error"],
                                    wall_time=r["wall_time"])
                history.append(errors)
                x = self._up(i, x)
                if not bool(torch.isfinite(x).all()):
                    raise FloatingPointError(f"training of RBM {i + 1} diverged; lower "
                                             "learning_rate")
        except BaseException:
            # A failed (or interrupted) fit leaves the net as it was.
            for rbm, saved in zip(self.rbms, backup, strict=True):
                rbm.W, rbm.b, rbm.c = saved["W"], saved["b"], saved["c"]
            raise
        self.history = history
        self.history_ = rows
        self.fitted = True
        return self

    _KIND = "spinnet.boltzmann.DeepBeliefNet"

    def save(self, path: str | os.PathLike) -> Path:
        """Save the stack (``_persist`` format); :meth:`load` restores it bit for bit."""
        arrays = {f"rbms/{i}/{key}": val for i, r in enumerate(self.rbms)
                  for key, val in r.params.items()}
        return save_state(path, kind=self._KIND,
                          config={**self._config, "metadata": self.metadata}, arrays=arrays,
                          state={"history": self.history, "history_": self.history_.to_dict(),
                                 "fitted": self.fitted})

    @classmethod
    def load(cls, path: str | os.PathLike) -> DeepBeliefNet:
        """Load a DBN written by :meth:`save` (``ValueError`` naming ``path`` otherwise)."""
        saved = load_state(path, kind=cls._KIND)
        cfg = saved.config
        try:
            dbn = cls(cfg["layer_sizes"], cfg["visible"], rng=0, top_hidden=cfg["top_hidden"],
                      device=cfg["device"], dtype=getattr(torch, cfg["dtype"]),
                      init_std=cfg["init_std"])
            for i, rbm in enumerate(dbn.rbms):
                for key in ("W", "b", "c"):
                    t = saved.arrays[f"rbms/{i}/{key}"]
                    if tuple(t.shape) != tuple(getattr(rbm, key).shape) or t.dtype != rbm.dtype:
                        raise ValueError(f"array rbms/{i}/{key} has the wrong shape or dtype")
                    setattr(rbm, key, t.to(rbm.device))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"{str(path)!r} is not a valid saved DeepBeliefNet: {exc}") from None
        dbn.history = [list(h) for h in saved.state.get("history", [])]
        dbn.history_ = History.from_dict(saved.state.get("history_") or {})
        dbn.fitted = bool(saved.state.get("fitted", False))
        dbn.metadata = dict(cfg.get("metadata") or {})
        return dbn

    def transform(self, v: Any, layer: int | None = None) -> torch.Tensor:
        """Deterministic up-pass of probabilities ``σ(c_l + h^{l-1} W_l)``.

        A Gaussian top layer returns its mean ``c_L + h^{L-1} W_L``.

        Parameters
        ----------
        v : array-like, shape (n_visible,) or (batch, n_visible)
        layer : int, optional
            Stop at this layer (``1..L``); the top layer by default.

        Returns
        -------
        torch.Tensor, shape (..., n_layer)
        """
        top = len(self.rbms) if layer is None else check_int(layer, "layer", minimum=1)
        if top > len(self.rbms):
            raise ValueError(f"layer must be in [1, {len(self.rbms)}]; got {layer}")
        x, squeeze = self._tensor(v, "v")
        for i in range(top):
            x = self._up(i, x)
        return x[0] if squeeze else x

    def reconstruct(self, v: Any) -> torch.Tensor:
        """Mean-field up-pass followed by a mean-field down-pass (no fine-tuning)."""
        x, squeeze = self._tensor(v, "v")
        for i in range(len(self.rbms)):
            x = self._up(i, x)
        for rbm in reversed(self.rbms):
            x = rbm._mean_v(x)
        return x[0] if squeeze else x

    def sample(self, n: int, n_sweeps: int = 1000, rng: SeedLike = None, *,
               mean: bool = False) -> torch.Tensor:
        """Ancestral samples of the DBN's generative model.

        Runs ``n`` independent block-Gibbs chains of ``n_sweeps`` sweeps in the
        top RBM (started from uniformly random states of layer ``L-1``), then
        samples each lower layer from the directed conditionals
        ``P(h^{l-1} | h^l)`` (Hinton, Osindero & Teh 2006, §3).

        Parameters
        ----------
        n : int
            Number of samples.
        n_sweeps : int
            Gibbs sweeps in the top RBM.
        rng : SeedLike
        mean : bool
            Return ``E[v | h^1]`` for the bottom layer instead of a sample
            (smoother pictures).

        Returns
        -------
        torch.Tensor, shape (n, n_visible)
        """
        n = check_int(n, "n", minimum=1)
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
        gen = torch_generator(rng, str(self.device))
        top = self.rbms[-1]
        half = torch.full((n, top.n_visible), 0.5, dtype=self.dtype, device=self.device)
        x = torch.bernoulli(half, generator=gen)
        if top.visible == "ising":
            x = 2.0 * x - 1.0
        elif top.visible == "gaussian":
            x = top.b.expand(n, -1).clone()
        if self.top_hidden == "gaussian":
            for _ in range(n_sweeps):
                pre = x @ top.W + top.c
                h = pre + torch.randn(pre.shape, generator=gen, dtype=pre.dtype,
                                      device=pre.device)
                x = top._sample_v(h, gen)
        else:
            x = top._gibbs(x, n_sweeps, gen)
        for i, rbm in enumerate(reversed(self.rbms[:-1])):
            last = i == len(self.rbms) - 2
            x = rbm._mean_v(x) if (mean and last) else rbm._sample_v(x, gen)
        return x


class DeepAutoencoder(torch.nn.Module):
    """Deep autoencoder unrolled from a DBN (Hinton & Salakhutdinov, Science 2006).

    Encoder layer ``l`` computes ``σ(x W_l + c_l)``; the code layer is linear
    when ``code_linear``. Decoder layer ``l`` computes ``f(x W_lᵀ + b_l)`` with
    ``f = σ`` except at the output, where ``f`` matches the visible type
    (``σ``, ``tanh`` for Ising ``±1``, identity for Gaussian).

    Parameters
    ----------
    layer_sizes : sequence of int
    visible : {"bernoulli", "ising", "gaussian"}
    code_linear : bool
    rng : SeedLike
        Seed for random initial weights (``N(0, 0.01²)``) when not built by
        :meth:`from_dbn`.
    dtype : torch.dtype
    device : torch.device or str, default "cpu"
        Device of the parameters.
    """

    def __init__(self, layer_sizes: Any, visible: str = "bernoulli", *,
                 code_linear: bool = True, rng: SeedLike = None,
                 dtype: torch.dtype = torch.float32, device: Any = "cpu") -> None:
        super().__init__()
        self.layer_sizes = _check_layer_sizes(layer_sizes)
        self.visible = check_option(visible, "visible", VISIBLE_TYPES)
        if not isinstance(code_linear, bool):
            raise TypeError(f"code_linear must be a bool; got {type(code_linear).__name__}")
        self.code_linear = code_linear
        gen = torch_generator(rng, "cpu")
        sizes = self.layer_sizes
        enc_w, enc_b, dec_w, dec_b = [], [], [], []
        for n_in, n_out in itertools.pairwise(sizes):
            enc_w.append(torch.randn(n_in, n_out, generator=gen, dtype=dtype) * 0.01)
            enc_b.append(torch.zeros(n_out, dtype=dtype))
            dec_w.append(torch.randn(n_out, n_in, generator=gen, dtype=dtype) * 0.01)
            dec_b.append(torch.zeros(n_in, dtype=dtype))
        self.encoder_weights = torch.nn.ParameterList(enc_w)
        self.encoder_biases = torch.nn.ParameterList(enc_b)
        # Decoder layer l maps layer l+1 back to layer l (applied top-down).
        self.decoder_weights = torch.nn.ParameterList(dec_w)
        self.decoder_biases = torch.nn.ParameterList(dec_b)
        self.to(device)
        self.history: list[float] = []
        self.history_ = History()
        self._config = {"layer_sizes": list(self.layer_sizes), "visible": self.visible,
                        "code_linear": self.code_linear, "dtype": _dtype_name(dtype),
                        "device": str(device)}

    @classmethod
    def from_dbn(cls, dbn: DeepBeliefNet, code_linear: bool | None = None, *,
                 dtype: torch.dtype = torch.float32) -> DeepAutoencoder:
        """Unroll a DBN: encoder ``(W_l, c_l)``, decoder ``(W_lᵀ, b_l)``.

        ``code_linear=None`` (default) gives a linear code for a DBN with a
        Gaussian top layer (Hinton & Salakhutdinov 2006) and a sigmoid code for
        a Bernoulli one; either way the untuned autoencoder computes exactly
        the DBN's mean-field up-down pass (:meth:`DeepBeliefNet.reconstruct`).
        ``code_linear=True`` on a Bernoulli top reuses its weights for linear
        code units and leaves the adaptation to fine-tuning.
        """
        if not isinstance(dbn, DeepBeliefNet):
            raise TypeError(f"dbn must be a DeepBeliefNet; got {type(dbn).__name__}")
        if code_linear is None:
            code_linear = dbn.top_hidden == "gaussian"
        elif not code_linear and dbn.top_hidden == "gaussian":
            raise ValueError("code_linear=False needs a Bernoulli top layer; this DBN has "
                             "top_hidden='gaussian', whose units are linear")
        ae = cls(dbn.layer_sizes, dbn.visible, code_linear=code_linear, dtype=dtype,
                 device=dbn.device)
        with torch.no_grad():
            for i, rbm in enumerate(dbn.rbms):
                ae.encoder_weights[i].copy_(rbm.W)
                ae.encoder_biases[i].copy_(rbm.c)
                ae.decoder_weights[i].copy_(rbm.W.T)
                ae.decoder_biases[i].copy_(rbm.b)
        return ae

    @property
    def _param_dtype(self) -> torch.dtype:
        return self.encoder_weights[0].dtype

    def _tensor(self, v: Any, name: str = "v") -> tuple[torch.Tensor, bool]:
        if isinstance(v, torch.Tensor):
            squeeze = v.ndim == 1
            v = v.detach().cpu().numpy()
        else:
            squeeze = np.ndim(v) == 1
        arr = _check_data(v, name, self.layer_sizes[0], self.visible)
        t = torch.as_tensor(arr, dtype=self._param_dtype,
                            device=self.encoder_weights[0].device)
        return t, squeeze

    def _encode(self, x: torch.Tensor) -> torch.Tensor:
        last = len(self.encoder_weights) - 1
        for i, (w, c) in enumerate(zip(self.encoder_weights, self.encoder_biases,
                                       strict=True)):
            x = x @ w + c
            if not (i == last and self.code_linear):
                x = torch.sigmoid(x)
        return x

    def _decode_field(self, z: torch.Tensor) -> torch.Tensor:
        """Decoder output *before* the output nonlinearity."""
        for i in range(len(self.decoder_weights) - 1, -1, -1):
            z = z @ self.decoder_weights[i] + self.decoder_biases[i]
            if i > 0:
                z = torch.sigmoid(z)
        return z

    def _output(self, field: torch.Tensor) -> torch.Tensor:
        if self.visible == "bernoulli":
            return torch.sigmoid(field)
        if self.visible == "ising":
            return torch.tanh(field)
        return field

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction of a validated batch tensor (differentiable)."""
        return self._output(self._decode_field(self._encode(x)))

    def _loss(self, x: torch.Tensor) -> torch.Tensor:
        field = self._decode_field(self._encode(x))
        if self.visible == "bernoulli":
            # Cross-entropy from logits: overflow-safe for saturated units.
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                field, x, reduction="sum")
        elif self.visible == "ising":
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                2.0 * field, (x + 1.0) / 2.0, reduction="sum")
        else:
            loss = 0.5 * ((field - x) ** 2).sum()
        return loss / x.shape[0]

    def encode(self, v: Any) -> torch.Tensor:
        """Code vectors, shape ``(..., layer_sizes[-1])``."""
        x, squeeze = self._tensor(v)
        with torch.no_grad():
            z = self._encode(x)
        return z[0] if squeeze else z

    def reconstruct(self, v: Any) -> torch.Tensor:
        """Reconstructions ``decode(encode(v))``, shaped like ``v``."""
        x, squeeze = self._tensor(v)
        with torch.no_grad():
            r = self.forward(x)
        return r[0] if squeeze else r

    def reconstruction_error(self, v: Any) -> float:
        """Mean over images of the squared error summed over pixels.

        This is the measure of Hinton & Salakhutdinov (2006), Fig. 2.
        """
        x, _ = self._tensor(v)
        with torch.no_grad():
            return float(((self.forward(x) - x) ** 2).sum(1).mean())

    _KIND = "spinnet.boltzmann.DeepAutoencoder"

    def save(self, path: str | os.PathLike) -> Path:
        """Save weights and history (``_persist`` format); :meth:`load` restores them
        bit for bit."""
        arrays = {f"model/{key}": val for key, val in self.state_dict().items()}
        return save_state(path, kind=self._KIND, config=self._config, arrays=arrays,
                          state={"history": self.history,
                                 "history_": self.history_.to_dict()})

    @classmethod
    def load(cls, path: str | os.PathLike) -> DeepAutoencoder:
        """Load an autoencoder written by :meth:`save` (``ValueError`` naming ``path``)."""
        saved = load_state(path, kind=cls._KIND)
        cfg = saved.config
        try:
            ae = cls(cfg["layer_sizes"], cfg["visible"], code_linear=cfg["code_linear"],
                     rng=0, dtype=getattr(torch, cfg["dtype"]), device=cfg["device"])
            ae.load_state_dict({key[len("model/"):]: val for key, val in saved.arrays.items()
                                if key.startswith("model/")})
        except (KeyError, TypeError, AttributeError, RuntimeError, ValueError) as exc:
            raise ValueError(f"{str(path)!r} is not a valid saved DeepAutoencoder: "
                             f"{exc}") from None
        ae.history = [float(v) for v in saved.state.get("history", [])]
        ae.history_ = History.from_dict(saved.state.get("history_") or {})
        return ae

    def fine_tune(self, data: Any, epochs: int = 10, lr: float = 1e-3, batch_size: int = 100,
                  rng: SeedLike = None, *, weight_decay: float = 0.0,
                  checkpoint_dir: str | os.PathLike | None = None,
                  progress: ProgressCallback | None = None) -> list[float]:
        """Fine-tune all weights by backpropagation with Adam (Kingma & Ba 2015).

        The loss is the cross-entropy between data and reconstruction (Bernoulli
        and Ising visibles; Hinton & Salakhutdinov 2006) or half the squared
        error (Gaussian visibles), summed over pixels and averaged over images.

        Parameters
        ----------
        data : array-like, shape (n_samples, n_visible)
        epochs, batch_size : int
        lr : float
            Adam step size.
        rng : SeedLike
            Seed of the run; epoch ``e`` shuffles with a generator derived from
            ``(seed, e)``.
        weight_decay : float
            L2 penalty coefficient passed to Adam (0 as in the paper).
        checkpoint_dir : path-like, optional
            Write the weights, the Adam state and the losses atomically to
            ``checkpoint_dir/finetune/`` (:mod:`spinnet._persist` format) after
            every epoch. If it exists, training resumes from it (its seed is used)
            and ends after ``epochs`` epochs in total, exactly as an uninterrupted run.
        progress : callable, optional
            ``progress("fine-tune", epochs_done, epochs)`` after each epoch.

        Returns
        -------
        list of float
            Mean training loss per epoch of this call's run (also appended to
            ``self.history`` and ``self.history_``); on resume, including the epochs
            before it.
        """
        epochs = check_int(epochs, "epochs", minimum=0)
        lr = check_positive_float(lr, "lr")
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        weight_decay = check_nonneg_float(weight_decay, "weight_decay")
        x, _ = self._tensor(data, "data")
        optimizer = torch.optim.Adam(self.parameters(), lr=lr, weight_decay=weight_decay)
        losses: list[float] = []
        ckpt = None if checkpoint_dir is None else Path(checkpoint_dir) / FINETUNE_CHECKPOINT
        digest = hashlib.sha256(x.detach().cpu().numpy().tobytes()).hexdigest()
        settings = {"lr": lr, "batch_size": batch_size, "weight_decay": weight_decay,
                    "layer_sizes": list(self.layer_sizes), "code_linear": self.code_linear,
                    "data_sha256": digest}
        if ckpt is not None and ckpt.exists():
            try:
                saved = load_state(ckpt, kind=_FINETUNE_KIND)
                old = saved.config["settings"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"fine-tuning checkpoint {str(ckpt)!r} is corrupt or "
                                 f"unreadable: {exc}") from None
            if old != settings:
                diff = sorted(k for k in settings if old.get(k) != settings[k])
                raise ValueError(f"fine-tuning checkpoint {str(ckpt)!r} differs in {diff}; "
                                 "use another checkpoint_dir to start afresh")
            self.load_state_dict({key[len("model/"):]: val for key, val in saved.arrays.items()
                                  if key.startswith("model/")})
            optimizer.load_state_dict(_optimizer_state(saved.arrays, saved.state["optimizer"]))
            losses = [float(v) for v in saved.state["losses"]]
            entropy = int(saved.config["entropy"])
        else:
            entropy = int(as_generator(rng).integers(0, 2**63 - 1))
        n = x.shape[0]
        report(progress, "fine-tune", min(len(losses), epochs), epochs)
        for epoch in range(len(losses), epochs):
            gen = torch.Generator().manual_seed(
                int(np.random.SeedSequence([entropy, epoch]).generate_state(1)[0]))
            order = torch.randperm(n, generator=gen).to(x.device)
            total = 0.0
            for start in range(0, n, batch_size):
                batch = x[order[start:start + batch_size]]
                optimizer.zero_grad()
                loss = self._loss(batch)
                loss.backward()
                optimizer.step()
                total += float(loss.detach()) * batch.shape[0]
            losses.append(total / n)
            if ckpt is not None:
                opt_arrays, opt_meta = _optimizer_arrays(optimizer)
                save_state(ckpt, kind=_FINETUNE_KIND,
                           config={"settings": settings, "entropy": str(entropy)},
                           arrays={**{f"model/{key}": val
                                      for key, val in self.state_dict().items()},
                                   **opt_arrays},
                           state={"losses": losses, "optimizer": opt_meta})
            report(progress, "fine-tune", epoch + 1, epochs)
        self.history.extend(losses)
        for i, v in enumerate(losses):
            self.history_.append(epoch=i + 1, loss=v)
        return losses


def _optimizer_arrays(optimizer: torch.optim.Optimizer) -> tuple[dict[str, Any], dict]:
    """Split an optimizer ``state_dict`` into tensors (arrays) and JSON metadata."""
    sd = optimizer.state_dict()
    arrays: dict[str, Any] = {}
    meta_state: dict[str, dict[str, Any]] = {}
    for pid, buf in sd["state"].items():
        meta_state[str(pid)] = {}
        for key, val in buf.items():
            if isinstance(val, torch.Tensor):
                arrays[f"optimizer/{pid}/{key}"] = val
            else:
                meta_state[str(pid)][key] = val
    return arrays, {"param_groups": sd["param_groups"], "state": meta_state}


def _optimizer_state(arrays: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`_optimizer_arrays`."""
    state: dict[int, dict[str, Any]] = {int(pid): dict(extra)
                                        for pid, extra in meta["state"].items()}
    for name, val in arrays.items():
        if name.startswith("optimizer/"):
            _, pid, key = name.split("/", 2)
            state.setdefault(int(pid), {})[key] = val
    return {"state": state, "param_groups": meta["param_groups"]}


def pca_reconstruction_error(train: Any, test: Any, n_components: int) -> float:
    """Test reconstruction error of PCA fitted on ``train`` (the linear baseline).

    Returns the mean over test images of the squared error summed over pixels,
    the measure of :meth:`DeepAutoencoder.reconstruction_error`.

    Parameters
    ----------
    train : array_like, shape (n_train, n_features)
        Data the PCA is fitted on.
    test : array_like, shape (n_test, n_features)
        Data reconstructed.
    n_components : int
        Number of principal components (the code size; <= min(train.shape)).

    Returns
    -------
    float
        Mean over test rows of the summed squared error.
    """
    from sklearn.decomposition import PCA

    tr = check_array(train, "train", ndim=2)
    te = check_array(test, "test", ndim=2)
    if tr.shape[1] != te.shape[1]:
        raise ValueError(f"train and test must have the same number of features; got "
                         f"{tr.shape[1]} and {te.shape[1]}")
    n_components = check_int(n_components, "n_components", minimum=1)
    if n_components > min(tr.shape):
        raise ValueError(f"n_components must be <= min(train.shape) = {min(tr.shape)}; "
                         f"got {n_components}")
    pca = PCA(n_components=n_components).fit(tr.astype(np.float64))
    rec = pca.inverse_transform(pca.transform(te.astype(np.float64)))
    return float(((rec - te) ** 2).sum(1).mean())

