"""Letters in many typefaces: one class per letter, one glyph per font that ships with matplotlib.

Every TrueType file in matplotlib's own font directory
(``matplotlib.get_data_path()/fonts/ttf``) is inspected; nothing is downloaded
and no system font is read, so the data set is the same on every machine with
the same matplotlib. A file is used for a character when its character map has
a glyph for it and the glyph is a drawing of that letter. Three kinds of files
are skipped, each for a stated reason (:func:`font_inventory` lists them):

* files without Latin letters in their character map (DejaVu Sans/Serif
  Display, the STIX "NonUnicode" and "Size" symbol fonts);
* files that map letters to something else: ``LastResortHE-Regular`` draws
  the same placeholder box for every character, ``cmex10`` holds large
  delimiters at the letter codes;
* ``cmsy10`` (Computer Modern math symbols) is used for the capitals only,
  which are calligraphic letters (𝒜, ℬ, 𝒞, …); its lowercase codes are
  symbols, and it has no digits.

With matplotlib 3.x this gives 22 typefaces for lowercase letters and 23 for
capitals: DejaVu Sans, DejaVu Sans Mono and DejaVu Serif in four styles each
(regular, bold, oblique/italic, bold oblique/italic), STIXGeneral in four
styles, and the Computer Modern faces cmr10 (roman), cmb10 (bold), cmti10
(text italic), cmmi10 (math italic), cmss10 (sans), cmtt10 (typewriter) and,
for capitals, cmsy10 (calligraphic).

Glyphs are rasterised with the rasteriser of :func:`spinnet.datasets.letters`
(outline scaled to fill the box with a margin, 4 × 4 supersampling, nonzero
winding; ``+1`` = ink, ``-1`` = background) at any ``size``. All glyphs of one
letter form one class: the lectures' A = (**A**, A, 𝒜, …).
"""

from __future__ import annotations

import functools
import os
import string
from dataclasses import dataclass
from typing import Any

import numpy as np

from spinnet._validation import check_int
from spinnet.datasets.letters import _check_chars, _default_pad, glyph_from_file

__all__ = ["Typeface", "TypefaceSet", "font_inventory", "glyph_codes", "typeface_names",
           "typefaces"]

#: Font files that map letter codes to non-letter drawings, with the reason.
_NOT_LETTERS = {
    "LastResortHE-Regular.ttf": "placeholder box for every character",
    "cmex10.ttf": "large delimiters at the letter codes (TeX math extension)",
}
#: Font files whose glyphs are letters only for some characters.
_ONLY = {"cmsy10.ttf": (string.ascii_uppercase,
                        "capitals are calligraphic letters; lowercase codes are symbols")}

#: Descriptive names of the Computer Modern files (their family names are file stems).
_CM_NAMES = {"cmr10": "Computer Modern Roman", "cmb10": "Computer Modern Bold",
             "cmti10": "Computer Modern Text Italic", "cmmi10": "Computer Modern Math Italic",
             "cmss10": "Computer Modern Sans", "cmtt10": "Computer Modern Typewriter",
             "cmsy10": "Computer Modern Calligraphic"}


@dataclass(frozen=True)
class Typeface:
    """One font file of matplotlib's font directory.

    Attributes
    ----------
    name : str
        Human-readable name (family and style), e.g. ``"DejaVu Serif Bold Italic"``.
    file : str
        File name inside the font directory (e.g. ``"DejaVuSerif-BoldItalic.ttf"``).
    path : str
        Absolute path of the file.
    chars : str
        The characters among A-Z, a-z, 0-9 for which the file has a letter glyph.
    reason : str
        Why characters are missing ("" when the file covers A-Z, a-z and 0-9).
    """

    name: str
    file: str
    path: str
    chars: str
    reason: str = ""


def _font_dir() -> str:
    import matplotlib

    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf")


@functools.lru_cache(maxsize=1)
def font_inventory() -> tuple[Typeface, ...]:
    """Every TrueType file in matplotlib's font directory, with the characters it draws.

    Returns
    -------
    tuple of Typeface
        Sorted by file name; files that draw no letter have ``chars == ""``
        and a ``reason``.
    """
    from matplotlib.ft2font import FT2Font

    wanted = string.ascii_uppercase + string.ascii_lowercase + string.digits
    out = []
    folder = _font_dir()
    for file in sorted(os.listdir(folder)):
        if not file.lower().endswith(".ttf"):
            continue
        path = os.path.join(folder, file)
        font = FT2Font(path)
        family, style = font.family_name, font.style_name
        stem = os.path.splitext(file)[0]
        if stem in _CM_NAMES:
            name = f"{_CM_NAMES[stem]} ({stem})"
        else:
            name = family if style in ("Regular", "Book") else f"{family} {style}"
        cmap = font.get_charmap()
        chars = "".join(c for c in wanted if ord(c) in cmap)
        reason = "" if chars == wanted else "no glyphs for some of A-Z, a-z, 0-9"
        if file in _NOT_LETTERS:
            chars, reason = "", _NOT_LETTERS[file]
        elif file in _ONLY:
            allowed, why = _ONLY[file]
            chars, reason = "".join(c for c in chars if c in allowed), why
        elif not chars:
            reason = "no Latin letters in its character map"
        out.append(Typeface(name=name, file=file, path=path, chars=chars, reason=reason))
    return tuple(out)


