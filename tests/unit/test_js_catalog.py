"""hizi-bridge.js and hizi-bridge.d.ts list exactly the catalog's message types."""

from __future__ import annotations

import re
from pathlib import Path

from bridge.core.messages import GAME_TO_LOBBY, LOBBY_TO_GAME

STATIC = Path(__file__).resolve().parents[2] / "bridge" / "static"


def _js_list(source: str, name: str) -> list[str]:
    match = re.search(rf"const {name} = \[(.*?)\];", source, re.S)
    assert match, name
    return re.findall(r'"([^"]+)"', match.group(1))


def test_js_catalog_matches_python() -> None:
    js = (STATIC / "hizi-bridge.js").read_text()
    assert _js_list(js, "LOBBY_TO_GAME") == [c.type_name() for c in LOBBY_TO_GAME]
    assert _js_list(js, "GAME_TO_LOBBY") == [c.type_name() for c in GAME_TO_LOBBY]


def test_dts_types_each_payload_from_the_generated_catalog() -> None:
    dts = (STATIC / "hizi-bridge.d.ts").read_text()
    assert 'from "../schema/messages"' in dts
    schema = (STATIC.parent / "schema" / "messages.d.ts").read_text()
    for name, classes in (("LobbyToGame", LOBBY_TO_GAME), ("GameToLobby", GAME_TO_LOBBY)):
        match = re.search(rf"export interface {name} {{(.*?)}}", schema, re.S)
        assert match, name
        keys = re.findall(r'^\s*"([^"]+)":', match.group(1), re.M)
        assert keys == [c.type_name() for c in classes]


def test_no_wildcard_target_origin_in_the_browser_layer() -> None:
    browser = STATIC.parent / "browser"
    for path in [*STATIC.glob("*.js"), *STATIC.glob("*.mjs"), *browser.glob("*.py")]:
        text = path.read_text()
        assert not re.search(r"postMessage\([^)]*['\"]\*['\"]", text), path
