"""Restricted Boltzmann machines with honest likelihoods (PyTorch).

An RBM couples visible units ``v`` (length ``n_visible``) to Bernoulli hidden
units ``h ∈ {0, 1}^n_hidden`` through the energy

* ``visible="bernoulli"`` (``v ∈ {0, 1}``) and ``visible="ising"``
  (``v ∈ {-1, +1}``): ``E(v, h) = -vᵀWh - bᵀv - cᵀh``;
* ``visible="gaussian"`` (``v ∈ ℝ``, unit variance):
  ``E(v, h) = ½‖v - b‖² - vᵀWh - cᵀh``,

with ``P(v, h) = exp(-E(v, h)) / Z`` (Smolensky 1986; Hinton 2002; for the
Gaussian-Bernoulli form Hinton & Salakhutdinov, Science 313, 504 (2006) and
Hinton, "A practical guide to training RBMs", UTML TR 2010-003, §13.2).
Summing out the hidden units gives the free energy

``F(v) = -log Σ_h e^{-E(v,h)} = -bᵀv - Σ_j softplus(c_j + (vW)_j)``

(``½‖v - b‖²`` replaces ``-bᵀv`` for Gaussian visibles), so ``P(v) = e^{-F(v)}/Z``.

Gradient estimators are pure functions returning dictionaries
``{"W": ..., "b": ..., "c": ...}`` of the *ascent* direction of a (surrogate)
log-likelihood averaged over a batch: contrastive divergence
(:func:`cd_gradient`, Hinton 2002), persistent CD (:func:`pcd_gradient`,
Tieleman 2008), pseudo-likelihood (:func:`pl_gradient`, Besag 1975), ratio
matching (:func:`rm_gradient`, Hyvärinen 2007) and the exact log-likelihood
gradient by enumeration (:func:`exact_loglik_gradient`) for small machines.
``exact_log_z`` enumerates whichever layer is smaller.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from spinnet._history import History
from spinnet._progress import ProgressCallback
from spinnet._rng import SeedLike, torch_generator
from spinnet._validation import check_int, check_option, check_positive_float

__all__ = [
    "RBM",
    "VISIBLE_TYPES",
    "cd_gradient",
    "exact_log_likelihood",
    "exact_log_z",
    "exact_loglik_gradient",
    "pcd_gradient",
    "pl_gradient",
    "pseudo_log_likelihood",
    "ratio_matching_objective",
    "rm_gradient",
]

VISIBLE_TYPES = ("bernoulli", "ising", "gaussian")
MAX_ENUMERATION_UNITS = 20

GeneratorLike = torch.Generator | SeedLike


def _bernoulli(p: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Independent draws ``x ~ Bernoulli(p)`` as ``U < p`` (4x faster than torch.bernoulli)."""
    return (torch.rand(p.shape, generator=gen, dtype=p.dtype, device=p.device) < p).to(p.dtype)


