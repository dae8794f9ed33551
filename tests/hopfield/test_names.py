"""Pictures stored with their names: NamedMemory and the names experiments."""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.datasets import letters
from spinnet.experiments.names import completion_examples, names_images, names_random
from spinnet.hopfield import NamedMemory, decode_names
from spinnet.spins import flip, random_patterns


def test_single_pattern_completes_its_name_exactly_from_any_blank():
    """p = 1, Hebb: h_i = ζ_i (ζ·s - ζ_i s_i)/N; with the clean picture ζ·s >= N_pic - L > 1."""
    pic = random_patterns(1, 50, rng=0)
    mem = NamedMemory("hebbian", code_length=10).fit(pic, ["x"], rng=1)
    for seed in range(5):
        s = mem.complete(pic, rng=seed)
        np.testing.assert_array_equal(s[0, 50:], mem.codes_[0])
        np.testing.assert_array_equal(s[0, :50], pic[0])
    assert mem.predict(pic, blank="fixed").tolist() == ["x"]


def test_acceptance_random_pictures_alpha_005_noise_02():
    """α = 0.05 of N = N_pic + L = 600, 20 % picture noise: >= 95 % names (measured 100 %)."""
    npic, L = 500, 100
    p = round(0.05 * (npic + L))
    pics = random_patterns(p, npic, rng=3)
    for rule in ("hebbian", "pseudo_inverse"):
        mem = NamedMemory(rule, code_length=L).fit(pics, np.arange(p), rng=4)
        assert mem.load_ == pytest.approx(p / 600)
        acc = mem.score(flip(pics, 0.2, rng=5), np.arange(p), rng=6)
        assert acc >= 0.95, (rule, acc)


def test_pseudo_inverse_stores_composites_as_fixed_points_hebb_fails_on_letters():
    """Correlated pictures (letters): documented Hebb failure, pseudo-inverse success.

    Measured (size 16, L = 16, 10 % noise): Hebb 0.08 (chance 0.04), pseudo-inverse 1.0.
    """
    x = letters(size=16)
    y = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    pi = NamedMemory("pseudo_inverse", code_length=16).fit(x, y, rng=0)
    z = pi.network_.patterns_
    np.testing.assert_array_equal(pi.relax(z, rng=1), z)
    hebb = NamedMemory("hebbian", code_length=16).fit(x, y, rng=0)
    probes = flip(x, 0.1, rng=2)
    assert pi.score(probes, y, rng=3) >= 0.9
    assert hebb.score(probes, y, rng=3) <= 0.3


def test_blanks_are_spins_random_differs_per_probe_fixed_is_the_stored_blank():
    pics = random_patterns(4, 30, rng=0)
    mem = NamedMemory(code_length=12).fit(pics, [0, 1, 2, 3], rng=1)
    r = mem.probes(pics, rng=2)
    assert set(np.unique(r).tolist()) == {-1, 1}
    np.testing.assert_array_equal(r[:, :30], pics)
    assert len({row.tobytes() for row in r[:, 30:]}) > 1
    f = mem.probes(pics, blank="fixed")
    assert np.all(f[:, 30:] == mem.blank_code_)


def test_clamped_picture_is_held_and_the_name_part_is_a_fixed_point():
    pics = random_patterns(6, 80, rng=0)
    mem = NamedMemory(code_length=20).fit(pics, np.arange(6), rng=1)
    probes = flip(pics, 0.3, rng=2)
    s = mem.complete(probes, clamp_picture=True, rng=3)
    np.testing.assert_array_equal(s[:, :80], probes)
    h = s.astype(float) @ mem.network_.couplings_
    assert np.all(s[:, 80:] * h[:, 80:] >= -1e-12)


def test_decode_names_nearest_code_and_ties_to_the_lowest_index():
    codes = np.array([[1, 1, 1, 1], [1, 1, -1, -1], [-1, -1, -1, -1]], dtype=np.int8)
    assert decode_names([[1, 1, 1, -1], [-1, -1, -1, 1], [1, 1, 1, 1]], codes).tolist() == \
        [0, 2, 0]
    # [1, 1, -1, 1] has overlap 2 with codes 0 and 1: the lowest index wins
    assert int(decode_names([1, 1, -1, 1], codes)) == 0


