"""hizi-inspect without a browser: the case registry, its docs, the CLI's arguments."""

from __future__ import annotations

import json
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


def test_chromium_flags_are_one_list_for_inspector_bench_and_tests() -> None:
    assert browser.CHROMIUM_ARGS is CHROMIUM_ARGS


def test_cli_requires_a_mode_and_replay_a_peer() -> None:
    with pytest.raises(SystemExit):
        cli.main([])
    with pytest.raises(SystemExit):
        cli.main(["replay", "x.jsonl", "http://localhost:1/"])  # --against missing


def test_game_mode_sends_every_lobby_extension_and_each_is_valid() -> None:
    """A new lobby -> game extension in the catalog must be exercised by game mode (G-EXT-*),
    and what the inspector sends as an extension must be a valid message of the catalog."""
    from bridge.core.messages import LOBBY_TO_GAME, Direction, Family
    from bridge.core.wire import parse
    from bridge.inspect.game import ISSUE_12_EXTENSIONS, SET_STAKES

    sent = [*ISSUE_12_EXTENSIONS, *({"type": "setStake", "data": {"stake": s}} for s in SET_STAKES)]
    for wire in sent:
        message = parse(json.dumps(wire), direction=Direction.LOBBY_TO_GAME)
        assert message.family is Family.EXTENSION, wire
    # pause / resume, realityCheck and close have their own steps (G-PAUSE, G-RC, G-ORIGIN);
    # the studio extensions (issue #21) are what the dialect runs carry (--dialect).
    from bridge.core.messages import STUDIO_LOBBY_TO_GAME

    elsewhere = {"pause", "resume", "realityCheck", "close"}
    elsewhere |= {c.type_name() for c in STUDIO_LOBBY_TO_GAME}
    extensions = {c.type_name() for c in LOBBY_TO_GAME if c.family is Family.EXTENSION}
    assert extensions - elsewhere == {str(w["type"]) for w in sent}


def test_reality_check_comes_after_every_step_that_needs_a_round() -> None:
    """A game that waits for the player ignores spins while its reality-check dialog is open:
    run without --rc-click, an unanswered reality check must not fail later round-dependent
    cases (G-CTRL, G-TURBO, G-JUNK, G-ORIGIN) for nothing. So every step that spins runs
    before it, and the only one after it (reload) does not blame the game."""
    import inspect as pyinspect

    from bridge.inspect.game import STEPS, GameInspection

    assert len(set(STEPS)) == len(STEPS)
    # step_stranger_lobby and step_dialect run on their own pages, after them.
    own_page = {"step_dialect", "step_stranger_lobby"}
    steps = [s for s in dir(GameInspection) if s.startswith("step_") and s not in own_page]
    assert sorted(STEPS) == sorted(steps)
    rc = STEPS.index("step_reality_check")
    for step in STEPS:
        source = pyinspect.getsource(getattr(GameInspection, step))
        if "self.spin()" in source or "self.round(" in source:
            assert STEPS.index(step) < rc, step
    for step in STEPS[rc + 1 :]:
        assert "rc_unanswered" in pyinspect.getsource(getattr(GameInspection, step)), step


def test_report_target_is_the_given_url_and_notes_are_printed() -> None:
    import io

    from bridge.inspect.game import RC_HINT
    from bridge.inspect.report import terminal, to_json
    from bridge.inspect.session import Report

    report = Report(
        target="http://localhost:8001/demo_game/",
        mode="game",
        outcomes=[],
        events=[],
        notes=[RC_HINT],
    )
    out = io.StringIO()
    terminal(report, out)
    assert "--rc-click SELECTOR" in out.getvalue()
    assert to_json(report)["notes"] == [RC_HINT]