def _matmul(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """``x @ w``; when ``w`` has another dtype (e.g. a bfloat16 copy of the weights),
    the product is taken in ``w``'s dtype and returned in ``x``'s (mixed precision)."""
    if x.dtype == w.dtype:
        return x @ w
    return (x.to(w.dtype) @ w).to(x.dtype)


def _all_binary_states(n: int, dtype: torch.dtype, device: Any) -> torch.Tensor:
    """All ``2**n`` configurations of ``n`` {0,1} units, shape ``(2**n, n)``."""
    codes = torch.arange(2**n, device=device)
    bits = (codes.unsqueeze(1) >> torch.arange(n - 1, -1, -1, device=device)) & 1
    return bits.to(dtype)


class RBM:
    """Restricted Boltzmann machine with Bernoulli hidden units.

    Parameters
    ----------
    n_visible, n_hidden : int
        Numbers of visible and hidden units (both ``>= 1``).
    visible : {"bernoulli", "ising", "gaussian"}
        Visible unit type: ``{0, 1}``, ``{-1, +1}`` or real with unit variance.
    rng : SeedLike
        Seed for the initial weights ``W_ij ~ N(0, init_std²)``; biases start at 0.
    device : str or torch.device
        Where the parameters live (CPU default; nothing is CUDA-only).
    dtype : torch.dtype
        Floating dtype of the parameters (``torch.float64`` default, so that
        exact enumerations and gradient checks are accurate).
    init_std : float
        Standard deviation of the initial weights.

    Attributes
    ----------
    W : torch.Tensor, shape (n_visible, n_hidden)
        Couplings between visible and hidden units.
    b : torch.Tensor, shape (n_visible,)
        Visible biases (the mean of ``v`` for Gaussian visibles when ``W = 0``).
    c : torch.Tensor, shape (n_hidden,)
        Hidden biases.

    Notes
    -----
    Methods accept a single configuration of shape ``(n_visible,)`` or a batch of
    shape ``(batch, n_visible)`` (NumPy arrays or tensors) and return tensors
    with the same leading shape. Data are validated, never coerced: a 0.5 in
    Bernoulli data or a 0 in Ising data raises ``ValueError``.
    """

    def __init__(self, n_visible: int, n_hidden: int, visible: str = "bernoulli", *,
                 rng: SeedLike = None, device: Any = "cpu", dtype: torch.dtype = torch.float64,
                 init_std: float = 0.01) -> None:
        self.n_visible = check_int(n_visible, "n_visible", minimum=1)
        self.n_hidden = check_int(n_hidden, "n_hidden", minimum=1)
        self.visible = check_option(visible, "visible", VISIBLE_TYPES)
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise TypeError(f"dtype must be a floating torch.dtype; got {dtype!r}")
        init_std = check_positive_float(init_std, "init_std")
        self.device = torch.device(device)
        self.dtype = dtype
        gen = torch_generator(rng, "cpu")
        W = torch.randn(self.n_visible, self.n_hidden, generator=gen, dtype=dtype) * init_std
        self.W = W.to(self.device)
        self.b = torch.zeros(self.n_visible, dtype=dtype, device=self.device)
        self.c = torch.zeros(self.n_hidden, dtype=dtype, device=self.device)
        self.init_std = init_std
        self.history_ = History()
        #: Free-form JSON description saved with the model (e.g. the data it was trained on).
        self.metadata: dict[str, Any] = {}
        self._partial: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return (f"RBM(n_visible={self.n_visible}, n_hidden={self.n_hidden}, "
                f"visible={self.visible!r}, device={str(self.device)!r}, dtype={self.dtype})")

    # ------------------------------------------------------------------ helpers
    @property
    def params(self) -> dict[str, torch.Tensor]:
        """The parameters as a dict ``{"W", "b", "c"}`` (the tensors themselves)."""
        return {"W": self.W, "b": self.b, "c": self.c}

    def _as_tensor(self, x: Any, name: str, n: int) -> tuple[torch.Tensor, bool]:
        """Convert ``x`` to a 2-D tensor of shape ``(batch, n)``; flag 1-D input."""
        if x is None:
            raise TypeError(f"{name} must be an array or tensor; got None")
        if isinstance(x, torch.Tensor):
            t = x.detach()
        else:
            arr = np.asarray(x)
            if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                           or arr.dtype == np.bool_):
                raise TypeError(f"{name} must be numeric; got dtype {arr.dtype}")
            t = torch.from_numpy(np.ascontiguousarray(arr))
        if t.dtype == torch.bool:
            t = t.to(torch.int8)
        if t.is_complex():
            raise TypeError(f"{name} must be real; got dtype {t.dtype}")
        t = t.to(device=self.device, dtype=self.dtype)
        if t.ndim not in (1, 2):
            raise ValueError(f"{name} must have shape ({n},) or (batch, {n}); "
                             f"got shape {tuple(t.shape)}")
        squeeze = t.ndim == 1
        shape = tuple(t.shape)
        t = t.reshape(1, -1) if squeeze else t
        if t.shape[1] != n or t.shape[0] == 0:
            raise ValueError(f"{name} must have shape ({n},) or (batch, {n}) with batch >= 1; "
                             f"got shape {shape}")
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
        return t, squeeze

    def _check_visible(self, v: Any, name: str = "v") -> tuple[torch.Tensor, bool]:
        t, squeeze = self._as_tensor(v, name, self.n_visible)
        if self.visible == "bernoulli" and not bool(((t == 0) | (t == 1)).all()):
            if bool(((t == -1) | (t == 1)).all()):
                raise ValueError(f"{name} holds -1/+1 spins, but Bernoulli visibles take 0/1 "
                                 "values: convert with spinnet.spins.spins_to_bits (e.g. the "
                                 "output of spinnet.datasets.digits()), or use visible='ising'")
            raise ValueError(f"{name} must contain only 0/1 values for Bernoulli visibles "
                             "(binarize real data explicitly; convert -1/+1 spins with "
                             "spinnet.spins.spins_to_bits)")
        if self.visible == "ising" and not bool(((t == -1) | (t == 1)).all()):
            raise ValueError(f"{name} must contain only -1/+1 values for Ising visibles "
                             "(convert {0,1} data with 2v - 1 explicitly)")
        return t, squeeze

    def _check_hidden(self, h: Any, name: str = "h", *, binary: bool = True
                      ) -> tuple[torch.Tensor, bool]:
        t, squeeze = self._as_tensor(h, name, self.n_hidden)
        if binary and not bool(((t == 0) | (t == 1)).all()):
            raise ValueError(f"{name} must contain only 0/1 values (Bernoulli hidden units)")
        return t, squeeze

    def _generator(self, rng: GeneratorLike) -> torch.Generator:
        if isinstance(rng, torch.Generator):
            if rng.device.type != self.device.type:
                raise ValueError(f"rng must live on device {self.device.type!r} like the "
                                 f"RBM; got a torch.Generator on {rng.device.type!r}")
            return rng
        return torch_generator(rng, str(self.device))

    @staticmethod
    def _out(t: torch.Tensor, squeeze: bool) -> torch.Tensor:
        return t[0] if squeeze else t

    def _flip(self, v: torch.Tensor) -> torch.Tensor:
        """Flip a binary visible state: ``1 - v`` (Bernoulli) or ``-v`` (Ising)."""
        return 1.0 - v if self.visible == "bernoulli" else -v

    # ------------------------------------------------------- energies (unchecked)
    def _free_energy(self, v: torch.Tensor, W: torch.Tensor, b: torch.Tensor,
                     c: torch.Tensor) -> torch.Tensor:
        """F(v) for a batch with explicit parameters (differentiable)."""
        hidden_term = torch.nn.functional.softplus(v @ W + c).sum(-1)
        if self.visible == "gaussian":
            return 0.5 * ((v - b) ** 2).sum(-1) - hidden_term
        return -(v @ b) - hidden_term

    def _visible_field(self, h: torch.Tensor) -> torch.Tensor:
        return h @ self.W.T + self.b

    # ------------------------------------------------------------- public API
    def energy(self, v: Any, h: Any) -> torch.Tensor:
        """Joint energy ``E(v, h)``.

        Parameters
        ----------
        v : array-like, shape (n_visible,) or (batch, n_visible)
        h : array-like, shape (n_hidden,) or (batch, n_hidden), values in {0, 1}

        Returns
        -------
        torch.Tensor, shape () or (batch,)
        """
        vt, sv = self._check_visible(v, "v")
        ht, sh = self._check_hidden(h, "h")
        if vt.shape[0] != ht.shape[0] and 1 not in (vt.shape[0], ht.shape[0]):
            raise ValueError(f"v and h must have the same batch size; got {vt.shape[0]} "
                             f"and {ht.shape[0]}")
        coupling = ((vt @ self.W) * ht).sum(-1)
        e = -coupling - ht @ self.c
        if self.visible == "gaussian":
            e = e + 0.5 * ((vt - self.b) ** 2).sum(-1)
        else:
            e = e - vt @ self.b
        return self._out(e, sv and sh)

    def free_energy(self, v: Any) -> torch.Tensor:
        """Free energy ``F(v) = -log Σ_h exp(-E(v, h))`` in the softplus form.

        Returns
        -------
        torch.Tensor, shape () or (batch,)
        """
        vt, s = self._check_visible(v, "v")
        return self._out(self._free_energy(vt, self.W, self.b, self.c), s)

    def p_h_given_v(self, v: Any) -> torch.Tensor:
        """``P(h_j = 1 | v) = σ(c_j + Σ_i v_i W_ij)``, shape like ``(…, n_hidden)``."""
        vt, s = self._check_visible(v, "v")
        return self._out(torch.sigmoid(vt @ self.W + self.c), s)

    def sample_h(self, v: Any, rng: GeneratorLike = None) -> torch.Tensor:
        """Draw ``h ~ P(h | v)`` (independent Bernoulli units)."""
        vt, s = self._check_visible(v, "v")
        return self._out(self._sample_h(vt, self._generator(rng)), s)

    def _sample_h(self, v: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        return _bernoulli(torch.sigmoid(v @ self.W + self.c), gen)

    def p_v_given_h(self, h: Any) -> torch.Tensor:
        """Probability that each visible unit is *on* given ``h``.

        ``P(v_i = 1 | h) = σ(b_i + (Wh)_i)`` for Bernoulli visibles and
        ``P(v_i = +1 | h) = σ(2(b_i + (Wh)_i))`` for Ising visibles.

        Raises
        ------
        ValueError
            For Gaussian visibles, whose conditional is a density
            ``N(b + Wh, 1)``; use :meth:`mean_v`.
        """
        if self.visible == "gaussian":
            raise ValueError("p_v_given_h is defined for binary visibles; Gaussian visibles "
                             "have density N(b + Wh, 1): use mean_v")
        ht, s = self._check_hidden(h, "h", binary=False)
        field = self._visible_field(ht)
        return self._out(torch.sigmoid(2.0 * field if self.visible == "ising" else field), s)

    def mean_v(self, h: Any) -> torch.Tensor:
        """Conditional mean ``E[v | h]``: ``σ(·)``, ``tanh(·)`` or ``b + Wh``.

        ``h`` may be real (mean-field values in ``[0, 1]``), as used by
        :meth:`reconstruct`.
        """
        ht, s = self._check_hidden(h, "h", binary=False)
        return self._out(self._mean_v(ht), s)

    def _mean_v(self, h: torch.Tensor) -> torch.Tensor:
        field = self._visible_field(h)
        if self.visible == "bernoulli":
            return torch.sigmoid(field)
        if self.visible == "ising":
            return torch.tanh(field)
        return field

    def sample_v(self, h: Any, rng: GeneratorLike = None) -> torch.Tensor:
        """Draw ``v ~ P(v | h)``."""
        ht, s = self._check_hidden(h, "h")
        return self._out(self._sample_v(ht, self._generator(rng)), s)

    def _sample_v(self, h: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        return self._sample_v_field(self._visible_field(h), gen)

    def _sample_v_field(self, field: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """Draw ``v`` given its field ``b + Wh``."""
        if self.visible == "bernoulli":
            return _bernoulli(torch.sigmoid(field), gen)
        if self.visible == "ising":
            return 2.0 * _bernoulli(torch.sigmoid(2.0 * field), gen) - 1.0
        return field + torch.randn(field.shape, generator=gen, dtype=field.dtype,
                                   device=field.device)

    def _gibbs(self, v: torch.Tensor, k: int, gen: torch.Generator,
               W: torch.Tensor | None = None, gaussian_hidden: bool = False) -> torch.Tensor:
        """``k`` block-Gibbs sweeps; ``W`` may be a low-precision copy (see :func:`_matmul`).

        ``gaussian_hidden`` treats the hidden units as linear with unit Gaussian noise,
        ``h ~ N(c + vW, 1)`` (the code layer of a deep belief net, Hinton &
        Salakhutdinov 2006), which an :class:`RBM` does not otherwise model.
        """
        W = self.W if W is None else W
        for _ in range(k):
            if gaussian_hidden:
                pre = _matmul(v, W) + self.c
                h = pre + torch.randn(pre.shape, generator=gen, dtype=pre.dtype,
                                      device=pre.device)
            else:
                h = _bernoulli(torch.sigmoid(_matmul(v, W) + self.c), gen)
            v = self._sample_v_field(_matmul(h, W.T) + self.b, gen)
        return v

    def gibbs(self, v: Any, k: int = 1, rng: GeneratorLike = None) -> torch.Tensor:
        """Run ``k`` block-Gibbs sweeps ``v → h ~ P(h|v) → v ~ P(v|h)``.

        Block Gibbs sampling leaves ``P(v, h)`` invariant because each half-step
        samples a layer exactly from its conditional (Hinton 2002).

        Returns
        -------
        torch.Tensor
            The visible state after ``k`` sweeps, shaped like ``v``.
        """
        k = check_int(k, "k", minimum=0)
        vt, s = self._check_visible(v, "v")
        return self._out(self._gibbs(vt, k, self._generator(rng)), s)

    def reconstruct(self, v: Any) -> torch.Tensor:
        """Deterministic mean-field reconstruction ``E[v | h = P(h=1|v)]``."""
        vt, s = self._check_visible(v, "v")
        return self._out(self._mean_v(torch.sigmoid(vt @ self.W + self.c)), s)

    def inpaint(self, v: Any, mask: Any, n_steps: int = 100,
                rng: GeneratorLike = None) -> torch.Tensor:
        """Sample the unobserved visibles given the observed ones.

        Visible units where ``mask`` is True are clamped to ``v``; the others
        start from a uniformly random state (Gaussian: from ``b``) and are
        resampled by ``n_steps`` block-Gibbs sweeps of the clamped chain, which
        targets ``P(v_unobserved | v_observed)``. Entries of ``v`` at unobserved
        positions are ignored and may be NaN.

        Parameters
        ----------
        v : array-like, shape (n_visible,) or (batch, n_visible)
        mask : bool array-like, same shape as ``v``
        n_steps : int
        rng : SeedLike or torch.Generator

        Returns
        -------
        torch.Tensor
            A sample, shaped like ``v``, equal to ``v`` where ``mask`` is True.
        """
        n_steps = check_int(n_steps, "n_steps", minimum=0)
        if v is None or mask is None:
            raise TypeError("v and mask must be arrays; got None")
        raw = v.detach() if isinstance(v, torch.Tensor) else torch.as_tensor(np.asarray(v))
        m = mask.detach() if isinstance(mask, torch.Tensor) else torch.as_tensor(
            np.asarray(mask))
        if tuple(m.shape) != tuple(raw.shape):
            raise ValueError(f"mask must have the shape of v {tuple(raw.shape)}; "
                             f"got {tuple(m.shape)}")
        if m.dtype != torch.bool:
            if m.is_floating_point() or not bool(((m == 0) | (m == 1)).all()):
                raise TypeError(f"mask must be boolean (True = observed); got dtype {m.dtype}")
            m = m.to(torch.bool)
        if raw.ndim not in (1, 2) or raw.shape[-1] != self.n_visible:
            raise ValueError(f"v must have shape ({self.n_visible},) or (batch, "
                             f"{self.n_visible}); got shape {tuple(raw.shape)}")
        squeeze = raw.ndim == 1
        raw = raw.reshape(-1, self.n_visible).to(device=self.device, dtype=self.dtype)
        m = m.reshape(-1, self.n_visible).to(self.device)
        gen = self._generator(rng)
        if self.visible == "gaussian":
            fill = self.b.expand_as(raw)
        else:
            half = torch.full(raw.shape, 0.5, dtype=self.dtype, device=self.device)
            fill = torch.bernoulli(half, generator=gen)
            fill = 2.0 * fill - 1.0 if self.visible == "ising" else fill
        if not bool(torch.isfinite(raw[m]).all()):
            raise ValueError("v must contain only finite values at observed (mask=True) "
                             "positions (found NaN or inf)")
        # Unobserved entries are replaced before validation, so they may be NaN;
        # observed entries are validated like any visible data.
        vt, _ = self._check_visible(torch.where(m, torch.nan_to_num(raw), fill), "v")
        for _ in range(n_steps):
            # Resample everything, then re-clamp: a Gibbs sweep of the clamped chain.
            proposal = self._sample_v(self._sample_h(vt, gen), gen)
            vt = torch.where(m, vt, proposal)
        return self._out(vt, squeeze)


    # ------------------------------------------------------------ estimator API
    def fit(self, X: Any, method: str = "cd", epochs: int = 10, *, rng: SeedLike = None,
            progress: ProgressCallback | None = None,
            checkpoint_dir: str | os.PathLike | None = None, **options: Any) -> RBM:
        """Train the RBM in place by minibatch stochastic gradient ascent; returns ``self``.

        A thin front to :func:`spinnet.boltzmann.training.train`: ``method`` names a
        registered training rule (``"cd"``, ``"pcd"``, ``"pt"``, ``"pl"``, ``"rm"``,
        ``"exact"``, or one added with
        :func:`spinnet.boltzmann.training.register_rule`) and ``options`` are the
        other fields of :class:`~spinnet.boltzmann.training.TrainConfig` (``k``,
        ``batch_size``, ``learning_rate``, ``momentum``, ``weight_decay``, ...).

        Parameters
        ----------
        X : array-like, shape (n_samples, n_visible)
            Training vectors (0/1 for Bernoulli visibles: convert ±1 spins with
            :func:`spinnet.spins.spins_to_bits`).
        method : str
            Training rule.
        epochs : int
            Total number of epochs (a resumed run continues up to this number).
        rng : SeedLike
            Seed of the run (shuffling and sampling).
        progress : callable, optional
            ``progress(stage, done, total)`` after each epoch.
        checkpoint_dir : path-like, optional
            Directory for a per-epoch resume checkpoint (:mod:`spinnet._persist`
            format); if it holds one, training resumes exactly.

        Returns
        -------
        RBM
            ``self``; the per-epoch metrics are in ``history_``.
        """
        from spinnet.boltzmann.training import TrainConfig, train

        config = TrainConfig(method=method, epochs=epochs, **options)
        self.history_ = train(self, X, config, rng=rng, progress=progress,
                              checkpoint_dir=checkpoint_dir)
        return self

    def partial_fit(self, X: Any, method: str = "cd", *, rng: SeedLike = None,
                    **options: Any) -> RBM:
        """One pass of minibatch updates over ``X``, continuing the previous call's state.

        Momentum buffers and persistent chains are kept between calls (streaming
        training); a change of ``method`` or ``options`` starts them afresh. ``rng``
        seeds the first call; later calls continue its stream.

        Returns
        -------
        RBM
            ``self``; one row is appended to ``history_`` per call.
        """
        from spinnet.boltzmann.training import TrainConfig, _partial_fit

        config = TrainConfig(method=method, epochs=1, **options)
        _partial_fit(self, X, config, rng)
        return self

    def sample(self, n: int, n_sweeps: int = 1000, rng: GeneratorLike = None, *,
               return_probabilities: bool = False) -> Any:
        """Draw ``n`` samples by block Gibbs sampling from random starts.

        Each of ``n`` independent chains starts from a uniformly random visible
        state (Gaussian visibles: ``b`` plus unit noise) and runs ``n_sweeps``
        block-Gibbs sweeps ``v → h → v``.

        Parameters
        ----------
        n : int
            Number of samples (independent chains).
        n_sweeps : int
            Block-Gibbs sweeps per chain (``>= 1``).
        rng : SeedLike or torch.Generator
            Same seed, same samples.
        return_probabilities : bool
            Also return the mean of the last half-step, ``P(v = 1 | h)`` (Bernoulli),
            ``E[v | h]`` otherwise: the customary picture of an RBM sample.

        Returns
        -------
        torch.Tensor, shape (n, n_visible)
            The samples, or ``(samples, means)`` with ``return_probabilities``.
        """
        n = check_int(n, "n", minimum=1)
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
        gen = self._generator(rng)
        shape = (n, self.n_visible)
        with torch.no_grad():
            if self.visible == "gaussian":
                v = self.b + torch.randn(shape, generator=gen, dtype=self.dtype,
                                         device=self.device)
            else:
                v = _bernoulli(torch.full(shape, 0.5, dtype=self.dtype, device=self.device),
                               gen)
                v = 2.0 * v - 1.0 if self.visible == "ising" else v
            v = self._gibbs(v, n_sweeps - 1, gen)
            h = self._sample_h(v, gen)
            mean = self._mean_v(h)
            v = self._sample_v(h, gen)
        return (v, mean) if return_probabilities else v

    def log_z(self, method: str = "auto", *, rng: SeedLike = None, n_runs: int = 100,
              n_betas: int | None = None, progress: ProgressCallback | None = None
              ) -> tuple[float, float]:
        """``log Z`` and its standard error: exact enumeration or AIS.

        ``method="auto"`` enumerates when the smaller summable layer has at most
        20 units (:func:`exact_log_z`, error 0) and otherwise runs annealed
        importance sampling (:func:`spinnet.boltzmann.evaluation.ais_log_z` with a
        base model fitted to the RBM's own visible marginals; Bernoulli visibles).
        """
        method = check_option(method, "method", ("auto", "exact", "ais"))
        small = (self.n_hidden if self.visible == "gaussian"
                 else min(self.n_visible, self.n_hidden))
        if method == "exact" or (method == "auto" and small <= MAX_ENUMERATION_UNITS):
            return float(exact_log_z(self)), 0.0
        if self.visible != "bernoulli":
            raise ValueError("AIS estimates log Z of Bernoulli RBMs; this one has "
                             f"visible={self.visible!r} and too many units to enumerate")
        from spinnet.boltzmann.evaluation import ais_log_z, model_rate_bias

        base = model_rate_bias(self.W, self.b, self.c, rng=rng)
        lz, err, _ = ais_log_z(self.W, self.b, self.c, base_visible_bias=base, n_runs=n_runs,
                               n_betas=n_betas, rng=rng, progress=progress)
        return lz, err

    def score_samples(self, X: Any, *, log_z: float | None = None, rng: SeedLike = None
                      ) -> np.ndarray:
        """Log-likelihood ``log P(v) = -F(v) - log Z`` of each row of ``X`` (nats).

        Exact when ``log Z`` can be enumerated (smaller layer <= 20 units); otherwise
        ``log Z`` is an AIS estimate (see :meth:`log_z`; a stochastic lower bound in
        expectation, so the scores are then estimates). Pass ``log_z`` to reuse one.

        Returns
        -------
        ndarray of float64, shape (n_samples,)
        """
        vt, _ = self._check_visible(X, "X")
        lz = self.log_z(rng=rng)[0] if log_z is None else float(log_z)
        with torch.no_grad():
            fe = self._free_energy(vt, self.W, self.b, self.c)
        return (-fe - lz).detach().cpu().numpy().astype(np.float64)

    def score(self, X: Any, *, log_z: float | None = None, rng: SeedLike = None) -> float:
        """Mean log-likelihood of ``X`` (see :meth:`score_samples`)."""
        return float(self.score_samples(X, log_z=log_z, rng=rng).mean())

    # ------------------------------------------------------------ persistence
    _KIND = "spinnet.boltzmann.RBM"

    def get_config(self) -> dict[str, Any]:
        """Hyper-parameters (JSON) that rebuild an untrained copy of this RBM."""
        return {"n_visible": self.n_visible, "n_hidden": self.n_hidden,
                "visible": self.visible, "dtype": str(self.dtype).removeprefix("torch."),
                "device": str(self.device), "init_std": self.init_std}

    def save(self, path: str | os.PathLike) -> Path:
        """Save parameters, history and metadata to the directory ``path``.

        The format is :mod:`spinnet._persist` (``config.json`` + ``arrays.h5``);
        :meth:`load` restores the RBM bit for bit.
        """
        from spinnet._persist import save_state

        return save_state(path, kind=self._KIND,
                          config={**self.get_config(), "metadata": self.metadata},
                          arrays={"W": self.W, "b": self.b, "c": self.c},
                          state={"history": self.history_.to_dict()})

    @classmethod
    def load(cls, path: str | os.PathLike, *, device: Any = None) -> RBM:
        """Load an RBM written by :meth:`save` (``ValueError`` naming ``path`` otherwise)."""
        from spinnet._persist import load_state

        saved = load_state(path, kind=cls._KIND)
        return cls._from_saved(saved.config, saved.arrays, saved.state, device, path)

    @classmethod
    def _from_saved(cls, cfg: dict[str, Any], arrays: dict[str, Any], state: dict[str, Any],
                    device: Any, path: Any) -> RBM:
        try:
            dtype = getattr(torch, cfg["dtype"])
            rbm = cls(int(cfg["n_visible"]), int(cfg["n_hidden"]), cfg["visible"], rng=0,
                      device=cfg["device"] if device is None else device, dtype=dtype,
                      init_std=float(cfg.get("init_std", 0.01)))
            params = {key: arrays[key] for key in ("W", "b", "c")}
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"{str(path)!r} is not a valid saved RBM: "
                             f"{type(exc).__name__}: {exc}") from None
        for key, t in params.items():
            if not isinstance(t, torch.Tensor) or t.dtype != dtype or \
                    tuple(t.shape) != tuple(getattr(rbm, key).shape):
                raise ValueError(f"{str(path)!r} is not a valid saved RBM: array {key!r} has "
                                 "the wrong shape or dtype")
            setattr(rbm, key, t.to(rbm.device))
        rbm.metadata = dict(cfg.get("metadata") or {})
        rbm.history_ = History.from_dict(state.get("history") or {})
        return rbm


# ---------------------------------------------------------------- gradients
def _check_rbm(rbm: Any) -> RBM:
    if not isinstance(rbm, RBM):
        raise TypeError(f"rbm must be an RBM; got {type(rbm).__name__}")
    return rbm


def _moment_difference(rbm: RBM, pos: torch.Tensor, neg: torch.Tensor,
                       W: torch.Tensor | None = None, gaussian_hidden: bool = False
                       ) -> dict[str, torch.Tensor]:
    """``⟨-∂F/∂θ⟩_pos - ⟨-∂F/∂θ⟩_neg``: the positive minus the negative phase.

    Both phases go through one product for ``P(h|v)`` and one for ``∂/∂W``
    (rows weighted ``+1/n_pos`` and ``-1/n_neg``), so the difference is
    accumulated inside the product, which keeps it accurate when ``W`` is a
    low-precision copy (:func:`_matmul`). The Gaussian ``-∂F/∂b = v - b``
    loses its ``b`` in the difference.
    """
    W = rbm.W if W is None else W
    both = torch.cat([pos, neg])
    # Linear-Gaussian hidden units (DBN code layer): E[h|v] = c + vW replaces σ(c + vW).
    ph = (_matmul(both, W) + rbm.c) if gaussian_hidden else torch.sigmoid(_matmul(both, W)
                                                                          + rbm.c)
    n_pos, n_neg = pos.shape[0], neg.shape[0]
    weights = torch.cat([torch.full((n_pos,), 1.0 / n_pos, dtype=ph.dtype, device=ph.device),
                         torch.full((n_neg,), -1.0 / n_neg, dtype=ph.dtype, device=ph.device)])
    weighted = ph * weights.unsqueeze(1)
    if W.dtype == both.dtype:
        grad_w = both.T @ weighted
    else:
        grad_w = (both.T.to(W.dtype) @ weighted.to(W.dtype)).to(ph.dtype)
    return {"W": grad_w, "b": weights @ both, "c": weighted.sum(0)}


def cd_gradient(rbm: RBM, v: Any, k: int = 1,
                rng: GeneratorLike = None) -> dict[str, torch.Tensor]:
    """Contrastive-divergence CD-k estimate of the log-likelihood gradient.

    ``Δθ = ⟨-∂F/∂θ⟩_data - ⟨-∂F/∂θ⟩_{v_k}`` where ``v_k`` is the end of a
    ``k``-step block-Gibbs chain started at each data vector (Hinton, Neural
    Comput. 14, 1771 (2002)); hidden units are summed out in both phases
    (Rao-Blackwellised). CD-k is biased for finite ``k`` (Carreira-Perpiñán &
    Hinton, AISTATS 2005); the bias vanishes as ``k → ∞``.

    Parameters
    ----------
    rbm : RBM
        The machine (its current parameters).
    v : array_like or torch.Tensor, shape (n_visible,) or (batch, n_visible)
        Data vectors (valid visible states: 0/1 for Bernoulli, ±1 for Ising,
        real for Gaussian visibles).
    k : int, default 1
        Block-Gibbs steps of the negative phase.
    rng : torch.Generator, SeedLike or None, default None
        Seed or generator of the Gibbs sampling.

    Returns
    -------
    dict
        ``{"W": (n_visible, n_hidden), "b": (n_visible,), "c": (n_hidden,)}``,
        the ascent direction averaged over the batch.
    """
    rbm = _check_rbm(rbm)
    k = check_int(k, "k", minimum=1)
    vt, _ = rbm._check_visible(v, "v")
    vk = rbm._gibbs(vt, k, rbm._generator(rng))
    return _moment_difference(rbm, vt, vk)


def pcd_gradient(rbm: RBM, v: Any, chains: Any, k: int = 1,
                 rng: GeneratorLike = None
                 ) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """Persistent-CD estimate of the log-likelihood gradient (Tieleman, ICML 2008).

    The negative phase uses persistent fantasy chains advanced ``k`` Gibbs
    sweeps per call; the number of chains need not equal the batch size.

    Parameters
    ----------
    rbm : RBM
        The machine (its current parameters).
    v : array_like or torch.Tensor, shape (n_visible,) or (batch, n_visible)
        Data vectors (valid visible states: 0/1 for Bernoulli, ±1 for Ising,
        real for Gaussian visibles).
    chains : array-like, shape (n_chains, n_visible)
        Current states of the persistent chains (valid visible states).
    k : int, default 1
        Block-Gibbs steps of the negative phase.
    rng : torch.Generator, SeedLike or None, default None
        Seed or generator of the Gibbs sampling.

    Returns
    -------
    grads : dict
        As in :func:`cd_gradient`.
    chains : torch.Tensor, shape (n_chains, n_visible)
        The advanced chains, to pass to the next call.
    """
    rbm = _check_rbm(rbm)
    k = check_int(k, "k", minimum=1)
    vt, _ = rbm._check_visible(v, "v")
    ct, squeeze = rbm._check_visible(chains, "chains")
    ct = rbm._gibbs(ct, k, rbm._generator(rng))
    grads = _moment_difference(rbm, vt, ct)
    return grads, (ct[0] if squeeze else ct)


def _leaf_params(rbm: RBM) -> dict[str, torch.Tensor]:
    return {key: p.detach().clone().requires_grad_(True) for key, p in rbm.params.items()}


def _require_binary(rbm: RBM, what: str) -> None:
    if rbm.visible == "gaussian":
        raise ValueError(f"{what} needs binary (bernoulli or ising) visibles; "
                         f"got visible={rbm.visible!r}")


def _flip_gaps(rbm: RBM, v: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    """``F(v^{¬i}) - F(v)`` for every unit i, shape (batch, n_visible).

    Flipping unit ``i`` changes it by ``δ_i`` (``1 - 2v_i`` or ``-2v_i``) and each
    hidden pre-activation ``a_j = c_j + (vW)_j`` by ``δ_i W_ij``, so
    ``F(v^{¬i}) - F(v) = -b_i δ_i - Σ_j [softplus(a_j + δ_i W_ij) - softplus(a_j)]``:
    ``O(batch·n·m)`` elementwise work and no ``n × n`` matrix products.
    """
    W, b, c = p["W"], p["b"], p["c"]
    delta = rbm._flip(v) - v
    a = v @ W + c
    sp = torch.nn.functional.softplus
    shifted = sp(a.unsqueeze(1) + delta.unsqueeze(-1) * W.unsqueeze(0)).sum(-1)
    return -delta * b - (shifted - sp(a).sum(-1, keepdim=True))


def _pll(rbm: RBM, v: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    # log P(v_i | v_-i) = log σ(F(v^{¬i}) - F(v)); logsigmoid is overflow-safe.
    return torch.nn.functional.logsigmoid(_flip_gaps(rbm, v, p)).sum(1).mean()


def _rm(rbm: RBM, v: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    # g(u) = (1 + u)^-2 with u = P(v)/P(v^{¬i}) = exp(F(v^{¬i}) - F(v)).
    return (torch.sigmoid(-_flip_gaps(rbm, v, p)) ** 2).sum(1).mean()


def pseudo_log_likelihood(rbm: RBM, v: Any) -> torch.Tensor:
    """Exact pseudo-log-likelihood ``Σ_i log P(v_i | v_{-i})``, batch mean (Besag 1975).

    ``P(v_i | v_{-i}) = σ(F(v^{¬i}) - F(v))`` with ``v^{¬i}`` the state with
    unit ``i`` flipped. Binary visibles only.

    Parameters
    ----------
    rbm : RBM
        The machine (its current parameters).
    v : array_like or torch.Tensor, shape (n_visible,) or (batch, n_visible)
        Data vectors (binary visibles only: 0/1 for Bernoulli, ±1 for Ising).

    Returns
    -------
    torch.Tensor, shape ()
        Batch mean of the pseudo-log-likelihood (nats).
    """
    rbm = _check_rbm(rbm)
    _require_binary(rbm, "pseudo_log_likelihood")
    vt, _ = rbm._check_visible(v, "v")
    rows = vt.reshape(-1, vt.shape[-1])
    # The shifted pre-activations take (rows, n_visible, n_hidden) memory: evaluate in
    # chunks of <= 2^24 entries (an MNIST epoch would otherwise allocate 8000 x 784 x 500).
    chunk = max(1, (1 << 24) // (rows.shape[1] * rbm.n_hidden))
    with torch.no_grad():
        total = sum(_pll(rbm, rows[i:i + chunk], rbm.params) * rows[i:i + chunk].shape[0]
                    for i in range(0, rows.shape[0], chunk))
    return total / rows.shape[0]


def pl_gradient(rbm: RBM, v: Any) -> dict[str, torch.Tensor]:
    """Exact gradient (ascent direction) of :func:`pseudo_log_likelihood`, by autograd.

    Parameters
    ----------
    rbm : RBM
        The machine (its current parameters).
    v : array_like or torch.Tensor, shape (n_visible,) or (batch, n_visible)
        Data vectors (binary visibles only: 0/1 for Bernoulli, ±1 for Ising).

    Returns
    -------
    dict of str to torch.Tensor
        ``{"W": shape (n_visible, n_hidden), "b": shape (n_visible,), "c": shape
        (n_hidden,)}``.
    """
    rbm = _check_rbm(rbm)
    _require_binary(rbm, "pl_gradient")
    vt, _ = rbm._check_visible(v, "v")
    p = _leaf_params(rbm)
    grads = torch.autograd.grad(_pll(rbm, vt, p), [p["W"], p["b"], p["c"]])
    return dict(zip(("W", "b", "c"), grads, strict=True))


def ratio_matching_objective(rbm: RBM, v: Any) -> torch.Tensor:
    """Ratio-matching objective ``J = Σ_i σ(F(v) - F(v^{¬i}))²``, batch mean.

    This is Hyvärinen's ratio matching (Comput. Stat. Data Anal. 51, 2499
    (2007), eq. (9) with ``g(u) = (1 + u)^{-2}``): ``u = P(v)/P(v^{¬i})``
    needs no partition function. ``J`` is *minimised*. Binary visibles only.

    Parameters
    ----------
    rbm : RBM
        The machine (its current parameters).
    v : array_like or torch.Tensor, shape (n_visible,) or (batch, n_visible)
        Data vectors (binary visibles only: 0/1 for Bernoulli, ±1 for Ising).

    Returns
    -------
    torch.Tensor, shape ()
        Batch mean of ``J`` (to be minimised).
    """
    rbm = _check_rbm(rbm)
    _require_binary(rbm, "ratio_matching_objective")
    vt, _ = rbm._check_visible(v, "v")
    return _rm(rbm, vt, rbm.params).detach()


def rm_gradient(rbm: RBM, v: Any) -> dict[str, torch.Tensor]:
    """Ascent direction ``-∇J`` of the ratio-matching objective, by autograd.

    Parameters
    ----------
    rbm : RBM
        The machine (its current parameters).
    v : array_like or torch.Tensor, shape (n_visible,) or (batch, n_visible)
        Data vectors (binary visibles only: 0/1 for Bernoulli, ±1 for Ising).

    Returns
    -------
    dict of str to torch.Tensor
        ``{"W": shape (n_visible, n_hidden), "b": shape (n_visible,), "c": shape
        (n_hidden,)}``.
    """
    rbm = _check_rbm(rbm)
    _require_binary(rbm, "rm_gradient")
    vt, _ = rbm._check_visible(v, "v")
    p = _leaf_params(rbm)
    grads = torch.autograd.grad(-_rm(rbm, vt, p), [p["W"], p["b"], p["c"]])
    return dict(zip(("W", "b", "c"), grads, strict=True))


def _log_z(rbm: RBM, p: dict[str, torch.Tensor]) -> torch.Tensor:
    """log Z by enumerating the smaller summable layer (differentiable)."""
    W, b, c = p["W"], p["b"], p["c"]
    binary_visible = rbm.visible != "gaussian"
    limit = MAX_ENUMERATION_UNITS
    if binary_visible and rbm.n_visible <= limit and (rbm.n_visible <= rbm.n_hidden
                                                      or rbm.n_hidden > limit):
        return torch.logsumexp(-rbm._free_energy(_visible_states(rbm), W, b, c), 0)
    if rbm.n_hidden > limit:
        raise ValueError(f"exact enumeration needs n_hidden <= {limit}"
                         + (f" or n_visible <= {limit}" if binary_visible else "")
                         + f"; got n_visible={rbm.n_visible}, n_hidden={rbm.n_hidden}")
    # Sum over h: Z = Σ_h e^{cᵀh} Π_i z_i(b_i + (Wh)_i), with the visible
    # partition factor z(x) = 1 + e^x (Bernoulli), 2 cosh x (Ising) or, for
    # Gaussian visibles, ∫ e^{-½(v-b)² + v(Wh)} dv = √(2π) e^{(Wh)b + ½(Wh)²}.
    hs = _all_binary_states(rbm.n_hidden, rbm.dtype, rbm.device)
    x = hs @ W.T
    if rbm.visible == "bernoulli":
        per_h = torch.nn.functional.softplus(x + b).sum(1)
    elif rbm.visible == "ising":
        y = x + b
        per_h = (y.abs() + torch.log1p(torch.exp(-2.0 * y.abs()))).sum(1)
    else:
        per_h = (x @ b + 0.5 * (x**2).sum(1)
                 + 0.5 * rbm.n_visible * float(np.log(2.0 * np.pi)))
    return torch.logsumexp(hs @ c + per_h, 0)


def _visible_states(rbm: RBM) -> torch.Tensor:
    states = _all_binary_states(rbm.n_visible, rbm.dtype, rbm.device)
    return 2.0 * states - 1.0 if rbm.visible == "ising" else states


def exact_log_z(rbm: RBM) -> torch.Tensor:
    """Exact ``log Z`` by enumeration of the smaller layer (≤ 20 units).

    Binary visibles are summed directly (``Σ_v e^{-F(v)}``) when the visible
    layer is the smaller one; otherwise the hidden layer is enumerated and the
    visibles integrated analytically (this also covers Gaussian visibles).
    All sums use log-sum-exp.

    Parameters
    ----------
    rbm : RBM
        The machine (its current parameters).

    Returns
    -------
    torch.Tensor, shape ()
        ``log Z`` (nats), detached.

    Raises
    ------
    ValueError
        If no summable layer has at most 20 units.
    """
    rbm = _check_rbm(rbm)
    return _log_z(rbm, rbm.params).detach()


def exact_log_likelihood(rbm: RBM, v: Any) -> torch.Tensor:
    """Exact mean log-likelihood ``⟨-F(v)⟩_batch - log Z`` (a log-density for Gaussian).

    Parameters
    ----------
    rbm : RBM
        The machine (its current parameters).
    v : array_like or torch.Tensor, shape (n_visible,) or (batch, n_visible)
        Data vectors (valid visible states: 0/1 for Bernoulli, ±1 for Ising,
        real for Gaussian visibles).

    Returns
    -------
    torch.Tensor, shape ()
        Mean log-likelihood per data vector (nats), detached.
    """
    rbm = _check_rbm(rbm)
    vt, _ = rbm._check_visible(v, "v")
    return (-rbm._free_energy(vt, rbm.W, rbm.b, rbm.c).mean() - _log_z(rbm, rbm.params)
            ).detach()


def exact_loglik_gradient(rbm: RBM, v: Any) -> dict[str, torch.Tensor]:
    """Exact gradient of the mean log-likelihood, by enumeration and autograd.

    ``∇⟨log P(v)⟩ = ⟨-∇F⟩_data - ⟨-∇F⟩_model``; the model term is ``∇ log Z``
    with ``log Z`` from :func:`exact_log_z` (enumeration of ≤ 20 units).

    Parameters
    ----------
    rbm : RBM
        The machine (its current parameters).
    v : array_like or torch.Tensor, shape (n_visible,) or (batch, n_visible)
        Data vectors (valid visible states: 0/1 for Bernoulli, ±1 for Ising,
        real for Gaussian visibles).

    Returns
    -------
    dict of str to torch.Tensor
        ``{"W": shape (n_visible, n_hidden), "b": shape (n_visible,), "c": shape
        (n_hidden,)}``.
    """
    rbm = _check_rbm(rbm)
    vt, _ = rbm._check_visible(v, "v")
    p = _leaf_params(rbm)
    ll = -rbm._free_energy(vt, p["W"], p["b"], p["c"]).mean() - _log_z(rbm, p)
    grads = torch.autograd.grad(ll, [p["W"], p["b"], p["c"]])
    return dict(zip(("W", "b", "c"), grads, strict=True))
