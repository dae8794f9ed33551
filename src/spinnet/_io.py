"""Atomic file output and run manifests.

Every file spinnet writes goes to a temporary file in the same directory and is
then renamed over the target (``os.replace`` is atomic on POSIX), so an
interrupted run never leaves a truncated table, figure or manifest behind.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import tempfile
import time
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["atomic_path", "write_csv", "write_json", "write_manifest"]


@contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None):
    """Yield a temporary path next to ``target``; rename it over ``target`` on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                               suffix=suffix if suffix is not None else target.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp creates 0600 files; give the result ordinary permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, Path):
        return str(x)
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def write_json(target: str | os.PathLike, data: Mapping[str, Any]) -> Path:
    """Write ``data`` as indented JSON, atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(data, indent=2, default=_jsonable) + "\n")
    return Path(target)


def write_csv(target: str | os.PathLike, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write a tidy table (one dict per row, same keys) as CSV, atomically."""
    rows = list(rows)
    if not rows:
        raise ValueError("rows must not be empty")
    with atomic_path(target) as tmp, open(tmp, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow({k: _jsonable(v) if isinstance(v, np.generic) else v
                             for k, v in r.items()})
    return Path(target)


def write_manifest(out_dir: str | os.PathLike, command: str, parameters: Mapping[str, Any],
                   started: float, files: Iterable[str] = (), **extra: Any) -> Path:
    """Write ``manifest.json``: command, parameters, seed, versions, elapsed time, outputs."""
    from spinnet import __version__

    data = {
        "command": command,
        "parameters": dict(parameters),
        "spinnet_version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "elapsed_seconds": round(time.time() - started, 3),
        "files": sorted(files),
        **extra,
    }
    return write_json(Path(out_dir) / "manifest.json", data)
