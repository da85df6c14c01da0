"""Compliance from the JS API, run in the engine: the lobby's ``compliance`` option and
``supervise()`` make the engine's Python run a ``Supervisor`` on the bridge, on the bridge's
one timer, sending the reality check itself and reporting actions as ``c`` pieces.

The engine under CPython with a stand-in kit (as in test_outbox.py) and a hand-driven clock.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bridge.boundary import CODES
from bridge.browser import engine
from bridge.browser.supervision import ComplianceConfigError, ComplianceOptions
from bridge.core.messages import GAME_TO_LOBBY, LOBBY_TO_GAME

from .fakes import GAME_ORIGIN as GAME
from .fakes import LOBBY_ORIGIN as LOBBY
from .fakes import StubKit, open_handle, pieces

HISTORY = "https://casino.example.com/history"
RC = {"rcEnabled": True, "rcInterval": 60_000, "historyURL": HISTORY}
SCRIPT = Path(__file__).resolve().parents[2] / "bridge" / "static" / "hizi-bridge.js"


class Clock:
    """The channel's clock (seconds), moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance_ms(self, ms: float) -> None:
        self.now += ms / 1000


class Pair:
    """A connected lobby + game (engine handles), the lobby on a hand-driven clock."""

    def __init__(self, lobby_config: dict[str, Any] | None = None, advance_ms: float = 0) -> None:
        self.clock = Clock()
        lobby = {"gameOrigin": GAME, **(lobby_config or {})}
        self.lobby, _ = open_handle("lobby", lobby, self.clock)
        self.game, _ = open_handle("game", {"lobbyOrigin": LOBBY}, self.clock)
        self.lobby(CODES["start"], True)
        self.clock.advance_ms(advance_ms)  # the game takes a while to come
        [hello] = [p[1][1] for p in pieces(self.game(CODES["start"], True)) if p[0] == "window"]
        out = pieces(self.lobby(CODES["window"], json.dumps(hello), True, GAME, False))
        [welcome] = [p[1][1] for p in out if p[0] == "window_new_port"]
        out = pieces(self.game(CODES["window"], json.dumps(welcome), True, LOBBY, True))
        [ready] = [p[1] for p in out if p[0].startswith("port")]
        self.lobby(CODES["port"], json.dumps(ready), False)
        assert self.lobby.bridge.status == "connected"

    def supervise(self, options: dict[str, Any] | None) -> list[tuple[str, Any]]:
        out = pieces(self.lobby(CODES["supervise"], 5, json.dumps(options) if options else ""))
        assert ("reply", {"key": 5, "ok": None}) in out
        return out

    def from_game(self, type_name: str, data: Any = None) -> list[tuple[str, Any]]:
        """The game sends; the lobby's outbox for it."""
        out = self.game(CODES["send"], 1, type_name, "" if data is None else json.dumps(data))
        [post] = [p for p in out.split("\x00") if p[0] in "BP"]
        return pieces(self.lobby(CODES["port"], post[1:], False))

    def to_game(self, lobby_out: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """Carry the lobby's port posts to the game; the game's outboxes."""
        result: list[tuple[str, Any]] = []
        for code, value in lobby_out:
            if code.startswith("port"):
                result += pieces(self.game(CODES["port"], json.dumps(value), False))
        return result

    def tick(self, ms: float) -> list[tuple[str, Any]]:
        self.clock.advance_ms(ms)
        return pieces(self.lobby(CODES["timer"]))


def actions(out: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [value for code, value in out if code == "compliance"]


def posts(out: list[tuple[str, Any]]) -> list[str]:
    return [value["type"] for code, value in out if code.startswith("port")]


def timers(out: list[tuple[str, Any]]) -> list[float]:
    return [value for code, value in out if code == "timer"]


# ------------------------------------------------------------------ the reality check


def test_a_check_due_inside_a_round_waits_for_round_ended_and_the_answer_acts() -> None:
    pair = Pair()
    out = pair.supervise({"settings": RC, "currency": "EUR"})
    assert [t for t in timers(out) if 60_000 <= t <= 60_002]  # the bridge's one timer
    assert actions(pair.from_game("roundStarted", 99)) == []
    out = pair.tick(61_000)  # due, but a round is open
    assert actions(out) == [] and posts(out) == []
    assert pair.lobby.supervision.supervisor.reality_check.state == "due"

    out = pair.from_game("roundEnded", {"stake": 1, "win": 0.5, "balance": 99.5})
    codes = [c for c, _ in out]
    assert codes.index("message") < codes.index("compliance")  # the page hears roundEnded first
    [check] = actions(out)
    assert check["kind"] == "realityCheck"
    assert check["data"] == {
        "elapsedSeconds": 61.0,
        "totalStaked": 1.0,
        "totalWon": 0.5,
        "netResult": -0.5,
        "currency": "EUR",
        "rounds": 1,
        "historyUrl": HISTORY,
    }
    assert posts(out) == ["realityCheck"]  # sent by the engine itself
    assert timers(out) == []  # a person answers: no timeout, and the interval is held

    game_out = pair.to_game(out)
    assert ("message", {"type": "realityCheck", "data": check["data"]}) in game_out
    out = pair.from_game("realityCheckAnswer", {"choice": "history"})
    assert actions(out) == [{"kind": "openHistory", "url": HISTORY}]
    assert [t for t in timers(out) if 60_000 <= t <= 60_002]  # counting again from the answer


def test_quit_closes_the_game_with_a_close_request() -> None:
    pair = Pair()
    pair.supervise({"settings": RC, "currency": "EUR"})
    out = pair.tick(60_001)
    assert [a["kind"] for a in actions(out)] == ["realityCheck"]
    pair.to_game(out)
    out = pair.from_game("realityCheckAnswer", {"choice": "quit"})
    assert [a["kind"] for a in actions(out)] == ["closeGame"]
    assert posts(out) == ["close"]
    [(_, close)] = [p for p in pair.to_game(out) if p[0] == "message"]
    assert close["type"] == "close"
    assert close["data"]["reason"] == "the player quit at the reality check"


def test_win_loss_is_left_out_when_rc_display_win_loss_is_false() -> None:
    pair = Pair()
    pair.supervise({"settings": {**RC, "rcDisplayWinLoss": False}, "currency": "EUR"})
    [check] = actions(pair.tick(60_001))
    assert "totalStaked" not in check["data"] and "netResult" not in check["data"]
    assert check["data"]["currency"] == "EUR"


def test_a_check_that_gets_no_answer_counts_again_from_the_failure() -> None:
    pair = Pair()
    pair.supervise({"settings": RC, "currency": "EUR"})
    assert [a["kind"] for a in actions(pair.tick(60_001))] == ["realityCheck"]
    out = pieces(pair.lobby(CODES["port_closed"]))  # the game's page went away: cancelled
    assert pair.lobby.supervision.checks_failed == 1
    assert pair.lobby.supervision.supervisor.reality_check.state == "counting"
    # The game is gone (the lobby waits for a new page): no session runs, nothing is due.
    assert pair.lobby.bridge.status != "connected"
    assert pair.lobby.supervision.next_deadline() is None
    assert timers(out)  # the timer is armed, for the lobby's own handshake wait only
    assert actions(pair.tick(60_001)) == []


def test_no_session_for_a_game_that_never_connected() -> None:
    clock = Clock()
    config = {"gameOrigin": GAME, "compliance": {"settings": RC, "currency": "EUR"}}
    handle, _ = open_handle("lobby", config, clock)
    handle(CODES["start"], True)
    assert handle.supervision.next_deadline() is None  # handshaking: no game yet
    seen: list[dict[str, Any]] = []
    for _ in range(40):  # well past the handshake timeout and the interval
        clock.advance_ms(5_000)
        seen += actions(pieces(handle(CODES["timer"])))
    assert handle.bridge.status == "error"
    assert seen == []
    assert handle.supervision.next_deadline() is None


def test_the_session_starts_when_the_game_connects() -> None:
    pair = Pair({"compliance": {"settings": RC, "currency": "EUR"}}, advance_ms=30_000)
    supervision = pair.lobby.supervision
    assert supervision.active  # connected: the session runs, counted from the connection
    assert supervision.next_deadline() == pytest.approx(pair.clock.now + 60)
    assert actions(pair.tick(59_000)) == []
    assert [a["kind"] for a in actions(pair.tick(1_000))] == ["realityCheck"]


def test_game_ready_starts_a_new_session() -> None:
    pair = Pair()
    pair.supervise({"settings": RC, "currency": "EUR"})
    pair.from_game("roundStarted", 99)
    pair.from_game("roundEnded", {"stake": 1, "win": 0, "balance": 99})
    pair.clock.advance_ms(50_000)
    pair.from_game("gameReady")
    assert pair.lobby.supervision.supervisor.tracker.rounds == 0
    assert actions(pair.tick(50_000)) == []  # 100 s since the start, 50 s of this session
    [check] = actions(pair.tick(10_001))
    assert check["data"]["elapsedSeconds"] == pytest.approx(60.001)


def test_supervise_null_stops_and_the_timer_forgets_the_deadline() -> None:
    pair = Pair()
    pair.supervise({"settings": RC, "currency": "EUR"})
    pair.supervise(None)
    assert pair.lobby.supervision is None
    assert pair.lobby.bridge.driver.ticker is None
    assert timers(pair.tick(120_000)) == [] and actions(pair.tick(120_000)) == []


# ------------------------------------------------------------------ inactivity


def test_inactivity_warns_clears_then_closes() -> None:
    pair = Pair()
    options = {"currency": "EUR", "inactivityLimitMs": 10_000, "inactivityWarnMs": 3_000}
    out = pair.supervise(options)
    assert [t for t in timers(out) if 7_000 <= t <= 7_002]
    assert actions(pair.tick(7_000)) == [{"kind": "warnInactive", "remainingMs": 3_000}]
    assert actions(pair.from_game("playerActivity", {"action": "spin"})) == [
        {"kind": "inactivityCleared"}
    ]
    assert actions(pair.tick(6_000)) == []
    assert [a["kind"] for a in actions(pair.tick(1_000))] == ["warnInactive"]
    out = pair.tick(3_000)
    assert actions(out) == [{"kind": "closeGame", "reason": "inactivity"}]
    assert posts(out) == ["close"]


# ------------------------------------------------------------------ options


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"settings": {"rcEnabled": True}, "currency": "EUR"}, "compliance.settings.rcInterval",
         "required when rcEnabled"),
        ({"settings": {"rcInterval": 10}, "currency": "EUR"}, "compliance.settings.rcInterval",
         "1000"),
        ({"settings": {"rcEnabeld": True}, "currency": "EUR"}, "compliance.settings.rcEnabeld",
         "not an Appendix C setting"),
        ({"settings": RC}, "compliance.currency", "required"),
        ({"settings": RC, "currency": "euro"}, "compliance.currency", "ISO 4217"),
        ({"currency": "EUR", "inactivityLimitMs": 5, "inactivityWarnMs": 5},
         "compliance.inactivityWarnMs", "<"),
        ({"currency": "EUR", "inactivityLimitMs": "5"}, "compliance.inactivityLimitMs", "ms"),
        ({"currency": "EUR", "rcInterval": 5}, "compliance.rcInterval", "not a compliance option"),
    ],
)  # fmt: skip
def test_bad_options_reject_lobby_with_invalid_config_naming_the_setting(
    options: dict[str, Any], field: str, words: str
) -> None:
    out = engine.open_bridge(3, "lobby", json.dumps({"gameOrigin": GAME, "compliance": options}),
                             StubKit())  # fmt: skip
    assert isinstance(out, str)
    [(code, reply)] = pieces(out)
    error = reply["error"]
    assert code == "reply" and error["code"] == "invalid_config" and error["field"] == field
    assert error["message"].startswith("hizi-bridge: compliance")
    assert field.rsplit(".", 1)[1] in error["message"] and words in error["message"]
    # The same options through supervise() on an open bridge: the same error, bridge open.
    pair = Pair()
    [(_, reply)] = pieces(pair.lobby(CODES["supervise"], 9, json.dumps(options)))
    assert reply["key"] == 9 and reply["error"]["field"] == field
    assert pair.lobby.supervision is None


