"""``claims.csv``, ``report.md`` and a self-contained ``report.html`` from judged claims.

The HTML report is one file: figures are PNGs embedded as ``data:`` URIs, the
style sheet is inline, nothing is loaded from the network. Claims are grouped
by topic; every claim is listed with its status, and failing claims are
marked, never dropped. Figures put theory (or the reference) and measurement
on the same axes: one per topic (measured against reference, the tolerance
band shaded) and one per shared series (e.g. the one-step error rate against
α with the signal-to-noise curve).
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spinnet._io import atomic_path, write_csv
from spinnet.reproduce.runner import CSV_COLUMNS, summary

__all__ = ["series_figures", "topic_figure", "write_report"]


def _fmt(x: Any, digits: int = 6) -> str:
    if isinstance(x, float):
        return "—" if math.isnan(x) else f"{x:.{digits}g}"
    return str(x)


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def topic_figure(rows: Sequence[dict[str, Any]], topic: str) -> Any:
    """Measured value against the reference for every measured claim of a topic.

    Each claim is one row of the plot, on its own scale: the reference ``r`` at
    0, the measurement at ``(m − r)/s`` with ``s`` the tolerance scale (the
    combined standard error for ``sigma`` rules, ``|r|`` for relative ones, 1
    otherwise), error bars in the same units, the pass region shaded.

    Parameters
    ----------
    rows : sequence of dict
        Judged claims (:func:`spinnet.reproduce.runner.judge`).
    topic : str
        Which topic to draw (not-run claims are left out).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from spinnet.reproduce.core import get_claim

    shown = [r for r in rows if r["topic"] == topic and r["status"] != "not-run"]
    fig, ax = plt.subplots(figsize=(7.0, 0.45 * max(len(shown), 2) + 1.2))
    for k, r in enumerate(shown):
        tol = get_claim(r["id"]).tolerance
        m, merr = r["measured"], r["measured_err"]
        ref, rerr = r["reference"], r["reference_err"]
        if tol.kind == "sigma":
            scale = math.hypot(_z(merr), _z(rerr)) or 1.0
            band = (-tol.value, tol.value)
        elif tol.kind == "relative":
            scale = abs(ref) or 1.0
            band = (-tol.value, tol.value)
        else:
            scale = 1.0
            band = {"absolute": (-tol.value, tol.value), "at_most": (-math.inf, tol.value),
                    "at_least": (-tol.value, math.inf)}[tol.kind]
        x = (m - ref) / scale if math.isfinite(m) else math.nan
        lo, hi = (max(band[0], -50), min(band[1], 50))
        ax.fill_between([lo, hi], k - 0.35, k + 0.35, color="#d9f0d3", lw=0)
        ax.plot([0, 0], [k - 0.4, k + 0.4], color="k", lw=1)
        color = "#1a9850" if r["status"] == "pass" else "#d73027"
        if math.isfinite(x):
            ax.errorbar([x], [k], xerr=[_z(merr) / scale], fmt="o", color=color, ms=5)
        else:
            ax.text(0, k, "  no value (error)", color=color, va="center", fontsize=8)
    ax.set_yticks(range(len(shown)), [r["id"] for r in shown], fontsize=8)
    ax.set_ylim(-0.6, max(len(shown), 1) - 0.4)
    ax.set_xlabel("(measured − reference) / tolerance scale   (green: pass region; "
                  "line: reference)", fontsize=8)
    ax.set_title(f"{topic}: measurement against reference", fontsize=10)
    fig.tight_layout()
    return fig


def _z(x: Any) -> float:
    x = float(x)
    return x if math.isfinite(x) else 0.0


