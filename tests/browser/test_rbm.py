"""RBM panel: training with each inductive principle, sampling, reconstruction, labels."""

from __future__ import annotations

import pytest
from tests.browser._lab import read_value, screenshot, wait_value

CANVAS_HASH = """(id) => {
    const c = document.querySelector(`[data-testid="${id}"]`);
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i]) >>> 0;
    return [c.width, c.height, h];
}"""


def updates(page, testid: str) -> int:
    return int(page.get_by_test_id(testid).get_attribute("data-updates"))


def points(page, testid: str) -> int:
    return int(page.get_by_test_id(testid).get_attribute("data-points"))


def test_each_principle_trains(lab):
    page = lab.open("panel=rbm&data=digits&hidden=36&lr=0.05&batch=20&epochs=200&seed=1")
    for principle in ("SML", "CD", "PL", "RM"):
        page.get_by_test_id("rbm-principle").select_option(principle)
        assert f"principle={principle}" in page.url
        page.get_by_test_id("rbm-train").click()
        # A new RBM is configured for the new principle, then it trains.
        page.get_by_test_id("rbm-message").filter(has_text="64×36 RBM").wait_for()
        before = page.evaluate(CANVAS_HASH, "rbm-filters")
        n0 = updates(page, "rbm-filters")
        page.wait_for_function(
            "(n) => Number(document.querySelector('[data-testid=rbm-filters]')"
            ".dataset.updates) >= n + 3 && Number(document.querySelector("
            "'[data-testid=rbm-free-energy]').dataset.points) >= 3", arg=n0, timeout=60_000)
        f_first = read_value(page, "rbm-fe-train")
        page.wait_for_function(
            "(f) => Number(document.querySelector('[data-testid=rbm-fe-train]')"
            ".dataset.value) !== f", arg=f_first, timeout=30_000)
        after = page.evaluate(CANVAS_HASH, "rbm-filters")
        assert after != before, f"{principle}: the filters did not change"
        assert after[:2] == [8 * 9 - 1, 5 * 9 - 1]  # 36 filters of 8×8 in an 8-column grid
        page.get_by_test_id("rbm-stop").click()
        page.get_by_test_id("rbm-message").filter(has_text="stopped").wait_for()
        assert read_value(page, "rbm-pseudo-likelihood") < 0


def test_sampling_reconstruction_and_classification(lab, tmp_path):
    page = lab.open("panel=rbm&data=digits&hidden=64&principle=CD&epochs=10&seed=2")
    page.get_by_test_id("rbm-train").click()
    page.get_by_test_id("rbm-message").filter(has_text="finished").wait_for(timeout=60_000)
    # Gibbs chains run while the canvas is used; they are stopped at the end.
    page.get_by_test_id("rbm-sample-start").click()
    page.wait_for_function("() => Number(document.querySelector("
                           "'[data-testid=rbm-samples]').dataset.updates) >= 5")
    # A test digit on the canvas, the four tools, reconstruction and label.
    page.get_by_test_id("rbm-example").click()
    page.wait_for_function(
        "() => { const c = document.querySelector('[data-testid=rbm-canvas]');"
        " const d = c.getContext('2d').getImageData(0, 0, 8, 8).data;"
        " for (let i = 0; i < d.length; i += 4) if (d[i] < 128) return true; return false; }")
    for tool in ("pencil", "brush", "noise", "eraser"):
        page.get_by_test_id(f"rbm-tool-{tool}").click()
        assert page.get_by_test_id(f"rbm-tool-{tool}").get_attribute("aria-pressed") == "true"
    page.get_by_test_id("rbm-tool-pencil").click()
    box = page.get_by_test_id("rbm-canvas").bounding_box()
    page.mouse.click(box["x"] + 2, box["y"] + 2)  # cell (0, 0)
    corner = page.evaluate("() => document.querySelector('[data-testid=rbm-canvas]')"
                           ".getContext('2d').getImageData(0, 0, 1, 1).data[0]")
    assert corner < 128
    blank = page.evaluate(CANVAS_HASH, "rbm-reconstruction")
    page.get_by_test_id("rbm-reconstruct").click()
    page.wait_for_function(f"() => ({CANVAS_HASH})('rbm-reconstruction')[2] !== {blank[2]}")
    page.get_by_test_id("rbm-classify").click()
    label = wait_value(page, "rbm-label")
    assert label in range(10)
    accuracy = wait_value(page, "rbm-accuracy")
    assert 0.6 < accuracy <= 1.0
    probs = page.get_by_test_id("rbm-probs").locator("div")
    assert probs.count() == 10
    total = sum(float(probs.nth(i).get_attribute("data-value")) for i in range(10))
    assert total == pytest.approx(1.0, abs=1e-6)
    screenshot(page, "rbm", tmp_path)
    page.get_by_test_id("rbm-sample-stop").click()
    page.wait_for_timeout(400)
    frozen = updates(page, "rbm-samples")
    page.wait_for_timeout(600)
    assert updates(page, "rbm-samples") == frozen
    assert read_value(page, "rbm-sample-sweep") >= 5