def test_the_lobby_option_starts_supervision_on_the_bridge_timer() -> None:
    kit = StubKit()
    config = {"gameOrigin": GAME, "compliance": {"settings": RC, "currency": "EUR"}}
    handle = engine.open_bridge(1, "lobby", json.dumps(config), kit)
    assert not isinstance(handle, str)
    [open_reply] = kit.runs  # the OPEN reply; no timer yet: the session waits for the game
    assert pieces(open_reply)[0][0] == "reply"
    assert handle.supervision is not None and not handle.supervision.active
    assert handle.bridge.driver.ticker is handle.supervision


def test_compliance_is_a_lobby_option_only() -> None:
    config = {"lobbyOrigin": LOBBY, "compliance": {"currency": "EUR"}}
    out = engine.open_bridge(4, "game", json.dumps(config), StubKit())
    assert isinstance(out, str)
    [(_, reply)] = pieces(out)
    assert reply["error"]["code"] == "invalid_config"
    assert reply["error"]["field"] == "compliance"


def test_options_parse_to_what_the_supervisor_runs_with() -> None:
    options = ComplianceOptions.parse(
        {"settings": RC, "currency": "EUR", "inactivityLimitMs": 900_000,
         "inactivityWarnMs": 60_000}
    )  # fmt: skip
    assert options.settings.rc_interval == 60_000 and options.settings.history_url == HISTORY
    assert (options.inactivity_limit_ms, options.inactivity_warn_ms) == (900_000, 60_000)
    with pytest.raises(ComplianceConfigError) as info:
        ComplianceOptions.parse("[]")
    assert info.value.field == "compliance"


