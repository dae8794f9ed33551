"""PixelCNN: masked convolutions for spins on an ``L x L`` lattice.

van den Oord, Kalchbrenner & Kavukcuoglu, "Pixel Recurrent Neural Networks", ICML 2016;
the variational network of Wu, Wang & Zhang, PRL 122, 080602 (2019). Sites are visited
in raster order ``k = r L + c``. A masked convolution with half kernel size ``K`` sees
the ``K`` rows above a site (columns ``c - K .. c + K``) and the ``K`` sites to its left
in its own row; the first layer excludes the site itself ("type A"), later layers
include it ("type B"), so the output at ``k`` depends on ``s_<k`` only.

Boundary (``padding``): ``"helical"`` (default) continues each row into the next one
along the raster sequence, the periodic boundary that is compatible with the
autoregressive order (wrapping a row onto *itself* would let a site see later sites of
its own row); ``"zeros"`` is the zero padding of the reference implementation.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from spinnet._validation import check_int, check_option
from spinnet.autoregressive._base import AutoregressiveNet

__all__ = ["PixelCNN"]


class _MaskedConv(nn.Module):
    """Masked ``(K+1) x (2K+1)`` convolution (only the rows that the mask can keep)."""

    def __init__(self, c_in: int, c_out: int, K: int, exclusive: bool, bias: bool) -> None:
        super().__init__()
        self.c_in, self.c_out, self.K, self.exclusive = c_in, c_out, K, exclusive
        mask = torch.ones(K + 1, 2 * K + 1)
        mask[K, K + (0 if exclusive else 1):] = 0.0
        self.register_buffer("mask", mask)
        conv = nn.Conv2d(c_in, c_out, 2 * K + 1, bias=bias)
        # Same initial scale as the reference's full (2K+1)^2 masked kernel.
        full = (2 * K + 1) ** 2
        w = conv.weight.data[:, :, : K + 1, :] * mask * math.sqrt(full / float(mask.sum()))
        self.weight = nn.Parameter(w.contiguous())
        self.bias = nn.Parameter(conv.bias.data) if bias else None

    def masked_weight(self) -> torch.Tensor:
        return self.weight * self.mask

    def forward(self, q: torch.Tensor) -> torch.Tensor:
        # ``q`` is the padded input (B, C, L + K, L + 2K); a valid convolution gives (L, L).
        return F.conv2d(q, self.masked_weight(), self.bias)


class PixelCNN(AutoregressiveNet):
    """Masked convolutional autoregressive network on the ``L x L`` square lattice.

    Architecture as in Wu et al.'s reference code: a type-A masked convolution
    ``1 → width``, ``depth - 2`` hidden blocks (``PReLU → masked conv``, or residual
    ``h + masked conv(PReLU(1x1 conv(h)))``), and a final ``PReLU → masked conv width → 1``
    giving the logit of ``q(s_k = +1 | s_<k)``.

    Parameters
    ----------
    L : int
        Linear size (``N = L²``), ``L >= 2``.
    depth : int
        Number of masked convolutions (``net_depth``), ``>= 1``.
    width : int
        Channels of the hidden layers (``net_width``).
    half_kernel : int
        ``K`` (``half_kernel_size``): kernels span ``2K + 1`` columns and ``K`` rows above;
        ``K < L`` with helical padding.
    residual : bool
        Residual hidden blocks.
    bias : bool
    z2 : bool
        Symmetrise ``q_sym(s) = [q(s) + q(-s)] / 2``.
    padding : {"helical", "zeros"}
        Boundary treatment (module docstring).
    dtype : {"float32", "float64"}
    device : str or torch.device

    References
    ----------
    van den Oord et al., ICML 2016; Wu, Wang & Zhang, PRL 122, 080602 (2019).
    """

    def __init__(self, L: int, depth: int = 2, width: int = 8, half_kernel: int = 2, *,
                 residual: bool = False, bias: bool = True, z2: bool = False,
                 padding: str = "helical", dtype: Any = "float32",
                 device: Any = "cpu") -> None:
        super().__init__()
        self.L = check_int(L, "L", minimum=2)
        self.depth = check_int(depth, "depth", minimum=1)
        self.width = check_int(width, "width", minimum=1)
        self.half_kernel = check_int(half_kernel, "half_kernel", minimum=1)
        self.residual = bool(residual)
        self.bias = bool(bias)
        self.padding = check_option(padding, "padding", ("helical", "zeros"))
        if self.padding == "helical" and self.half_kernel >= self.L:
            # a row above would reach past the current site along the raster sequence
            raise ValueError(f"half_kernel must be < L = {self.L} with padding='helical' "
                             f"(the window would see later sites); got {self.half_kernel}")
        self._setup_common(self.L * self.L, z2, dtype, None)
        K = self.half_kernel
        chans = [1] + [self.width] * (self.depth - 1) + [1]
        self.convs = nn.ModuleList([
            _MaskedConv(chans[i], chans[i + 1], K, exclusive=(i == 0), bias=self.bias)
            for i in range(self.depth)])
        self.acts = nn.ModuleList([nn.PReLU(self.width, init=0.5)
                                   for _ in range(self.depth - 1)])
        self.pointwise = nn.ModuleList([
            nn.Conv2d(self.width, self.width, 1, bias=self.bias) if self._is_res(i)
            else nn.Identity() for i in range(self.depth)])
        self._build_index()
        self.to(device=device, dtype=self.dtype_)

    def _is_res(self, i: int) -> bool:
        return self.residual and 0 < i < self.depth - 1

    def get_config(self) -> dict[str, Any]:
        """Hyper-parameters (JSON), enough to rebuild the network."""
        return {"net": "pixelcnn", "L": self.L, "depth": self.depth, "width": self.width,
                "half_kernel": self.half_kernel, "residual": self.residual,
                "bias": self.bias, "z2": self.z2, "padding": self.padding,
                "dtype": str(self.dtype_).removeprefix("torch.")}

    # -- padding: the (B, C, L + K, L + 2K) array whose valid conv is the masked conv --
    def _pad(self, h: torch.Tensor) -> torch.Tensor:
        L, K = self.L, self.half_kernel
        if self.padding == "zeros":
            return F.pad(h, (K, K, K, 0))
        # Row r' of the result is the raster sequence from (r' - K, -K) on: each row
        # continues into the next one (helical boundary): [last K of row r' - 1, row r',
        # first K of row r' + 1], zero outside the lattice. Built from slices (cheaper
        # to differentiate than an overlapping ``unfold``).
        hr = F.pad(h, (0, 0, K, 0))                                   # (B, C, L + K, L)
        prev = F.pad(hr[:, :, :-1, L - K:], (0, 0, 1, 0))
        nxt = F.pad(hr[:, :, 1:, :K], (0, 0, 0, 1))
        return torch.cat([prev, hr, nxt], dim=3)

    def _buffer_layout(self) -> tuple[int, torch.Tensor, int, torch.Tensor]:
        """Flat buffer length, store index per site, row stride of the window, and the
        flat index of each site's window corner (kernel row 0, kernel column 0).

        Kernel row ``a`` of site ``k``'s window is the contiguous buffer range
        ``corner[k] + a * stride + (0 .. 2K)``, so a window is a strided *view* of the
        buffer (no gather).
        """
        L, K = self.L, self.half_kernel
        k = torch.arange(L * L)
        r, c = k // L, k % L
        if self.padding == "zeros":
            stride = L + 2 * K
            length = (L + K) * stride
            store = (r + K) * stride + (c + K)
            corner = r * stride + c
        else:
            stride = L
            base = K * L + K
            length = base + L * L + K
            store = base + k
            corner = base + k - K * L - K
        return length, store, stride, corner

    def _build_index(self) -> None:
        length, store, stride, corner = self._buffer_layout()
        self._buf_len = int(length)
        self._row_stride = int(stride)
        self._store_list = [int(v) for v in store]
        self._corner_list = [int(v) for v in corner]

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        L = self.L
        h = x.reshape(-1, 1, L, L)
        for i, conv in enumerate(self.convs):
            a = h if i == 0 else self.acts[i - 1](self.pointwise[i](h))
            y = conv(self._pad(a))
            h = h + y if self._is_res(i) else y
        return h.reshape(-1, L * L)

    # -- activation cache: every layer evaluated at site k only, from cached inputs --
    # Buffers are channels-last, (n, buffer length, C_in): the (K + 1) x (2K + 1) window
    # of a site is a strided view, and one matmul with the masked kernel (entries of
    # not-yet-sampled sites are zero in the kernel) gives the layer's output at the site.
    def _cache_init(self, n: int) -> dict[str, Any]:
        bufs, ws, bs = [], [], []
        for conv in self.convs:
            bufs.append(torch.zeros(n, self._buf_len, conv.c_in, dtype=self.dtype_,
                                    device=self.device))
            w = conv.masked_weight().permute(2, 3, 1, 0)            # (K+1, 2K+1, C_in, C_out)
            ws.append(w.reshape(-1, conv.c_out).contiguous())
            bs.append(conv.bias)
        acts = [a.weight for a in self.acts]
        pws = [(p.weight[:, :, 0, 0].T.contiguous(), p.bias)
               if isinstance(p, nn.Conv2d) else None for p in self.pointwise]
        return {"bufs": bufs, "w": ws, "b": bs, "act": acts, "pw": pws}

    def _cache_logit(self, c: dict[str, Any], k: int) -> torch.Tensor:
        K = self.half_kernel
        h = torch.empty(0)
        store, corner, rs = self._store_list[k], self._corner_list[k], self._row_stride
        for i in range(self.depth):
            buf = c["bufs"][i]
            n, length, C = buf.shape
            if i > 0:
                pw = c["pw"][i]
                a = h if pw is None else torch.addmm(pw[1], h, pw[0]) if pw[1] is not None \
                    else h @ pw[0]
                buf[:, store] = F.prelu(a, c["act"][i - 1])
            win = buf.as_strided((n, K + 1, 2 * K + 1, C), (length * C, rs * C, C, 1),
                                 buf.storage_offset() + corner * C)
            g = win.reshape(n, -1)
            b = c["b"][i]
            y = torch.addmm(b, g, c["w"][i]) if b is not None else g @ c["w"][i]
            h = h + y if self._is_res(i) else y
        return h[:, 0]

    def _cache_set(self, c: dict[str, Any], k: int, xk: torch.Tensor) -> None:
        c["bufs"][0][:, self._store_list[k], 0] = xk
