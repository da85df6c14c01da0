"""A game built from the README's studio snippet trusts only the lobbies it names (issue #17).

The snippet runs as written (extracted from README.md, its helpers stubbed) on the game origin.
Its lobby and the strangers are https origins served by request routing, so the snippet's own
pattern (``https://*.casino.example``) is what decides: a lobby it allows connects and plays; a
stranger that frames the game with ``?lobby=<itself>``, or with an allowed lobby's name, gets a
typed ``untrusted_lobby`` error in the game and not a single message. The JS example game
(examples/js_game.html, what studios copy) is checked the same way.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Frame, Page, Route

from .conftest import ROOT, E2ESite

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
LOBBY = "https://play.casino.example"  # matches the snippet's https://*.casino.example
STRANGER = "https://stranger.example"
QUIET_MS = 2500  # longer than the snippet's handshake wait: a game that talks has talked

# Helpers the snippet calls, stubbed so the test can see what the game did.
STUBS = """
window.seen = { refused: null, paused: 0, rounds: 0 };
let balance = 100;
const pauseReels = () => { seen.paused += 1; };
const showRealityCheck = (data, answer) => answer("continue");
const onSpin = (play) => { window.playerSpins = () => { seen.rounds += 1; play(); }; };
const cannotStart = (err) => {
  seen.refused = { code: err.code, field: err.field, message: err.message, value: err.value,
                   patterns: err.patterns, typed: err instanceof HiziBridge.HiziBridgeError };
};
"""

# Any page of the lobby's or a stranger's origin: frames ?game= and records every message.
FRAMER = """<!doctype html><meta charset="utf-8"><title>framer</title>
<script>
  window.received = [];
  addEventListener("message", (ev) => received.push({ origin: ev.origin, data: ev.data }));
  window.sendToGame = (msg) => document.getElementById("game").contentWindow.postMessage(msg, "*");
</script>
<iframe id="game" src="GAME"></iframe>"""


def readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For game studios", 1)[1]
    match = re.search(r"```js\n(.*?)```", section, re.S)
    assert match, "README: no js block in 'For game studios'"
    assert "lobbyOrigins" in match.group(1)
    return match.group(1)


@dataclass
class Launch:
    context: BrowserContext
    site: E2ESite

    def frame_game(self, framer: str, game_path: str, lobby_param: str) -> Frame:
        """A page of ``framer``'s origin framing the game with ``?lobby=lobby_param``."""
        game_url = f"{self.site.game_origin}/{game_path}?lobby={quote(lobby_param, safe='')}"
        page = self.context.new_page()
        page.goto(f"{framer}/framer.html?game={quote(game_url, safe='')}")
        for _ in range(600):
            game = next((f for f in page.frames if f.url.startswith(self.site.game_origin)), None)
            if game is not None:
                return game
            page.wait_for_timeout(50)
        raise AssertionError(f"the game frame did not load: {[f.url for f in page.frames]}")


def _framer(route: Route) -> None:
    game = parse_qs(urlsplit(route.request.url).query).get("game", [""])[0]
    body = FRAMER.replace("GAME", game.replace('"', "%22"))
    route.fulfill(status=200, content_type="text/html", body=body)


@pytest.fixture
def launch(
    new_context: Callable[..., BrowserContext], e2e_site: E2ESite
) -> Generator[Launch, None, None]:
    context = new_context()
    # Registered after the network guard, so these answer first: no request leaves the machine.
    context.route(f"{LOBBY}/**", _framer)
    context.route(f"{STRANGER}/**", _framer)
    snippet = readme_snippet()
    page = (
        '<!doctype html><meta charset="utf-8"><title>README studio game</title>'
        '<script src="/hizi-bridge.js"></script>'
        f"<script>{STUBS}</script><script>{snippet}</script>"
    )
    context.route(
        f"{e2e_site.game_origin}/readme_game.html*",
        lambda route: route.fulfill(status=200, content_type="text/html", body=page),
    )
    yield Launch(context, e2e_site)
    context.close()


def _framer_page(game: Frame) -> Page:
    return game.page


def _received(game: Frame) -> list[dict[str, Any]]:
    return list(_framer_page(game).evaluate("received"))


