"""The HTML report: one self-contained file (inline CSS, no script, nothing fetched), so it
opens offline and can be attached to a support ticket: the case table, then the timeline of
every message of the main session with bridge.core's verdict on each."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .cases import summary
from .session import Report

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.target{font-family:ui-monospace,monospace;word-break:break-all;color:#444}
.sum span{display:inline-block;margin:8px 8px 0 0;padding:4px 10px;border-radius:12px;
font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
td.id{font-family:ui-monospace,monospace;white-space:nowrap}
.r{font-weight:700;text-transform:uppercase;font-size:12px;white-space:nowrap}
.pass{color:#137333}.fail{color:#b3261e}.warn{color:#a15c00}.na{color:#6b7280}
span.pass{background:#e6f4ea}span.fail{background:#fce8e6}span.warn{background:#fef3e0}
span.na{background:#eef0f3}
details{margin-top:4px}summary{cursor:pointer;color:#555;font-size:12px}
pre{font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;margin:4px 0}
td.t{font-family:ui-monospace,monospace;text-align:right;white-space:nowrap}
td.wire{font:12px ui-monospace,monospace;word-break:break-all;max-width:560px}
tr.bad td{background:#fff4f3}
.dir{white-space:nowrap}
"""

_ARROW = {
    "lobby_to_game": "lobby \u2192 game",
    "game_to_lobby": "game \u2192 lobby",
    "stranger": "stranger \u2192",
    "lobby_to_stranger": "lobby \u2192 stranger",
}


def _cls(result: str) -> str:
    return "na" if result == "n/a" else result


def render(report: Report) -> str:
    counts = summary(report.outcomes)
    rows = []
    for o in report.outcomes:
        r = o.result.value
        ev = escape(json.dumps(o.evidence, indent=1)) if o.evidence else ""
        more = f"<details><summary>evidence ({len(o.evidence)})</summary><pre>{ev}</pre></details>"
        rows.append(
            f'<tr><td class="id">{escape(o.case.id)}</td><td>{escape(o.case.title)}'
            f"<br><small>{escape(o.case.checks)}</small></td>"
            f'<td class="r {_cls(r)}">{escape(r)}</td>'
            f"<td>{escape(o.detail)}{more if ev else ''}</td></tr>"
        )
    timeline = []
    for e in report.events:
        wire = json.dumps(e.data) if e.text is not None else e.repr
        if len(wire) > 400:
            wire = wire[:400] + f"\u2026 ({len(wire)} characters)"
        bad = "" if e.ok else ' class="bad"'
        timeline.append(
            f'<tr{bad}><td class="t">{e.t:.3f}</td>'
            f'<td class="dir">{escape(_ARROW.get(e.direction, e.direction))}</td>'
            f"<td>{escape(e.origin or e.frame_origin)}</td><td>{escape(e.transport)}</td>"
            f'<td class="wire">{escape(wire)}</td><td>{escape(e.verdict)}</td></tr>'
        )
    status = (
        f"could not load the target: {escape(report.load_error)}"
        if not report.loaded
        else f"{report.duration_s:.1f} s, exit code {report.exit_code}"
    )
    badges = "".join(f'<span class="{_cls(k)}">{n} {escape(k)}</span>' for k, n in counts.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>hizi-inspect {escape(report.mode)} report</title>
<style>{_CSS}</style></head>
<body>
<h1>hizi-inspect: {escape(report.mode)} report</h1>
<div class="target">{escape(report.target)}</div>
<div class="sum">{badges}</div>
<p>{status}</p>
<h2>Cases</h2>
<table><thead><tr><th>id</th><th>case</th><th>result</th><th>detail and evidence</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Message timeline ({len(report.events)})</h2>
<table><thead><tr><th>t (s)</th><th>direction</th><th>sender origin</th><th>transport</th>
<th>wire</th><th>verdict (bridge.core)</th></tr></thead>
<tbody>{"".join(timeline)}</tbody></table>
</body></html>
"""


def write(report: Report, path: Path) -> None:
    path.write_text(render(report), encoding="utf-8")
