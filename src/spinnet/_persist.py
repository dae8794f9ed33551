"""The one on-disk format for every estimator and resume checkpoint.

A saved object is a directory::

    path/
      config.json   {"format": "spinnet", "format_version": 1, "kind": "...",
                     "config": {...hyper-parameters...}, "state": {...small learned state...}}
      arrays.h5     one HDF5 dataset per array (weights, optimizer buffers, RNG states)

JSON is strict (NaN and inf are written as null). HDF5 stores every array
bit for bit; PyTorch tensors are written from their CPU copy and come back as
tensors of the same dtype (bfloat16 included, stored as its 16-bit pattern).
No pickles anywhere: loading a model never executes code from the file.

The directory is written next to its target under a temporary name and then
renamed into place, so an interrupted save leaves the previous version intact.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "FORMAT_VERSION",
    "SavedState",
    "is_saved_state",
    "load_state",
    "rng_from_state",
    "rng_to_state",
    "save_state",
    "strict_json",
    "torch_rng_from_array",
    "torch_rng_to_array",
]

FORMAT_NAME = "spinnet"
FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
ARRAYS_FILE = "arrays.h5"


def strict_json(x: Any) -> Any:
    """Return ``x`` with NumPy scalars/arrays, paths and non-finite floats made strict JSON."""
    if isinstance(x, Mapping):
        return {str(k): strict_json(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [strict_json(v) for v in x]
    if isinstance(x, np.ndarray):
        return strict_json(x.tolist())
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        x = float(x)
        return x if math.isfinite(x) else None
    if isinstance(x, os.PathLike):
        return os.fspath(x)
    return x


@dataclass
class SavedState:
    """What :func:`load_state` returns."""

    kind: str
    config: dict[str, Any]
    state: dict[str, Any]
    arrays: dict[str, Any] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    path: Path | None = None


def _is_tensor(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _previous(target: Path) -> Path:
    return target.parent / f".{target.name}.old"


def is_saved_state(path: str | os.PathLike) -> bool:
    """Return whether ``path`` looks like a directory written by :func:`save_state`."""
    p = Path(path)
    return (p / CONFIG_FILE).is_file() and (p / ARRAYS_FILE).is_file()


def save_state(path: str | os.PathLike, *, kind: str, config: Mapping[str, Any],
               arrays: Mapping[str, Any] | None = None,
               state: Mapping[str, Any] | None = None) -> Path:
    """Write an estimator or checkpoint directory atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Target directory; replaced if it exists and holds a previous save.
    kind : str
        What is saved (e.g. ``"spinnet.boltzmann.RBM"``); checked on load.
    config : mapping
        Hyper-parameters (JSON-serialisable).
    arrays : mapping of str to ndarray or torch.Tensor, optional
        Learned arrays; names may contain ``/`` to form groups.
    state : mapping, optional
        Small JSON-serialisable learned state (counters, history, RNG states).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    import h5py

    target = Path(path)
    if target.exists() and not target.is_dir():
        raise ValueError(f"path must be a directory (or not exist yet); {str(target)!r} is a file")
    if target.exists() and any(target.iterdir()) and not is_saved_state(target):
        raise ValueError(f"path {str(target)!r} exists and is not a spinnet save directory; "
                         "refusing to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.tmp"))
    try:
        doc = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "kind": kind,
               "config": strict_json(dict(config)), "state": strict_json(dict(state or {}))}
        (tmp / CONFIG_FILE).write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n")
        with h5py.File(tmp / ARRAYS_FILE, "w") as fh:
            for name, value in (arrays or {}).items():
                attrs = {}
                if _is_tensor(value):
                    t = value.detach().cpu()
                    attrs["torch_dtype"] = str(t.dtype).removeprefix("torch.")
                    if attrs["torch_dtype"] == "bfloat16":
                        import torch

                        arr = t.contiguous().view(torch.int16).numpy()
                    else:
                        arr = t.contiguous().numpy()
                else:
                    arr = np.asarray(value)
                    if arr.dtype == object:
                        raise TypeError(f"array {name!r} has dtype object; cannot be saved")
                ds = fh.create_dataset(name, data=arr)
                for k, v in attrs.items():
                    ds.attrs[k] = v
        # A directory cannot be renamed over a non-empty one, so the previous save is
        # first moved aside to ``.<name>.old``; load_state falls back to it if a crash
        # comes between the two renames, so there is always one complete save.
        old = _previous(target)
        if target.exists():
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def load_state(path: str | os.PathLike, *, kind: str | None = None) -> SavedState:
    """Read a directory written by :func:`save_state`.

    Parameters
    ----------
    path : str or os.PathLike
        The directory.
    kind : str, optional
        Expected kind; a different one raises ``ValueError``.

    Raises
    ------
    ValueError
        If ``path`` is not a spinnet save directory, is corrupt, has a newer format
        version, or holds another kind of object.
    """
    import h5py

    p = Path(path)
    if not p.exists() and is_saved_state(_previous(p)):
        p = _previous(p)          # a save was interrupted between its two renames
    if not p.is_dir():
        raise ValueError(f"path {str(p)!r} is not a directory saved by spinnet")
    if not is_saved_state(p):
        raise ValueError(f"path {str(p)!r} is not a spinnet save directory: it needs "
                         f"{CONFIG_FILE} and {ARRAYS_FILE}")
    try:
        doc = json.loads((p / CONFIG_FILE).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{str(p / CONFIG_FILE)!r} is corrupt: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise ValueError(f"{str(p / CONFIG_FILE)!r} is not a spinnet config file")
    version = doc.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(f"{str(p)!r} has format version {version!r}; this spinnet reads "
                         f"versions <= {FORMAT_VERSION} (upgrade spinnet)")
    if kind is not None and doc.get("kind") != kind:
        raise ValueError(f"{str(p)!r} holds a {doc.get('kind')!r}, not a {kind!r}")
    arrays: dict[str, Any] = {}
    try:
        with h5py.File(p / ARRAYS_FILE, "r") as fh:
            def visit(name: str, obj: Any) -> None:
                if isinstance(obj, h5py.Dataset):
                    # np.array keeps 0-d arrays 0-d (np.ascontiguousarray would make
                    # them 1-d, and obj[()] alone returns a NumPy scalar).
                    arr = np.array(obj[()], order="C")
                    tdt = obj.attrs.get("torch_dtype")
                    if tdt is not None:
                        import torch

                        if isinstance(tdt, bytes):
                            tdt = tdt.decode()
                        if tdt == "bfloat16":
                            arrays[name] = torch.from_numpy(arr).view(torch.bfloat16)
                        else:
                            arrays[name] = torch.from_numpy(arr).to(getattr(torch, tdt))
                    else:
                        arrays[name] = arr
            fh.visititems(visit)
    except OSError as exc:
        raise ValueError(f"{str(p / ARRAYS_FILE)!r} is corrupt: {exc}") from None
    return SavedState(kind=doc.get("kind", ""), config=doc.get("config", {}),
                      state=doc.get("state", {}), arrays=arrays, format_version=version, path=p)


def rng_to_state(rng: np.random.Generator) -> dict[str, Any]:
    """JSON-serialisable state of a NumPy ``Generator`` (for resume checkpoints)."""
    return {"bit_generator": type(rng.bit_generator).__name__,
            "state": rng.bit_generator.state}


def rng_from_state(data: Mapping[str, Any]) -> np.random.Generator:
    """Rebuild the NumPy ``Generator`` saved by :func:`rng_to_state`, bit for bit."""
    bitgen_cls = getattr(np.random, data["bit_generator"])
    bg = bitgen_cls()
    bg.state = data["state"]
    return np.random.Generator(bg)


def torch_rng_to_array(gen: Any) -> np.ndarray:
    """State of a ``torch.Generator`` as a uint8 array."""
    return gen.get_state().numpy().copy()


def torch_rng_from_array(arr: Any, gen: Any = None) -> Any:
    """Restore a ``torch.Generator`` (new CPU one if ``gen`` is None) from its saved state."""
    import torch

    gen = gen if gen is not None else torch.Generator()
    state = arr if _is_tensor(arr) else torch.from_numpy(np.ascontiguousarray(arr, np.uint8))
    gen.set_state(state.to(torch.uint8))
    return gen
