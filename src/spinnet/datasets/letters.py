"""Letters and digits rasterized from matplotlib's bundled DejaVu font.

Glyph outlines come from :class:`matplotlib.textpath.TextPath` (the DejaVu
fonts ship inside matplotlib, so nothing is downloaded and no file outside the
installed packages is read). Each glyph is scaled to fill a ``size × size``
box with a margin of ``pad`` pixels (aspect ratio kept, glyph centred) and
rasterized by supersampling: a pixel is ink (``+1``) when at least half of its
``4 × 4`` sub-pixel sample points lie inside the outline, background (``-1``)
otherwise.

Letters are strongly correlated patterns. Background dominates every image,
so two different letters agree on most pixels: at ``size=32`` (bold DejaVu
Sans) the 26 capitals have mean pairwise overlap ``mean |m| = 0.32``
(max 0.84, between E and F; measured), far from the ``O(1/sqrt(N))``
overlaps of random patterns that Hopfield capacity results assume.
:data:`DEMO_LETTERS` is a set of 8 capitals chosen for small mutual overlaps.
"""

from __future__ import annotations

import functools
import string
from typing import Any

import numpy as np

from spinnet._validation import check_int, check_option

__all__ = ["DEMO_LETTERS", "glyph_from_file", "letters", "letters_shape"]

#: Eight capitals with small mutual overlaps at ``size=32`` (bold DejaVu Sans):
#: mean ``|m| = 0.22``, max ``|m| = 0.38`` over the 28 pairs (measured; for
#: comparison "ABCDEFGH" has mean 0.43, max 0.84). Chosen by
#: exhaustive search over all 8-letter subsets of A-Z, minimising the largest
#: pairwise ``|m|`` (ties broken by the mean). For a Hopfield demo.
DEMO_LETTERS = "AJKMOVWZ"

_ALLOWED = frozenset(string.ascii_letters + string.digits)
_WEIGHTS = ("normal", "bold")
# Sub-pixel samples per axis; 4 x 4 = 16 samples per pixel resolves strokes
# down to a quarter pixel, enough for clean glyphs at every size >= 5.
_SUPERSAMPLE = 4
# Nominal font size handed to TextPath; irrelevant after rescaling.
_FONT_POINTS = 100.0


def letters_shape(size: int = 32) -> tuple[int, int]:
    """Return the image shape ``(size, size)`` of glyphs made by :func:`letters`.

    Parameters
    ----------
    size : int >= 5
        Side of the square image in pixels.

    Returns
    -------
    (int, int)
        ``(height, width)``, for reshaping a row of :func:`letters` output.
    """
    size = check_int(size, "size", minimum=5)
    return (size, size)


