"""Reports of a run: JSON (for machines) and one self-contained HTML page (for people).

The HTML page has no external resource (styles and the little script are inline): it opens
from a CI artefact or an e-mail as it is. It shows the summary (verdict counts, overall
result), the IUT description used (secrets redacted), the verdict of every test case per plan
with its reason, and per test case its purpose, the checks, the steps and the line traffic --
each record's bytes in hex beside its decoded view.

The summary is marked up for tools: ``<section id="summary" data-verdict="PASSED">`` with one
``<td class="count" data-verdict="...">`` per verdict.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import dlmskit
from dlmskit.conformance.cases import CaseResult, Plan, Verdict
from dlmskit.conformance.runner import RunReport
from dlmskit.conformance.trace import Direction, TrafficRecord

__all__ = ["report_to_dict", "report_to_html", "write_reports"]

SCHEMA = "dlmskit-conformance-report/1"


def _result_dict(r: CaseResult) -> dict[str, Any]:
    return {
        "id": r.case_id,
        "instance": r.instance,
        "plan": r.plan.value,
        "group": r.group,
        "purpose": r.purpose,
        "verdict": r.verdict.value,
        "reason": r.reason,
        "started": round(r.started, 6),
        "duration": round(r.duration, 6),
        "checks": [
            {
                "text": c.text,
                "verdict": c.verdict.value,
                "detail": c.detail,
                "subject": c.subject,
            }
            for c in r.checks
        ],
        "steps": list(r.steps),
        "traffic": [t.to_dict() for t in r.traffic],
    }


def _plan_summaries(report: RunReport) -> list[dict[str, Any]]:
    out = []
    for plan in Plan:
        results = [r for r in report.results if r.plan is plan]
        if not results:
            continue
        counts = {v.value: sum(1 for r in results if r.verdict is v) for v in Verdict}
        out.append({"plan": plan.value, "total": len(results), **counts})
    return out


def report_to_dict(report: RunReport) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "dlmskit conformance", "version": dlmskit.__version__},
        "target": report.target,
        "started_at": report.started_at.isoformat(),
        "duration": round(report.duration, 3),
        "verdict": report.verdict.value,
        "summary": report.summary,
        "plans": _plan_summaries(report),
        "iut": report.iut.to_dict(),
        "results": [_result_dict(r) for r in report.results],
    }


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1c2430;
background:#f6f7f9}
header{background:#1f2a44;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.8}
main{padding:18px 28px;max-width:1400px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:14px 18px;
margin-bottom:18px}
h2{font-size:16px;margin:0 0 10px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceff3;vertical-align:top}
th{font-weight:600;background:#f0f2f5}
.v{font-weight:700;white-space:nowrap}
.PASSED{color:#13703a}.FAILED{color:#b3261e}.INCONCLUSIVE{color:#9a6700}
.INAPPLICABLE{color:#5f6b7a}
.overall{font-size:22px;font-weight:800}
.count{font-size:18px;font-weight:700}
details{margin:4px 0}summary{cursor:pointer}
.case{border-top:1px solid #eceff3;padding:8px 0}
.traffic td.hex{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;
word-break:break-all;width:45%}
.traffic td.dec{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;
white-space:pre-wrap}
.out td{background:#f3f7ff}.in td{background:#f6fff3}.note td{color:#5f6b7a;font-style:italic}
.filters label{margin-right:14px}
pre{background:#f0f2f5;padding:8px;overflow:auto;font-size:12px}
"""

