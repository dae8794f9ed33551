"""Bad-input corpus for ``hopfield dynamics`` and ``theory fi``: exit 2, option named."""

from __future__ import annotations

import pytest
from tests.cli._bad_input import assert_bad_input

CASES = [
    (["hopfield", "dynamics", "--alpha", "0"], "--alpha"),
    (["hopfield", "dynamics", "--alpha", "nan"], "--alpha"),
    (["hopfield", "dynamics", "--alpha", "0.2:0.1:3"], "--alpha"),
    (["hopfield", "dynamics", "--alpha", "0.1,0.1"], "--alpha"),
    (["hopfield", "dynamics", "--m0", "1.5"], "--m0"),
    (["hopfield", "dynamics", "--m0", "-0.1"], "--m0"),
    (["hopfield", "dynamics", "--m0", "x"], "--m0"),
    (["hopfield", "dynamics", "--updates", "sequential", "--m0", "1"], "--m0"),
    (["hopfield", "dynamics", "--updates", "little"], "--updates"),
    (["hopfield", "dynamics", "--N", "50"], "--N"),
    (["hopfield", "dynamics", "--N", "abc"], "--N"),
    (["hopfield", "dynamics", "--N", "100000", "--alpha", "0.2"], "--N"),
    (["hopfield", "dynamics", "--trials", "1"], "--trials"),
    (["hopfield", "dynamics", "--samples", "0"], "--samples"),
    (["hopfield", "dynamics", "--sweeps", "0"], "--sweeps"),
    (["hopfield", "dynamics", "--T", "0.5"], "--T"),  # synchronous theory is T = 0
    (["hopfield", "dynamics", "--updates", "sequential", "--T", "-1"], "--T"),
    (["hopfield", "dynamics", "--updates", "sequential", "--T", "inf"], "--T"),
    (["hopfield", "dynamics", "--seed", "-1"], "--seed"),
    (["theory", "fi", "--alpha", "0.2"], "--alpha"),
    (["theory", "fi", "--alpha", "-0.01"], "--alpha"),
    (["theory", "fi", "--alpha", "0.01,0.01"], "--alpha"),
]


@pytest.mark.parametrize("args, option", CASES)
def test_bad_input(args, option, tmp_path):
    assert_bad_input([*args, "--out", str(tmp_path / "out")], option, tmp_path)
