"""The lectures' claims: a registry, the command that measures them, and the report.

>>> from spinnet.reproduce import claims, run_claims, write_report   # doctest: +SKIP
>>> rows = run_claims("out", preset="smoke", only=["hopfield"])      # doctest: +SKIP
>>> write_report("out", rows, "smoke")                               # doctest: +SKIP

Each :class:`Claim` states a published number with its error and source, the
tolerance rule that decides whether spinnet reproduces it, and the experiment
that measures it at each preset (``smoke``, ``quick``, ``full``). Claims run
as tasks of :mod:`spinnet.sweeps` (resumable; local pool or Dask). See
``spinnet reproduce --help``.
"""

from spinnet.reproduce.core import (
    PRESETS,
    Claim,
    Measurement,
    Tolerance,
    claims,
    get_claim,
    register,
    topics,
)
from spinnet.reproduce.report import write_report
from spinnet.reproduce.runner import run_claims, select_claims, summary

__all__ = [
    "PRESETS",
    "Claim",
    "Measurement",
    "Tolerance",
    "claims",
    "get_claim",
    "register",
    "run_claims",
    "select_claims",
    "summary",
    "topics",
    "write_report",
]
