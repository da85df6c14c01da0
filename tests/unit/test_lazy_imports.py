"""A JS-API boot imports what connecting needs, and none of ``bridge.later.LATER_MODULES``
(compliance, supervision, the journal, the dialects other than Appendix A's) until a
bridge's options or a later path use them (issue #19).

Each case runs in a fresh CPython (``sys.modules`` of this one holds everything the other
tests imported): the engine, two bridges opened as ``hizi-bridge.js`` opens them, connected,
a message each way, ``stats()``; then which of the later modules were imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bridge.later import LATER_MODULES

ROOT = Path(__file__).resolve().parents[2]

SESSION = r"""
import json, sys
from bridge.boundary import CODES
from bridge.browser import engine
from bridge.later import LATER_MODULES
from tests.unit.fakes import GAME_ORIGIN as GAME, LOBBY_ORIGIN as LOBBY, open_handle, pieces

lobby_config, game_config, connect, after = json.loads(sys.argv[1])
at_import = [m for m in LATER_MODULES if m in sys.modules]
lobby, _ = open_handle("lobby", {"gameOrigin": GAME, **lobby_config})
game, _ = open_handle("game", {"lobbyOrigin": LOBBY, **game_config})
if connect:
    lobby(CODES["start"], True)
    [hello] = [p[1][1] for p in pieces(game(CODES["start"], True)) if p[0] == "window"]
    out = pieces(lobby(CODES["window"], json.dumps(hello), True, GAME, False))
    [welcome] = [p[1][1] for p in out if p[0] == "window_new_port"]
    out = pieces(game(CODES["window"], json.dumps(welcome), True, LOBBY, True))
    [ready] = [p[1] for p in out if p[0].startswith("port")]
    lobby(CODES["port"], json.dumps(ready), False)
    assert lobby.bridge.status == "connected" and game.bridge.status == "connected"
    if after == "journal":
        lobby(CODES["journal"], True)
    for sender, receiver, kind, data in ((game, lobby, "roundStarted", "99"),
                                         (lobby, game, "spin", "")):
        [post] = [p[1] for p in pieces(sender(CODES["send"], 1, kind, data))
                  if p[0].startswith("port")]
        out = pieces(receiver(CODES["port"], json.dumps(post), False))
        assert [p[1]["type"] for p in out if p[0] == "message"] == [kind], out
[(_, reply)] = pieces(lobby(CODES["query"], 2, "stats", "{}"))
if after == "from bridge":
    from bridge import JournalEntry, RubyPlay  # noqa: F401
print(json.dumps({
    "at_import": at_import,
    "loaded": [m for m in LATER_MODULES if m in sys.modules],
    "stats": reply["ok"]["later_modules_loaded"],
}))
"""


def run(
    lobby: dict[str, Any] | None = None,
    game: dict[str, Any] | None = None,
    *,
    connect: bool = True,
    after: str = "",
) -> dict[str, list[str]]:
    args = json.dumps([lobby or {}, game or {}, connect, after])
    proc = subprocess.run(
        [sys.executable, "-c", SESSION, args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, list[str]] = json.loads(proc.stdout.splitlines()[-1])
    if after != "from bridge":  # stats() says what the runtime holds
        assert result["stats"] == result["loaded"]
    return result


def test_a_default_boot_and_session_import_none_of_the_later_modules() -> None:
    result = run()
    assert result["at_import"] == []
    assert result["loaded"] == []


def test_the_compliance_option_imports_compliance_at_creation() -> None:
    result = run({"compliance": {"currency": "EUR"}}, connect=False)
    assert result["loaded"] == ["bridge.compliance", "bridge.browser.supervision"]


def test_bad_compliance_options_still_fail_at_creation() -> None:
    from .fakes import pieces

    code = (
        "import json, sys; from bridge.browser import engine; from tests.unit.fakes import "
        "StubKit; print(engine.open_bridge(1, sys.argv[1], sys.argv[2], StubKit()))"
    )
    for role, config in (
        ("lobby", {"gameOrigin": "https://games.hizi.example", "compliance": {"currency": "X"}}),
        ("game", {"lobbyOrigin": "https://casino.example.com", "compliance": {}}),
    ):
        proc = subprocess.run(
            [sys.executable, "-c", code, role, json.dumps(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        [(name, reply)] = pieces(proc.stdout.rstrip("\n"))
        assert name == "reply" and reply["error"]["code"] == "invalid_config", reply
        assert reply["error"]["name"] == "ComplianceConfigError"
        assert reply["error"]["field"].startswith("compliance")


@pytest.mark.parametrize(
    ("dialect", "modules"),
    [
        ("rubyplay", ["bridge.core.dialects.rubyplay"]),
        ("155io", ["bridge.core.dialects.io155"]),
        ("gamesglobal", ["bridge.core.dialects.gamesglobal"]),
    ],
)
def test_a_configured_dialect_imports_that_dialect_only(dialect: str, modules: list[str]) -> None:
    result = run({"dialect": dialect, "currency": "EUR"}, connect=False)
    assert result["loaded"] == modules


def test_dialect_auto_imports_its_candidates_before_the_first_message() -> None:
    result = run({"dialect": "auto", "currency": "EUR"}, connect=False)
    assert result["loaded"] == [
        "bridge.core.dialects.gamesglobal",
        "bridge.core.dialects.rubyplay",
        "bridge.core.dialects.io155",
        "bridge.core.dialects.auto",
    ]


def test_the_journal_is_imported_once_the_page_asks_for_entries() -> None:
    assert run(after="journal")["loaded"] == ["bridge.core.journal"]


def test_the_package_still_gives_the_lazy_names() -> None:
    result = run(after="from bridge")
    assert result["stats"] == []  # stats() ran before the names were asked for
    assert result["loaded"] == ["bridge.core.journal", "bridge.core.dialects.rubyplay"]


def test_later_modules_name_real_modules() -> None:
    import importlib

    for name in LATER_MODULES:
        importlib.import_module(name)
