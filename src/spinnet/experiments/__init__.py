"""Named, reproducible experiments (used by the CLI and reports)."""

from spinnet.experiments.capacity import max_stable_patterns
from spinnet.experiments.one_step import one_step_errors

__all__ = ["max_stable_patterns", "one_step_errors"]
