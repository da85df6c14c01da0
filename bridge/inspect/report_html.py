"""The self-contained HTML report (placeholder, filled in below)."""

from __future__ import annotations

from pathlib import Path

from .session import Report


def write(report: Report, path: Path) -> None:
    path.write_text("<!doctype html><title>report</title>", encoding="utf-8")
