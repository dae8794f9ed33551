"""Memory panel: draw, store, corrupt, recall; retrieval collapse near α_c."""

from __future__ import annotations

import pytest
from tests.browser._lab import read_value, screenshot, wait_value

# An "H" in cells of the 32×32 canvas, drawn with the pencil two cells thick.
LETTER_H = [
    [(6, 8), (26, 8)], [(6, 9), (26, 9)],
    [(6, 22), (26, 22)], [(6, 23), (26, 23)],
    [(15, 9), (15, 22)], [(16, 9), (16, 22)],
]


def draw_strokes(page, testid: str, strokes, size: int) -> None:
    """Drag the mouse along each stroke (cells (row, col)) on a size×size canvas."""
    box = page.get_by_test_id(testid).bounding_box()
    cell = box["width"] / size

    def at(rc):
        return box["x"] + (rc[1] + 0.5) * cell, box["y"] + (rc[0] + 0.5) * cell

    for a, b in strokes:
        page.mouse.move(*at(a))
        page.mouse.down()
        page.mouse.move(*at(b), steps=12)
        page.mouse.up()


INK_JS = """(id) => {
    const c = document.querySelector(`[data-testid="${id}"]`);
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++;
    return n;
}"""


def ink(page, testid: str) -> int:
    """Number of ink (+1) cells on a drawing canvas (dark pixels)."""
    return page.evaluate(INK_JS, testid)


def test_tools_edit_the_canvas(lab):
    page = lab.open("panel=memory")
    page.get_by_test_id("tool-pencil").click()
    draw_strokes(page, "memory-canvas", [[(10, 10), (10, 10)]], 32)
    assert ink(page, "memory-canvas") == 1
    page.get_by_test_id("tool-brush").click()
    draw_strokes(page, "memory-canvas", [[(20, 20), (20, 20)]], 32)
    assert ink(page, "memory-canvas") == 1 + 13  # the disc dx² + dy² ≤ 4
    page.get_by_test_id("tool-eraser").click()
    draw_strokes(page, "memory-canvas", [[(20, 20), (20, 20)]], 32)
    assert ink(page, "memory-canvas") == 1
    page.get_by_test_id("tool-noise").click()
    for _ in range(5):
        draw_strokes(page, "memory-canvas", [[(5, 25), (5, 25)]], 32)
    assert ink(page, "memory-canvas") > 1
    assert page.get_by_test_id("tool-noise").get_attribute("aria-pressed") == "true"


def test_drawn_letter_is_recalled(lab, tmp_path):
    page = lab.open("panel=memory&h=32&w=32&rule=pseudo_inverse&dynamics=async&seed=3")
    page.get_by_test_id("tool-pencil").click()
    draw_strokes(page, "memory-canvas", LETTER_H, 32)
    drawn = ink(page, "memory-canvas")
    assert drawn > 60
    page.get_by_test_id("memory-store").click()
    wait_value(page, "memory-p", "v === 1")
    page.get_by_test_id("memory-source").select_option("letters")
    page.get_by_test_id("memory-chars").fill("ABCD")
    page.get_by_test_id("memory-load-patterns").click()
    wait_value(page, "memory-p", "v === 5")
    assert read_value(page, "memory-load") == pytest.approx(5 / 1024)
    page.get_by_test_id("memory-flip").fill("0.25")
    page.get_by_test_id("memory-corrupt").click()
    # 256 of the 1024 pixels flip: mostly background ones, which become ink.
    page.wait_for_function(f"() => ({INK_JS})('memory-canvas') > {drawn + 100}")
    page.get_by_test_id("memory-recall").click()
    wait_value(page, "memory-recall-time")
    m = read_value(page, "memory-overlap")
    assert page.get_by_test_id("memory-overlap").get_attribute("data-pattern") == "0"
    assert m >= 0.95
    assert ink(page, "memory-canvas") == pytest.approx(drawn, abs=0.03 * 1024)
    screenshot(page, "memory", tmp_path)


def test_retrieval_collapses_between_012_and_020(lab):
    # Probes: the stored patterns with 25 % of their pixels flipped, async recall. Over
    # seeds 1..10 the mean overlap is 0.849 ± 0.040 (sd) at α = 0.12 and 0.363 ± 0.030
    # at α = 0.20 (N = 400; docs/lab.md, "Retrieval collapse"):
    # 0.5 is 8.7 sd and 4.5 sd away, so one seed decides the side reliably.
    page = lab.open("panel=memory&h=20&w=20&rule=hebbian&dynamics=async&noise=0.25&seed=1")
    wait_value(page, "memory-N", "v === 400")
    means = {}
    for alpha in (0.12, 0.20):
        page.get_by_test_id("memory-fill-alpha").fill(str(alpha))
        page.get_by_test_id("memory-fill").click()
        wait_value(page, "memory-p", f"v === {round(alpha * 400)}")
        page.get_by_test_id("memory-probe").click()
        means[alpha] = wait_value(page, "memory-mean-overlap")
    print("mean recall overlap at N = 400:", means)
    assert means[0.12] > 0.5
    assert means[0.20] < 0.5
