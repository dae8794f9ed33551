"""MADE: masked autoencoder for distribution estimation on ±1 spins.

Germain, Gregor, Murray & Larochelle, "MADE: Masked Autoencoder for Distribution
Estimation", ICML 2015; used as the variational network of Wu, Wang & Zhang, PRL 122,
080602 (2019). Hidden units come in blocks of ``width`` per position: block ``k`` of
the first layer sees the inputs at positions ``< k`` ("exclusive" mask), later blocks
see the previous layer's blocks ``<= k`` ("inclusive"), so output ``k`` depends on
``s_<k`` only and ``q(s) = Π_k σ(s_k ℓ_k)`` is exactly normalised.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from spinnet._validation import check_int
from spinnet.autoregressive._base import AutoregressiveNet

__all__ = ["MADE"]


class _MaskedLinear(nn.Module):
    """Linear map between position-blocked features with an autoregressive mask."""

    def __init__(self, n: int, w_in: int, w_out: int, exclusive: bool, bias: bool) -> None:
        super().__init__()
        self.n, self.w_in, self.w_out, self.exclusive = n, w_in, w_out, exclusive
        pos_in = torch.arange(n).repeat_interleave(w_in)
        pos_out = torch.arange(n).repeat_interleave(w_out)
        mask = (pos_in[None, :] < pos_out[:, None]) if exclusive else \
            (pos_in[None, :] <= pos_out[:, None])
        self.register_buffer("mask", mask.to(torch.get_default_dtype()))
        lin = nn.Linear(n * w_in, n * w_out, bias=bias)
        # Xavier-like scale corrected for the fraction of weights the mask keeps
        # (as in the reference implementation of Wu et al.).
        keep = float(self.mask.sum()) / self.mask.numel()
        self.weight = nn.Parameter(lin.weight.data * self.mask / math.sqrt(max(keep, 1e-12)))
        self.bias = nn.Parameter(lin.bias.data) if bias else None

    def masked_weight(self) -> torch.Tensor:
        return self.weight * self.mask

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return F.linear(a, self.masked_weight(), self.bias)


class MADE(AutoregressiveNet):
    """Masked dense autoregressive network ``q(s) = Π_k q(s_k | s_<k)`` on ``N`` spins.

    Parameters
    ----------
    n_spins : int
        ``N >= 1``.
    depth : int
        Number of masked layers (``1`` = a single exclusive layer, the "logistic
        autoregressive" model; the reference's ``net_depth``).
    width : int
        Hidden units per position (the reference's ``net_width``); hidden layers have
        ``N * width`` units.
    residual : bool
        Hidden layers as residual blocks ``h + W_masked PReLU(h)``.
    bias : bool
        Biases in every layer.
    z2 : bool
        Symmetrise ``q_sym(s) = [q(s) + q(-s)] / 2`` (for Z2-invariant energies).
    order : array_like of int, shape (N,), optional
        Site ordering: position ``k`` is site ``order[k]`` (default ``0..N-1``).
    dtype : {"float32", "float64"}
    device : str or torch.device

    References
    ----------
    Germain et al., ICML 2015; Wu, Wang & Zhang, PRL 122, 080602 (2019).
    """

    def __init__(self, n_spins: int, depth: int = 2, width: int = 4, *,
                 residual: bool = False, bias: bool = True, z2: bool = False,
                 order: Any = None, dtype: Any = "float32", device: Any = "cpu") -> None:
        super().__init__()
        n = check_int(n_spins, "n_spins", minimum=1)
        self.depth = check_int(depth, "depth", minimum=1)
        self.width = check_int(width, "width", minimum=1)
        self.residual = bool(residual)
        self.bias = bool(bias)
        self._setup_common(n, z2, dtype, order)
        widths = [1] + [self.width] * (self.depth - 1) + [1]
        layers = []
        for i in range(self.depth):
            layers.append(_MaskedLinear(n, widths[i], widths[i + 1], exclusive=(i == 0),
                                        bias=self.bias))
        self.layers = nn.ModuleList(layers)
        # PReLU (one slope per hidden unit, init 0.5 as in the reference) before every
        # layer after the first.
        self.acts = nn.ModuleList([nn.PReLU(n * self.width, init=0.5)
                                   for _ in range(self.depth - 1)])
        self.to(device=device, dtype=self.dtype_)

    def _is_res(self, i: int) -> bool:
        return self.residual and 0 < i < self.depth - 1

    def get_config(self) -> dict[str, Any]:
        """Hyper-parameters (JSON), enough to rebuild the network."""
        return {"net": "made", "n_spins": self.n_spins, "depth": self.depth,
                "width": self.width, "residual": self.residual, "bias": self.bias,
                "z2": self.z2, "order": self.order.tolist(),
                "dtype": str(self.dtype_).removeprefix("torch.")}

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        h = self.layers[0](x)
        for i in range(1, self.depth):
            y = self.layers[i](self.acts[i - 1](h))
            h = h + y if self._is_res(i) else y
        return h

    # -- activation cache: each hidden block computed once, at its own position --
    def _cache_init(self, n: int) -> dict[str, Any]:
        N = self.n_spins
        bufs = [torch.zeros(n, N * layer.w_in, dtype=self.dtype_, device=self.device)
                for layer in self.layers]
        ws = [layer.masked_weight() for layer in self.layers]
        bs = [layer.bias for layer in self.layers]
        slopes = [act.weight for act in self.acts]
        return {"bufs": bufs, "w": ws, "b": bs, "slopes": slopes}

    def _cache_logit(self, c: dict[str, Any], k: int) -> torch.Tensor:
        h = None
        for i, layer in enumerate(self.layers):
            wi, wo = layer.w_in, layer.w_out
            buf = c["bufs"][i]
            if i > 0:
                # write this layer's activated input at block k (PReLU is pointwise)
                a = slice(k * wi, (k + 1) * wi)
                slope = c["slopes"][i - 1][a]
                buf[:, a] = torch.where(h >= 0, h, slope * h)
            lim = k * wi if layer.exclusive else (k + 1) * wi
            rows = slice(k * wo, (k + 1) * wo)
            y = buf[:, :lim] @ c["w"][i][rows, :lim].T
            if c["b"][i] is not None:
                y = y + c["b"][i][rows]
            h = h + y if self._is_res(i) else y
        return h[:, 0]

    def _cache_set(self, c: dict[str, Any], k: int, xk: torch.Tensor) -> None:
        c["bufs"][0][:, k] = xk
