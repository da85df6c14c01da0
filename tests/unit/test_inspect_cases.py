"""hizi-inspect without a browser: the case registry, its docs, the CLI's arguments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bridge.inspect import browser, cli
from bridge.inspect.cases import CASES, cases_for
from tests.e2e.conftest import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]


def test_case_ids_are_stable_in_form_and_unique() -> None:
    assert len(CASES) == len(cases_for("game")) + len(cases_for("lobby"))
    for case_id, case in CASES.items():
        assert re.fullmatch(r"[GL]-[A-Z]+-\d{3}", case_id)
        assert case_id[0] == case.mode[0].upper()


def test_docs_list_every_case() -> None:
    doc = (ROOT / "docs" / "inspect.md").read_text()
    for case in CASES.values():
        assert f"| `{case.id}` | {case.title} |" in doc, case.id


def test_chromium_flags_are_the_bench_runners() -> None:
    assert browser.CHROMIUM_ARGS == CHROMIUM_ARGS


def test_cli_requires_a_mode_and_replay_a_peer() -> None:
    with pytest.raises(SystemExit):
        cli.main([])
    with pytest.raises(SystemExit):
        cli.main(["replay", "x.jsonl", "http://localhost:1/"])  # --against missing
