"""hizi-bridge.js and hizi-bridge.d.ts list exactly the catalog's message types."""

from __future__ import annotations

import re
from pathlib import Path

from bridge.boundary import js_constants, with_constants
from bridge.core.messages import GAME_TO_LOBBY, LOBBY_TO_GAME

STATIC = Path(__file__).resolve().parents[2] / "bridge" / "static"


def _js_list(source: str, name: str) -> list[str]:
    match = re.search(rf"const {name} = \[(.*?)\];", source, re.S)
    assert match, name
    return re.findall(r'"([^"]+)"', match.group(1))


def _ts_union(source: str, name: str) -> set[str]:
    match = re.search(rf"export type {name} =(.*?);", source, re.S)
    assert match, name
    return set(re.findall(r'"([^"]+)"', match.group(1)))


def test_js_and_dts_catalogs_match_python() -> None:
    js = (STATIC / "hizi-bridge.js").read_text()
    dts = (STATIC / "hizi-bridge.d.ts").read_text()
    lobby = [c.type_name() for c in LOBBY_TO_GAME]
    game = [c.type_name() for c in GAME_TO_LOBBY]
    assert _js_list(js, "LOBBY_TO_GAME") == lobby
    assert _js_list(js, "GAME_TO_LOBBY") == game
    assert _ts_union(dts, "LobbyToGameType") == set(lobby)
    assert _ts_union(dts, "GameToLobbyType") == set(game)


def test_no_wildcard_target_origin_in_the_browser_layer() -> None:
    browser = STATIC.parent / "browser"
    for path in [*STATIC.glob("*.js"), *STATIC.glob("*.mjs"), *browser.glob("*.py")]:
        text = path.read_text()
        assert not re.search(r"postMessage\([^)]*['\"]\*['\"]", text), path


def test_the_boundary_constants_in_the_script_are_generated() -> None:
    """One contract: the op and piece codes in hizi-bridge.js are bridge.boundary's."""
    js = (STATIC / "hizi-bridge.js").read_text()
    assert with_constants(js) == js
    assert js_constants() in js
