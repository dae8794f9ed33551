"""Declarative parameter grids: axes -> ordered list of tasks with stable keys.

A task is a flat ``dict`` of plain Python scalars (``int``, ``float``, ``str``,
``bool`` or ``None``). Its key is the SHA-1 of its canonical JSON (sorted keys,
no whitespace), so it does not depend on the order of the axes, on the grid the
task came from, or on the machine; the key names the task in the result store
and, with the sweep seed, fixes the task's random stream (:func:`task_seed`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import numbers
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from spinnet._validation import check_int

__all__ = ["Grid", "Scalar", "canonical_json", "task_key", "task_seed"]

Scalar = int | float | str | bool | None


def _plain(value: Any, where: str, *, finite: bool = True) -> Scalar:
    """Return ``value`` as a plain Python scalar; ``where`` names it in errors."""
    if (isinstance(value, np.ndarray) and value.ndim == 0) or isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if finite and not math.isfinite(value):
            raise ValueError(f"{where} must be finite; got {value}")
        return value
    shape = f" of shape {value.shape}" if isinstance(value, np.ndarray) else ""
    raise TypeError(
        f"{where} must be a plain scalar (int, float, str, bool or None); "
        f"got {type(value).__name__}{shape}"
    )


def canonical_json(params: Mapping[str, Any]) -> str:
    """Canonical JSON of a task: sorted keys, no whitespace, NaN/inf rejected.

    Parameters
    ----------
    params : mapping of str to JSON scalar
        The task's parameters.

    Returns
    -------
    str
        ``json.dumps`` with sorted keys and separators ``(",", ":")``.

    Raises
    ------
    ValueError
        If a value is NaN or infinite.
    """
    return json.dumps(dict(params), sort_keys=True, separators=(",", ":"), allow_nan=False)


def task_key(params: Mapping[str, Any]) -> str:
    """Stable key of a task: SHA-1 (40 hex digits) of its canonical JSON.

    ``{"T": 0.5, "N": 100}`` and ``{"N": 100, "T": 0.5}`` have the same key;
    ``1`` and ``1.0`` (and ``True``) are different values and give different keys.

    Parameters
    ----------
    params : mapping of str to scalar
        The task's parameters (non-empty; names non-empty strings; values plain
        scalars: int, float (finite), str, bool or None; NumPy scalars are converted).

    Returns
    -------
    str
        40 lowercase hexadecimal digits.
    """
    record = _record(params, "params")
    return hashlib.sha1(canonical_json(record).encode("ascii")).hexdigest()


def task_seed(seed: int, params: Mapping[str, Any] | str) -> np.random.SeedSequence:
    """Seed sequence of one task, from the sweep seed and the task key.

    ``SeedSequence([seed, w0, ..., w4])`` where ``w0..w4`` are the five 32-bit
    words of the task's SHA-1 key. The stream of a task therefore depends only
    on ``(seed, params)``: not on the grid, on the execution order, on the
    worker or on which tasks were already done. Use it to rerun one task alone:
    ``func(params, np.random.default_rng(task_seed(seed, params)))``.

    Parameters
    ----------
    seed : int
        The sweep seed (non-negative).
    params : dict or str
        The task's parameters, or its key (:func:`task_key`).

    Returns
    -------
    numpy.random.SeedSequence
        Entropy ``[seed, w0, ..., w4]``.
    """
    seed = check_int(seed, "seed", minimum=0)
    key = params if isinstance(params, str) else task_key(params)
    if len(key) != 40 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError(f"params must be a dict or a 40-digit hex task key; got {key!r}")
    return np.random.SeedSequence(seed_entropy(seed, key))


def seed_entropy(seed: int, key: str) -> list[int]:
    """``[seed, w0, ..., w4]``: the sweep seed and the 32-bit words of the task key."""
    return [int(seed), *(int(key[i:i + 8], 16) for i in range(0, 40, 8))]


def _record(params: Any, where: str) -> dict[str, Scalar]:
    if not isinstance(params, Mapping):
        raise TypeError(f"{where} must be a dict of parameters; got {type(params).__name__}")
    if not params:
        raise ValueError(f"{where} must have at least one parameter; got an empty dict")
    out: dict[str, Scalar] = {}
    for name, value in params.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"{where} parameter names must be non-empty strings; got {name!r}")
        out[name] = _plain(value, f"{where}[{name!r}]")
    return out


def _axis(name: str, values: Any) -> list[Scalar]:
    where = f"axis {name!r}"
    if isinstance(values, str | bytes) or not isinstance(values, Iterable | np.ndarray):
        raise TypeError(
            f"{where} must be a sequence of values (wrap a single value in a list, "
            f"e.g. {name}=[{values!r}]); got {type(values).__name__}"
        )
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError(f"{where} must be one-dimensional; got shape {values.shape}")
    out = [_plain(v, f"{where} value") for v in values]
    if not out:
        raise ValueError(f"{where} is empty; every axis needs at least one value")
    seen: set[str] = set()
    repeated = []
    for v in out:
        text = json.dumps(v)
        if text in seen:
            repeated.append(v)
        seen.add(text)
    if repeated:
        raise ValueError(f"{where} repeats values {repeated[:5]}; grid points must be distinct")
    return out


class Grid:
    """An ordered list of tasks (dicts of plain scalars), built declaratively.

    ``Grid(**axes)`` is the cartesian product of the axes, in the order the
    axes are given, the last axis varying fastest (as :func:`itertools.product`)::

        Grid(alpha=[0.05, 0.1], T=np.linspace(0, 1, 5), N=[500, 1000], trial=range(3))

    has ``2 * 5 * 2 * 3 = 60`` tasks, the first ``{"alpha": 0.05, "T": 0.0,
    "N": 500, "trial": 0}``. NumPy scalars become plain Python ones.
    :meth:`zip` pairs axes element-wise, :meth:`from_records` takes an explicit
    list of dicts; ``a * b`` is the product of two grids and ``a + b`` their
    concatenation.

    Parameters
    ----------
    **axes : sequence of scalars
        One non-empty sequence of distinct values per parameter.

    Raises
    ------
    ValueError
        If there is no axis, an axis is empty or repeats a value, or a float
        value is NaN or infinite.
    TypeError
        If an axis is not a sequence, or a value is not a plain scalar.
    """

    def __init__(self, **axes: Iterable[Any]) -> None:
        if not axes:
            raise ValueError("Grid needs at least one axis, e.g. Grid(T=[0.5, 1.0]); got none")
        cleaned = {name: _axis(name, values) for name, values in axes.items()}
        names = list(cleaned)
        records = [dict(zip(names, combo, strict=True))
                   for combo in itertools.product(*cleaned.values())]
        self._set(records, cleaned)

    def _set(self, records: list[dict[str, Scalar]],
             axes: dict[str, list[Scalar]] | None = None) -> None:
        keys = [hashlib.sha1(canonical_json(r).encode("ascii")).hexdigest() for r in records]
        first: dict[str, int] = {}
        for i, k in enumerate(keys):
            if k in first:
                raise ValueError(
                    f"records[{i}] repeats records[{first[k]}] ({records[i]}); "
                    "grid points must be distinct"
                )
            first[k] = i
        self._records = records
        self._keys = keys
        self._axes = axes

    @classmethod
    def zip(cls, **axes: Iterable[Any]) -> Grid:
        """Pair axes element-wise (like :func:`zip`); all must have the same length.

        ``Grid.zip(N=[100, 200], n_sweeps=[1000, 4000])`` has two tasks.
        """
        if not axes:
            raise ValueError("Grid.zip needs at least one axis; got none")
        cleaned = {name: _axis(name, values) for name, values in axes.items()}
        lengths = {name: len(v) for name, v in cleaned.items()}
        if len(set(lengths.values())) > 1:
            detail = ", ".join(f"{name}: {n}" for name, n in lengths.items())
            raise ValueError(f"Grid.zip axes must have equal lengths; got {detail}")
        names = list(cleaned)
        records = [dict(zip(names, combo, strict=True)) for combo in zip(*cleaned.values(),
                                                                           strict=True)]
        return cls._from_clean(records)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Grid:
        """Grid from an explicit list of task dicts (kept in the given order).

        Records may have different parameter names; a tidy table of the results
        then has empty cells where a parameter does not apply.
        """
        if isinstance(records, Mapping) or not isinstance(records, Iterable):
            raise TypeError(
                f"records must be a list of dicts; got {type(records).__name__}"
            )
        cleaned = [_record(r, f"records[{i}]") for i, r in enumerate(records)]
        if not cleaned:
            raise ValueError("records must not be empty")
        return cls._from_clean(cleaned)

    @classmethod
    def _from_clean(cls, records: list[dict[str, Scalar]]) -> Grid:
        grid = cls.__new__(cls)
        grid._set(records)
        return grid

    # -- sequence protocol -------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[dict[str, Scalar]]:
        return (dict(r) for r in self._records)

    def __getitem__(self, index: int) -> dict[str, Scalar]:
        return dict(self._records[index])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Grid):
            return NotImplemented
        return self._keys == other._keys

    __hash__ = None  # type: ignore[assignment]  # mutable-looking container semantics

    def __add__(self, other: Grid) -> Grid:
        """Concatenation: the tasks of ``self`` then those of ``other`` (no repeats)."""
        if not isinstance(other, Grid):
            return NotImplemented
        return Grid._from_clean([*self._records, *other._records])

    def __mul__(self, other: Grid) -> Grid:
        """Product: every task of ``self`` merged with every task of ``other``."""
        if not isinstance(other, Grid):
            return NotImplemented
        shared = set(self.names) & set(other.names)
        if shared:
            raise ValueError(f"grids to multiply share parameters {sorted(shared)}")
        grid = Grid._from_clean([{**a, **b} for a in self._records for b in other._records])
        if self._axes is not None and other._axes is not None:
            grid._axes = {**self._axes, **other._axes}
        return grid

    def __repr__(self) -> str:
        if self._axes is not None:
            axes = " x ".join(f"{name}: {len(v)}" for name, v in self._axes.items())
            return f"Grid({axes} = {len(self)} tasks)"
        return f"Grid({len(self)} tasks; parameters {', '.join(self.names)})"

    # -- accessors ---------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names, in first-seen order."""
        seen: dict[str, None] = {}
        for r in self._records:
            seen.update(dict.fromkeys(r))
        return tuple(seen)

    @property
    def axes(self) -> dict[str, list[Scalar]] | None:
        """The axes of a product grid (``None`` for zipped or explicit records)."""
        return None if self._axes is None else {k: list(v) for k, v in self._axes.items()}

    def keys(self) -> list[str]:
        """Task keys (:func:`task_key`), in grid order."""
        return list(self._keys)

    def items(self) -> Iterator[tuple[str, dict[str, Scalar]]]:
        """``(task_key, params)`` pairs in grid order."""
        return ((k, dict(r)) for k, r in zip(self._keys, self._records, strict=True))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description: the records, and the axes of a product grid."""
        out: dict[str, Any] = {"n_tasks": len(self), "records": [dict(r) for r in self._records]}
        if self._axes is not None:
            out["axes"] = self.axes
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Grid:
        """Inverse of :meth:`to_dict`."""
        grid = cls.from_records(data["records"])
        if data.get("axes") is not None:
            grid._axes = {k: list(v) for k, v in data["axes"].items()}
        return grid