def typeface_names(chars: str = string.ascii_uppercase) -> list[str]:
    """Names of the typefaces drawing every character of ``chars`` (those :func:`typefaces` uses).

    Parameters
    ----------
    chars : str
        Characters among A-Z, a-z, 0-9.

    Returns
    -------
    list of str
        In the order of :func:`font_inventory` (sorted by file name).
    """
    chars = _check_chars(chars)
    return [t.name for t in font_inventory() if set(chars) <= set(t.chars)]


@dataclass(frozen=True)
class TypefaceSet:
    """Glyph images of several letter classes in several typefaces.

    Attributes
    ----------
    images : ndarray of int8, shape (F, C, size * size)
        ``images[f, c]`` is character ``chars[c]`` in typeface ``fonts[f]``
        (±1, ``+1`` = ink).
    chars : str
        The ``C`` classes.
    fonts : tuple of str
        The ``F`` typeface names.
    size : int
        Side of the square images.
    """

    images: np.ndarray
    chars: str
    fonts: tuple[str, ...]
    size: int

    @property
    def shape(self) -> tuple[int, int]:
        """``(size, size)``: reshape one row of :attr:`images` with it."""
        return (self.size, self.size)

    def patterns(self) -> tuple[np.ndarray, np.ndarray]:
        """All glyphs as a flat data set.

        Returns
        -------
        X : ndarray of int8, shape (F * C, size * size)
        y : ndarray of int64, shape (F * C,)
            Class index (position in :attr:`chars`); font-major order.
        """
        f, c, n = self.images.shape
        return self.images.reshape(f * c, n).copy(), np.tile(np.arange(c), f)

    def class_means(self, fonts: Any = None) -> np.ndarray:
        """Mean glyph of every class over the fonts (real values in [-1, 1]).

        Parameters
        ----------
        fonts : sequence of int, optional
            Indices of the fonts to average over (default: all).

        Returns
        -------
        ndarray, shape (C, size * size)
        """
        imgs = self.images if fonts is None else self.images[np.asarray(fonts, dtype=np.int64)]
        if imgs.shape[0] == 0:
            raise ValueError("fonts must select at least one typeface; got none")
        return imgs.astype(np.float64).mean(axis=0)

    def prototypes(self, fonts: Any = None) -> np.ndarray:
        """The binarised class means ``sign(mean glyph)`` (ties, equal ink votes, -> -1).

        Parameters
        ----------
        fonts : sequence of int, optional
            Indices of the fonts to average over (default: all).

        Returns
        -------
        ndarray of int8, shape (C, size * size)
        """
        return np.where(self.class_means(fonts) > 0, 1, -1).astype(np.int8)


