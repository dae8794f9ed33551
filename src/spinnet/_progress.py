"""Progress reporting from library code without a dependency on a display.

Long computations accept ``progress: ProgressCallback | None``; they call
:func:`report` after each finished unit of work. The CLI passes a callback that
drives a rich progress bar (:func:`spinnet.cli._common.progress_bar`); a
notebook user can pass ``print`` or a tqdm adapter. Library code never prints.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["ProgressCallback", "report"]

#: ``callback(stage, completed, total)``: ``stage`` names the step (e.g. ``"AIS"``),
#: ``completed`` counts finished units, ``total`` is their number if known.
ProgressCallback = Callable[[str, int, int | None], None]


def report(progress: ProgressCallback | None, stage: str, completed: int,
           total: int | None = None) -> None:
    """Call ``progress(stage, completed, total)`` unless ``progress`` is None."""
    if progress is not None:
        progress(stage, int(completed), None if total is None else int(total))
