"""Letters in many typefaces learnt online: name codes, overlap definitions, the acceptance.

docs/attractor.md ("Letters in many typefaces"); issue 17, acceptance point on typefaces.
"""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.experiments.attractor import (
    OVERLAP_KINDS,
    class_mean_reference,
    online_typefaces,
    orthogonal_name_codes,
)


# ----------------------------------------------------------------------- name codes
def test_orthogonal_name_codes_are_orthogonal_and_the_blank_favours_no_name():
    codes, blank = orthogonal_name_codes(26, 64, rng=0)
    assert codes.shape == (26, 64) and blank.shape == (64,)
    assert codes.dtype == np.int8 and set(np.unique(codes)) == {-1, 1}
    gram = codes.astype(int) @ codes.T.astype(int)
    np.testing.assert_array_equal(gram, 64 * np.eye(26, dtype=int))
    np.testing.assert_array_equal(codes.astype(int) @ blank.astype(int), 0)
    assert np.all(codes.astype(int).sum(axis=1) == 0) and int(blank.astype(int).sum()) == 0
    # a random ±1 name part, by contrast, overlaps some name by O(1/sqrt(L))
    rand = np.where(np.random.default_rng(0).random(64) < 0.5, 1, -1)
    assert np.max(np.abs(codes @ rand)) > 0


def test_orthogonal_name_codes_same_seed_same_codes():
    a = orthogonal_name_codes(8, 512, rng=3)
    b = orthogonal_name_codes(8, 512, rng=3)
    c = orthogonal_name_codes(8, 512, rng=4)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("k, length, match", [(8, 384, "length"), (8, 8, "length"),
                                              (0, 16, "n_classes"), (3, 1, "length")])
def test_orthogonal_name_codes_bad_input(k, length, match):
    with pytest.raises(ValueError, match=match):
        orthogonal_name_codes(k, length, rng=0)


def test_online_typefaces_name_code_options_are_checked():
    with pytest.raises(ValueError, match="name_codes"):
        online_typefaces(2, 2, size=10, name_codes="hadamard")
    with pytest.raises(ValueError, match="code_length"):
        online_typefaces(2, 2, size=10, code_length=384)
    with pytest.raises(ValueError, match="code_length"):
        online_typefaces(8, 2, size=10, code_length=8)      # needs >= K + 2 = 10 rows
    # random codes take any length; no name part needs no codes
    res = online_typefaces(2, 2, size=10, code_length=24, name_codes="random", rng=0)
    assert res.parameters["n_neurons"] == 100 + 24
    res = online_typefaces(2, 2, size=10, code_length=0, rng=0)
    assert res.parameters["name_codes"] is None


def test_online_typefaces_same_seed_same_result_with_orthogonal_names():
    runs = [online_typefaces(2, 6, size=10, code_length=16, record_every=3, rng=5)
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0].overlaps, runs[1].overlaps)
    np.testing.assert_array_equal(runs[0].presented_fonts, runs[1].presented_fonts)


def test_every_overlap_kind_is_measured_on_the_same_attractors():
    res = online_typefaces(3, 8, size=10, code_length=16, record_every=4, rng=2)
    assert set(res.overlap_by_age_kinds) == set(OVERLAP_KINDS)
    np.testing.assert_array_equal(res.overlap_by_age_kinds["weighted"], res.overlap_by_age)
    for b in res.overlap_by_age_kinds.values():
        assert np.all(np.isnan(b) == np.isnan(res.overlap_by_age))
        assert np.all(np.abs(b[np.isfinite(b)]) <= 1 + 1e-12)
    assert res.presented_classes.shape == res.presented_fonts.shape == (24,)
    # window 2: block c shows classes c - 1 and c only
    blocks = res.presented_classes.reshape(3, 8)
    for c in range(3):
        assert set(blocks[c]) <= {max(0, c - 1), c}
    assert np.all(res.presented_fonts < len(res.fonts))


