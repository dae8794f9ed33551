"""The claims registry, the judge, resumption and the report of ``spinnet reproduce``."""

from __future__ import annotations

import csv
import math
import re

import numpy as np
import pytest

from spinnet.reproduce import (
    Claim,
    Measurement,
    Tolerance,
    claims,
    get_claim,
    run_claims,
    select_claims,
    summary,
    topics,
    write_report,
)
from spinnet.reproduce import core as reproduce_core
from spinnet.reproduce.runner import CSV_COLUMNS, claim_task, judge


# ----------------------------------------------------------------------------- tolerances
@pytest.mark.parametrize(("kind", "value", "m", "merr", "r", "rerr", "dev", "ok"), [
    ("sigma", 3, 1.029, 0.01, 1.0, 0.0, 2.9, True),
    ("sigma", 3, 1.05, 0.01, 1.0, 0.0, 5.0, False),
    ("sigma", 2, 1.0, 0.03, 1.04, 0.04, -0.8, True),
    ("relative", 0.01, 2.01, 0, 2.0, 0, 0.005, True),
    ("relative", 0.01, 2.03, 0, 2.0, 0, 0.015, False),
    ("absolute", 0.1, 0.95, 0, 1.0, 0, -0.05, True),
    ("at_most", 0.0, 0.75, 0, 0.75, 0, 0.0, True),
    ("at_most", 0.0, 0.76, 0, 0.75, 0, 0.01, False),
    ("at_least", 0.0, 2.1, 0, 2.0, 0, 0.1, True),
    ("at_least", 0.0, 1.9, 0, 2.0, 0, -0.1, False),
])
def test_tolerance_rules(kind, value, m, merr, r, rerr, dev, ok):
    d, passed = Tolerance(kind, value).check(m, merr, r, rerr)
    assert passed is ok
    assert d == pytest.approx(dev)


def test_tolerance_rejects_bad_values_and_nan_measurements():
    with pytest.raises(ValueError, match="kind"):
        Tolerance("roughly", 1)
    with pytest.raises(ValueError, match="value"):
        Tolerance("sigma", -1)
    assert Tolerance("absolute", 1.0).check(float("nan"), 0, 0, 0)[1] is False
    # No error bars at all: only exact equality passes a sigma rule.
    assert Tolerance("sigma", 3).check(1.0, 0, 1.0, 0)[1] is True
    assert Tolerance("sigma", 3).check(1.1, 0, 1.0, 0)[1] is False


# ----------------------------------------------------------------------------- registry
def test_registry_is_well_formed():
    everything = claims()
    assert len(everything) >= 14
    ids = [c.id for c in everything]
    assert len(ids) == len(set(ids))
    for c in everything:
        assert c.statement.strip() and c.source.strip()
        assert math.isfinite(c.reference) and c.reference_err >= 0
    assert {"hopfield", "ising", "neurons", "modern", "boltzmann"} <= set(topics())
    assert get_claim("ising.tc-square").reference == pytest.approx(2.269185314213022)
    with pytest.raises(KeyError, match="no claim"):
        get_claim("nope")


def test_claim_validation_names_the_field():
    def m(preset, rng):
        return Measurement(1.0)

    with pytest.raises(ValueError, match="id"):
        Claim("bad id", "t", "s", 1.0, 0.0, "src", Tolerance("sigma", 1), m)
    with pytest.raises(ValueError, match="source"):
        Claim("x.y", "t", "s", 1.0, 0.0, " ", Tolerance("sigma", 1), m)
    with pytest.raises(ValueError, match="reference_err"):
        Claim("x.y", "t", "s", 1.0, -1.0, "src", Tolerance("sigma", 1), m)
    with pytest.raises(ValueError, match="presets"):
        Claim("x.y", "t", "s", 1.0, 0.0, "src", Tolerance("sigma", 1), m, presets=("huge",))
    c = Claim("x.y", "t", "s", 1.0, 0.0, "src", Tolerance("sigma", 1), m)
    reproduce_core.register(c)
    try:
        with pytest.raises(ValueError, match="already registered"):
            reproduce_core.register(Claim("x.y", "t", "s", 1.0, 0.0, "src",
                                          Tolerance("sigma", 1), m))
    finally:
        reproduce_core._REGISTRY.pop("x.y")


def test_select_claims_by_topic_and_id():
    assert {c.topic for c in select_claims(["ising"])} == {"ising"}
    assert [c.id for c in select_claims("neurons.xor-single-unit")] == ["neurons.xor-single-unit"]
    with pytest.raises(ValueError, match="neither a topic nor a claim id"):
        select_claims(["magnets"])


# ----------------------------------------------------------------------------- judging
def _fake_claim(measure, **kw):
    return Claim("fake.claim", "fake", "A fake claim.", 1.0, 0.0, "nowhere",
                 Tolerance("absolute", 0.1), measure, **kw)


