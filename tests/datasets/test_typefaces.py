"""Letters in many typefaces: the fonts found, the rasteriser, the class structure."""

from __future__ import annotations

import os
import string

import numpy as np
import pytest

from spinnet.datasets import font_inventory, letters, typeface_names, typefaces
from spinnet.datasets.typefaces import _font_dir, glyph_codes


def test_at_least_eight_fonts_found_and_the_families_named_in_the_issue():
    names = typeface_names(string.ascii_uppercase)
    assert len(names) >= 8, names
    for family in ("DejaVu Sans", "DejaVu Sans Bold", "DejaVu Serif Italic",
                   "DejaVu Sans Mono Bold Oblique", "STIXGeneral",
                   "Computer Modern Roman (cmr10)"):
        assert family in names
    # cmsy10 draws calligraphic capitals only
    assert "Computer Modern Calligraphic (cmsy10)" in names
    assert "Computer Modern Calligraphic (cmsy10)" not in typeface_names("a")


def test_inventory_lists_every_ttf_and_gives_a_reason_for_each_skip():
    files = sorted(f for f in os.listdir(_font_dir()) if f.lower().endswith(".ttf"))
    inv = font_inventory()
    assert [t.file for t in inv] == files
    for t in inv:
        if not t.chars:
            assert t.reason, t
    by_file = {t.file: t for t in inv}
    assert by_file["LastResortHE-Regular.ttf"].chars == ""  # placeholder boxes
    assert by_file["cmex10.ttf"].chars == ""  # delimiters at the letter codes
    assert by_file["cmsy10.ttf"].chars == string.ascii_uppercase


@pytest.mark.parametrize("size", [8, 16, 24])
def test_shape_dtype_values_any_size(size):
    ts = typefaces("AQg", size)
    assert ts.images.shape == (len(ts.fonts), 3, size * size)
    assert ts.images.dtype == np.int8
    assert set(np.unique(ts.images).tolist()) == {-1, 1}
    assert ts.shape == (size, size)
    x, y = ts.patterns()
    assert x.shape == (3 * len(ts.fonts), size * size)
    assert y.tolist() == [0, 1, 2] * len(ts.fonts)


def test_same_rasteriser_as_letters():
    ts = typefaces("HOPFIELD"[:5], 16, fonts=["DejaVu Sans Bold", "DejaVu Sans"])
    np.testing.assert_array_equal(ts.images[0], letters("HOPFI", 16))
    np.testing.assert_array_equal(ts.images[1], letters("HOPFI", 16, weight="normal"))


def test_glyphs_of_different_fonts_differ_and_letters_are_distinct_within_a_font():
    ts = typefaces(string.ascii_uppercase, 16)
    for f in range(len(ts.fonts)):
        assert len({g.tobytes() for g in ts.images[f]}) == 26, ts.fonts[f]
    # every class has several distinct glyphs
    for c in range(26):
        assert len({g.tobytes() for g in ts.images[:, c]}) >= 8


def test_class_structure_nearest_mean_of_other_fonts_classifies_a_held_out_font():
    """Same letter = one class: leave-one-font-out nearest class mean is far above chance.

    Measured at size 16 (23 fonts): 0.87 of all held-out glyphs; chance 1/26.
    """
    ts = typefaces(string.ascii_uppercase, 16)
    f = len(ts.fonts)
    correct = 0
    for h in range(f):
        means = ts.class_means([i for i in range(f) if i != h])
        pred = np.argmax(ts.images[h].astype(float) @ means.T, axis=1)
        correct += int(np.sum(pred == np.arange(26)))
    assert correct / (26 * f) > 0.75


def test_prototypes_are_the_binarised_class_means():
    ts = typefaces("AB", 12)
    mean = ts.images.astype(float).mean(axis=0)
    np.testing.assert_array_equal(ts.prototypes(), np.where(mean > 0, 1, -1))
    np.testing.assert_array_equal(ts.prototypes([0]), ts.images[0])
    with pytest.raises(ValueError, match="fonts"):
        ts.class_means([])


def test_bad_input():
    with pytest.raises(ValueError, match="repeat"):
        typefaces("AA")
    with pytest.raises(ValueError, match="unknown typeface"):
        typefaces("A", fonts=["Comic Sans"])
    with pytest.raises(ValueError, match="no letter glyph"):
        typefaces("a", fonts=["Computer Modern Calligraphic (cmsy10)"])
    with pytest.raises(TypeError, match="fonts"):
        typefaces("A", fonts="DejaVu Sans")
    with pytest.raises(ValueError, match="size"):
        typefaces("A", size=4)
    with pytest.raises(ValueError, match="chars"):
        typefaces("A!")
    with pytest.raises(TypeError, match="chars"):
        typefaces(3)


def test_glyph_codes_without_blur_are_the_glyphs_except_where_every_glyph_is_ink():
    ts = typefaces("ABCO", size=12)
    codes, mean = glyph_codes(ts.images, 12, sigma=0)
    np.testing.assert_allclose(mean, ts.images.reshape(-1, 144).mean(axis=0))
    expected = np.where(mean == 1.0, -1, ts.images)  # sign(g - c) = g unless c = g = 1
    np.testing.assert_array_equal(codes, expected)
    assert codes.dtype == np.int8 and codes.shape == ts.images.shape


def test_glyph_codes_decorrelate_the_letter_classes():
    """Mean overlap of the binarised class means: 0.45 as pixels, about 0.1 as blur codes."""
    ts = typefaces(size=16)
    n = 256
    iu = np.triu_indices(26, 1)
    pix = ts.prototypes().astype(np.float64)
    codes, _ = glyph_codes(ts.images, 16, sigma=1.0)
    proto = np.where(codes.astype(np.float64).mean(axis=0) > 0, 1.0, -1.0)
    assert (pix @ pix.T / n)[iu].mean() > 0.35
    assert (proto @ proto.T / n)[iu].mean() < 0.2
    assert abs(codes.mean()) < 0.3  # nearly unbiased (pixels: ≈ -0.49)
    # a held-out font, coded with the training mean, is nearest its own class mean
    codes_tr, mean = glyph_codes(ts.images[1:], 16, sigma=1.0)
    held, _ = glyph_codes(ts.images[0], 16, sigma=1.0, mean=mean)
    proto_tr = np.where(codes_tr.astype(np.float64).mean(axis=0) > 0, 1.0, -1.0)
    acc = np.mean(np.argmax(held.astype(np.float64) @ proto_tr.T, axis=1) == np.arange(26))
    assert acc >= 0.8


def test_glyph_codes_bad_input():
    ts = typefaces("AB", size=8)
    with pytest.raises(ValueError, match="images"):
        glyph_codes(ts.images, 9)
    with pytest.raises(ValueError, match="images"):
        glyph_codes(np.zeros((2, 64)), 8)
    with pytest.raises(ValueError, match="sigma"):
        glyph_codes(ts.images, 8, sigma=-1.0)
    with pytest.raises(TypeError, match="sigma"):
        glyph_codes(ts.images, 8, sigma="1")
    with pytest.raises(ValueError, match="mean"):
        glyph_codes(ts.images, 8, mean=np.zeros(3))
