"""Bad input to ``spinnet van ...``: exit 2 naming the option, no traceback."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from tests.cli._bad_input import assert_bad_input

FE = ["van", "free-energy", "--L", "2", "--steps", "1", "--samples", "10"]


@pytest.mark.parametrize("extra, option", [
    (["--model", "potts"], "--model"),
    (["--T", "0"], "--T"),
    (["--T", "-1.5"], "--T"),
    (["--T", "abc"], "--T"),
    (["--batch-size", "1"], "--batch-size"),
    (["--model", "sk", "--net", "pixelcnn"], "--net"),
    (["--model", "baxter-wu", "--L", "4"], "--L"),
    (["--beta-anneal", "1"], "--beta-anneal"),
    (["--steps", "-1"], "--steps"),
    (["--lr", "0"], "--lr"),
    (["--depth", "0"], "--depth"),
    (["--samples", "1"], "--samples"),
    (["--seed", "-1"], "--seed"),
], ids=lambda v: "_".join(v) if isinstance(v, list) else v)
def test_free_energy_bad_input(extra, option, tmp_path):
    assert_bad_input([*FE, *extra, "--out", str(tmp_path / "o")], option, tmp_path)


def test_free_energy_refuses_a_helical_kernel_wider_than_the_lattice(tmp_path):
    # K >= L would let the helical window reach the current and later sites
    assert_bad_input(["van", "free-energy", "--L", "3", "--net", "pixelcnn", "--half-kernel",
                      "3", "--steps", "1", "--samples", "10", "--out", str(tmp_path / "o")],
                     "--half-kernel", tmp_path)


def test_sample_bad_input(tmp_path):
    assert_bad_input(["van", "sample", "--from", str(tmp_path / "nothing"), "--out",
                      str(tmp_path / "o")], "--from", tmp_path)
    (tmp_path / "empty").mkdir()
    assert_bad_input(["van", "sample", "--from", str(tmp_path / "empty"), "--out",
                      str(tmp_path / "o")], "--from", tmp_path)
    assert_bad_input(["van", "sample", "--from", str(tmp_path / "empty"), "--samples", "0"],
                     "--samples", tmp_path)


def test_train_bad_input(tmp_path):
    bits = tmp_path / "bits.npy"
    np.save(bits, np.random.default_rng(0).integers(0, 2, size=(20, 9)))
    out = ["--out", str(tmp_path / "o")]
    out_msg = assert_bad_input(["van", "train", "--data", str(bits), *out], "--data", tmp_path)
    assert "-1 and +1" in out_msg
    assert_bad_input(["van", "train", "--data", "nonsense", *out], "--data", tmp_path)
    assert_bad_input(["van", "train", "--data", "mnist", "--data-dir",
                      str(tmp_path / "none"), *out], "--data-dir", tmp_path)
    assert_bad_input(["van", "train", "--epochs", "0", *out], "--epochs", tmp_path)
    assert_bad_input(["van", "train", "--batch-size", "0", *out], "--batch-size", tmp_path)
    assert_bad_input(["van", "train", "--lr", "-1", *out], "--lr", tmp_path)
