"""Claims: a published number, how spinnet measures it, and when it counts as reproduced.

A :class:`Claim` pairs a reference value (with its error and its source: paper,
equation, table) with a measurement function and a :class:`Tolerance`. The
measurement runs at a *preset* (``smoke``: seconds, for tests and CI;
``quick``: minutes, the documented report; ``full``: the publication-size
run) and returns a :class:`Measurement`. Whether the measured value
reproduces the reference is decided by the tolerance alone, never by the
measurement function, so a failing claim is shown as failing.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "PRESETS",
    "Claim",
    "Measurement",
    "Tolerance",
    "claims",
    "get_claim",
    "register",
    "topics",
]

#: Presets in increasing cost.
PRESETS = ("smoke", "quick", "full")

_KINDS = ("sigma", "relative", "absolute", "at_most", "at_least")


@dataclasses.dataclass(frozen=True)
class Tolerance:
    """When a measurement reproduces its reference.

    Parameters
    ----------
    kind : {"sigma", "relative", "absolute", "at_most", "at_least"}
        ``sigma``: ``|m − r| ≤ value · √(σ_m² + σ_r²)`` (``value`` standard errors);
        ``relative``: ``|m − r| ≤ value · |r|``; ``absolute``: ``|m − r| ≤ value``;
        ``at_most``: ``m ≤ r + value``; ``at_least``: ``m ≥ r − value`` (inequalities:
        the reference is a bound).
    value : float
        The number of standard errors, the relative or absolute band, or the slack
        of an inequality (``≥ 0``).

    Examples
    --------
    >>> Tolerance("sigma", 3).check(1.02, 0.01, 1.0, 0.0)
    (2.0, True)
    """

    kind: str
    value: float

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {list(_KINDS)}; got {self.kind!r}")
        if not (isinstance(self.value, int | float) and math.isfinite(self.value)
                and self.value >= 0):
            raise ValueError(f"value must be a finite number >= 0; got {self.value!r}")

    def check(self, measured: float, measured_err: float, reference: float,
              reference_err: float) -> tuple[float, bool]:
        """Deviation and verdict.

        Returns
        -------
        deviation : float
            ``(m − r)/√(σ_m² + σ_r²)`` for ``sigma`` (NaN if both errors are 0),
            ``(m − r)/|r|`` for ``relative``, ``m − r`` otherwise.
        passed : bool
            False for a non-finite measurement.
        """
        m, r = float(measured), float(reference)
        if not math.isfinite(m):
            return float("nan"), False
        if self.kind == "sigma":
            err = math.hypot(_finite(measured_err), _finite(reference_err))
            if err == 0.0:
                return (0.0, True) if m == r else (float("nan"), False)
            dev = (m - r) / err
            return dev, abs(dev) <= self.value
        if self.kind == "relative":
            dev = (m - r) / abs(r) if r != 0 else float("inf") * np.sign(m - r)
            return float(dev), abs(m - r) <= self.value * abs(r)
        dev = m - r
        if self.kind == "absolute":
            return dev, abs(dev) <= self.value
        if self.kind == "at_most":
            return dev, m <= r + self.value
        return dev, m >= r - self.value

    def describe(self) -> str:
        """Plain-language rule, e.g. ``"within 3σ"`` or ``"≤ reference + 0.001"``."""
        v = f"{self.value:g}"
        rel = (f"within {100 * self.value:g} %" if self.value >= 1e-4 else
               f"relative deviation ≤ {v}")
        return {"sigma": f"within {v}σ", "relative": rel,
                "absolute": f"within ±{v}", "at_most": f"≤ reference + {v}",
                "at_least": f"≥ reference − {v}"}[self.kind]


def _finite(x: Any) -> float:
    x = float(x)
    return x if math.isfinite(x) else 0.0


@dataclasses.dataclass
class Measurement:
    """What a claim's experiment returns.

    Attributes
    ----------
    measured, measured_err : float
        The value and its standard error (0 for an exact computation).
    details : str
        One line on how it was measured (sizes, samples, seeds), shown in the report.
    series : dict, optional
        Data for the claim's figure: ``{"x": ..., "theory": ..., "points": ...,
        "errors": ..., "x_points": ..., "xlabel": ..., "ylabel": ...}`` (theory as a
        line, measurements as points with error bars, on the same axes).
    """

    measured: float
    measured_err: float = 0.0
    details: str = ""
    series: dict[str, Any] | None = None


MeasureFn = Callable[[str, np.random.Generator], Measurement]


@dataclasses.dataclass(frozen=True)
class Claim:
    """One quantitative statement of the lectures and how spinnet checks it.

    Attributes
    ----------
    id : str
        Unique, ``topic.name`` style (lower case, dots, dashes, digits).
    topic : str
        Group in the report (``hopfield``, ``ising``, ``neurons``, ...).
    statement : str
        Plain language, one sentence.
    reference, reference_err : float
        The published value and its error (0 if exact; half a unit of the last
        digit for a rounded number).
    source : str
        Paper, equation or table.
    tolerance : Tolerance
    measure : callable
        ``measure(preset, rng) -> Measurement``.
    presets : tuple of str
        Presets at which the claim runs (at the others it is ``not-run``).
    requires : tuple of str
        Optional extras the measurement imports (``"torch"``) or data it reads
        (``"mnist"``: the MNIST test set, :func:`spinnet.datasets.mnist.resolve_mnist_dir`);
        without them the claim is ``not-run`` with the reason.
    cost : str
        Why the claim does not run at the cheaper presets (e.g. ``"one network per
        lattice size, about an hour each on 2 cores"``), added to the ``not-run``
        reason there; empty if it runs at every preset or needs no explanation.
    """

    id: str
    topic: str
    statement: str
    reference: float
    reference_err: float
    source: str
    tolerance: Tolerance
    measure: MeasureFn
    presets: tuple[str, ...] = PRESETS
    requires: tuple[str, ...] = ()
    cost: str = ""

    def __post_init__(self) -> None:
        if not self.id or any(not (c.isalnum() or c in "._-") for c in self.id):
            raise ValueError(f"id must be non-empty letters, digits, '.', '_' or '-'; "
                             f"got {self.id!r}")
        for name in ("topic", "statement", "source"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"{name} of claim {self.id!r} must not be empty")
        if not math.isfinite(float(self.reference)):
            raise ValueError(f"reference of claim {self.id!r} must be finite")
        if not (math.isfinite(float(self.reference_err)) and self.reference_err >= 0):
            raise ValueError(f"reference_err of claim {self.id!r} must be finite and >= 0")
        bad = [p for p in self.presets if p not in PRESETS]
        if bad or not self.presets:
            raise ValueError(f"presets of claim {self.id!r} must be a non-empty subset of "
                             f"{list(PRESETS)}; got {list(self.presets)}")


_REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    """Add ``claim`` to the registry (ids are unique).

    Parameters
    ----------
    claim : Claim

    Returns
    -------
    Claim
        ``claim`` itself (so that the call can wrap a definition).

    Raises
    ------
    ValueError
        If another claim with the same id is registered.
    """
    if not isinstance(claim, Claim):
        raise TypeError(f"claim must be a Claim; got {type(claim).__name__}")
    if claim.id in _REGISTRY and _REGISTRY[claim.id] is not claim:
        raise ValueError(f"a claim with id {claim.id!r} is already registered")
    _REGISTRY[claim.id] = claim
    return claim


def _load_all() -> None:
    from spinnet.reproduce import catalog  # noqa: F401  (registers the claims)


def claims(topics: Any = None) -> list[Claim]:
    """Registered claims in registration order, optionally only those of ``topics``.

    Parameters
    ----------
    topics : str or sequence of str, optional
        Topics to keep (all claims when None).

    Returns
    -------
    list of Claim

    Raises
    ------
    ValueError
        On a topic no claim has (the known topics are listed).
    """
    _load_all()
    everything = list(_REGISTRY.values())
    if topics is None:
        return everything
    wanted = [topics] if isinstance(topics, str) else list(topics)
    known = sorted({c.topic for c in everything})
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise ValueError(f"unknown topic(s) {unknown}; the topics are {known}")
    return [c for c in everything if c.topic in wanted]


def topics() -> list[str]:
    """Topics in order of first appearance.

    Returns
    -------
    list of str
    """
    return list(dict.fromkeys(c.topic for c in claims()))


def get_claim(claim_id: str) -> Claim:
    """The claim with this id.

    Parameters
    ----------
    claim_id : str

    Returns
    -------
    Claim

    Raises
    ------
    KeyError
        Naming the id, if no claim has it.
    """
    _load_all()
    try:
        return _REGISTRY[claim_id]
    except KeyError:
        raise KeyError(f"no claim with id {claim_id!r}") from None
