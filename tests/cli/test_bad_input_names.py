"""Bad input to ``spinnet hopfield names``: exit 2, the option named, no traceback."""

from __future__ import annotations

import pytest
from tests.cli._bad_input import assert_bad_input

CASES = [
    (["--data", "cifar"], "--data"),
    (["--rule", "oja"], "--rule"),
    (["--rule", "hebbian,"], "--rule"),
    (["--alpha", "0"], "--alpha"),
    (["--alpha", "0.1:0.05:3"], "--alpha"),
    (["--alpha", "nan"], "--alpha"),
    (["--noise", "0.5"], "--noise"),
    (["--noise", "-0.1"], "--noise"),
    (["--N", "1"], "--N"),
    (["--code-length", "0"], "--code-length"),
    (["--trials", "0"], "--trials"),
    (["--per-class", "0"], "--per-class"),
    (["--samples", "0"], "--samples"),
    (["--size", "4"], "--size"),
    (["--blank", "zeros"], "--blank"),
    (["--seed", "-1"], "--seed"),
]


@pytest.mark.parametrize("args, option", CASES)
def test_bad_input(tmp_path, args, option):
    assert_bad_input(["hopfield", "names", *args, "--out", str(tmp_path / "o")], option)


def test_missing_mnist_names_data_dir(tmp_path):
    assert_bad_input(["hopfield", "names", "--data", "mnist", "--data-dir",
                      str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")], "--data-dir")