def test_cycles_show_the_letters_of_the_window_equally_often():
    res = online_typefaces(4, 9, size=10, code_length=16, window=3, record_every=9, rng=1)
    assert res.parameters["order"] == "cycles"
    blocks = res.presented_classes.reshape(4, 9)
    for c in range(4):
        shown = np.arange(max(0, c - 2), c + 1)
        for start in range(0, 9 - shown.size + 1, shown.size):   # every full cycle
            np.testing.assert_array_equal(np.sort(blocks[c, start:start + shown.size]), shown)
    rnd = online_typefaces(4, 9, size=10, code_length=16, window=3, record_every=9,
                           order="random", rng=1)
    assert set(rnd.presented_classes.reshape(4, 9)[3]) <= {1, 2, 3}
    with pytest.raises(ValueError, match="order"):
        online_typefaces(2, 2, size=10, order="shuffled")


def test_font_cycles_show_every_font_of_a_letter_equally_often():
    """font_order="cycles" (default): each letter runs through its own cycles over the
    training fonts, so after n presentations of a letter every font has been shown
    floor(n/F) or ceil(n/F) times; "random" draws independently (and is unbalanced)."""
    res = online_typefaces(3, 40, size=10, code_length=16, record_every=40, rng=3)
    assert res.parameters["font_order"] == "cycles"
    n_fonts = len(res.fonts)
    for k in range(3):
        fonts = res.presented_fonts[res.presented_classes == k]
        counts = np.bincount(fonts, minlength=n_fonts)
        assert counts.max() - counts.min() <= 1, counts
        for start in range(0, fonts.size - n_fonts + 1, n_fonts):   # every full cycle
            np.testing.assert_array_equal(np.sort(fonts[start:start + n_fonts]),
                                          np.arange(n_fonts))
    rnd = online_typefaces(3, 40, size=10, code_length=16, record_every=40,
                           font_order="random", rng=3)
    counts = np.bincount(rnd.presented_fonts[rnd.presented_classes == 0], minlength=n_fonts)
    assert counts.max() - counts.min() > 1
    # same seed, same sequence
    again = online_typefaces(3, 40, size=10, code_length=16, record_every=40, rng=3)
    np.testing.assert_array_equal(again.presented_fonts, res.presented_fonts)
    with pytest.raises(ValueError, match="font_order"):
        online_typefaces(2, 2, size=10, font_order="balanced")


def test_class_mean_reference_kinds_agree_on_the_sign_of_the_mean():
    """All definitions give 1 for s = sign(mu) where mu has no ties (the blur-code case
    without an even split)."""
    mu = np.array([[0.2, -0.6, 0.9], [-0.1, 0.3, -1.0]])
    s = np.sign(mu)
    for kind in OVERLAP_KINDS:
        ref, norm = class_mean_reference(mu, kind)
        np.testing.assert_allclose(np.einsum("kn,kn->k", s, ref) / norm, 1.0)


# ---------------------------------------------------------------- the acceptance point
def _window_pairs(res, kind="weighted", window=2):
    b = res.overlap_by_age_kinds[kind]
    return np.concatenate([b[:, a][a:] for a in range(window)])


def test_typefaces_small_run_holds_the_window_letters_and_forgets():
    """A, B, C × 125 presentations (window 2, defaults otherwise), seed 0.

    The acceptance of issue 17 in small: the attractor from each class mean of the two
    letters being shown overlaps it (``weighted``) at the end of every block (5 (class,
    age) pairs). With the fonts of each letter in balanced cycles (``font_order``
    default) 0.947-1.000 on seed 0, 30 of 30 >= 0.9 over seeds 0-5 (min 0.945); with the
    previous ``font_order="random"`` 0.887-0.993 on seed 0 (B at age 1: 0.887), 29 of 30
    over seeds 0-5. Asserted for seed 0: every pair >= 0.9 (fails with
    ``font_order="random"``), and the earlier bounds (at least 4 of 5 >= 0.9, none below
    0.85). A, one block after it left the window, is no longer retrieved: measured
    0.49-0.52 over seeds 0-5 (seed 0: 0.522; previous 0.35-0.55), asserted < 0.7, far
    below the 0.95-1.0 of the letters being shown.
    """
    res = online_typefaces(3, 125, rng=0)
    young = _window_pairs(res)
    assert young.size == 5
    assert np.sum(young >= 0.9) >= 4 and young.min() >= 0.85, young
    assert np.all(young >= 0.9), young
    assert res.overlap_by_age[2, 2] < 0.7


