"""``--record PATH``: the session's messages as JSON lines, for support and regression replay.

One object per line, in time order: ``t`` (seconds since the inspection started),
``direction`` (lobby_to_game, game_to_lobby, stranger, or player for a harness click),
``origin`` (the sender's), ``transport``, ``type``, ``wire`` (the value exactly as posted) and
``verdict`` (bridge.core's: "ok" or "<reason>: <detail>").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .session import Report


def lines(report: Report) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [e.evidence() for e in report.events]
    rows += [{"t": a["t"], "direction": "player", **a} for a in report.actions]
    rows.sort(key=lambda r: float(r["t"]))
    return rows


def write(report: Report, path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in lines(report):
            f.write(json.dumps(row, separators=(",", ":")) + "\n")


def read(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or "direction" not in row or "t" not in row:
            raise ValueError(f"{path}:{n}: not a --record line")
        rows.append(row)
    return rows