def typefaces(chars: str = string.ascii_uppercase, size: int = 16, *,
              fonts: Any = None, pad: int | None = None) -> TypefaceSet:
    """Rasterise letter classes from every matplotlib font that draws them.

    Parameters
    ----------
    chars : str
        Characters, one class each (A-Z, a-z, 0-9; no repeats).
    size : int >= 5
        Side of the square images; ``N = size²``.
    fonts : sequence of str, optional
        Typeface names (as in :func:`typeface_names`) to use, in this order.
        Default: every typeface that draws all of ``chars``.
    pad : int, optional
        Margin in pixels (default ``max(1, size // 16)``, as :func:`letters`).

    Returns
    -------
    TypefaceSet
        ``images`` of shape ``(F, len(chars), size * size)``.

    Raises
    ------
    TypeError
        ``chars`` not a string, ``size``/``pad`` not integers, ``fonts`` not
        a sequence of strings.
    ValueError
        Empty or unsupported ``chars``, repeated characters, ``size < 5``, a
        ``pad`` leaving fewer than 3 pixels, an unknown typeface or one that
        does not draw all of ``chars``, or no typeface at all.

    Examples
    --------
    >>> from spinnet.datasets import typefaces
    >>> ts = typefaces("AB", size=12)
    >>> ts.images.shape[1:], len(ts.fonts) >= 8
    ((2, 144), True)
    """
    chars = _check_chars(chars)
    if len(set(chars)) != len(chars):
        raise ValueError(f"chars must not repeat a character (one class each); got {chars!r}")
    size = check_int(size, "size", minimum=5)
    if pad is None:
        pad = _default_pad(size)
    pad = check_int(pad, "pad", minimum=0, maximum=(size - 3) // 2)
    by_name = {t.name: t for t in font_inventory()}
    if fonts is None:
        chosen = [by_name[n] for n in typeface_names(chars)]
    else:
        if isinstance(fonts, str) or not all(isinstance(f, str) for f in fonts):
            raise TypeError(f"fonts must be a sequence of typeface names; got {fonts!r}")
        chosen = []
        for f in fonts:
            if f not in by_name:
                raise ValueError(f"fonts: unknown typeface {f!r}; known: "
                                 f"{sorted(n for n, t in by_name.items() if t.chars)}")
            missing = sorted(set(chars) - set(by_name[f].chars))
            if missing:
                raise ValueError(f"fonts: typeface {f!r} draws no letter glyph for "
                                 f"{''.join(missing)!r} ({by_name[f].reason})")
            chosen.append(by_name[f])
    if not chosen:
        raise ValueError(f"fonts: no typeface draws all of {chars!r}")
    images = np.stack([np.stack([glyph_from_file(c, size, t.path, pad) for c in chars])
                       for t in chosen])
    return TypefaceSet(images=images, chars=chars, fonts=tuple(t.name for t in chosen),
                       size=size)


def glyph_codes(images: Any, size: int, *, sigma: float = 1.0,
                mean: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Decorrelated ±1 codes of glyphs: the sign of the blurred glyph minus the mean blurred glyph.

    Letter glyphs are biased, strongly correlated patterns (about a quarter
    of the pixels are ink, and every letter shares the background): binarised
    class means overlap by ≈ 0.45 on average at 16 × 16, far from the nearly
    orthogonal patterns an attractor network stores well. Subtracting the mean
    glyph ``c`` of the data set from a *binary* glyph ``g`` does not help --
    ``sign(g - c) = g`` whenever ``|c_i| < 1`` -- so each glyph is first
    blurred with a Gaussian of width ``sigma`` pixels (outside the image
    counts as background, ``-1``), giving its local ink density ``b``; the
    code is ``z = sign(b - <b>)`` with ``<b>`` the mean blurred glyph (a
    tie, ``b_i = <b>_i``, gives ``-1``). Each pixel of the code says whether
    the glyph has more ink around it than glyphs have on average: the codes are
    nearly unbiased and the class means nearly orthogonal (mean overlap ≈ 0.1
    at ``size=16, sigma=1``), and the blur makes the same letter in two
    typefaces more alike (strokes shifted by a pixel still overlap). This is
    the covariance idea of biased-pattern networks (Amit, Gutfreund &
    Sompolinsky 1987, Phys. Rev. A 35, 2293: store ``ξ - <ξ>``) made binary.

    Parameters
    ----------
    images : array_like of ±1, shape (..., size * size)
        Glyphs (e.g. :attr:`TypefaceSet.images`, shape ``(F, C, size²)``).
    size : int
        Image side.
    sigma : float >= 0
        Blur width in pixels (0: no blur, then the code is ``sign(g - <g>)``,
        i.e. ``g`` itself except at pixels that are ink in every glyph).
    mean : array_like, shape (size * size,), optional
        The mean blurred glyph ``<b>`` to subtract (pass the training set's
        to code held-out glyphs in the same way). Default: the mean over
        ``images``.

    Returns
    -------
    codes : ndarray of int8, shape of ``images``
    mean : ndarray, shape (size * size,)
        ``<b>`` used.
    """
    from scipy.ndimage import gaussian_filter

    size = check_int(size, "size", minimum=1)
    x = np.asarray(images)
    if x.ndim < 1 or x.shape[-1] != size * size:
        raise ValueError(f"images must have shape (..., size * size) = (..., {size * size}); "
                         f"got {x.shape}")
    if x.size == 0 or not np.all((x == 1) | (x == -1)):
        raise ValueError("images must be non-empty arrays of ±1 glyphs")
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float, np.integer, np.floating)):
        raise TypeError(f"sigma must be a real number; got {type(sigma).__name__}")
    sigma = float(sigma)
    if not np.isfinite(sigma) or sigma < 0:
        raise ValueError(f"sigma must be a finite number >= 0; got {sigma}")
    flat = x.reshape(-1, size, size).astype(np.float64)
    if sigma > 0:
        blurred = np.stack([gaussian_filter(g, sigma, mode="constant", cval=-1.0)
                            for g in flat])
    else:
        blurred = flat
    blurred = blurred.reshape(-1, size * size)
    if mean is None:
        m = blurred.mean(axis=0)
    else:
        m = np.asarray(mean, dtype=np.float64)
        if m.shape != (size * size,) or not np.all(np.isfinite(m)):
            raise ValueError(f"mean must be a finite array of shape ({size * size},); "
                             f"got shape {m.shape}")
    codes = np.where(blurred > m, 1, -1).astype(np.int8)
    return codes.reshape(x.shape), m
