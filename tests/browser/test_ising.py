"""Ising panel: the slider through T_c, theory read-outs, the URL hash, two tabs."""

from __future__ import annotations

import math

import pytest
from tests.browser._lab import read_value, screenshot, wait_value

T_ONSAGER = 2 / math.log(1 + math.sqrt(2))


def yang_m(T: float) -> float:
    return (1 - math.sinh(2 / T) ** -4) ** 0.125 if T < T_ONSAGER else 0.0


def test_slider_orders_and_disorders_the_lattice(lab, tmp_path):
    page = lab.open("panel=ising&L=64&T=1.5&algorithm=metropolis&start=up&seed=1")
    assert page.get_by_test_id("ising-temperature").input_value() == "1.5"
    # T_c marked on the slider, theory at the current T (Yang, Onsager).
    assert wait_value(page, "ising-tc") == pytest.approx(T_ONSAGER, rel=1e-9)
    assert wait_value(page, "ising-magnetization-theory") == pytest.approx(yang_m(1.5), rel=1e-6)
    page.get_by_test_id("ising-start").click()
    wait_value(page, "ising-sweep", "v >= 30")
    m_low = read_value(page, "ising-magnetization")
    assert m_low > 0.9
    page.get_by_test_id("ising-temperature").fill("3.5")
    assert wait_value(page, "ising-T") == pytest.approx(3.5)
    assert wait_value(page, "ising-magnetization-theory", "v === 0") == 0.0
    m_high = wait_value(page, "ising-magnetization", "v < 0.2")
    assert m_high < 0.2
    assert "T=3.5" in page.url
    points = int(page.get_by_test_id("ising-magnetization-trace").get_attribute("data-points"))
    assert points > 10
    screenshot(page, "ising", tmp_path)
    # The algorithm changes on the running chain (no restart: the sweep count goes on).
    sweep = read_value(page, "ising-sweep")
    page.get_by_test_id("ising-algorithm").select_option("heat_bath")
    assert "algorithm=heat_bath" in page.url
    wait_value(page, "ising-sweep", f"v > {sweep + 10}")
    assert read_value(page, "ising-magnetization") < 0.2
    page.get_by_test_id("ising-stop").click()


def test_hash_restores_the_experiment(lab):
    page = lab.open("panel=ising&L=48&T=2.8&algorithm=wolff&Jh=1&Jv=0.5&Jd=0&seed=7")
    assert page.get_by_test_id("panel-ising").is_visible()
    assert page.get_by_test_id("ising-L").input_value() == "48"
    assert page.get_by_test_id("ising-algorithm").input_value() == "wolff"
    assert page.get_by_test_id("ising-Jv").input_value() == "0.5"
    assert page.get_by_test_id("ising-seed").input_value() == "7"
    # Anisotropic couplings: Onsager's sinh 2K_h sinh 2K_v = 1 (no closed e(T) shown).
    tc = wait_value(page, "ising-tc")
    assert math.sinh(2 / tc) * math.sinh(1 / tc) == pytest.approx(1.0, rel=1e-6)
    assert read_value(page, "ising-energy-theory") is None
    page.get_by_test_id("ising-L").fill("40")
    page.get_by_test_id("ising-L").dispatch_event("change")
    assert "L=40" in page.url
    # A shared link opens the same state in another tab.
    other = page.context.new_page()
    other.goto(page.url)
    other.wait_for_selector("section.panel:not([hidden])")
    assert other.get_by_test_id("ising-L").input_value() == "40"
    assert other.get_by_test_id("ising-algorithm").input_value() == "wolff"


def test_two_tabs_run_independently(lab):
    cold = lab.open("panel=ising&L=32&T=1.5&algorithm=metropolis&start=up&seed=1")
    hot = lab.open("panel=ising&L=32&T=4.0&algorithm=metropolis&start=up&seed=2")
    cold.get_by_test_id("ising-start").click()
    hot.get_by_test_id("ising-start").click()
    wait_value(hot, "ising-magnetization", "v < 0.3")
    wait_value(cold, "ising-sweep", "v >= 20")
    assert read_value(cold, "ising-magnetization") > 0.9
    # Stopping one tab leaves the other running.
    cold.get_by_test_id("ising-stop").click()
    cold.wait_for_timeout(300)
    frozen = read_value(cold, "ising-sweep")
    before = read_value(hot, "ising-sweep")
    wait_value(hot, "ising-sweep", f"v > {before + 20}")
    assert read_value(cold, "ising-sweep") == frozen
    hot.get_by_test_id("ising-stop").click()
