"""bridge.core.catalog: every catalog message declares its named helper, and the records
match the helpers both APIs have (bridge/browser/helpers.py, the JS helper table)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from bridge.browser.helpers import GameHelpers, LobbyHelpers
from bridge.core import messages as m
from bridge.core.catalog import Helper, helpers, js_name
from bridge.core.messages import CONTROL, GAME_TO_LOBBY, LOBBY_TO_GAME, Role

JS = (Path(__file__).resolve().parents[2] / "bridge" / "static" / "hizi-bridge.js").read_text()


def _js_table(kind: str) -> dict[str, str]:
    """``name: plain("type")`` / ``withData("type", ...)`` / ``asked("type", ...)`` rows."""
    match = re.search(rf"Object\.assign\({kind}\.prototype, \{{(.*?)\n  \}}\);", JS, re.S)
    assert match, kind
    rows = re.findall(r"^    (\w+): (plain|withData|asked)\(\"([^\"]+)\"", match.group(1), re.M)
    return {name: f"{how}:{type_name}" for name, how, type_name in rows}


def test_every_message_but_control_has_one_helper() -> None:
    records = helpers()
    assert [h.message for h in records] == [*LOBBY_TO_GAME, *GAME_TO_LOBBY]
    assert len({(h.role, h.name) for h in records}) == len(records)
    assert all(cls.helper is None for cls in CONTROL)
    assert helpers(Role.LOBBY) == tuple(h for h in records if h.role is Role.LOBBY)
    assert {h.message for h in helpers(Role.GAME)} == set(GAME_TO_LOBBY)


def test_replies_are_catalog_classes_and_requests_are_the_four() -> None:
    requests = {h.name: h.reply for h in helpers() if h.request}
    assert requests == {
        "pause": m.GamePaused,
        "resume": m.GameResumed,
        "reality_check": m.RealityCheckAnswer,
        "close_game": m.GameClosed,
    }
    assert [h.name for h in helpers() if h.answered_by_person] == ["reality_check"]


def test_params_name_real_data_fields() -> None:
    for h in helpers():
        data = h.message.model_fields["data"].annotation
        for param in h.params:
            if param.field is None:
                assert len(h.params) == 1, h.name  # the data value itself: the only one
                continue
            model = next(a for a in getattr(data, "__args__", (data,)) if isinstance(a, type))
            assert param.field in model.model_fields, (h.name, param.field)


@pytest.mark.parametrize(("mixin", "role"), [(LobbyHelpers, Role.LOBBY), (GameHelpers, Role.GAME)])
def test_python_helpers_match_the_declarations(mixin: type, role: Role) -> None:
    methods = {n for n, v in vars(mixin).items() if inspect.isfunction(v) and n[0] != "_"}
    assert methods == {h.name for h in helpers(role)}
    for h in helpers(role):
        sig = inspect.signature(getattr(mixin, h.name))
        params = [p for p in sig.parameters.values() if p.name != "self"]
        if h.request:
            assert params[-1].name == "timeout_ms", h.name
            assert params[-1].kind is inspect.Parameter.KEYWORD_ONLY
            params = params[:-1]
        assert [p.name for p in params] == [p.name for p in h.params], h.name
        for param, declared in zip(params, h.params, strict=True):
            keyword = param.kind is inspect.Parameter.KEYWORD_ONLY
            assert keyword == declared.keyword_only, (h.name, param.name)
            assert (param.default is None) == declared.optional, (h.name, param.name)


@pytest.mark.parametrize(("kind", "role"), [("LobbyBridge", Role.LOBBY), ("GameBridge", Role.GAME)])
def test_js_helper_table_matches_the_declarations(kind: str, role: Role) -> None:
    table = _js_table(kind)
    expected: dict[str, str] = {}
    for h in helpers(role):
        how = "asked" if h.request else ("withData" if h.params else "plain")
        for name in h.js_names:
            expected[name] = f"{how}:{h.type}"
    assert table == expected


def test_js_names_are_camel_case() -> None:
    assert js_name("close_game") == "closeGame"
    assert js_name("app_frame_ready") == "appFrameReady"
    record = next(h for h in helpers() if h.message is m.Continue)
    assert isinstance(record, Helper)
    assert record.js_names == ("continuePlay", "continue")
    assert [h.name for h in helpers() if h.js_takes_data] == ["error"]
