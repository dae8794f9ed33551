"""Throughput measured in the browser (printed; collected in $SPINNET_LAB_THROUGHPUT).

Goals (issue 14): Ising L = 128 with Metropolis at T_c ≥ 30 frames drawn per second;
memory recall at N = 1024 animated to the end in ≤ 2 s; RBM 784×100 on MNIST ≥ 10
filter images drawn per second. The assertions here are floors that a loaded CI
machine still meets; the measured numbers are what docs/lab.md reports.
"""

from __future__ import annotations

import math

import pytest
from tests.browser._lab import read_value, record_throughput, wait_value

T_ONSAGER = 2 / math.log(1 + math.sqrt(2))

# Counter attribute `attr` of element `id` over `ms` milliseconds, timed in the page.
RATE = """async ([id, attr, ms]) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    const n0 = Number(el.dataset[attr] || 0), t0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    return (Number(el.dataset[attr] || 0) - n0) / ((performance.now() - t0) / 1000);
}"""


def test_ising_frames_per_second(lab):
    page = lab.open(f"panel=ising&L=128&T={T_ONSAGER:.6f}&algorithm=metropolis&seed=1")
    page.get_by_test_id("ising-start").click()
    wait_value(page, "ising-sweep", "v >= 10")
    fps = page.evaluate(RATE, ["ising-canvas", "frames", 3000])
    page.get_by_test_id("ising-stop").click()
    record_throughput("ising_L128_metropolis_Tc_frames_per_s", fps, ">= 30")
    assert fps >= 5


def test_memory_recall_animation_time(lab):
    page = lab.open("panel=memory&h=32&w=32&rule=pseudo_inverse&dynamics=async&seed=4")
    page.get_by_test_id("memory-chars").fill("ABCDE")
    page.get_by_test_id("memory-load-patterns").click()
    wait_value(page, "memory-p", "v === 5")
    times = []
    for _ in range(2):  # the first recall of a fresh server may compile kernels
        page.get_by_test_id("memory-pattern-0").click()
        page.get_by_test_id("memory-corrupt").click()
        page.wait_for_timeout(200)
        page.get_by_test_id("memory-recall").click()
        times.append(wait_value(page, "memory-recall-time"))
        assert read_value(page, "memory-overlap") > 0.95
    sweeps = read_value(page, "memory-sweep")
    record_throughput("memory_N1024_async_recall_animation_s", times[-1], "<= 2 s")
    print(f"async recall animation: {times} s, last frame at sweep {sweeps:.0f}")
    assert times[-1] <= 10
    # Glauber dynamics never stops early: all 30 sweeps are animated.
    page.get_by_test_id("memory-dynamics").select_option("glauber")
    page.get_by_test_id("memory-T").fill("0.2")
    page.get_by_test_id("memory-sweeps").fill("30")
    page.get_by_test_id("memory-pattern-1").click()
    page.get_by_test_id("memory-corrupt").click()
    page.wait_for_timeout(200)
    page.get_by_test_id("memory-recall").click()
    seconds = wait_value(page, "memory-recall-time")
    assert read_value(page, "memory-sweep") == 30
    assert read_value(page, "memory-overlap") > 0.9
    record_throughput("memory_N1024_glauber_30_sweeps_animation_s", seconds, "<= 2 s")
    assert seconds <= 10


def test_rbm_filter_updates_per_second(lab):
    page = lab.open("panel=rbm&data=digits&hidden=100&principle=CD&batch=20&epochs=100&seed=1")
    page.wait_for_selector("body[data-info=loaded]")
    if page.get_by_test_id("rbm-data").locator("option[value=mnist]").is_disabled():
        pytest.skip("MNIST not found (spinnet data fetch mnist)")
    page.get_by_test_id("rbm-data").select_option("mnist")
    page.get_by_test_id("rbm-train").click()
    page.get_by_test_id("rbm-message").filter(has_text="784×100 RBM").wait_for(timeout=60_000)
    page.wait_for_function("() => Number(document.querySelector("
                           "'[data-testid=rbm-free-energy]').dataset.points) >= 1",
                           timeout=60_000)
    rate = page.evaluate(RATE, ["rbm-filters", "updates", 4000])
    page.get_by_test_id("rbm-stop").click()
    record_throughput("rbm_mnist_784x100_filter_updates_per_s", rate, ">= 10")
    assert rate >= 2
