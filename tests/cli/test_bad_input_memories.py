"""Bad input to ``hopfield hetero`` and ``hopfield sequence``: exit 2, option named."""

from __future__ import annotations

import pytest
from tests.cli._bad_input import assert_bad_input

HETERO = ["hopfield", "hetero"]
SEQUENCE = ["hopfield", "sequence"]


@pytest.mark.parametrize("extra, option", [
    (["--N", "64,64", "--M", "64"], "--M"),  # mismatched layer lists
    (["--N", "1"], "--N"),
    (["--M", "abc", "--N", "64"], "--M"),
    (["--p", "0"], "--p"),
    (["--p", "3:1:4"], "--p"),
    (["--noise", "0.5"], "--noise"),
    (["--noise", "nan"], "--noise"),
    (["--trials", "1"], "--trials"),
    (["--seed", "-1"], "--seed"),
])
def test_hetero_bad_input(extra, option, tmp_path):
    assert_bad_input([*HETERO, *extra, "--out", str(tmp_path / "o")], option, tmp_path)


@pytest.mark.parametrize("extra, option", [
    (["--tau", "0"], "--tau"),
    (["--tau", "-2"], "--tau"),
    (["--p", "1"], "--p"),  # a sequence needs two patterns
    (["--p", "0"], "--p"),  # empty sequence
    (["--lam", "0"], "--lam"),
    (["--lam", "inf"], "--lam"),
    (["--alpha", "0.2,0.3"], "--alpha"),
    (["--alpha", "-0.1,0.2,0.3"], "--alpha"),
    (["--N", "10"], "--N"),
    (["--sweeps", "0"], "--sweeps"),
    (["--threshold", "1"], "--threshold"),
    (["--trials", "1"], "--trials"),
])
def test_sequence_bad_input(extra, option, tmp_path):
    assert_bad_input([*SEQUENCE, *extra, "--out", str(tmp_path / "o")], option, tmp_path)


def test_out_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    assert_bad_input([*HETERO, "--out", str(f)], "--out", tmp_path)