def test_a_failing_or_raising_measurement_is_reported_as_failing(monkeypatch):
    def wrong(preset, rng):
        return Measurement(2.0, 0.0, "off by one")

    def broken(preset, rng):
        raise RuntimeError("kaboom")

    for measure, detail in ((wrong, "off by one"), (broken, "kaboom")):
        claim = _fake_claim(measure)
        monkeypatch.setitem(reproduce_core._REGISTRY, claim.id, claim)
        res = claim_task({"claim": claim.id, "preset": "smoke"}, np.random.default_rng(0))
        row = judge(claim, res, "smoke")
        assert row["status"] == "fail"
        assert detail in row["details"]


def test_not_run_says_why(monkeypatch):
    claim = _fake_claim(lambda p, r: Measurement(1.0), presets=("full",))
    row = judge(claim, None, "smoke")
    assert row["status"] == "not-run" and "full" in row["details"]
    claim = _fake_claim(lambda p, r: Measurement(1.0), presets=("quick", "full"),
                        cost="an hour of training")
    row = judge(claim, None, "smoke")
    assert row["status"] == "not-run"
    assert row["details"] == ("not measured at preset smoke (runs at quick, full: an hour of "
                              "training)")
    claim = _fake_claim(lambda p, r: Measurement(1.0), requires=("no_such_module_xyz",))
    row = judge(claim, None, "smoke")
    assert row["status"] == "not-run" and "no_such_module_xyz" in row["details"]


def test_summary_line():
    rows = [{"status": s} for s in ("pass", "pass", "fail", "not-run")]
    assert summary(rows, "quick") == ("2 of 4 claims reproduced at preset quick "
                                      "(1 failing, 1 not run)")


# ----------------------------------------------------------------------------- running
def test_same_seed_same_numbers_and_resume_skips_finished_claims(tmp_path, monkeypatch):
    calls = []

    def counted(preset, rng):
        calls.append(preset)
        return Measurement(float(rng.random()), 0.01)

    claim = Claim("fake.counted", "fake", "Counted.", 0.5, 0.0, "nowhere",
                  Tolerance("absolute", 1.0), counted)
    monkeypatch.setitem(reproduce_core._REGISTRY, claim.id, claim)
    some = ["fake.counted", "ising.tc-square", "ising.tc-triangular"]
    first = run_claims(tmp_path / "a", preset="smoke", only=some, seed=3)
    assert calls == ["smoke"]
    again = run_claims(tmp_path / "a", preset="smoke", only=some, seed=3)
    assert calls == ["smoke"], "a finished claim was measured again"
    assert [r["measured"] for r in again] == [r["measured"] for r in first]
    other = run_claims(tmp_path / "b", preset="smoke", only=["fake.counted"], seed=3)
    mine = next(r for r in first if r["id"] == "fake.counted")
    assert other[0]["measured"] == mine["measured"]
    assert len(calls) == 2


def test_smoke_claims_pass_and_report_is_complete(tmp_path):
    # The lectures' first claims (the whole registry at smoke is tests/reproduce/test_catalog_*).
    first = [c.id for c in claims()[:14]]
    assert first[0] == "hopfield.one-step.0.105" and first[-1] == "boltzmann.hopfield-is-grbm"
    rows = run_claims(tmp_path, preset="smoke", only=first, seed=0)
    assert all(r["status"] == "pass" for r in rows), [
        (r["id"], r["measured"], r["deviation"], r["details"]) for r in rows
        if r["status"] != "pass"]
    files = write_report(tmp_path, rows, "smoke", wall_s=1.0)
    with open(files["csv"], newline="") as fh:
        table = list(csv.DictReader(fh))
    assert tuple(table[0]) == CSV_COLUMNS
    assert len(table) == len(rows)
    for r in table:
        assert r["reference"] != "" and r["source"].strip() != ""
        assert r["status"] in {"pass", "fail", "not-run"}
    text = files["html"].read_text()
    assert f"{len(rows)} of {len(rows)} claims reproduced at preset smoke" in text
    assert "data:image/png;base64," in text
    # Self-contained: nothing is loaded from elsewhere.
    assert not re.search(r"""(src|href)=["'](https?:)?//""", text)
    assert files["html"].stat().st_size < 20 * 2**20
    md = files["md"].read_text()
    assert "## hopfield" in md and "hopfield.one-step.0.138" in md


def test_missing_data_is_not_run(monkeypatch):
    from spinnet.reproduce import runner

    claim = _fake_claim(lambda p, r: Measurement(1.0), requires=("mnist",))
    monkeypatch.setattr(runner, "_importable", lambda name: name != "mnist")
    row = judge(claim, None, "smoke")
    assert row["status"] == "not-run" and "spinnet data fetch mnist" in row["details"]


def test_failing_claim_is_visible_in_every_output(tmp_path, monkeypatch):
    claim = _fake_claim(lambda p, r: Measurement(5.0, 0.0, "way off"))
    monkeypatch.setitem(reproduce_core._REGISTRY, claim.id, claim)
    rows = run_claims(tmp_path, preset="smoke", only=["fake.claim"])
    files = write_report(tmp_path, rows, "smoke")
    assert "0 of 1 claims reproduced" in files["html"].read_text()
    assert 'class="fail"' in files["html"].read_text()
    assert "**FAIL**" in files["md"].read_text()
    assert "fail" in files["csv"].read_text()
