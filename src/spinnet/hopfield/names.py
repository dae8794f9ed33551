"""Pictures stored with their names: composite patterns ``[picture | name code]``.

A Hopfield network stores composite patterns ``ζ^μ = (ξ^μ, c^{y_μ})``: the
picture ``ξ^μ ∈ {±1}^{N_pic}`` followed by the code ``c^y ∈ {±1}^L`` of its
name (class label) ``y``. Naming is pattern completion (Hopfield 1982; Amit,
*Modeling Brain Function*, 1989, ch. 9, where the same network is
taught labels while it learns classes): a picture is presented with the name
part *blank*, the network relaxes, and the completed name part is decoded as
the name whose code is nearest (largest overlap ``c^y · s_name``).

What "blank" means. Spins are ±1 and the update ``s_i ← sign(h_i)`` keeps a
spin whose field is zero, so a zero (empty) name part is not a state of the
network. Two blanks are offered, both ±1:

* ``"random"`` (default) -- every probe gets a fresh random ±1 name part: the
  name part then has overlap ``O(1/sqrt(L))`` with every code, so it carries no
  information, and the initial overlap of the probe with the stored composite
  pattern is ``(N_pic (1 - 2q)) / (N_pic + L)`` for picture noise ``q``;
* ``"fixed"`` -- one random ±1 blank code drawn at ``fit`` and used for every
  probe (deterministic given the fitted memory; same information content).

The picture part is either free (the whole composite relaxes: the name is
completed by the attractor the picture falls into, and the picture is
cleaned up on the way) or clamped (``clamp_picture=True``: only the name
spins move, in the field ``J_{name,pic} ξ + J_{name,name} s_name`` -- one
hetero-associative read-out followed by relaxation of the name part).

Couplings are any rule of :mod:`spinnet.hopfield.rules` on the composite
patterns: Hebb ``J = ZᵀZ/N`` (random pictures: retrieval up to ``α ≈ 0.138``;
correlated pictures such as letters or digits share a common component and
Hebb fails well below that) or the pseudo-inverse ``J = Z⁺Z`` (Personnaz et
al. 1985; Kanter & Sompolinsky 1987), which makes every stored composite a
fixed point for any linearly independent set.

References
----------
- J. J. Hopfield, PNAS 79, 2554 (1982).
- D. J. Amit, *Modeling Brain Function* (Cambridge, 1989).
- L. Personnaz, I. Guyon & G. Dreyfus, J. Physique Lett. 46, L359 (1985).
- I. Kanter & H. Sompolinsky, Phys. Rev. A 35, 380 (1987).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_int, check_option, check_spins
from spinnet.hopfield import rules as _rules
from spinnet.hopfield.dynamics import run_async
from spinnet.hopfield.network import HopfieldNetwork

__all__ = ["BLANKS", "NamedMemory", "decode_names"]

#: Ways to fill the name part of a probe (see the module docstring).
BLANKS = ("random", "fixed")


def decode_names(name_parts: Any, codes: Any) -> np.ndarray:
    """Nearest name code: ``argmax_y c^y · s_name`` for each row (ties -> lowest index).

    Parameters
    ----------
    name_parts : array_like of ±1, shape (B, L) or (L,)
    codes : array_like of ±1, shape (K, L)

    Returns
    -------
    ndarray of int64, shape (B,) (or a 0-d array for one row)
        Index of the nearest code.
    """
    c = check_spins(codes, "codes", ndim=2)
    s = check_spins(name_parts, "name_parts", ndim=(1, 2), n=c.shape[1])
    return np.argmax(s.astype(np.float64) @ c.T.astype(np.float64), axis=-1)


class NamedMemory:
    """Hopfield memory of pictures with their names; show a picture, read its name.

    Parameters
    ----------
    rule : {"hebbian", "pseudo_inverse", "storkey"}
        Learning rule applied to the composite patterns ``[picture | code]``.
    code_length : int
        ``L``, spins of the name part; each name gets a random ±1 code.
    blank : {"random", "fixed"}
        Default content of the name part of a probe (see the module docstring;
        zeros are not spins).

    Attributes
    ----------
    classes_ : ndarray, shape (K,)
        The distinct names (sorted), as given to :meth:`fit`.
    codes_ : ndarray of int8, shape (K, L)
        Name codes, row ``k`` for ``classes_[k]``.
    blank_code_ : ndarray of int8, shape (L,)
        The fixed blank (used with ``blank="fixed"``).
    network_ : HopfieldNetwork
        The network on ``N = N_pic + L`` spins storing the composites.
    n_picture_ : int
        ``N_pic``.

    Examples
    --------
    >>> from spinnet.spins import random_patterns, flip
    >>> pics = random_patterns(20, 400, rng=0)
    >>> mem = NamedMemory(code_length=40).fit(pics, list(range(20)), rng=1)
    >>> mem.score(flip(pics, 0.2, rng=2), list(range(20)), rng=3)
    1.0
    """

    def __init__(self, rule: str = "hebbian", code_length: int = 64,
                 blank: str = "random") -> None:
        self.rule = check_option(rule, "rule", tuple(_rules.RULES))
        self.code_length = check_int(code_length, "code_length", minimum=1)
        self.blank = check_option(blank, "blank", BLANKS)

    # -- learning ---------------------------------------------------------------
    def fit(self, pictures: Any, labels: Any, rng: SeedLike = None) -> NamedMemory:
        """Store every picture with the code of its label.

        Parameters
        ----------
        pictures : array_like of ±1, shape (p, N_pic)
        labels : array_like, shape (p,)
            Names (any hashable, sortable values: ints or strings).
        rng : SeedLike
            Draws the name codes and the fixed blank.

        Returns
        -------
        self
        """
        x = check_spins(pictures, "pictures", ndim=2)
        y = np.asarray(labels)
        if y.ndim != 1 or y.shape[0] != x.shape[0]:
            raise ValueError(f"labels must have shape (p,) = ({x.shape[0]},), one per picture; "
                             f"got shape {y.shape}")
        classes, idx = np.unique(y, return_inverse=True)
        gen = as_generator(rng)
        L = self.code_length
        codes = np.where(gen.random((len(classes), L)) < 0.5, 1, -1).astype(np.int8)
        blank = np.where(gen.random(L) < 0.5, 1, -1).astype(np.int8)
        net = HopfieldNetwork(self.rule).fit(np.hstack([x, codes[idx]]))
        self.classes_, self.codes_, self.blank_code_ = classes, codes, blank
        self.n_picture_ = x.shape[1]
        self.network_ = net
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "network_"):
            raise ValueError("this NamedMemory is not fitted; call fit(pictures, labels) first")

    @property
    def load_(self) -> float:
        """``α = p / (N_pic + L)``, the load of the composite network."""
        self._check_fitted()
        return self.network_.load_

    # -- recall -----------------------------------------------------------------
    def probes(self, pictures: Any, *, blank: str | None = None,
               rng: SeedLike = None) -> np.ndarray:
        """Composite probes ``[picture | blank]``.

        Parameters
        ----------
        pictures : array_like of ±1, shape (B, N_pic) or (N_pic,)
        blank : {"random", "fixed"}, optional
            Default: :attr:`blank`.
        rng : SeedLike
            Draws the random blanks.

        Returns
        -------
        ndarray of int8, shape (B, N_pic + L)
        """
        self._check_fitted()
        x = check_spins(pictures, "pictures", ndim=(1, 2), n=self.n_picture_)
        x = x.reshape(-1, self.n_picture_)
        blank = self.blank if blank is None else check_option(blank, "blank", BLANKS)
        if blank == "random":
            gen = as_generator(rng)
            names = np.where(gen.random((x.shape[0], self.code_length)) < 0.5, 1, -1)
        else:
            names = np.broadcast_to(self.blank_code_, (x.shape[0], self.code_length))
        return np.hstack([x, names]).astype(np.int8)

    def complete(self, pictures: Any, *, blank: str | None = None, clamp_picture: bool = False,
                 max_sweeps: int = 100, rng: SeedLike = None) -> np.ndarray:
        """Relax ``[picture | blank]`` at ``T = 0`` (asynchronous; a zero field keeps the spin).

        Parameters
        ----------
        pictures : array_like of ±1, shape (B, N_pic) or (N_pic,)
        blank : {"random", "fixed"}, optional
            Default: :attr:`blank`.
        clamp_picture : bool
            Hold the picture spins fixed; only the name part relaxes.
        max_sweeps : int
            Sweep budget of the asynchronous dynamics.
        rng : SeedLike
            Blanks and update orders.

        Returns
        -------
        ndarray of int8, shape (B, N_pic + L)
            The completed composite states.
        """
        gen = as_generator(rng)
        s = self.probes(pictures, blank=blank, rng=gen)
        return self.relax(s, clamp_picture=clamp_picture, max_sweeps=max_sweeps, rng=gen)

    def relax(self, states: Any, *, clamp_picture: bool = False, max_sweeps: int = 100,
              rng: SeedLike = None) -> np.ndarray:
        """Relax composite states ``[picture | name]`` at ``T = 0`` (asynchronous).

        Parameters
        ----------
        states : array_like of ±1, shape (B, N_pic + L) or (N_pic + L,)
            E.g. from :meth:`probes`.
        clamp_picture : bool
            Hold the picture spins fixed; only the name part relaxes, in the
            field ``J_{name,pic} s_pic + J_{name,name} s_name``.
        max_sweeps : int
        rng : SeedLike
            Update orders.

        Returns
        -------
        ndarray of int8, shape (B, N_pic + L)
        """
        self._check_fitted()
        if not isinstance(clamp_picture, bool):
            raise TypeError(f"clamp_picture must be a bool; got {type(clamp_picture).__name__}")
        max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=1)
        n = self.network_.n_spins_
        s = check_spins(states, "states", ndim=(1, 2), n=n).reshape(-1, n)
        gen = as_generator(rng)
        if not clamp_picture:
            return self.network_.recall(s, max_sweeps=max_sweeps, rng=gen)
        npic = self.n_picture_
        J = self.network_.couplings_
        J_nn, J_np = J[npic:, npic:], J[npic:, :npic]
        ext = s[:, :npic].astype(np.float64) @ J_np.T  # (B, L) field from the clamped picture
        out = s.copy()
        for b in range(s.shape[0]):
            out[b, npic:] = run_async(J_nn, s[b, npic:], max_sweeps=max_sweeps, rng=gen,
                                      field=ext[b])
        return out

    def predict(self, pictures: Any, *, blank: str | None = None, clamp_picture: bool = False,
                max_sweeps: int = 100, rng: SeedLike = None) -> np.ndarray:
        """Names read from the completed name parts (nearest code).

        Parameters are those of :meth:`complete`.

        Returns
        -------
        ndarray, shape (B,)
            Elements of :attr:`classes_`.
        """
        s = self.complete(pictures, blank=blank, clamp_picture=clamp_picture,
                          max_sweeps=max_sweeps, rng=rng)
        return self.classes_[decode_names(s[:, self.n_picture_:], self.codes_)]

    def score(self, pictures: Any, labels: Any, *, blank: str | None = None,
              clamp_picture: bool = False, max_sweeps: int = 100, rng: SeedLike = None
              ) -> float:
        """Fraction of pictures whose name is completed correctly.

        Parameters
        ----------
        pictures : array_like of ±1, shape (B, N_pic)
        labels : array_like, shape (B,)
            True names.
        blank, clamp_picture, max_sweeps, rng
            As in :meth:`complete`.

        Returns
        -------
        float in [0, 1]
        """
        y = np.asarray(labels)
        x = check_spins(pictures, "pictures", ndim=(1, 2))
        n_rows = 1 if x.ndim == 1 else x.shape[0]
        if y.ndim != 1 or y.shape[0] != n_rows:
            raise ValueError(f"labels must have shape ({n_rows},), one per picture; "
                             f"got shape {y.shape}")
        pred = self.predict(x, blank=blank, clamp_picture=clamp_picture,
                            max_sweeps=max_sweeps, rng=rng)
        return float(np.mean(pred == y))

    # -- persistence ------------------------------------------------------------
    _KIND = "spinnet.hopfield.NamedMemory"

    def save(self, path: str | os.PathLike) -> Path:
        """Save to a ``spinnet._persist`` directory (composites, codes, blank, names).

        Parameters
        ----------
        path : str or os.PathLike
            Target directory (written atomically).

        Returns
        -------
        pathlib.Path
        """
        from spinnet._persist import save_state

        self._check_fitted()
        classes = self.classes_.tolist()
        return save_state(path, kind=self._KIND,
                          config={"rule": self.rule, "code_length": self.code_length,
                                  "blank": self.blank, "n_picture": self.n_picture_,
                                  "classes": classes},
                          arrays={"composites": self.network_.patterns_,
                                  "codes": self.codes_, "blank_code": self.blank_code_})

    @classmethod
    def load(cls, path: str | os.PathLike) -> NamedMemory:
        """Load a memory written by :meth:`save` (the couplings are rebuilt by the rule).

        Parameters
        ----------
        path : str or os.PathLike

        Returns
        -------
        NamedMemory
        """
        from spinnet._persist import load_state

        saved = load_state(path, kind=cls._KIND)
        c = saved.config
        obj = cls(rule=c["rule"], code_length=c["code_length"], blank=c["blank"])
        obj.classes_ = np.asarray(c["classes"])
        obj.codes_ = np.asarray(saved.arrays["codes"], dtype=np.int8)
        obj.blank_code_ = np.asarray(saved.arrays["blank_code"], dtype=np.int8)
        obj.n_picture_ = int(c["n_picture"])
        obj.network_ = HopfieldNetwork(obj.rule).fit(
            np.asarray(saved.arrays["composites"], dtype=np.int8))
        return obj

    def __repr__(self) -> str:
        return (f"NamedMemory(rule={self.rule!r}, code_length={self.code_length}, "
                f"blank={self.blank!r})")
