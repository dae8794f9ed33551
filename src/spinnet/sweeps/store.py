"""The persistent result store of a sweep: one SQLite file, one row per finished task.

Layout (``<out_dir>/results.sqlite``, WAL journal)::

    meta(key TEXT PRIMARY KEY, value TEXT)          -- JSON values: function, seed,
                                                    -- grid, spinnet version, ...
    results(task_key TEXT PRIMARY KEY,              -- sha1 of the canonical params JSON
            params TEXT, result TEXT,               -- JSON objects
            seed_entropy TEXT,                      -- JSON list: SeedSequence entropy
            elapsed REAL,                           -- seconds inside the task function
            finished_at TEXT,                       -- ISO 8601 UTC, when committed
            worker TEXT)                            -- host:pid or Dask worker address

Each finished task is one ``INSERT`` in its own transaction, so a killed run
loses only the tasks that were in flight. With ``synchronous=NORMAL`` a WAL
commit survives the death of the process (not necessarily a power cut).
Readers (:func:`load_results`, another terminal) may read while a sweep writes.
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from spinnet._io import write_csv
from spinnet.sweeps.grid import Grid

__all__ = ["STORE_NAME", "load_results", "store_path", "to_csv"]

STORE_NAME = "results.sqlite"
STORE_FORMAT = 1
_SUFFIXES = (".sqlite", ".sqlite3", ".db")

_SCHEMA = """
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    task_key TEXT PRIMARY KEY,
    params TEXT NOT NULL,
    result TEXT NOT NULL,
    seed_entropy TEXT NOT NULL,
    elapsed REAL,
    finished_at TEXT NOT NULL,
    worker TEXT
);
COMMIT;
"""


def _compact(values: Mapping[str, Any]) -> str:
    # Parameters keep their grid order (the key is computed from sorted keys).
    return json.dumps(dict(values), separators=(",", ":"))


def store_path(out_dir: str | os.PathLike) -> Path:
    """Path of the SQLite store for ``out_dir``.

    A directory holds ``results.sqlite``; a path ending in ``.sqlite``,
    ``.sqlite3`` or ``.db`` (or an existing file) is the store itself.

    Parameters
    ----------
    out_dir : str or os.PathLike
        Sweep output directory or store file.

    Returns
    -------
    Path
        The store file (not created here).
    """
    if not isinstance(out_dir, str | os.PathLike):
        raise TypeError(f"out_dir must be a path; got {type(out_dir).__name__}")
    path = Path(out_dir)
    if path.suffix in _SUFFIXES or path.is_file():
        return path
    return path / STORE_NAME


class ResultStore:
    """Connection to a sweep store (internal; use :func:`load_results` to read).

    Parameters
    ----------
    path : path
        The SQLite file.
    create : bool
        Create the file and its tables if missing (otherwise it must exist).
    """

    def __init__(self, path: str | os.PathLike, *, create: bool = False) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise FileNotFoundError(f"no sweep store at {self.path}")
        if create:
            if self.path.parent.exists() and not self.path.parent.is_dir():
                raise ValueError(f"out_dir {self.path.parent} exists and is not a directory")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit, so that every single INSERT is its own
        # transaction and nothing is left open between tasks.
        self._conn = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
        try:
            if create:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.executescript(_SCHEMA)
            self._conn.execute("PRAGMA synchronous=NORMAL")
            tables = {r[0] for r in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise ValueError(f"{self.path} is not a spinnet sweep store ({exc})") from exc
        if not {"meta", "results"} <= tables:
            self._conn.close()
            raise ValueError(f"{self.path} is not a spinnet sweep store (tables missing)")

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    # -- metadata ----------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._conn.execute("SELECT key, value FROM meta")}

    def set_meta(self, values: Mapping[str, Any]) -> None:
        """Write metadata entries in one transaction."""
        rows = [(k, json.dumps(v)) for k, v in values.items()]
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", rows)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- results -----------------------------------------------------------
    def done_keys(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT task_key FROM results")}

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def add(self, key: str, params: Mapping[str, Any], result: Mapping[str, Any],
            seed_entropy: list[int], elapsed: float | None, worker: str | None) -> None:
        """Commit one finished task (its own transaction; a repeat is ignored)."""
        finished = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")
        self._conn.execute(
            "INSERT OR IGNORE INTO results "
            "(task_key, params, result, seed_entropy, elapsed, finished_at, worker) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, _compact(params), _compact(result),
             json.dumps(list(seed_entropy)), elapsed, finished, worker))

    def rows(self) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        """``{task_key: (params, result)}`` in commit order."""
        cur = self._conn.execute("SELECT task_key, params, result FROM results ORDER BY rowid")
        return {k: (json.loads(p), json.loads(r)) for k, p, r in cur}


def load_results(out_dir: str | os.PathLike, grid: Grid | None = None) -> list[dict[str, Any]]:
    """Finished tasks of a sweep, one dict per task: parameters merged with results.

    Parameters
    ----------
    out_dir : path
        The sweep's output directory (or its ``.sqlite`` file).
    grid : Grid, optional
        Return only the tasks of this grid, in its order. By default all stored
        tasks: those of the grid of the latest run in grid order, then any
        others in the order they finished.

    Returns
    -------
    list of dict
        ``{**params, **result}`` per finished task (unfinished ones are absent).

    Raises
    ------
    FileNotFoundError
        If there is no store at ``out_dir``.
    """
    if grid is not None and not isinstance(grid, Grid):
        raise TypeError(f"grid must be a spinnet.sweeps.Grid or None; got {type(grid).__name__}")
    with ResultStore(store_path(out_dir)) as store:
        rows = store.rows()
        meta = store.meta()
    if grid is None:
        order = Grid.from_dict(meta["grid"]).keys() if "grid" in meta else []
        listed = set(order)
        order += [k for k in rows if k not in listed]
    else:
        order = grid.keys()
    return [{**rows[k][0], **rows[k][1]} for k in order if k in rows]


def to_csv(out_dir: str | os.PathLike, path: str | os.PathLike | None = None,
           grid: Grid | None = None) -> Path:
    """Write the finished tasks as a tidy CSV table, atomically.

    One row per task, one column per parameter and per result (the union over
    tasks, in first-seen order; a missing value is an empty cell).

    Parameters
    ----------
    out_dir : path
        The sweep's output directory (or its ``.sqlite`` file).
    path : path, optional
        Where to write (default ``<out_dir>/results.csv``).
    grid : Grid, optional
        As in :func:`load_results`.

    Returns
    -------
    Path
        The written file.
    """
    rows = load_results(out_dir, grid)
    if not rows:
        raise ValueError(f"no finished tasks in {store_path(out_dir)}; nothing to write")
    if path is None:
        path = store_path(out_dir).parent / "results.csv"
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    return write_csv(path, ({c: r.get(c) for c in columns} for r in rows))
