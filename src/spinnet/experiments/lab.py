"""Pipelines behind ``spinnet lab``: patterns, theory numbers and data for the panels.

The lab's server (:mod:`spinnet.lab`) is a thin face: it validates requests,
runs these functions (and the library's building blocks) in worker threads and
streams the results. Everything here is plain NumPy in, JSON-ready Python out,
and usable from a script.

References
----------
- D. J. Amit, H. Gutfreund & H. Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985);
  Ann. Phys. 173, 30 (1987): the (α, T) phase diagram (T_M, T_c, T_g, T_R).
- L. Onsager, Phys. Rev. 65, 117 (1944); C. N. Yang, Phys. Rev. 85, 808 (1952);
  R. M. F. Houtappel, Physica 16, 425 (1950): the square/triangular Ising lattice.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator

__all__ = [
    "PATTERN_SOURCES",
    "PRINCIPLES",
    "LabRBMData",
    "RBMStepper",
    "ags_point",
    "ising_theory",
    "lab_patterns",
    "lab_rbm_data",
    "phase_lines",
    "phase_region",
    "rbm_filters",
    "rbm_monitor",
    "resize_nearest",
]

#: Sources of ``POST /api/patterns``.
PATTERN_SOURCES = ("letters", "digits", "mnist", "random")
#: Loads beyond α_c up to which the phase-lines grid continues (T_g only there).
PHASE_ALPHA_MAX = 0.5


def resize_nearest(images: np.ndarray, height: int, width: int) -> np.ndarray:
    """Nearest-neighbour resampling of a batch of images.

    Parameters
    ----------
    images : ndarray, shape (n, h, w)
    height, width : int
        Output size.

    Returns
    -------
    ndarray, shape (n, height, width), same dtype
    """
    _n, h, w = images.shape
    rows = np.minimum((np.arange(height) + 0.5) * h / height, h - 1).astype(int)
    cols = np.minimum((np.arange(width) + 0.5) * w / width, w - 1).astype(int)
    return np.ascontiguousarray(images[:, rows][:, :, cols])


def lab_patterns(source: str, n: int, height: int, width: int, *, chars: str | None = None,
                 rng: SeedLike = None) -> tuple[np.ndarray, list[str]]:
    """Patterns for the memory panel: letters, digits, MNIST digits or random ±1 images.

    ``letters`` rasterises ``chars`` (default: the first ``n`` of
    :data:`spinnet.datasets.DEMO_LETTERS` then the alphabet) with
    :func:`spinnet.datasets.letters` at ``max(height, width)`` pixels and
    resamples to ``height × width``; ``digits`` picks ``n`` scikit-learn digits
    (classes 0, 1, 2, ... in turn) at random, ``mnist`` the same from the MNIST
    test set (binarised at grey level 128); both are resampled by nearest
    neighbour. ``random`` draws unbiased ±1 patterns
    (:func:`spinnet.spins.random_patterns`).

    Parameters
    ----------
    source : {"letters", "digits", "mnist", "random"}
    n : int >= 1
        Number of patterns (for ``letters`` with ``chars``: ``len(chars)`` is used).
    height, width : int >= 4
    chars : str, optional
        Letters to draw (``letters`` only).
    rng : SeedLike
        Which digits are drawn; the random patterns.

    Returns
    -------
    patterns : ndarray of int8, shape (n, height, width)
        ±1 images (+1 = ink).
    labels : list of str
        The character, digit class or ``"#k"`` of each pattern.

    Raises
    ------
    ValueError
        Unknown ``source`` or characters; :class:`spinnet.datasets.MnistNotFoundError`
        (a ``FileNotFoundError``) when MNIST is not available.
    """
    from spinnet import datasets
    from spinnet.spins import random_patterns

    gen = as_generator(rng)
    if source == "letters":
        if not chars:
            pool = datasets.DEMO_LETTERS + "".join(
                c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in datasets.DEMO_LETTERS)
            chars = (pool * (n // len(pool) + 1))[:n]
        size = max(height, width, 5)
        imgs = datasets.letters(chars, size=size).reshape(len(chars), size, size)
        return resize_nearest(imgs, height, width).astype(np.int8), list(chars)
    if source in ("digits", "mnist"):
        if source == "digits":
            x, y = datasets.digits()
            imgs = x.reshape(-1, *datasets.DIGITS_SHAPE)
        else:
            raw, y = datasets.load_mnist(datasets.resolve_mnist_dir(), kind="t10k",
                                         binarize=False)
            imgs = np.where(raw.reshape(-1, *datasets.MNIST_SHAPE) >= 128, 1, -1).astype(np.int8)
        y = np.asarray(y)
        picks = []
        for k in range(n):  # one of each class in turn, a random member of it
            members = np.flatnonzero(y == k % 10)
            picks.append(int(gen.choice(members)))
        out = resize_nearest(imgs[picks], height, width).astype(np.int8)
        return out, [str(int(y[i])) for i in picks]
    if source == "random":
        xi = random_patterns(n, height * width, rng=gen)
        return xi.reshape(n, height, width), [f"#{k + 1}" for k in range(n)]
    raise ValueError(f"source must be one of {PATTERN_SOURCES}; got {source!r}")


@functools.lru_cache(maxsize=1024)
def _t_m(alpha: float) -> float:
    from spinnet.theory.hopfield import t_m

    return float(t_m(alpha, tol=1e-4))


@functools.lru_cache(maxsize=1024)
def _t_r(alpha: float) -> float:
    from spinnet.theory.hopfield import t_r

    return float(t_r(alpha, tol=1e-4))


def phase_region(alpha: float, T: float) -> tuple[str, float, float]:
    """Whether ``(α, T)`` lies in the retrieval region ``T < T_M(α)`` of the AGS diagram.

    Parameters
    ----------
    alpha : float > 0
    T : float >= 0

    Returns
    -------
    region : {"retrieval", "outside"}
    m_theory : float
        The AGS retrieval overlap ``m`` (Amit, Gutfreund & Sompolinsky 1987,
        eqs. 4.11–4.13) inside, ``0`` outside.
    T_M : float
        ``T_M(α)`` (0 for ``α ≥ α_c``).
    """
    from spinnet.theory.hopfield import ags_solve

    T_M = _t_m(float(alpha))
    m = float(ags_solve(alpha, T).m) if T < T_M else 0.0
    return ("retrieval" if m > 0 else "outside"), m, T_M


def ags_point(alpha: float, T: float) -> dict[str, Any]:
    """The replica-symmetric AGS solution and the phase at load ``α`` and temperature ``T``.

    Parameters
    ----------
    alpha : float > 0
    T : float >= 0

    Returns
    -------
    dict
        ``m, q, r`` of the retrieval branch (:func:`spinnet.theory.hopfield.ags_solve`,
        ``m = 0`` where no retrieval solution exists); ``phase``: ``"retrieval"``
        (``T < T_c``: retrieval states are global minima), ``"retrieval-metastable"``
        (``T_c ≤ T < T_M``), ``"spin-glass"`` (``T_M ≤ T < T_g``) or ``"paramagnet"``
        (``T ≥ T_g``); and ``T_M, T_c, T_g, T_R`` at this ``α`` (AGS 1987, Fig. 1).
    """
    from spinnet.theory.hopfield import ags_solve, t_c, t_g

    sol = ags_solve(alpha, T)
    T_M = _t_m(float(alpha))
    T_c = float(t_c(float(alpha), tol=1e-4)) if T_M > 0 else 0.0
    T_g = float(t_g(alpha))
    T_R = _t_r(float(alpha)) if T_M > 0 else 0.0
    if sol.m > 0 and T < T_c:
        phase = "retrieval"
    elif sol.m > 0:
        phase = "retrieval-metastable"
    elif T < T_g:
        phase = "spin-glass"
    else:
        phase = "paramagnet"
    return {"m": float(sol.m), "q": float(sol.q), "r": float(sol.r), "phase": phase,
            "T_M": T_M, "T_c": T_c, "T_g": T_g, "T_R": T_R}


def phase_lines(n_points: int = 24) -> dict[str, Any]:
    """The AGS phase diagram's lines for the phase-diagram panel.

    ``T_M``, ``T_c``, ``T_R`` on :func:`spinnet.theory.hopfield.ags_lines`' grid of
    ``n_points`` loads in ``(0, α_c)`` (cached on disk after the first call, which
    takes about a second per point), then ``T_g = 1 + √α`` (AGS 1987) continued on
    12 more loads up to α = 0.5 where the other lines are ``None``.

    Parameters
    ----------
    n_points : int >= 2

    Returns
    -------
    dict
        ``alpha, T_M, T_c, T_g, T_R`` (lists of equal length, ``None`` where a line
        does not exist) and ``alpha_c`` (the storage capacity at ``T = 0``).
    """
    import copy

    return copy.deepcopy(_phase_lines(int(n_points)))


@functools.lru_cache(maxsize=8)
def _phase_lines(n_points: int) -> dict[str, Any]:
    from spinnet.theory.hopfield import ags_lines, capacity_point, t_g

    lines = ags_lines(n_points)
    a_c = float(capacity_point()[0])
    extra = [float(a) for a in np.linspace(a_c, PHASE_ALPHA_MAX, 13)]
    alpha = [float(a) for a in lines["alpha"]] + extra
    pad = [None] * len(extra)

    def clean(values: list[float]) -> list[float | None]:
        return [float(v) if math.isfinite(v) else None for v in values]

    return {"alpha": alpha,
            "T_M": clean(lines["T_M"]) + pad, "T_c": clean(lines["T_c"]) + pad,
            "T_R": clean(lines["T_R"]) + pad,
            "T_g": [float(t_g(a)) for a in alpha], "alpha_c": a_c}


def ising_theory(T: float, J_h: float = 1.0, J_v: float = 1.0,
                 J_d: float = 0.0) -> dict[str, float | None]:
    """Exact numbers of the 2-d Ising lattice at temperature ``T`` for the Ising panel.

    Parameters
    ----------
    T : float > 0
    J_h, J_v, J_d : float
        Couplings; Houtappel's ``T_c`` needs ``J_h+J_v``, ``J_v+J_d``, ``J_d+J_h > 0``.

    Returns
    -------
    dict
        ``T_c``: Houtappel's critical temperature (Onsager's ``2J/ln(1+√2)`` when
        isotropic); ``energy``: Onsager's ``e(T)`` per spin and ``abs_m``: Yang's
        spontaneous magnetisation (0 above ``T_c``), both ``None`` unless
        ``J_h = J_v > 0`` and ``J_d = 0``.
    """
    from spinnet.theory.ising import energy_per_spin, houtappel_tc, spontaneous_magnetization

    T_c = float(houtappel_tc(J_h, J_v, J_d))
    if J_h == J_v and J_d == 0.0 and J_h > 0:
        return {"T_c": T_c, "energy": float(energy_per_spin(T, J_h)),
                "abs_m": float(spontaneous_magnetization(T, J_h))}
    return {"T_c": T_c, "energy": None, "abs_m": None}


# ------------------------------------------------------------------------------ RBM
#: The lab's inductive principles and the training rules that implement them
#: (:data:`spinnet.boltzmann.training.TRAINING_RULES`): stochastic maximum likelihood
#: is persistent CD (Tieleman 2008), CD is Hinton (2002), PL Besag (1975), RM
#: Hyvärinen (2007); see Marlin et al., AISTATS 2010 for the comparison.
PRINCIPLES = {"SML": "pcd", "CD": "cd", "PL": "pl", "RM": "rm"}
#: At most this many MNIST training images are kept in the lab (memory, latency).
LAB_MNIST_TRAIN_MAX = 10000


@dataclass
class LabRBMData:
    """Binary data of the RBM panel as ``{0, 1}`` float32 tensors.

    Attributes
    ----------
    x_train, x_test : torch.Tensor, shape (n, n_visible)
    y_train, y_test : ndarray of int, shape (n,)
    height, width : int
        Image shape (``n_visible = height * width``).
    source : str
    """

    x_train: Any
    x_test: Any
    y_train: np.ndarray
    y_test: np.ndarray
    height: int
    width: int
    source: str


_DATA_CACHE: dict[str, LabRBMData] = {}
_DATA_LOCK = threading.Lock()


def lab_rbm_data(data: str) -> LabRBMData:
    """Load (once per process) the RBM panel's data: ``"digits"`` or ``"mnist"``.

    The split is that of ``spinnet rbm train``
    (:func:`spinnet.experiments.boltzmann.load_rbm_data`): digits, the first 1500
    scikit-learn images train and the other 297 test; MNIST, the training set
    (at most its first 10 000 images here) or the t10k 8000/2000 split,
    binarised at grey level 0.5.

    Parameters
    ----------
    data : {"digits", "mnist"}

    Returns
    -------
    LabRBMData

    Raises
    ------
    spinnet.experiments.boltzmann.OptionError
        When MNIST is not available (a ``ValueError``).
    """
    import torch

    from spinnet.experiments.boltzmann import load_rbm_data

    with _DATA_LOCK:
        if data not in _DATA_CACHE:
            d = load_rbm_data(data)
            n = min(len(d.x_train), LAB_MNIST_TRAIN_MAX)
            h, w = d.shape
            _DATA_CACHE[data] = LabRBMData(
                torch.as_tensor(d.x_train[:n], dtype=torch.float32),
                torch.as_tensor(d.x_test, dtype=torch.float32),
                np.asarray(d.y_train[:n]), np.asarray(d.y_test), int(h), int(w), data)
        return _DATA_CACHE[data]


class RBMStepper:
    """Minibatch-by-minibatch training of an RBM with a registered training rule.

    One :meth:`step` is one update ``Δ ← m Δ + η g``, ``θ ← θ + Δ`` with ``g`` the
    rule's ascent direction (:class:`spinnet.boltzmann.training.TrainingRule`), the
    same update as :meth:`spinnet.boltzmann.RBM.fit`; persistent chains (SML) and
    momentum carry over between steps. Unlike ``RBM.partial_fit`` it computes no
    per-call metrics, so a live view can stop or report after any minibatch.

    Parameters
    ----------
    rbm : spinnet.boltzmann.RBM
    method : str
        Training rule (``"pcd"``, ``"cd"``, ``"pl"``, ``"rm"``, ...).
    k : int
        Gibbs sweeps per update (CD, PCD).
    batch_size : int
        Number of persistent chains (SML).
    learning_rate : float
    momentum : float
    rng : SeedLike
        Seeds the rule's torch generator (and the initial persistent chains).
    """

    def __init__(self, rbm: Any, method: str, *, k: int = 1, batch_size: int = 50,
                 learning_rate: float = 0.05, momentum: float = 0.5,
                 rng: SeedLike = None) -> None:
        import torch

        from spinnet.boltzmann.training import RuleState, get_rule

        self.rbm = rbm
        self.rule = get_rule(method)
        self.learning_rate = float(learning_rate)
        self.momentum = float(momentum)
        seed = int(as_generator(rng).integers(0, 2**63 - 1))
        self.gen = torch.Generator(device="cpu").manual_seed(seed)
        chains = None
        if self.rule.persistent:
            half = torch.full((batch_size, rbm.n_visible), 0.5, dtype=rbm.dtype)
            chains = torch.bernoulli(half, generator=self.gen)
        self.state = RuleState(k=k, gen=self.gen, W=rbm.W, chains=chains)
        self.velocity = {key: torch.zeros_like(p) for key, p in rbm.params.items()}
        self.updates = 0

    def step(self, batch: Any) -> None:
        """One update on ``batch`` (tensor of shape (B, n_visible), the RBM's dtype)."""
        rbm = self.rbm
        self.state.W = rbm.W
        g = self.rule.gradient(rbm, batch, self.state)  # PL and RM differentiate: no no_grad
        for key in self.velocity:
            self.velocity[key] = (self.momentum * self.velocity[key]
                                  + self.learning_rate * g[key].detach())
        rbm.W = rbm.W + self.velocity["W"]
        rbm.b = rbm.b + self.velocity["b"]
        rbm.c = rbm.c + self.velocity["c"]
        self.updates += 1


def rbm_filters(rbm: Any, height: int, width: int, k: int = 64) -> tuple[np.ndarray, list[int]]:
    """The top ``k`` hidden units' weight images, ranked by the L2 norm of their weights.

    Parameters
    ----------
    rbm : spinnet.boltzmann.RBM
        Trained machine with ``n_visible = height * width``.
    height, width : int
        Image shape of a visible configuration.
    k : int, default 64
        Number of filters.

    Returns
    -------
    filters : ndarray, shape (min(k, n_hidden), height, width)
        Columns of ``W`` as images.
    order : list of int
        Hidden-unit indices, largest norm first.
    """
    W = rbm.W.detach().to("cpu").double().numpy()
    norms = np.linalg.norm(W, axis=0)
    order = np.argsort(-norms, kind="stable")[: min(k, W.shape[1])]
    return W[:, order].T.reshape(len(order), height, width), [int(i) for i in order]


def rbm_monitor(rbm: Any, train: Any, test: Any, pll_data: Any | None = None
                ) -> dict[str, float | None]:
    """Overfitting monitor: mean free energy of train vs held-out data, pseudo-likelihood.

    Parameters
    ----------
    rbm : spinnet.boltzmann.RBM
    train, test : tensor, shape (B, n_visible)
        Equally sized subsets; the free-energy gap ``F(test) - F(train)`` grows
        when the model overfits (Hinton, *A practical guide to training RBMs*, §6).
    pll_data : tensor, shape (n_rows, n_visible), optional
        Rows on which to evaluate the pseudo-log-likelihood (Besag 1975) per
        visible unit; ``None`` skips it.

    Returns
    -------
    dict
        ``free_energy_train``, ``free_energy_test`` (per sample) and
        ``pseudo_likelihood`` (per visible unit, or ``None``).
    """
    import torch

    from spinnet.boltzmann.rbm import pseudo_log_likelihood

    with torch.no_grad():
        fe_train = float(rbm.free_energy(train).mean())
        fe_test = float(rbm.free_energy(test).mean())
        pll = (float(pseudo_log_likelihood(rbm, pll_data)) / rbm.n_visible
               if pll_data is not None else None)
    return {"free_energy_train": fe_train, "free_energy_test": fe_test,
            "pseudo_likelihood": pll}
