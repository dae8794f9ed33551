"""Phase classifiers in PyTorch: fully connected, convolutional and a small ResNet.

All three map a batch of configurations ``(B, C, L, L)`` (``C = 1`` for spins,
2-3 for energy configurations) to two logits (ferromagnetic, paramagnetic).
The fully connected net follows Carrasquilla & Melko (Nat. Phys. 13, 431
(2017)): one hidden layer of 100 sigmoid units. The convolutional nets use
circular padding (the lattices are periodic) and end in a global average, so
they apply to any ``L`` and see the translation symmetry of the lattice; the
ResNet has two residual blocks (He et al., CVPR 2016) with batch norm.
"""

from __future__ import annotations

from typing import Any

from spinnet._optional import require_torch
from spinnet._validation import check_int

__all__ = ["NETS", "build_net"]

NETS = ("fcnn", "cnn", "resnet")


def _torch():
    torch = require_torch("spinnet.phases classifiers")
    from torch import nn

    return torch, nn


def build_net(name: str, in_channels: int, L: int, *, hidden: int = 100,
              width: int = 8) -> Any:
    """Create a classifier ``torch.nn.Module``.

    Parameters
    ----------
    name : {"fcnn", "cnn", "resnet"}
    in_channels : int
        Input channels ``C``.
    L : int
        Lattice size (the FCNN's input is ``C L²``; the others accept any ``L``).
    hidden : int
        FCNN hidden units.
    width : int
        Channels of the convolutional nets.

    Returns
    -------
    torch.nn.Module
        ``forward(x)`` with ``x`` float ``(B, C, L, L)`` returns logits ``(B, 2)``.

    Raises
    ------
    ValueError
        On an unknown ``name`` (the valid ones are listed).
    """
    if not isinstance(name, str) or name not in NETS:
        raise ValueError(f"net must be one of {list(NETS)}; got {name!r}")
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    L = check_int(L, "L", minimum=4)
    hidden = check_int(hidden, "hidden", minimum=1)
    width = check_int(width, "width", minimum=1)
    torch, nn = _torch()

    if name == "fcnn":
        return nn.Sequential(nn.Flatten(), nn.Linear(in_channels * L * L, hidden), nn.Sigmoid(),
                             nn.Linear(hidden, 2))

    def conv(cin: int, cout: int) -> Any:
        return nn.Conv2d(cin, cout, 3, padding=1, padding_mode="circular")

    if name == "cnn":
        return nn.Sequential(conv(in_channels, width), nn.ReLU(), nn.MaxPool2d(2),
                             conv(width, 2 * width), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                             nn.Flatten(), nn.Linear(2 * width, 2))

    class Block(nn.Module):
        def __init__(self, c: int) -> None:
            super().__init__()
            self.body = nn.Sequential(conv(c, c), nn.BatchNorm2d(c), nn.ReLU(), conv(c, c),
                                      nn.BatchNorm2d(c))

        def forward(self, x: Any) -> Any:
            return torch.relu(x + self.body(x))

    return nn.Sequential(conv(in_channels, width), nn.BatchNorm2d(width), nn.ReLU(),
                         Block(width), nn.MaxPool2d(2), Block(width), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(width, 2))