def _acceptance_numbers(**kwargs):
    """Window pairs, old pairs and the held-out readout of seeds 0-2 (8 letters × 125)."""
    young, old, ok, chance = [], [], [], []
    for seed in range(3):
        res = online_typefaces(rng=seed, **kwargs)
        young.extend(_window_pairs(res))
        o = res.overlap_by_age[:, 2:]
        old.extend(o[np.isfinite(o)])
        rc = res.recent_correct
        for c in range(rc.shape[0]):
            row = rc[c][np.isfinite(rc[c])]
            ok.extend(row)
            chance.extend([1.0 / row.size] * row.size)
    return np.asarray(young), np.asarray(old), np.asarray(ok), float(np.mean(chance))


@pytest.mark.slow
def test_typefaces_defaults_every_window_letter_with_balanced_fonts():
    """docs/attractor.md: defaults (8 letters × 125, window 2 in balanced cycles, the
    fonts of each letter in balanced cycles, L = 512 orthogonal name spins, a = 0.02,
    H0 = 0.8), seeds 0-2.

    Measured: every (class, age <= 1) pair at the end of every block overlaps its class
    mean by >= 0.9 (``weighted``): 300 of 300 over seeds 0-19 (min 0.959), 45 of 45 here;
    with ``font_order="random"`` 44 of 45 (295 of 300 over seeds 0-19, min 0.858). Ages
    >= 2: 0/420 >= 0.9 over seeds 0-19 (max 0.813). Held-out Computer Modern Roman among
    the last 2 letters: 300 of 300 (chance 0.533). Asserted: all 45 >= 0.9; ages >= 2
    below 0.5 on average and none >= 0.9; held-out above chance by more than 3 binomial
    standard errors of chance.
    """
    young, old, ok, p0 = _acceptance_numbers()
    assert young.size == 45
    assert np.all(young >= 0.9), np.sort(young)[:5]
    assert old.mean() < 0.5 and np.all(old < 0.9)
    assert np.mean(ok) > p0 + 3 * np.sqrt(p0 * (1 - p0) / ok.size)


@pytest.mark.slow
def test_typefaces_defaults_acceptance_every_window_letter():
    """docs/attractor.md: the previous defaults (8 letters × 125 = 1000 presentations,
    window 2 in balanced cycles, L = 512 orthogonal name spins, a = 0.02, H0 = 0.8, fonts
    drawn independently at random: ``font_order="random"``, pinned since the default
    changed), seeds 0-2.

    Measured: (class, age <= 1) pairs at the end of every block overlap their class mean
    by >= 0.9 (``weighted``) for 44 of 45 (min 0.879: B at age 1, seed 0; over seeds 0-9
    148 of 150, every pair in 8 of 10 seeds, min 0.879). Asserted: at least 44 of 45 and
    none below 0.85 (the failures are within-class: the sign of the decay-weighted mean
    of the B glyphs shown reaches 0.944); classes out of the window (ages >= 2) below 0.5
    on average and none retrieved (>= 0.9); held-out Computer Modern Roman among the last
    2 letters above chance by more than 3 binomial standard errors of chance.
    """
    young, old, ok, p0 = _acceptance_numbers(font_order="random")
    assert young.size == 45
    assert np.sum(young >= 0.9) >= 44 and young.min() >= 0.85, np.sort(young)[:5]
    assert old.mean() < 0.5 and np.all(old < 0.9)
    assert np.mean(ok) > p0 + 3 * np.sqrt(p0 * (1 - p0) / ok.size)
