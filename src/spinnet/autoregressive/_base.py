"""Common machinery of the autoregressive networks: exact log-probabilities, ancestral
sampling (with or without an activation cache) and Z2 symmetrisation.

Convention: the network outputs one logit ``ℓ_i(s_<i)`` per site, with
``q(s_i = +1 | s_<i) = σ(ℓ_i)``, so that ``ln q(s_i | s_<i) = -softplus(-s_i ℓ_i)``
for ``s_i = ±1`` (numerically stable for any ``ℓ``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from spinnet._rng import SeedLike, torch_generator

__all__ = ["AutoregressiveNet", "as_torch_generator"]

NET_KIND = "spinnet.autoregressive.net"
_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def as_torch_generator(rng: SeedLike | torch.Generator, device: Any = "cpu") -> torch.Generator:
    """Return ``rng`` if it is a ``torch.Generator``, else one seeded from it."""
    if isinstance(rng, torch.Generator):
        return rng
    return torch_generator(rng, device=str(device))


def _check_dtype(dtype: Any) -> torch.dtype:
    if isinstance(dtype, torch.dtype) and dtype in _DTYPES.values():
        return dtype
    if isinstance(dtype, str) and dtype in _DTYPES:
        return _DTYPES[dtype]
    raise ValueError(f"dtype must be 'float32' or 'float64'; got {dtype!r}")


class AutoregressiveNet(nn.Module):
    """Base class: subclasses define the logits and the per-stage cached pass.

    A subclass implements

    * ``_logits(x)``: ``(B, N)`` logits from ``(B, N)`` ±1 inputs in *autoregressive
      position order* (position ``k`` is site ``order[k]``);
    * ``_cache_init(n)``, ``_cache_logit(cache, k)`` and ``_cache_set(cache, k, x_k)``:
      the activation cache used by :meth:`sample` with ``cache=True``, which computes
      each layer at position ``k`` only, once, so that drawing ``N`` spins costs one
      forward pass instead of ``N``.

    Attributes
    ----------
    n_spins : int
    z2 : bool
        Whether ``q_sym(s) = [q(s) + q(-s)] / 2`` is used (Wu et al. 2019, Sec. "Z2").
    order : torch.LongTensor, shape (N,)
        Position → site map.
    """

    n_spins: int
    z2: bool

    def _setup_common(self, n_spins: int, z2: bool, dtype: Any, order: Any) -> None:
        self.n_spins = int(n_spins)
        if not isinstance(z2, bool | np.bool_):
            raise TypeError(f"z2 must be a bool; got {type(z2).__name__}")
        self.z2 = bool(z2)
        self.dtype_ = _check_dtype(dtype)
        if order is None:
            perm = np.arange(self.n_spins)
        else:
            perm = np.asarray(order)
            if (perm.shape != (self.n_spins,) or perm.dtype.kind not in "iu"
                    or not np.array_equal(np.sort(perm), np.arange(self.n_spins))):
                raise ValueError(f"order must be a permutation of 0..{self.n_spins - 1} "
                                 f"(shape ({self.n_spins},)); got {np.asarray(order)!r:.80}")
        self.register_buffer("order", torch.as_tensor(perm, dtype=torch.long))
        self._identity_order = bool(np.array_equal(perm, np.arange(self.n_spins)))

    # -- input handling --------------------------------------------------------
    @property
    def device(self) -> torch.device:
        return self.order.device

    def _as_spins(self, spins: Any, name: str = "spins") -> torch.Tensor:
        x = spins if isinstance(spins, torch.Tensor) else torch.as_tensor(np.asarray(spins))
        if x.dtype == torch.bool:
            raise TypeError(f"{name} must hold ±1 spins; got a boolean tensor")
        if x.ndim >= 2 and x.shape[-1] != self.n_spins and x.shape[-2:].numel() == self.n_spins:
            x = x.reshape(*x.shape[:-2], self.n_spins)
        if x.ndim == 1:
            x = x[None]
        if x.ndim != 2 or x.shape[-1] != self.n_spins:
            raise ValueError(f"{name} must have shape (batch, {self.n_spins}); "
                             f"got {tuple(x.shape)}")
        if not bool(torch.all((x == 1) | (x == -1))):
            raise ValueError(f"{name} must contain only -1 and +1 "
                             "(use spinnet.spins.binarize or bits_to_spins to convert)")
        return x.to(device=self.device, dtype=self.dtype_)

    def _to_positions(self, x: torch.Tensor) -> torch.Tensor:
        return x if self._identity_order else x[:, self.order]

    def _to_sites(self, x: torch.Tensor) -> torch.Tensor:
        if self._identity_order:
            return x
        out = torch.empty_like(x)
        out[:, self.order] = x
        return out

    # -- exact probabilities ---------------------------------------------------
    def _logits(self, x: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def _log_prob_positions(self, x: torch.Tensor) -> torch.Tensor:
        return -F.softplus(-x * self._logits(x)).sum(dim=-1)

    def log_prob(self, spins: Any) -> torch.Tensor:
        """Exact ``ln q(s)`` (natural log), differentiable in the network's parameters.

        Parameters
        ----------
        spins : array_like or torch.Tensor of ±1, shape (B, N) or (N,)
            (a PixelCNN also takes ``(B, L, L)``).

        Returns
        -------
        torch.Tensor, shape (B,)
            ``Σ_i ln q(s_i | s_<i)``; with ``z2`` the symmetrised
            ``ln{[q(s) + q(-s)]/2}`` (Wu, Wang & Zhang, PRL 122, 080602 (2019)).
        """
        x = self._to_positions(self._as_spins(spins))
        if not self.z2:
            return self._log_prob_positions(x)
        # both branches in one batched pass
        both = self._log_prob_positions(torch.cat([x, -x]))
        n = x.shape[0]
        return torch.logaddexp(both[:n], both[n:]) - math.log(2.0)

    def probabilities(self, spins: Any) -> torch.Tensor:
        """Conditionals ``q(s_i = +1 | s_<i)`` at every site (no Z2), shape ``(B, N)``."""
        x = self._to_positions(self._as_spins(spins))
        return self._to_sites(torch.sigmoid(self._logits(x)))

    # -- ancestral sampling ----------------------------------------------------
    def _cache_init(self, n: int) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _cache_logit(self, cache: Any, k: int) -> torch.Tensor:  # pragma: no cover
        raise NotImplementedError

    def _cache_set(self, cache: Any, k: int, xk: torch.Tensor) -> None:  # pragma: no cover
        raise NotImplementedError

    @torch.no_grad()
    def _sample_positions(self, n: int, gen: torch.Generator, cache: bool
                          ) -> tuple[torch.Tensor, torch.Tensor]:
        N = self.n_spins
        # One uniform per spin drawn up front: cached and uncached sampling consume the
        # same random numbers and return the same configurations.
        u = torch.rand(n, N, generator=gen, dtype=self.dtype_, device=self.device)
        x = torch.zeros(n, N, dtype=self.dtype_, device=self.device)
        lp = torch.zeros(n, dtype=self.dtype_, device=self.device)
        c = self._cache_init(n) if cache else None
        for k in range(N):
            logit = self._cache_logit(c, k) if cache else self._logits(x)[:, k]
            xk = torch.where(u[:, k] < torch.sigmoid(logit), 1.0, -1.0).to(self.dtype_)
            x[:, k] = xk
            lp -= F.softplus(-xk * logit)
            if cache:
                self._cache_set(c, k, xk)
        return x, lp

    @torch.no_grad()
    def _sample_spins(self, n: int, gen: torch.Generator, cache: bool = True) -> torch.Tensor:
        """Samples only (no log-probabilities): what a training step needs. Consumes the
        generator exactly as :meth:`sample` does, so both return the same spins."""
        x, _ = self._sample_positions(n, gen, cache)
        if self.z2:
            flip = torch.where(torch.rand(n, 1, generator=gen, dtype=self.dtype_,
                                          device=self.device) < 0.5, -1.0, 1.0)
            x = x * flip
        return self._to_sites(x)

    @torch.no_grad()
    def sample(self, n: int, rng: SeedLike | torch.Generator = None, *, cache: bool = True
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """Exact samples by ancestral sampling, with their log-probabilities.

        Parameters
        ----------
        n : int
            Number of configurations, ``>= 1``.
        rng : SeedLike or torch.Generator
            Randomness (same seed → same samples).
        cache : bool
            Use the activation cache (each layer evaluated once per site) instead of
            ``N`` full forward passes; both give the same samples.

        Returns
        -------
        spins : torch.Tensor, shape (n, N)
            ±1 (float dtype of the network), in site order.
        log_prob : torch.Tensor, shape (n,)
            ``ln q(s)`` of each sample (``ln q_sym`` with ``z2``).
        """
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ValueError(f"n must be an integer >= 1; got {n!r}")
        gen = as_torch_generator(rng, self.device)
        x, lp = self._sample_positions(int(n), gen, bool(cache))
        if self.z2:
            flip = torch.where(torch.rand(int(n), 1, generator=gen, dtype=self.dtype_,
                                          device=self.device) < 0.5, -1.0, 1.0)
            lp_other = self._log_prob_positions(-x)
            x = x * flip
            lp = torch.logaddexp(lp, lp_other) - math.log(2.0)
        return self._to_sites(x), lp

    # -- data mode: maximum likelihood ------------------------------------------
    def fit(self, X: Any, epochs: int = 10, batch_size: int = 100, *,
            learning_rate: float = 1e-3, rng: SeedLike = None,
            progress: Any = None) -> AutoregressiveNet:
        """Maximum-likelihood training on ±1 data (exact likelihood, Adam).

        Minimises the exact negative log-likelihood ``-(1/n) Σ_b ln q(x_b)`` over
        shuffled mini-batches (Germain et al., ICML 2015, Eq. 1).

        Parameters
        ----------
        X : array_like of ±1, shape (n, N)
            Training data (convert {0,1} images with ``spinnet.spins.bits_to_spins``).
        epochs : int
        batch_size : int
        learning_rate : float
        rng : SeedLike
            Shuffling.
        progress : callable, optional
            ``progress(stage, done, total)`` per epoch.

        Returns
        -------
        self
            With ``history_`` rows ``epoch``, ``nll`` (mean training NLL in nats).
        """
        from spinnet._history import History
        from spinnet._progress import report
        from spinnet._rng import as_generator
        from spinnet._validation import check_int, check_positive_float

        x = self._as_spins(X, "X")
        epochs = check_int(epochs, "epochs", minimum=1)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        learning_rate = check_positive_float(learning_rate, "learning_rate")
        gen = as_generator(rng)
        opt = torch.optim.Adam(self.parameters(), lr=learning_rate)
        if not hasattr(self, "history_"):
            self.history_ = History()
        n = x.shape[0]
        for epoch in range(1, epochs + 1):
            perm = torch.as_tensor(gen.permutation(n))
            total = 0.0
            for start in range(0, n, batch_size):
                xb = x[perm[start:start + batch_size]]
                loss = -self.log_prob(xb).mean()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                total += float(loss.detach()) * xb.shape[0]
            self.history_.append(epoch=len(self.history_) + 1, nll=total / n)
            report(progress, "epoch", epoch, epochs)
        return self

    @torch.no_grad()
    def score_samples(self, X: Any, batch_size: int = 1000) -> np.ndarray:
        """Exact log-likelihood ``ln q(x)`` in nats of each row, shape ``(n,)`` (NumPy)."""
        x = self._as_spins(X, "X")
        out = [self.log_prob(x[i:i + batch_size]) for i in range(0, x.shape[0], batch_size)]
        return torch.cat(out).double().cpu().numpy()

    def score(self, X: Any) -> float:
        """Mean exact log-likelihood per sample in nats."""
        return float(np.mean(self.score_samples(X)))

    # -- persistence -----------------------------------------------------------
    def save(self, path: Any) -> Any:
        """Save hyper-parameters, weights and history (``spinnet._persist`` format)."""
        from spinnet._persist import save_state

        hist = getattr(self, "history_", None)
        return save_state(path, kind=NET_KIND, config=self.get_config(),
                          arrays=dict(self.state_dict()),
                          state={"history": hist.to_dict() if hist is not None else None})

    @staticmethod
    def load(path: Any) -> AutoregressiveNet:
        """Load a network saved by :meth:`save` or contained in a saved ``VAN``."""
        from spinnet._history import History
        from spinnet._persist import load_state
        from spinnet.autoregressive.van import KIND as VAN_KIND
        from spinnet.autoregressive.van import build_net

        saved = load_state(path)
        if saved.kind == NET_KIND:
            net = build_net(saved.config)
            net.load_state_dict(saved.arrays)
            if saved.state.get("history") is not None:
                net.history_ = History.from_dict(saved.state["history"])
            return net
        if saved.kind == VAN_KIND:
            net = build_net(saved.config["net"])
            net.load_state_dict({k.removeprefix("net/"): v for k, v in saved.arrays.items()
                                 if k.startswith("net/")})
            return net
        raise ValueError(f"{str(path)!r} holds a {saved.kind!r}, not an autoregressive "
                         "network or VAN")

    def n_parameters(self) -> int:
        """Number of trainable parameters."""
        return int(sum(p.numel() for p in self.parameters() if p.requires_grad))