def _default_pad(size: int) -> int:
    return max(1, size // 16)


def _check_chars(chars: Any) -> str:
    if not isinstance(chars, str):
        raise TypeError(f"chars must be a string of letters/digits; got {type(chars).__name__}")
    if not chars:
        raise ValueError("chars must be a non-empty string; got ''")
    bad = sorted({c for c in chars if c not in _ALLOWED})
    if bad:
        raise ValueError(
            f"chars must contain only A-Z, a-z and 0-9; got unsupported {''.join(bad)!r}"
        )
    return chars


@functools.lru_cache(maxsize=16)
def _font_properties(font: str, weight: str):
    from matplotlib.font_manager import FontProperties, findfont

    prop = FontProperties(family=font, weight=weight)
    try:
        # No silent fallback: a misspelt family must not quietly become DejaVu.
        findfont(prop, fallback_to_default=False)
    except ValueError as exc:
        raise ValueError(f"font {font!r} (weight {weight!r}) is not available to "
                         "matplotlib; 'DejaVu Sans' ships with it") from exc
    return prop


@functools.lru_cache(maxsize=4096)
def _glyph(char: str, size: int, font: str, weight: str, pad: int) -> np.ndarray:
    """Rasterize one glyph; returns a read-only int8 (size * size,) array of ±1."""
    return _rasterize_char(char, size, _font_properties(font, weight), pad)


@functools.lru_cache(maxsize=16384)
def glyph_from_file(char: str, size: int, fname: str, pad: int) -> np.ndarray:
    """Rasterize one character of the font file ``fname`` (the same rasteriser as :func:`letters`).

    Parameters
    ----------
    char : str
        One character the font has a glyph for (not checked here: a missing
        glyph draws the font's "notdef" box).
    size : int
        Side of the square image.
    fname : str
        Path of a TrueType font file.
    pad : int
        Margin in pixels.

    Returns
    -------
    ndarray of int8, shape (size * size,)
        Read-only ±1 image (cached; copy before modifying).
    """
    from matplotlib.font_manager import FontProperties

    return _rasterize_char(char, size, FontProperties(fname=fname), pad)


def _rasterize_char(char: str, size: int, prop: Any, pad: int) -> np.ndarray:
    """Scale the outline of ``char`` to the box and rasterize it (nonzero winding)."""
    from matplotlib.path import Path
    from matplotlib.textpath import TextPath

    path = TextPath((0.0, 0.0), char, size=_FONT_POINTS, prop=prop)
    ext = path.get_extents()
    x0, y0, x1, y1 = ext.x0, ext.y0, ext.x1, ext.y1
    width, height = x1 - x0, y1 - y0
    inner = size - 2 * pad
    scale = inner / max(width, height)  # pixels per font unit
    left = 0.5 * (size - width * scale)
    top = 0.5 * (size - height * scale)

    ss = _SUPERSAMPLE
    sub = (np.arange(size * ss) + 0.5) / ss  # sample positions in pixel units
    u, v = np.meshgrid(sub, sub)  # u: column (x, rightwards), v: row (y, downwards)
    gx = x0 + (u - left) / scale
    gy = y1 - (v - top) / scale
    points = np.column_stack([gx.ravel(), gy.ravel()])
    # Path.contains_points ignores holes in compound paths (the counter of "O"
    # would be filled), so apply the nonzero winding rule of TrueType fonts
    # ourselves: each closed contour adds +-1 by its orientation (outer
    # contours and holes wind in opposite senses).
    winding = np.zeros(len(points), dtype=np.int64)
    for poly in path.to_polygons(closed_only=True):
        xs, ys = poly[:, 0], poly[:, 1]
        signed_area = 0.5 * np.sum(xs[:-1] * ys[1:] - xs[1:] * ys[:-1])
        if signed_area == 0.0:
            continue
        inside = Path(poly).contains_points(points)
        winding += np.where(inside, 1 if signed_area > 0 else -1, 0)
    coverage = (winding != 0).reshape(size, ss, size, ss).mean(axis=(1, 3))
    img = np.where(coverage >= 0.5, 1, -1).astype(np.int8).ravel()
    img.setflags(write=False)
    return img


def letters(chars: str = string.ascii_uppercase, size: int = 32, *, font: str = "DejaVu Sans",
            weight: str = "bold", pad: int | None = None) -> np.ndarray:
    """Rasterize characters into ±1 spin images (``+1`` = ink, ``-1`` = background).

    Parameters
    ----------
    chars : str
        Characters to draw, one pattern each, in order (A-Z, a-z, 0-9;
        repeats allowed).
    size : int >= 5
        Side of the square image; each pattern has ``N = size * size`` spins.
    font : str
        Font family known to matplotlib; the default ships with matplotlib.
    weight : {"bold", "normal"}
        Font weight. Bold strokes survive small sizes better.
    pad : int, optional
        Margin in pixels on every side; the glyph's bounding box is scaled to
        fill the remaining ``size - 2 * pad`` pixels. Defaults to
        ``max(1, size // 16)``.

    Returns
    -------
    ndarray of int8, shape (len(chars), size * size)
        Row-major flattened images; reshape a row with
        ``.reshape(letters_shape(size))``. A new array on each call
        (rasterized glyphs are cached).

    Raises
    ------
    TypeError
        If ``chars`` is not a string or ``size``/``pad`` is not an integer.
    ValueError
        If ``chars`` is empty or holds unsupported characters, ``size < 5``,
        ``pad`` leaves fewer than 3 pixels, or the font is unavailable.

    Notes
    -----
    Letters are correlated, biased patterns (mostly background): at
    ``size=32`` the 26 bold capitals have mean pairwise overlap
    ``mean |m| = 0.32`` (max 0.84 for E/F) and mean ink fraction 0.38
    (measured); see :data:`DEMO_LETTERS` for a less correlated subset.

    Each glyph is scaled on its own to fill the box, so lowercase letters
    and capitals come out the same height. Below ``size=8`` distinct
    characters may rasterize to identical images (at ``size=5`` the 26
    capitals give 20 distinct patterns).

    Examples
    --------
    >>> from spinnet.datasets import letters, letters_shape
    >>> xi = letters("HOPFIELD", size=16)
    >>> xi.shape, xi.dtype
    ((8, 256), dtype('int8'))
    >>> xi[0].reshape(letters_shape(16)).shape
    (16, 16)
    """
    chars = _check_chars(chars)
    size = check_int(size, "size", minimum=5)
    if not isinstance(font, str) or not font:
        raise TypeError(f"font must be a non-empty font family name; got {font!r}")
    weight = check_option(weight, "weight", _WEIGHTS)
    if pad is None:
        pad = _default_pad(size)
    pad = check_int(pad, "pad", minimum=0, maximum=(size - 3) // 2)
    return np.stack([_glyph(c, size, font, weight, pad) for c in chars])
