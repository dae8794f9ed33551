"""Optional dependencies: PyTorch and the lab's web stack are extras, imported on demand.

Core spinnet (spin models, Monte Carlo, Hopfield networks, theory, perceptrons,
attractor networks, TSP) runs without PyTorch. Torch-based modules call
:func:`require_torch` so that a missing install fails with one clear message
naming the extra to install, not with a bare ``ModuleNotFoundError`` deep in a
stack.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

__all__ = ["MissingExtraError", "has_torch", "require", "require_lab", "require_torch"]


class MissingExtraError(ImportError):
    """An optional dependency of spinnet is not installed.

    Attributes
    ----------
    extra : str
        The pip extra that provides it (``pip install 'spinnet[<extra>]'``).
    """

    def __init__(self, message: str, extra: str) -> None:
        super().__init__(message)
        self.extra = extra


def has_torch() -> bool:
    """Return whether PyTorch can be imported (without importing it)."""
    import sys

    if "torch" in sys.modules:          # imported already, or blocked (None)
        return sys.modules["torch"] is not None
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming ``extra``."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.split(".")[0] != module.split(".")[0]:
            raise
        raise MissingExtraError(
            f"{feature} needs {module.split('.')[0]}, which is not installed: "
            f"pip install 'spinnet[{extra}]'", extra) from None


def require_torch(feature: str = "this feature") -> ModuleType:
    """Return the ``torch`` module, or raise :class:`MissingExtraError`.

    Parameters
    ----------
    feature : str
        What needs PyTorch, for the message (e.g. ``"spinnet.boltzmann"``).
    """
    return require("torch", "torch", feature)


#: Modules the browser lab (``spinnet lab``) needs, all from the ``[lab]`` extra.
LAB_MODULES = ("fastapi", "uvicorn", "pydantic", "torch")


def require_lab(feature: str = "spinnet lab") -> None:
    """Check that the ``[lab]`` extra (FastAPI, uvicorn, pydantic, PyTorch) is installed.

    Parameters
    ----------
    feature : str
        What needs the extra, for the message.

    Raises
    ------
    MissingExtraError
        Naming ``pip install 'spinnet[lab]'`` when any of :data:`LAB_MODULES`
        cannot be imported.
    """
    for module in LAB_MODULES:
        require(module, "lab", feature)