def series_figures(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One figure per shared series name: the theory line and every claim's points.

    Claims put ``series = {"figure": name, "x": ..., "theory": ..., "x_points": ...,
    "points": ..., "errors": ...}`` in their measurement; claims with the same
    ``figure`` share the axes.

    Parameters
    ----------
    rows : sequence of dict
        Judged claims; those without ``series["x_points"]`` are skipped.

    Returns
    -------
    dict
        ``{name: (topic, Figure)}``.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        s = r.get("series") or {}
        if s.get("x_points"):
            groups.setdefault(s.get("figure", r["id"]), []).append(r)
    figures = {}
    for name, members in groups.items():
        fig, ax = plt.subplots(figsize=(6.0, 3.8))
        s0 = members[0]["series"]
        if s0.get("x") and s0.get("theory"):
            ax.plot(s0["x"], s0["theory"], color="k", lw=1.2, label="theory")
        for r in members:
            s = r["series"]
            color = "#1a9850" if r["status"] == "pass" else "#d73027"
            ax.errorbar(s["x_points"], s["points"], yerr=s.get("errors"), fmt="o",
                        color=color, ms=5)
            ax.errorbar([s["x_points"][0]], [r["reference"]], yerr=[r["reference_err"]],
                        fmt="s", mfc="none", color="#4575b4", ms=7)
        ax.plot([], [], "o", color="#1a9850", label="spinnet (pass)")
        ax.plot([], [], "s", mfc="none", color="#4575b4", label="published")
        if s0.get("logy"):
            ax.set_yscale("log")
        ax.set_xlabel(s0.get("xlabel", ""))
        ax.set_ylabel(s0.get("ylabel", ""))
        ax.set_title(name, fontsize=10)
        ax.legend(fontsize=8)
        fig.tight_layout()
        figures[name] = (members[0]["topic"], fig)
    return figures


def _md_table(rows: Sequence[dict[str, Any]], *, wall: bool = False) -> list[str]:
    """Markdown table lines of judged claims (``wall``: add the measurement's wall time)."""
    lines = ["| claim | reference | measured | deviation | tolerance | status |"
             + (" wall (s) |" if wall else ""),
             "|---|---|---|---|---|---|" + ("---|" if wall else "")]
    for r in rows:
        ref = _fmt(r["reference"]) + (f" ± {_fmt(r['reference_err'], 2)}"
                                       if r["reference_err"] else "")
        mea = _fmt(r["measured"]) + (f" ± {_fmt(r['measured_err'], 2)}"
                                      if _z(r["measured_err"]) else "")
        status = {"pass": "pass", "fail": "**FAIL**", "not-run": "not run"}[r["status"]]
        lines.append(f"| `{r['id']}` | {ref} | {mea} | {_fmt(r['deviation'], 3)} | "
                     f"{r['tolerance']} | {status} |"
                     + (f" {_fmt(r['wall_s'], 3)} |" if wall else ""))
    return lines


def write_report(out: str | Path, rows: Sequence[dict[str, Any]], preset: str, *,
                 wall_s: float | None = None) -> dict[str, Path]:
    """Write ``claims.csv``, ``report.md`` and ``report.html`` into ``out`` (atomically).

    Parameters
    ----------
    out : path
        Output directory (created if needed).
    rows : sequence of dict
        Judged claims (:func:`spinnet.reproduce.runner.judge`), at least one.
    preset : str
        The preset they were measured at (for the summary line).
    wall_s : float, optional
        Wall time of the run, shown in the report.

    Returns
    -------
    dict
        ``{"csv": path, "md": path, "html": path}``.
    """
    import jinja2

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if not rows:
        raise ValueError("rows must not be empty")
    csv_path = write_csv(out / "claims.csv",
                         [{k: r[k] for k in CSV_COLUMNS} for r in rows])
    head = summary(rows, preset)
    topics = list(dict.fromkeys(r["topic"] for r in rows))
    md = [f"# spinnet reproduce — preset `{preset}`", "", f"**{head}.**", ""]
    if wall_s is not None:
        md += [f"Wall time of this run: {wall_s:.0f} s.", ""]
    for t in topics:
        members = [r for r in rows if r["topic"] == t]
        md += [f"## {t}", "", *_md_table(members), ""]
        for r in members:
            md.append(f"- `{r['id']}`: {r['statement']} Source: {r['source']}."
                      + (f" *{r['details']}*" if r["details"] else ""))
        md.append("")
    md_path = out / "report.md"
    with atomic_path(md_path) as tmp:
        Path(tmp).write_text("\n".join(md), encoding="utf-8")

    series = series_figures(rows)
    sections = []
    for t in topics:
        members = [r for r in rows if r["topic"] == t]
        figs = []
        if any(r["status"] != "not-run" for r in members):
            figs.append(_png(topic_figure(rows, t)))
        figs += [_png(fig) for name, (topic, fig) in series.items() if topic == t]
        sections.append({"topic": t, "rows": [_html_row(r) for r in members], "figures": figs})
    env = jinja2.Environment(loader=jinja2.PackageLoader("spinnet.reproduce", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    text = env.get_template("report.html.j2").render(
        preset=preset, summary=head, sections=sections,
        wall=f"{wall_s:.0f} s" if wall_s is not None else "",
        version=rows[0]["spinnet_version"], commit=rows[0]["git_commit"])
    html_path = out / "report.html"
    with atomic_path(html_path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return {"csv": csv_path, "md": md_path, "html": html_path}


def _html_row(r: dict[str, Any]) -> dict[str, str]:
    return {"id": r["id"], "statement": r["statement"], "source": r["source"],
            "reference": _fmt(r["reference"]) + (f" ± {_fmt(r['reference_err'], 2)}"
                                                  if r["reference_err"] else ""),
            "measured": _fmt(r["measured"]) + (f" ± {_fmt(r['measured_err'], 2)}"
                                                if _z(r["measured_err"]) else ""),
            "deviation": _fmt(r["deviation"], 3), "tolerance": r["tolerance"],
            "status": r["status"], "details": html.unescape(r["details"]),
            "wall": _fmt(r["wall_s"], 3)}
