"""Phase classifiers in PyTorch: fully connected, convolutional and residual networks.

All map a batch of configurations ``(B, C, L, L)`` (``C = 1`` for spins, 2-3 for
energy configurations) to two logits (ferromagnetic, paramagnetic).
The fully connected net follows Carrasquilla & Melko (Nat. Phys. 13, 431
(2017)): one hidden layer of 100 sigmoid units. The convolutional nets use
circular padding (the lattices are periodic) and end in a global average, so
they apply to any ``L`` and see the translation symmetry of the lattice.

``"resnet"`` is a small residual net with two basic blocks. ``"resnet10"``,
``"resnet18"``, ``"resnet34"`` and ``"resnet50"`` are the standard layouts of
He, Zhang, Ren & Sun, *Deep residual learning for image recognition*, CVPR 2016,
Table 1 -- basic blocks ``[1, 1, 1, 1]``, ``[2, 2, 2, 2]``, ``[3, 4, 6, 3]`` and
bottleneck blocks ``[3, 4, 6, 3]`` with expansion 4 -- in four stages of widths
``w, 2w, 4w, 8w`` with stride-2 downsampling at the first block of stages 2-4
(projection shortcut: 1×1 convolution + batch norm), adapted to small periodic
lattices as in Chertenkov, Burovski & Shchur, Phys. Rev. E 108, L032102 (2023):
circular padding, a 3×3 stride-1 stem instead of the 7×7 stride-2 convolution
and max pool (an ``L = 12`` lattice would otherwise be 3×3 after the stem), global
average pooling and one linear layer. The base width ``w`` is the ``width``
argument (8 by default: ImageNet's 64 reduced eightfold to fit a CPU).
:func:`describe_net` gives the layout and the parameter count
(:func:`parameter_count` is its closed form).
"""

from __future__ import annotations

from typing import Any

from spinnet._optional import require_torch
from spinnet._validation import check_int

__all__ = ["NETS", "RESNET_LAYOUTS", "build_net", "describe_net", "parameter_count"]

NETS = ("fcnn", "cnn", "resnet", "resnet10", "resnet18", "resnet34", "resnet50")

#: ``name -> (block, blocks per stage)`` of the standard residual networks
#: (He et al. 2016, Table 1; ResNet-10 is ResNet-18 with one block per stage).
RESNET_LAYOUTS: dict[str, tuple[str, tuple[int, int, int, int]]] = {
    "resnet10": ("basic", (1, 1, 1, 1)),
    "resnet18": ("basic", (2, 2, 2, 2)),
    "resnet34": ("basic", (3, 4, 6, 3)),
    "resnet50": ("bottleneck", (3, 4, 6, 3)),
}

#: Output channels of a block relative to its inner width.
EXPANSION = {"basic": 1, "bottleneck": 4}


def _torch():
    torch = require_torch("spinnet.phases classifiers")
    from torch import nn

    return torch, nn


def _check(name: Any, in_channels: Any, L: Any, hidden: Any, width: Any
           ) -> tuple[str, int, int, int, int]:
    if not isinstance(name, str) or name not in NETS:
        raise ValueError(f"net must be one of {list(NETS[:3])} or the standard ResNets "
                         f"{list(RESNET_LAYOUTS)}; got {name!r}")
    return (name, check_int(in_channels, "in_channels", minimum=1), check_int(L, "L", minimum=4),
            check_int(hidden, "hidden", minimum=1), check_int(width, "width", minimum=1))


def build_net(name: str, in_channels: int, L: int, *, hidden: int = 100,
              width: int = 8) -> Any:
    """Create a classifier ``torch.nn.Module``.

    Parameters
    ----------
    name : {"fcnn", "cnn", "resnet", "resnet10", "resnet18", "resnet34", "resnet50"}
    in_channels : int
        Input channels ``C``.
    L : int
        Lattice size (the FCNN's input is ``C L²``; the others accept any ``L``).
    hidden : int
        FCNN hidden units.
    width : int
        Channels of the convolutional nets; for ``"resnet10"`` ... ``"resnet50"``
        the width ``w`` of the first stage (stages ``w, 2w, 4w, 8w``; a
        bottleneck block's output has ``4×`` its inner width).

    Returns
    -------
    torch.nn.Module
        ``forward(x)`` with ``x`` float ``(B, C, L, L)`` returns logits ``(B, 2)``.
        The standard ResNets have attributes ``stem``, ``stages`` (a
        ``ModuleList`` of four ``Sequential`` stages of blocks) and ``head``.

    Raises
    ------
    ValueError
        On an unknown ``name`` (the valid ones are listed) or a bad size.

    References
    ----------
    He, Zhang, Ren & Sun, CVPR 2016, 770 (Table 1 and Fig. 5: basic and bottleneck
    blocks, projection shortcuts).
    """
    name, in_channels, L, hidden, width = _check(name, in_channels, L, hidden, width)
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

    if name in RESNET_LAYOUTS:
        block, counts = RESNET_LAYOUTS[name]
        return _resnet_class()(in_channels, block, counts, width)

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


