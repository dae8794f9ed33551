"""The one error an experiment raises for a problem a command-line option fixes."""

from __future__ import annotations

__all__ = ["OptionError"]


class OptionError(ValueError):
    """Bad input found by a pipeline; ``option`` is the CLI option to name (``--overwrite``...)."""

    def __init__(self, message: str, option: str) -> None:
        super().__init__(message)
        self.option = option
