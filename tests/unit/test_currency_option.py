"""The bridges' ``currency`` option (JS ``currency: "EUR"``): what a minor-unit dialect needs,
the compliance currency's default, and the dialect data a JS handler sees."""

from __future__ import annotations

import json

from bridge.boundary import PageOp
from bridge.browser import engine

from .test_outbox import GAME, LOBBY, StubKit, pieces

RC = {"rcEnabled": True, "rcInterval": 60_000}


def error_of(out: object) -> dict[str, str]:
    assert isinstance(out, str)
    [(code, reply)] = pieces(out)
    assert code == "r"
    return reply["error"]  # type: ignore[no-any-return]


def test_a_rubyplay_bridge_without_a_currency_is_invalid_config() -> None:
    for role, origin in (("lobby", {"gameOrigin": GAME}), ("game", {"lobbyOrigin": LOBBY})):
        error = error_of(
            engine.open_bridge(1, role, json.dumps({**origin, "dialect": "rubyplay"}), StubKit())
        )
        assert error["code"] == "invalid_config" and "currency" in error["message"], error
    error = error_of(
        engine.open_bridge(
            1,
            "lobby",
            json.dumps({"gameOrigin": GAME, "dialect": "rubyplay", "currency": "XAU"}),
            StubKit(),
        )
    )
    assert error["code"] == "invalid_config" and "minor unit" in error["message"]
    ok = engine.open_bridge(
        1,
        "lobby",
        json.dumps({"gameOrigin": GAME, "dialect": "rubyplay", "currency": "EUR"}),
        StubKit(),
    )
    assert not isinstance(ok, str)


def test_the_compliance_currency_defaults_to_the_bridges() -> None:
    config = {"gameOrigin": GAME, "currency": "JPY", "compliance": {"settings": RC}}
    handle = engine.open_bridge(1, "lobby", json.dumps(config), StubKit())
    assert not isinstance(handle, str) and handle.supervision is not None
    assert handle.supervision.options.currency == "JPY"
    # supervise() later: the same default; a currency given wins
    handle(PageOp.SUPERVISE, 2, json.dumps({"settings": RC, "currency": "EUR"}))
    assert handle.supervision.options.currency == "EUR"
    handle(PageOp.SUPERVISE, 3, json.dumps({"settings": RC}))
    assert handle.supervision.options.currency == "JPY"


def test_without_any_currency_compliance_still_names_the_option() -> None:
    config = {"gameOrigin": GAME, "compliance": {"settings": RC}}
    error = error_of(engine.open_bridge(1, "lobby", json.dumps(config), StubKit()))
    assert error["code"] == "invalid_config" and "currency" in error.get("field", error["message"])
