"""Argument checks that fail early with messages naming the argument.

All public entry points validate here so that error messages are uniform:
``"<name> must be ...; got ..."``. Nothing is coerced silently: a float array
of ±1 values is accepted as spins, but a 0.5 or a NaN is an error, and
``spinnet.spins.binarize`` is the explicit way to turn real data into spins.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "check_array",
    "check_couplings",
    "check_fraction",
    "check_int",
    "check_nonneg_float",
    "check_option",
    "check_positive_float",
    "check_spins",
]


def _shape_str(a: Any) -> str:
    return str(getattr(a, "shape", type(a).__name__))


def check_int(value: Any, name: str, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as ``int``; reject floats, bools and out-of-range values."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}")
    return value


def _check_real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def check_nonneg_float(value: Any, name: str) -> float:
    """Return ``value`` as a finite float ``>= 0``."""
    value = _check_real(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0; got {value}")
    return value


def check_positive_float(value: Any, name: str) -> float:
    """Return ``value`` as a finite float ``> 0``."""
    value = _check_real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    return value


def check_fraction(value: Any, name: str, *, inclusive_high: bool = True) -> float:
    """Return ``value`` as a float in ``[0, 1]`` (or ``[0, 1)``)."""
    value = _check_real(value, name)
    ok = 0.0 <= value <= 1.0 if inclusive_high else 0.0 <= value < 1.0
    if not ok:
        bound = "]" if inclusive_high else ")"
        raise ValueError(f"{name} must lie in [0, 1{bound}; got {value}")
    return value


def check_option(value: Any, name: str, options: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``options``; name the choices otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {list(options)}; got {value!r}")
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}; got {value!r}")
    return value


def check_array(a: Any, name: str, *, ndim: int | tuple[int, ...] | None = None,
                dtype: Any = None, finite: bool = True, nonempty: bool = True) -> np.ndarray:
    """Convert ``a`` to an array and check rank, emptiness and finiteness."""
    if a is None:
        raise TypeError(f"{name} must be an array; got None")
    try:
        arr = np.asarray(a) if dtype is None else np.asarray(a, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers; got {type(a).__name__}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                   or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be a numeric array; got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {want} dimension(s); got shape {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    if finite and np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    return arr


def check_spins(a: Any, name: str, *, ndim: int | tuple[int, ...] | None = None,
                n: int | None = None) -> np.ndarray:
    """Return ``a`` as an ``int8`` array of ±1 spins.

    Parameters
    ----------
    a : array_like
        Values that must all be exactly -1 or +1.
    name : str
        Argument name used in error messages.
    ndim : int or tuple of int, optional
        Allowed ranks.
    n : int, optional
        Required size of the last axis (number of spins ``N``).

    Raises
    ------
    ValueError
        On NaN/inf, values other than ±1, a wrong rank or a wrong ``N``.
    """
    arr = check_array(a, name, ndim=ndim)
    if arr.dtype == np.bool_:
        raise TypeError(
            f"{name} must hold ±1 spins; got a boolean array "
            "(use spinnet.spins.bits_to_spins to convert {0,1} data)"
        )
    if not np.all((arr == 1) | (arr == -1)):
        bad = arr[(arr != 1) & (arr != -1)].ravel()[:3]
        raise ValueError(
            f"{name} must contain only -1 and +1; found e.g. {bad.tolist()} "
            "(use spinnet.spins.binarize or bits_to_spins to convert)"
        )
    if n is not None and arr.shape[-1] != n:
        raise ValueError(
            f"{name} must have N = {n} spins on its last axis; got shape {arr.shape}"
        )
    return arr.astype(np.int8, copy=False)


def check_couplings(J: Any, name: str = "couplings", *, symmetric: bool = True,
                    atol: float = 1e-10) -> np.ndarray:
    """Return ``J`` as a float64 square matrix; optionally require symmetry."""
    arr = check_array(J, name, ndim=2, dtype=np.float64)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square (N, N) matrix; got shape {arr.shape}")
    if symmetric and _asymmetry(arr) > atol * max(1.0, float(np.abs(arr).max())):
        raise ValueError(f"{name} must be symmetric (J_ij = J_ji)")
    return arr


def _asymmetry(a: np.ndarray, block: int = 256) -> float:
    """max |a - aᵀ|, computed in blocks (no N×N temporaries)."""
    n = a.shape[0]
    worst = 0.0
    for i in range(0, n, block):
        worst = max(worst, float(np.abs(a[i:i + block] - a[:, i:i + block].T).max()))
    return worst
