"""Named, reproducible experiments (used by the CLI and reports).

Submodules are imported on first use (``spinnet.experiments.hopfield``, ...), so
importing one experiment does not pull in the dependencies of the others.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["max_stable_patterns", "one_step_errors", "one_step_scan"]

_LAZY = {"max_stable_patterns": "spinnet.experiments.capacity",
         "one_step_errors": "spinnet.experiments.one_step",
         "one_step_scan": "spinnet.experiments.one_step"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'spinnet.experiments' has no attribute {name!r}")
