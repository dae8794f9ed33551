"""Bad input for ``spinnet modern threshold`` (--lam, --bound, --sampler): exit 2, option named."""

import pytest
from tests.cli._bad_input import assert_bad_input

BASE = ["modern", "threshold"]


@pytest.mark.parametrize(("args", "option"), [
    (["--lam", "0"], "--lam"),
    (["--lam", "0.5,x"], "--lam"),
    (["--lam", "0.5,0.5"], "--lam"),
    (["--lam", "nan"], "--lam"),
    (["--bound", "alpha2"], "--bound"),
    (["--sampler", "exact"], "--sampler"),
    (["--bound", "alphac", "--sampler", "overlaps"], "--sampler"),
    (["--bound", "alphac", "--N", "200"], "--N"),
    (["--sampler", "overlaps", "--lam", "10", "--N", "60"], "--N"),
    (["--N", "100"], "--N"),
    (["--probes", "0"], "--probes"),
    (["--points", "2"], "--points"),
    (["--ensemble", "binary"], "--ensemble"),
])
def test_bad_input(args, option, tmp_path):
    assert_bad_input([*BASE, *args, "--out", str(tmp_path / "o")], option, tmp_path)
