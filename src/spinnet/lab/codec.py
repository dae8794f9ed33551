"""Wire encodings of the lab: bit-packed binary states and 8-bit grey images.

See ``docs/lab-protocol.md`` ("Conventions"). A binary state travels as
``{"shape": [h, w], "bits": base64(packbits(state == +1, bitorder="big"))}``
(C order; a batch has shape ``[n, h, w]``); a grey image with values in
``[0, 1]`` as ``{"shape": [..., h, w], "u8": base64(uint8(round(255 x)))}``.
"""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any

import numpy as np

__all__ = ["CodecError", "decode_bits", "encode_bits", "encode_filters", "encode_u8"]


class CodecError(ValueError):
    """A state or image on the wire does not decode; ``field`` names where it came from.

    Parameters
    ----------
    field : str
        Name of the offending field (stored as ``field``).
    message : str
        Error message.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def encode_bits(states: Any) -> dict[str, Any]:
    """Pack a ±1 (or 0/1) array into ``{"shape", "bits"}``.

    Parameters
    ----------
    states : array_like of ±1 or 0/1, any shape (e.g. ``(h, w)`` or ``(n, h, w)``)
        ``+1``/``1`` → bit 1, ``-1``/``0`` → bit 0.

    Returns
    -------
    dict
        ``{"shape": list of int, "bits": str}`` (standard base64, padded).
    """
    arr = np.asarray(states)
    packed = np.packbits((arr > 0).ravel(), bitorder="big")
    return {"shape": [int(d) for d in arr.shape],
            "bits": base64.b64encode(packed.tobytes()).decode("ascii")}


def decode_bits(payload: Any, shape: tuple[int, ...] | None = None, *,
                field: str = "state", max_size: int = 1 << 22) -> np.ndarray:
    """Unpack ``{"shape", "bits"}`` into an int8 array of ±1 spins.

    Parameters
    ----------
    payload : dict
        ``{"shape": [d0, d1, ...], "bits": base64}`` as produced by :func:`encode_bits`.
    shape : tuple of int, optional
        Required shape; a batch ``(n, *shape)`` is accepted when ``shape`` has two
        entries and the payload three (``n`` is free).
    field : str
        Name used in error messages.
    max_size : int
        Largest number of elements accepted.

    Returns
    -------
    ndarray of int8 with entries ±1, shape ``payload["shape"]``

    Raises
    ------
    CodecError
        If the payload is not a dict with a list of positive ints ``shape`` and a
        base64 string ``bits`` of exactly ``ceil(prod(shape) / 8)`` bytes, or the
        shape differs from ``shape``.
    """
    if not isinstance(payload, dict) or set(payload) != {"shape", "bits"}:
        raise CodecError(field, f"{field} must be an object {{'shape': [...], 'bits': base64}}")
    dims = payload["shape"]
    bits = payload["bits"]
    if (not isinstance(dims, list) or not 1 <= len(dims) <= 3
            or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in dims)):
        raise CodecError(field, f"{field}.shape must be a list of 1 to 3 positive integers; "
                                f"got {dims!r:.80}")
    size = math.prod(dims)
    if size > max_size:
        raise CodecError(field, f"{field} has {size} entries; at most {max_size} allowed")
    if shape is not None:
        ok = tuple(dims) == tuple(shape) or (
            len(shape) == 2 and len(dims) == 3 and tuple(dims[1:]) == tuple(shape))
        if not ok:
            raise CodecError(field, f"{field}.shape must be {list(shape)} (or [n, "
                                    f"{', '.join(map(str, shape))}]); got {dims}")
    if not isinstance(bits, str):
        raise CodecError(field, f"{field}.bits must be a base64 string")
    try:
        raw = base64.b64decode(bits.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise CodecError(field, f"{field}.bits is not valid base64") from None
    need = (size + 7) // 8
    if len(raw) != need:
        raise CodecError(field, f"{field}.bits must hold {need} bytes for shape {dims}; "
                                f"got {len(raw)}")
    flat = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="big")[:size]
    return (2 * flat.astype(np.int8) - 1).reshape(dims)


def encode_u8(values: Any) -> dict[str, Any]:
    """Encode values in ``[0, 1]`` as ``{"shape", "u8"}`` (``round(255 x)``, clipped).

    Parameters
    ----------
    values : array_like of float, any shape
        Non-finite entries are sent as 0.

    Returns
    -------
    dict
        ``{"shape": list of int, "u8": base64 str}``.
    """
    arr = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=1.0, neginf=0.0)
    q = np.rint(np.clip(arr, 0.0, 1.0) * 255.0).astype(np.uint8)
    return {"shape": [int(d) for d in arr.shape],
            "u8": base64.b64encode(q.tobytes()).decode("ascii")}


def encode_filters(filters: Any) -> dict[str, Any]:
    """Min–max scale each filter to ``[0, 1]`` and encode it with :func:`encode_u8`.

    Parameters
    ----------
    filters : array_like, shape (K, h, w)
        One image per filter (a constant filter becomes 0.5).

    Returns
    -------
    dict
        ``{"shape": [K, h, w], "u8": base64 str}``.
    """
    f = np.asarray(filters, dtype=np.float64)
    flat = f.reshape(f.shape[0], -1)
    lo = flat.min(axis=1, keepdims=True)
    span = flat.max(axis=1, keepdims=True) - lo
    scaled = np.where(span > 0, (flat - lo) / np.where(span > 0, span, 1.0), 0.5)
    return encode_u8(scaled.reshape(f.shape))
