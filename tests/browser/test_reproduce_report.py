"""The reproduce report opens in headless Chromium with no console or page errors."""

from __future__ import annotations

from spinnet.reproduce import run_claims, write_report


def test_report_html_renders_without_errors(browser, tmp_path):
    rows = run_claims(tmp_path, preset="smoke", only=["ising.tc-square", "neurons.xor-single-unit",
                                                      "hopfield.one-step.0.61"])
    files = write_report(tmp_path, rows, "smoke", wall_s=1.0)
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(files["html"].as_uri())
        assert page.get_by_test_id("summary").inner_text() == (
            f"{len(rows)} of {len(rows)} claims reproduced at preset smoke")
        assert page.locator("tr[data-claim]").count() == len(rows)
        # Every embedded figure decoded (a broken data: URI has naturalWidth 0).
        widths = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
        assert widths and min(widths) > 0
    finally:
        page.close()
    assert errors == []