_SCRIPT = """
document.querySelectorAll('.filters input').forEach(function(box){
  box.addEventListener('change',function(){
    var shown={};document.querySelectorAll('.filters input').forEach(function(b){
      shown[b.value]=b.checked;});
    document.querySelectorAll('tr.result').forEach(function(row){
      row.style.display=shown[row.dataset.verdict]?'':'none';});
  });
});
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _traffic(records: Iterable[TrafficRecord]) -> str:
    rows = []
    for t in records:
        if not t.data:
            rows.append(
                f'<tr class="note"><td>{t.time:.3f}</td><td></td><td colspan="2">{_e(t.note)}'
                "</td></tr>"
            )
            continue
        arrow = "&rarr; IUT" if t.direction is Direction.OUT else "&larr; IUT"
        cls = "out" if t.direction is Direction.OUT else "in"
        hexed = t.data.hex(" ").upper()
        decoded = "\n".join(t.decoded)
        if t.note:
            decoded = f"[{t.note}]\n{decoded}"
        rows.append(
            f'<tr class="{cls}"><td>{t.time:.3f}</td><td>{arrow}</td>'
            f'<td class="hex">{_e(hexed)}</td><td class="dec">{_e(decoded)}</td></tr>'
        )
    if not rows:
        return "<p>No line traffic.</p>"
    return (
        '<table class="traffic"><tr><th>time (s)</th><th>dir</th><th>bytes</th>'
        "<th>decoded</th></tr>" + "".join(rows) + "</table>"
    )


def _case_detail(r: CaseResult, anchor: str) -> str:
    checks = "".join(
        f'<tr><td class="v {c.verdict.value}">{c.verdict.value}</td><td>{_e(c.subject)}</td>'
        f"<td>{_e(c.text)}</td><td>{_e(c.detail)}</td></tr>"
        for c in r.checks
    )
    steps = "".join(f"<li>{_e(s)}</li>" for s in r.steps)
    return (
        f'<div class="case" id="{anchor}">'
        f'<h3><span class="v {r.verdict.value}">{r.verdict.value}</span> {_e(r.label)}</h3>'
        f"<p><b>Purpose:</b> {_e(r.purpose)}</p>"
        f"<p><b>Reason:</b> {_e(r.reason)}</p>"
        f"<p><b>Plan:</b> {_e(r.plan.value)} &middot; <b>group:</b> {_e(r.group)} &middot; "
        f"<b>duration:</b> {r.duration:.3f} s</p>"
        + (
            "<details><summary>Checks</summary><table><tr><th>verdict</th><th>subject</th>"
            f"<th>check</th><th>detail</th></tr>{checks}</table></details>"
            if checks
            else ""
        )
        + (f"<details><summary>Steps</summary><ol>{steps}</ol></details>" if steps else "")
        + f"<details><summary>Line traffic ({sum(1 for t in r.traffic if t.data)} records)"
        f"</summary>{_traffic(r.traffic)}</details></div>"
    )


def report_to_html(report: RunReport) -> str:
    """The report as one self-contained HTML page."""
    data = report_to_dict(report)
    overall = report.verdict.value
    counts = "".join(
        f'<td class="count {v.value}" data-verdict="{v.value}">{report.count(v)}</td>'
        for v in Verdict
    )
    heads = "".join(f"<th>{v.value}</th>" for v in Verdict)
    plan_rows = "".join(
        f"<tr><td>{_e(p['plan'])}</td><td>{p['total']}</td>"
        + "".join(f'<td class="{v.value}">{p[v.value]}</td>' for v in Verdict)
        + "</tr>"
        for p in data["plans"]
    )
    result_rows = []
    details = []
    for index, r in enumerate(report.results):
        anchor = f"case-{index}"
        result_rows.append(
            f'<tr class="result" data-verdict="{r.verdict.value}">'
            f'<td><a href="#{anchor}">{_e(r.case_id)}</a></td><td>{_e(r.instance)}</td>'
            f"<td>{_e(r.plan.value)}</td>"
            f'<td class="v {r.verdict.value}">{r.verdict.value}</td><td>{_e(r.reason)}</td></tr>'
        )
        details.append(_case_detail(r, anchor))
    filters = "".join(
        f'<label><input type="checkbox" value="{v.value}" checked> {v.value}</label>'
        for v in Verdict
    )
    iut_json = json.dumps(data["iut"], indent=2, ensure_ascii=False)
    title = f"Conformance report: {report.target}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{_e(title)}</title><style>{_CSS}</style></head>
<body><header><h1>{_e(title)}</h1>
<p>dlmskit {_e(dlmskit.__version__)} &middot; started {_e(data["started_at"])} &middot;
{report.duration:.1f} s &middot; IUT: {_e(report.iut.source or "as given")}</p></header>
<main>
<section id="summary" data-verdict="{overall}" data-total="{len(report.results)}">
<h2>Summary</h2>
<p>Result: <span class="overall {overall}" id="overall">{overall}</span>
({len(report.results)} test case results; the run passes when no test case FAILED)</p>
<table><tr>{heads}</tr><tr>{counts}</tr></table>
<h2 style="margin-top:14px">By test plan</h2>
<table><tr><th>plan</th><th>total</th>{heads}</tr>{plan_rows}</table>
</section>
<section id="results"><h2>Verdict per test case</h2>
<p class="filters">{filters}</p>
<table><tr><th>test case</th><th>association</th><th>plan</th><th>verdict</th><th>reason</th>
</tr>{"".join(result_rows)}</table></section>
<section id="details"><h2>Test cases</h2>{"".join(details)}</section>
<section id="iut"><h2>Implementation under test</h2><pre>{_e(iut_json)}</pre></section>
</main><script>{_SCRIPT}</script></body></html>
"""


def write_reports(report: RunReport, directory: str | Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` into ``directory`` (made if missing)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / "report.json"
    html_path = folder / "report.html"
    json_path.write_text(
        json.dumps(report_to_dict(report), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    html_path.write_text(report_to_html(report), encoding="utf-8")
    return json_path, html_path