# ------------------------------------------------------------------ one API on both sides


def _helpers(kind: str) -> dict[str, tuple[str, str]]:
    """hizi-bridge.js's named helpers of LobbyBridge / GameBridge: name -> (how, type)."""
    source = SCRIPT.read_text()
    block = source.split(f"Object.assign({kind}.prototype, {{", 1)[1].split("\n  });", 1)[0]
    found = re.findall(r'^\s+(\w+): (plain|withData|asked)\("(\w+)"', block, re.M)
    return {name: (how, type_name) for name, how, type_name in found}


def test_the_js_helpers_cover_the_catalog_and_requests_follow_one_rule() -> None:
    for kind, catalog in (("LobbyBridge", LOBBY_TO_GAME), ("GameBridge", GAME_TO_LOBBY)):
        helpers = _helpers(kind)
        assert {t for _, t in helpers.values()} == {c.type_name() for c in catalog}, kind
        # The rule: a helper is a request exactly when its message has a reply.
        requests = {c.type_name() for c in catalog if c.reply is not None}
        assert {t for how, t in helpers.values() if how == "asked"} == requests, kind
    assert {"pause", "resume", "realityCheck", "close"} <= {
        t for how, t in _helpers("LobbyBridge").values() if how == "asked"
    }


def test_the_python_api_runs_the_same_supervision() -> None:
    from bridge.compliance import GameSettings, ShowRealityCheck
    from bridge.compliance.actions import Action

    pair = Pair()
    bridge = pair.lobby.bridge  # the LobbyBridge under the engine's handle: the Python API
    seen: list[Action] = []
    bridge.on_compliance(seen.append)
    bridge.supervise(GameSettings.parse(RC), currency="EUR")
    out = pair.tick(60_001)
    [action] = seen
    assert isinstance(action, ShowRealityCheck) and action.data.currency == "EUR"
    assert posts(out) == ["realityCheck"]  # sent by the bridge itself
    with pytest.raises(ComplianceConfigError) as info:
        bridge.supervise(GameSettings(), currency="euro")
    assert info.value.field == "compliance.currency"
    bridge.supervise(None)
    assert bridge.supervision is None and bridge.driver.ticker is None