_RESNET: Any = None


def _resnet_class() -> Any:
    """The ResNet module classes, defined once torch is imported."""
    global _RESNET
    if _RESNET is not None:
        return _RESNET
    torch, nn = _torch()
    def bn(c: int, last: bool = False) -> Any:
        b = nn.BatchNorm2d(c)
        if last:
            # Zero-initialised scale of a residual branch's last batch norm: every block
            # starts as the identity, so the deep nets train from a shallow start
            # (Goyal et al., arXiv:1706.02677, sec. 5.1; torchvision's zero_init_residual).
            # Without it a ResNet-18 on a few dozen snapshots fits the training batches
            # while its running statistics still lag, and early stopping ends it at chance.
            nn.init.zeros_(b.weight)
        return b

    def conv3(cin: int, cout: int, stride: int = 1) -> Any:
        # No bias: every convolution is followed by batch norm, whose shift replaces it.
        return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, padding_mode="circular",
                         bias=False)

    def conv1(cin: int, cout: int, stride: int = 1) -> Any:
        return nn.Conv2d(cin, cout, 1, stride=stride, bias=False)

    def shortcut(cin: int, cout: int, stride: int) -> Any:
        # He et al.'s option B: identity where shapes agree, else a 1x1 projection.
        if stride == 1 and cin == cout:
            return nn.Identity()
        return nn.Sequential(conv1(cin, cout, stride), bn(cout))

    class BasicBlock(nn.Module):
        """Two 3×3 convolutions (He et al. 2016, Fig. 5 left)."""

        expansion = 1

        def __init__(self, cin: int, width: int, stride: int) -> None:
            super().__init__()
            self.body = nn.Sequential(conv3(cin, width, stride), bn(width),
                                      nn.ReLU(), conv3(width, width), bn(width, last=True))
            self.shortcut = shortcut(cin, width, stride)

        def forward(self, x: Any) -> Any:
            return torch.relu(self.shortcut(x) + self.body(x))

    class Bottleneck(nn.Module):
        """1×1 reduce, 3×3 (carrying the stride), 1×1 expand ×4 (He et al. 2016, Fig. 5 right)."""

        expansion = 4

        def __init__(self, cin: int, width: int, stride: int) -> None:
            super().__init__()
            cout = 4 * width
            self.body = nn.Sequential(conv1(cin, width), bn(width), nn.ReLU(),
                                      conv3(width, width, stride), bn(width),
                                      nn.ReLU(), conv1(width, cout), bn(cout, last=True))
            self.shortcut = shortcut(cin, cout, stride)

        def forward(self, x: Any) -> Any:
            return torch.relu(self.shortcut(x) + self.body(x))

    class ResNet(nn.Module):
        """Stem, four stages (widths ``w, 2w, 4w, 8w``), global average, linear head."""

        def __init__(self, in_channels: int, block: str, counts: tuple[int, ...],
                     width: int) -> None:
            super().__init__()
            cls = BasicBlock if block == "basic" else Bottleneck
            self.stem = nn.Sequential(conv3(in_channels, width), bn(width),
                                      nn.ReLU())
            stages, cin = [], width
            for i, n in enumerate(counts):
                w = width * 2 ** i
                blocks = []
                for j in range(n):
                    blocks.append(cls(cin, w, 2 if (i > 0 and j == 0) else 1))
                    cin = w * cls.expansion
                stages.append(nn.Sequential(*blocks))
            self.stages = nn.ModuleList(stages)
            self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 2))

        def forward(self, x: Any) -> Any:
            x = self.stem(x)
            for stage in self.stages:
                x = stage(x)
            return self.head(x)

    _RESNET = ResNet
    return _RESNET