def test_same_seed_same_results():
    pics = random_patterns(10, 60, rng=0)
    probes = flip(pics, 0.2, rng=1)
    a = NamedMemory(code_length=20).fit(pics, np.arange(10), rng=5)
    b = NamedMemory(code_length=20).fit(pics, np.arange(10), rng=5)
    np.testing.assert_array_equal(a.codes_, b.codes_)
    np.testing.assert_array_equal(a.complete(probes, rng=7), b.complete(probes, rng=7))
    kw = dict(alphas=[0.05, 0.1], noises=[0.2], trials=2)
    assert names_random(60, 20, rng=9, **kw) == names_random(60, 20, rng=9, **kw)


def test_names_random_rows():
    rows = names_random(100, 20, [0.05, 0.2], [0.0, 0.3], ["hebbian"], trials=2, rng=0)
    assert [(r["alpha"], r["noise"]) for r in rows] == [(0.05, 0.0), (0.05, 0.3),
                                                         (0.2, 0.0), (0.2, 0.3)]
    assert rows[0]["p"] == 6 and rows[0]["n"] == 12
    for r in rows:
        assert 0 <= r["accuracy"] <= 1 and r["chance"] == 1 / r["p"]


def test_names_images_letters_and_examples():
    rows, info = names_images("letters", ["pseudo_inverse"], [0.0, 0.2], trials=1, rng=0)
    assert info["shape"] == (16, 16)
    assert [r["split"] for r in rows] == ["stored", "stored"]
    assert rows[0]["accuracy"] == 1.0 and rows[0]["n_stored"] == 26
    ex = completion_examples("letters", n_examples=3, rng=0)
    assert ex["probes"].shape == ex["completed"].shape == (3, 256 + 16)
    np.testing.assert_array_equal(ex["true"], ex["predicted"])


def test_names_images_digits_has_an_unseen_split():
    rows, _ = names_images("digits", ["pseudo_inverse"], [0.0], trials=1, n_test=50, rng=0)
    assert [r["split"] for r in rows] == ["stored", "unseen"]
    assert rows[1]["n"] == 50 and rows[0]["n_stored"] == 20


def test_bad_input():
    pics = random_patterns(3, 20, rng=0)
    with pytest.raises(ValueError, match="labels"):
        NamedMemory().fit(pics, [0, 1])
    with pytest.raises(ValueError, match="pictures"):
        NamedMemory().fit(np.zeros((3, 20)), [0, 1, 2])
    with pytest.raises(ValueError, match="rule"):
        NamedMemory("oja")
    with pytest.raises(ValueError, match="blank"):
        NamedMemory(blank="zeros")
    with pytest.raises(ValueError, match="code_length"):
        NamedMemory(code_length=0)
    with pytest.raises(ValueError, match="not fitted"):
        NamedMemory().predict(pics)
    mem = NamedMemory(code_length=5).fit(pics, [0, 1, 2], rng=0)
    with pytest.raises(ValueError, match="pictures"):
        mem.predict(random_patterns(1, 21, rng=0))
    with pytest.raises(TypeError, match="clamp_picture"):
        mem.complete(pics, clamp_picture=1)
    with pytest.raises(ValueError, match="labels"):
        mem.score(pics, [0, 1])
    with pytest.raises(ValueError, match="noises"):
        names_random(20, 5, [0.1], [0.5], trials=1)
    with pytest.raises(ValueError, match="alphas"):
        names_random(20, 5, [0.0], [0.1], trials=1)
    with pytest.raises(ValueError, match="rules"):
        names_random(20, 5, [0.1], [0.1], ["oja"], trials=1)
    with pytest.raises(ValueError, match="data"):
        names_images("cifar")


def test_save_load_round_trip(tmp_path):
    x = letters("ABC", size=8)
    mem = NamedMemory("pseudo_inverse", code_length=6, blank="fixed").fit(x, ["A", "B", "C"],
                                                                          rng=0)
    mem.save(tmp_path / "m")
    back = NamedMemory.load(tmp_path / "m")
    for attr in ("codes_", "blank_code_", "classes_"):
        np.testing.assert_array_equal(getattr(back, attr), getattr(mem, attr))
    np.testing.assert_array_equal(back.network_.couplings_, mem.network_.couplings_)
    assert back.blank == "fixed" and back.n_picture_ == 64
    probes = flip(x, 0.1, rng=1)
    np.testing.assert_array_equal(back.predict(probes, rng=2), mem.predict(probes, rng=2))
    with pytest.raises(ValueError, match="not fitted"):
        NamedMemory().save(tmp_path / "n")
