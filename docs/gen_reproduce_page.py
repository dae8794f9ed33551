"""Turn a ``spinnet reproduce --preset quick`` run into the site page ``docs/reproduce-quick.md``.

The page carries the run's summary line, its wall time, the claims table of every topic
(reference, measured, deviation, tolerance, status — failing claims shown as failing), each
claim's statement, source and measurement note, one figure per topic (measurement against
reference on the tolerance scale, :func:`spinnet.reproduce.report.topic_figure`) and a link
to the run's self-contained ``report.html``, copied beside the page. Usage::

    spinnet reproduce --preset quick --out rep-quick
    python docs/gen_reproduce_page.py rep-quick     # writes docs/reproduce-quick.md,
                                                    # docs/reproduce/report-quick.html and
                                                    # docs/images/reproduce/<topic>.png

``tests/test_docs_site.py`` checks that the committed page lists every registered claim,
so a claim added without a fresh quick run fails the test suite.
"""

from __future__ import annotations

import argparse
import csv
import math
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "reproduce-quick.md"
HTML = ROOT / "docs" / "reproduce" / "report-quick.html"
IMAGES = ROOT / "docs" / "images" / "reproduce"

__all__ = ["read_claims", "render_page"]

_NUMERIC = ("reference", "reference_err", "measured", "measured_err", "deviation", "wall_s")


def read_claims(run_dir: Path) -> list[dict]:
    """Rows of ``run_dir/claims.csv`` with the numeric columns as floats (NaN when empty)."""
    with open(Path(run_dir) / "claims.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise SystemExit(f"{run_dir}/claims.csv has no claims")
    for r in rows:
        for k in _NUMERIC:
            r[k] = float(r[k]) if r[k] not in ("", "nan") else math.nan
    return rows


def render_page(rows: list[dict], *, wall_s: float | None, figures: dict[str, str]) -> str:
    """The markdown of the page (``figures``: topic → image path relative to docs/)."""
    from spinnet.reproduce.report import _md_table, summary

    preset = rows[0]["preset"]
    commit = rows[0]["git_commit"]
    lines = [f"# Reproduced numbers: the `{preset}` preset", "",
             f"**{summary(rows, preset)}.**", ""]
    if wall_s is not None:
        lines += [f"The run took {wall_s / 60:.1f} min of wall time on the 2-core "
                  f"development machine (one worker), spinnet {rows[0]['spinnet_version']}, "
                  f"commit `{commit}`.", ""]
    measured = sum(r["wall_s"] for r in rows if r["wall_s"] == r["wall_s"])
    lines += [f"The claims' own measurements add up to {measured / 60:.1f} min.", ""]
    lines += ["This page is generated from the run's `claims.csv` by "
              "`python docs/gen_reproduce_page.py RUN_DIR`; the run's self-contained HTML "
              "report (with the per-claim theory-and-simulation figures) is "
              "[here](reproduce/report-quick.html). How the claims are defined and judged: "
              "[Reproduce](reproduce.md). A failing claim is listed as failing.", ""]
    topics = list(dict.fromkeys(r["topic"] for r in rows))
    for t in topics:
        members = [r for r in rows if r["topic"] == t]
        lines += [f"## {t}", ""]
        if t in figures:
            lines += [f"![{t}: measurement against reference]({figures[t]})", ""]
        lines += _md_table(members, wall=True)
        lines.append("")
        for r in members:
            note = f" *{r['details']}*" if r["details"] else ""
            lines.append(f"- `{r['id']}`: {r['statement']} Source: {r['source']}.{note}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="output directory of spinnet reproduce")
    args = parser.parse_args(argv)
    import json

    import matplotlib

    matplotlib.use("Agg")
    from spinnet.reproduce.report import topic_figure

    rows = read_claims(args.run_dir)
    wall = None
    manifest = args.run_dir / "manifest.json"
    if manifest.exists():
        wall = json.loads(manifest.read_text(encoding="utf-8")).get("elapsed_seconds")
    IMAGES.mkdir(parents=True, exist_ok=True)
    for old in IMAGES.glob("*.png"):
        old.unlink()
    figures = {}
    for t in dict.fromkeys(r["topic"] for r in rows):
        if any(r["topic"] == t and r["status"] != "not-run" for r in rows):
            fig = topic_figure(rows, t)
            fig.savefig(IMAGES / f"{t}.png", dpi=80, bbox_inches="tight")
            figures[t] = f"images/reproduce/{t}.png"
    HTML.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.run_dir / "report.html", HTML)
    PAGE.write_text(render_page(rows, wall_s=wall, figures=figures), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}, {HTML.relative_to(ROOT)} and "
          f"{len(figures)} figures under {IMAGES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
