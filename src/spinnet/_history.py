"""The one training-history record shared by every trainer in spinnet.

A :class:`History` is a list of rows, one per epoch (or step), each a mapping
from metric name to a number. Columns are read as arrays (``h["loss"]``), rows
are written to CSV as they are, and the record round-trips through JSON, so it
is saved with the model (:mod:`spinnet._persist`) and resumed with it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

__all__ = ["History"]


def _number(key: str, value: Any) -> float | int | str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | np.integer):
        return int(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"history value {key!r} must be a number, a string or None; "
                        f"got {type(value).__name__}") from None


class History:
    """Per-epoch training metrics: rows of ``{metric: value}``.

    Parameters
    ----------
    rows : iterable of mapping, optional
        Initial rows.

    Examples
    --------
    >>> h = History()
    >>> h.append(epoch=1, loss=0.5)
    >>> h.append(epoch=2, loss=0.25)
    >>> h["loss"]
    array([0.5 , 0.25])
    """

    def __init__(self, rows: Any = ()) -> None:
        self._rows: list[dict[str, Any]] = []
        for r in rows:
            self.append(**r)

    def append(self, **metrics: Any) -> None:
        """Add one row (e.g. ``append(epoch=3, loss=0.1, accuracy=0.9)``)."""
        self._rows.append({k: _number(k, v) for k, v in metrics.items()})

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __bool__(self) -> bool:
        return bool(self._rows)

    @property
    def keys(self) -> list[str]:
        """Metric names in order of first appearance."""
        seen: dict[str, None] = {}
        for r in self._rows:
            seen.update(dict.fromkeys(r))
        return list(seen)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """A copy of the rows (one dict per epoch)."""
        return [dict(r) for r in self._rows]

    def __getitem__(self, key: str) -> np.ndarray:
        """Column ``key`` as a float array (NaN where a row lacks it)."""
        if key not in self.keys:
            raise KeyError(f"no metric {key!r} in history; have {self.keys}")
        vals = [r.get(key) for r in self._rows]
        if any(isinstance(v, str) for v in vals):
            return np.asarray(vals, dtype=object)
        return np.asarray([np.nan if v is None else v for v in vals], dtype=float)

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def last(self, key: str, default: Any = None) -> Any:
        """The latest recorded value of ``key`` (``default`` if never recorded)."""
        for r in reversed(self._rows):
            if key in r:
                return r[key]
        return default

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (NaN and inf become None)."""
        def clean(v: Any) -> Any:
            return None if isinstance(v, float) and not math.isfinite(v) else v
        return {"rows": [{k: clean(v) for k, v in r.items()} for r in self._rows]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> History:
        """Inverse of :meth:`to_dict` (None read back as NaN)."""
        rows = data.get("rows", [])
        return cls({k: (np.nan if v is None else v) for k, v in r.items()} for r in rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, History):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"History({len(self)} rows, keys={self.keys})"