def parameter_count(name: str, in_channels: int, L: int, *, hidden: int = 100,
                    width: int = 8) -> int:
    r"""Number of trainable parameters of :func:`build_net`'s network, in closed form.

    With ``C`` input channels, base width ``w`` and the layout of
    :data:`RESNET_LAYOUTS` (3×3 and 1×1 convolutions without bias, each followed by
    a batch norm with 2 parameters per channel):

    * stem: ``9 C w + 2 w``;
    * basic block ``c_in -> c``: ``9 c_in c + 9 c² + 4 c``, plus ``c_in c + 2 c``
      for a projection shortcut (``c_in != c`` or stride 2);
    * bottleneck block ``c_in -> c -> 4c``: ``c_in c + 9 c² + 4 c² + 12 c``, plus
      ``4 c_in c + 8 c`` for a projection shortcut (``c_in != 4c`` or stride 2);
    * head: ``2 c_last + 2``.

    FCNN: ``(C L² + 1) h + 2 h + 2``; CNN: ``(9 C + 1) w + (9 w + 1) 2w + 4 w + 2``;
    ``"resnet"``: ``(9 C + 1) w + 2 w + 2 (2 (9 w + 1) w + 4 w) + 2 w + 2``
    (the older nets' convolutions have biases).

    Parameters
    ----------
    name : {"fcnn", "cnn", "resnet", "resnet10", "resnet18", "resnet34", "resnet50"}
        The network, as for :func:`build_net`.
    in_channels : int
        Input channels ``C``.
    L : int
        Lattice size (enters only the FCNN's count, through its ``C L²`` inputs).
    hidden : int
        FCNN hidden units ``h`` (default 100).
    width : int
        Base width ``w`` of the convolutional nets (default 8), as for
        :func:`build_net`.

    Returns
    -------
    int
        The number of trainable parameters (batch-norm running statistics excluded).

    Raises
    ------
    ValueError
        On an unknown ``name`` or a bad size, as :func:`build_net`.
    """
    name, C, L, hidden, w = _check(name, in_channels, L, hidden, width)
    if name == "fcnn":
        return (C * L * L + 1) * hidden + 2 * hidden + 2
    if name == "cnn":
        return (9 * C + 1) * w + (9 * w + 1) * 2 * w + 4 * w + 2
    if name == "resnet":
        block = 2 * (9 * w + 1) * w + 4 * w
        return (9 * C + 1) * w + 2 * w + 2 * block + 2 * w + 2
    kind, counts = RESNET_LAYOUTS[name]
    total = 9 * C * w + 2 * w
    cin = w
    for i, n in enumerate(counts):
        c = w * 2 ** i
        for j in range(n):
            stride = 2 if (i > 0 and j == 0) else 1
            if kind == "basic":
                total += 9 * cin * c + 9 * c * c + 4 * c
                if stride != 1 or cin != c:
                    total += cin * c + 2 * c
                cin = c
            else:
                total += cin * c + 9 * c * c + 4 * c * c + 12 * c
                if stride != 1 or cin != 4 * c:
                    total += 4 * cin * c + 8 * c
                cin = 4 * c
    return total + 2 * cin + 2


def describe_net(name: str, in_channels: int, L: int, *, hidden: int = 100,
                 width: int = 8) -> dict[str, Any]:
    """The layout of a network: blocks and widths per stage, parameters, feature-map sides.

    Parameters
    ----------
    name, in_channels, L, hidden, width
        As for :func:`build_net`.

    Returns
    -------
    dict
        ``name``; ``parameters`` (:func:`parameter_count`); for the standard
        ResNets also ``block`` (``"basic"``/``"bottleneck"``), ``blocks``
        (per stage, 4 ints), ``widths`` (output channels per stage), ``sides``
        (feature-map side after each stage for this ``L``: ``⌈L/2^i⌉`` with
        stride-2 steps ``s -> ⌊(s − 1)/2⌋ + 1``) and ``depth`` (weighted layers:
        ``2 Σ blocks + 2`` basic, ``3 Σ blocks + 2`` bottleneck).
    """
    name, C, L, hidden, w = _check(name, in_channels, L, hidden, width)
    out: dict[str, Any] = {"name": name, "in_channels": C, "L": L,
                           "parameters": parameter_count(name, C, L, hidden=hidden, width=w)}
    if name not in RESNET_LAYOUTS:
        out.update(width=w) if name != "fcnn" else out.update(hidden=hidden)
        return out
    kind, counts = RESNET_LAYOUTS[name]
    sides, s = [], L
    for i in range(4):
        if i > 0:
            s = (s - 1) // 2 + 1
        sides.append(s)
    per_block = 2 if kind == "basic" else 3
    out.update(block=kind, blocks=list(counts), base_width=w,
               widths=[w * 2 ** i * EXPANSION[kind] for i in range(4)], sides=sides,
               depth=per_block * sum(counts) + 2)
    return out