def test_the_readme_game_plays_with_a_lobby_it_allows(launch: Launch) -> None:
    """The control: the same page and the same recorder see messages from an allowed lobby."""
    game = launch.frame_game(LOBBY, "readme_game.html", LOBBY)
    page = _framer_page(game)
    page.wait_for_function(
        "() => received.some((m) => m.data && m.data.type === 'gameReady')",
        timeout=BOOT_TIMEOUT_MS,
    )
    assert game.evaluate("seen.refused") is None
    assert {m["origin"] for m in _received(game)} == {launch.site.game_origin}
    game.evaluate("playerSpins()")
    page.wait_for_function(
        "() => received.some((m) => m.data && m.data.type === 'roundEnded')", timeout=10_000
    )


@pytest.mark.parametrize(
    ("lobby_param", "why"),
    [
        (STRANGER, "not an allowed lobby origin: host stranger.example is not in the allow-list"),
        (
            LOBBY,
            "not the origin that frames this game (the browser says 'https://stranger.example')",
        ),
    ],
    ids=["names-itself", "names-an-allowed-lobby"],
)
def test_a_stranger_framing_the_readme_game_gets_a_typed_refusal_and_no_post(
    launch: Launch, lobby_param: str, why: str
) -> None:
    game = launch.frame_game(STRANGER, "readme_game.html", lobby_param)
    game.wait_for_function("() => seen.refused !== null", timeout=BOOT_TIMEOUT_MS)
    refused = game.evaluate("seen.refused")
    assert refused["typed"] is True
    assert (refused["code"], refused["field"], refused["value"]) == (
        "untrusted_lobby",
        "lobby",
        lobby_param,
    )
    assert refused["patterns"] == ["https://*.casino.example"]
    assert why in refused["message"]
    assert f"the launch parameter is '{lobby_param}'" in refused["message"]
    # The stranger asks for play; the game never answers, never plays, never posts.
    page = _framer_page(game)
    for message in ({"type": "spin"}, {"type": "pause", "id": 1}, {"type": "updateBalance"}):
        page.evaluate("(m) => sendToGame(m)", message)
    page.wait_for_timeout(QUIET_MS)
    assert _received(game) == []
    assert game.evaluate("seen") == {"refused": refused, "paused": 0, "rounds": 0}


def test_the_js_example_game_refuses_a_stranger_and_shows_why(launch: Launch) -> None:
    game = launch.frame_game(STRANGER, "examples/js_game.html", STRANGER)
    game.wait_for_function(
        "() => document.getElementById('bridge-status').textContent === 'refused'",
        timeout=BOOT_TIMEOUT_MS,
    )
    error = game.evaluate("window.bridgeError")
    assert error["code"] == "untrusted_lobby"
    shown = game.evaluate("document.getElementById('launch-error').textContent")
    assert "https://stranger.example" in shown and "http://127.0.0.1:*" in shown
    _framer_page(game).evaluate("() => sendToGame({ type: 'spin' })")
    _framer_page(game).wait_for_timeout(QUIET_MS)
    assert _received(game) == []


def test_game_options_name_the_lobby_exactly_one_way(launch: Launch) -> None:
    """Both, neither, and allowedOrigins beside lobbyOrigins: invalid_config, nothing opened."""
    game = launch.frame_game(LOBBY, "readme_game.html", LOBBY)
    codes = game.evaluate(
        """async () => {
            const LOBBY = "https://play.casino.example";
            const tries = [
              { lobbyOrigin: LOBBY, lobbyOrigins: ["https://*.casino.example"] },
              {},
              { lobbyOrigins: ["https://*.casino.example"], allowedOrigins: ["https://x.example"] },
              { lobbyOrigins: ["*"] },
              { lobbyOrigins: "https://play.casino.example" },
            ];
            const out = [];
            for (const t of tries) {
              const e = await HiziBridge.game(t).then(() => null, (err) => err);
              out.push(e ? [e.code, e.field, e.message] : ["opened"]);
            }
            return out;
        }"""
    )
    assert [c[0] for c in codes] == ["invalid_config"] * 5, json.dumps(codes)
    assert "not both" in codes[0][2]
    assert "is required" in codes[1][2]
    assert codes[2][1] == "allowedOrigins"
    assert "'*' would allow every origin" in codes[3][2]
    assert "non-empty array" in codes[4][2]
