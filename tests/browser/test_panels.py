"""The page: four panels behind a tab bar, each with its caption and theory line."""

from __future__ import annotations

import pytest
from tests.browser._lab import read_value, wait_value

PANELS = {
    "memory": ["α_c ≈ 0.138", "α = p/N"],
    "rbm": ["SML", "CD", "PL", "RM", "Free energy"],
    "ising": ["2.269", "Yang", "Onsager"],
    "phase": ["T_M", "T_c", "T_g", "T_R", "1 + √α"],
}


def test_tab_bar_opens_each_panel(lab):
    page = lab.open()
    assert page.get_by_test_id("panel-memory").is_visible()  # the default panel
    for name, phrases in PANELS.items():
        page.get_by_test_id(f"nav-{name}").click()
        panel = page.get_by_test_id(f"panel-{name}")
        assert panel.is_visible()
        for other in PANELS:
            if other != name:
                assert not page.get_by_test_id(f"panel-{other}").is_visible()
        assert f"panel={name}" in page.url
        text = panel.inner_text().replace("\n", " ")
        for phrase in phrases:
            # <sub> renders inline: "α_c" appears as "αc" in the text.
            assert phrase.replace("_", "") in text, f"{name}: {phrase!r} missing"
    # Theory read-outs filled in from the server.
    page.get_by_test_id("nav-ising").click()
    assert wait_value(page, "ising-tc") == pytest.approx(2.269185, abs=1e-6)
    page.get_by_test_id("nav-memory").click()
    assert read_value(page, "memory-load") == 0.0
    assert read_value(page, "memory-N") == 1024


def test_contract_test_ids_exist(lab):
    page = lab.open()
    ids = """panel-memory panel-rbm panel-ising panel-phase memory-canvas tool-pencil
        tool-brush tool-noise tool-eraser memory-store memory-corrupt memory-recall
        memory-energy memory-overlap memory-load rbm-principle rbm-train rbm-filters
        rbm-free-energy rbm-reconstruct rbm-classify rbm-sample-start rbm-sample-stop
        rbm-reset ising-canvas ising-temperature ising-energy ising-magnetization
        phase-plane phase-overlap""".split()
    for testid in ids:
        assert page.get_by_test_id(testid).count() == 1, testid
    options = page.get_by_test_id("rbm-principle").locator("option").all_inner_texts()
    assert options == ["SML", "CD", "PL", "RM"]
    for testid in ("memory-energy", "memory-overlap", "memory-load", "ising-energy",
                   "ising-magnetization", "phase-overlap", "rbm-accuracy"):
        assert page.get_by_test_id(testid).get_attribute("data-value") is not None, testid


@pytest.mark.parametrize(("hash_", "expected"), [
    ("panel=memory&h=20&w=16&rule=storkey&dynamics=glauber&T=0.3&seed=9",
     {"memory-height": "20", "memory-width": "16", "memory-rule": "storkey",
      "memory-dynamics": "glauber", "memory-T": "0.3", "memory-seed": "9"}),
    ("panel=rbm&data=digits&hidden=50&principle=PL&lr=0.02&k=3&seed=4",
     {"rbm-hidden": "50", "rbm-principle": "PL", "rbm-lr": "0.02", "rbm-k": "3",
      "rbm-seed": "4"}),
    ("panel=phase&alpha=0.1&T=0.5&N=500&sweeps=80&seed=3",
     {"phase-alpha": "0.1", "phase-T": "0.5", "phase-N": "500", "phase-sweeps": "80",
      "phase-seed": "3"}),
    # Values an input cannot take are ignored (defaults stay).
    ("panel=rbm&principle=XYZ&hidden=abc", {"rbm-principle": "SML", "rbm-hidden": "64"}),
])
def test_hash_restores_each_panel(lab, hash_, expected):
    page = lab.open(hash_)
    panel = hash_.split("&")[0].split("=")[1]
    assert page.get_by_test_id(f"panel-{panel}").is_visible()
    for testid, value in expected.items():
        assert page.get_by_test_id(testid).input_value() == value, testid
    if panel == "memory":
        assert wait_value(page, "memory-N", "v === 320") == 320
        assert read_value(page, "memory-T-value") == pytest.approx(0.3)
