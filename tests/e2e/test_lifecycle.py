"""Issue #11 section 1 in Chromium: the game frame's transitions under a JS-API lobby.

Public API only (``HiziBridge.lobby``, ``on``/``onAny``, ``onStatus``, ``status``, ``mode``,
``realityCheck``, ``await stats()``), so these run against any runtime behind it. The lobby is
tests/e2e/pages/life_lobby.html (``openBridge(name, options)``, records per bridge); the games
are the example pages: examples/js_game.html (hizi-bridge; ``rc=none``: never answers a
reality check, so one stays pending) and examples/plain_game.html (plain Appendix A).

For every transition: what the lobby's handlers get from the new page, that the new page
receives the lobby's sends (both games answer ``spin`` with roundStarted + roundEnded), what
the reality check pending on the old page gets (``cancelled``), and the final mode.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from .conftest import BrowserLog, HostileSite, instrumented_context
from .hostile import INIT_SCRIPT, frame_by_url, wait_until

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))
BRIDGE_GREETING = ["onAppFrameReady", "loadProgress", "gameReady"]
PLAIN_GREETING = ["onAppFrameReady", "gameReady"]
ROUND = ["roundStarted", "roundEnded"]


@pytest.fixture(scope="module")
def life_context(browser: Browser) -> Generator[tuple[BrowserContext, BrowserLog], None, None]:
    yield from instrumented_context(browser, INIT_SCRIPT)


class Lobby:
    """One life_lobby.html page and the URLs of the game pages."""

    def __init__(self, page: Page, site: HostileSite) -> None:
        self.page = page
        self.site = site
        self.lobby_origin = site.site.lobby_origin
        self.game_origin = site.site.game_origin

    def game_url(self, path: str, origin: str | None = None, **params: str) -> str:
        query = "&".join([f"lobby={self.lobby_origin}", *(f"{k}={v}" for k, v in params.items())])
        return f"{origin or self.game_origin}/{path}?{query}"

    def bridge_game(self, **params: str) -> str:
        return self.game_url("examples/js_game.html", rc="none", **params)

    def plain_game(self, **params: str) -> str:
        return self.game_url("examples/plain_game.html", **params)

    def open(self, name: str = "a", **options: Any) -> None:
        options.setdefault("gameOrigin", self.game_origin)
        self.page.evaluate("([n, o]) => openBridge(n, o)", [name, options])

    def navigate(self, url: str) -> None:
        self.page.evaluate(
            """(url) => { const f = document.getElementById("game");
                          f.removeAttribute("srcdoc"); f.src = url; }""",
            url,
        )

    def types(self, name: str = "a") -> list[str]:
        return [m["type"] for m in self.page.evaluate("(n) => delivered[n]", name)]

    def wait_types(self, name: str, start: int, expected: list[str], what: str) -> None:
        wait_until(lambda: len(self.types(name)) >= start + len(expected), 90, what)
        self.page.wait_for_timeout(150)  # nothing else, nothing doubled
        assert self.types(name)[start:] == expected, what

    def wait_connected(self, mode: str, name: str = "a") -> None:
        self.page.wait_for_function(
            "([n, m]) => bridges[n].status === 'connected' && bridges[n].mode === m",
            arg=[name, mode],
            timeout=BOOT_TIMEOUT_MS,
        )

    def outcome(self, label: str) -> str:
        return str(self.page.evaluate("(l) => outcomes[l]", label))

    def wait_outcome(self, label: str, expected: str) -> None:
        wait_until(lambda: self.outcome(label) != "pending", 90, f"request {label} to settle")
        assert self.outcome(label) == expected, label

    def spin_reaches_the_game(self, name: str = "a") -> None:
        start = len(self.types(name))
        self.page.evaluate("(n) => bridges[n].spin()", name)
        self.wait_types(name, start, ROUND, "the game's answer to spin")

    def stats(self, name: str = "a") -> dict[str, Any]:
        return dict(self.page.evaluate("async (n) => await bridges[n].stats()", name))

    def transition(self, url: str, greeting: list[str], mode: str, label: str) -> None:
        """Navigate the frame to ``url`` with a reality check pending on the old page."""
        start = len(self.types())
        self.page.evaluate("(l) => ask('a', l)", label)
        self.page.wait_for_timeout(100)  # the request reached the old page
        self.navigate(url)
        self.wait_outcome(label, "cancelled")
        self.wait_types("a", start, greeting, f"the greeting of {url}")
        self.wait_connected(mode)
        self.spin_reaches_the_game()


def new_lobby(context: BrowserContext, site: HostileSite) -> Lobby:
    page = context.new_page()
    page.goto(f"{site.site.lobby_origin}/hostile/life_lobby.html")
    return Lobby(page, site)


@pytest.fixture(scope="module")
def chain(
    life_context: tuple[BrowserContext, BrowserLog], hostile_site: HostileSite
) -> Generator[Lobby, None, None]:
    """One lobby bridge that the transition tests below take from page to page, in order."""
    lobby = new_lobby(life_context[0], hostile_site)
    lobby.open()
    lobby.navigate(lobby.bridge_game())
    lobby.wait_connected("bridge")
    lobby.wait_types("a", 0, BRIDGE_GREETING, "the first game's greeting")
    yield lobby
    lobby.page.close()


def _ensure(lobby: Lobby, mode: str) -> None:
    """Each transition starts from ``mode``; if an earlier test failed, get there first."""
    if lobby.page.evaluate("bridges.a.mode") != mode:
        url = lobby.bridge_game() if mode == "bridge" else lobby.plain_game()
        start = len(lobby.types())
        lobby.navigate(url)
        lobby.wait_types("a", start, BRIDGE_GREETING if mode == "bridge" else PLAIN_GREETING, url)
        lobby.wait_connected(mode)


# ------------------------------------------------------------------------------ the matrix


def test_bridge_to_bridge(chain: Lobby) -> None:
    _ensure(chain, "bridge")
    handshakes = chain.stats()["handshakes"]
    chain.transition(chain.bridge_game(game="2"), BRIDGE_GREETING, "bridge", "b2b")
    assert chain.stats()["handshakes"] == handshakes + 1


def test_reload_of_a_bridge_game(chain: Lobby) -> None:
    _ensure(chain, "bridge")
    start = len(chain.types())
    chain.page.evaluate("(l) => ask('a', l)", "reload")
    chain.page.wait_for_timeout(100)
    frame_by_url(chain.page, "js_game.html").evaluate("() => location.reload()")
    chain.wait_outcome("reload", "cancelled")
    chain.wait_types("a", start, BRIDGE_GREETING, "the reloaded game's greeting")
    chain.wait_connected("bridge")
    chain.spin_reaches_the_game()


def test_bridge_to_plain(chain: Lobby) -> None:
    """The issue's example: the plain page's messages are delivered, not refused as transport."""
    _ensure(chain, "bridge")
    rejected = chain.stats()["rejected_total"]
    chain.transition(chain.plain_game(), PLAIN_GREETING, "compat", "b2p")
    assert chain.stats()["rejected_total"] == rejected
    received = frame_by_url(chain.page, "plain_game.html").evaluate("received")
    assert {"type": "spin"} in received


def test_plain_to_plain(chain: Lobby) -> None:
    _ensure(chain, "compat")
    chain.transition(chain.plain_game(game="2"), PLAIN_GREETING, "compat", "p2p")


def test_plain_to_bridge(chain: Lobby) -> None:
    _ensure(chain, "compat")
    chain.transition(chain.bridge_game(), BRIDGE_GREETING, "bridge", "p2b")


def test_hello_before_the_load_event(
    chain: Lobby, life_context: tuple[BrowserContext, BrowserLog]
) -> None:
    """The new game says hello while its frame still loads (an image held back): the load
    event that follows belongs to the page we just connected to and must not reset it."""
    _ensure(chain, "bridge")
    held: list[Route] = []
    chain.page.route("**/hostile/held.svg", lambda route: held.append(route))
    try:
        start = len(chain.types())
        handshakes = chain.stats()["handshakes"]
        chain.page.evaluate("(l) => ask('a', l)", "before-load")
        chain.page.wait_for_timeout(100)
        chain.navigate(chain.game_url("hostile/life_game.html", rc="none"))
        chain.wait_outcome("before-load", "cancelled")
        chain.wait_types("a", start, BRIDGE_GREETING, "the new game's greeting")
        chain.wait_connected("bridge")
        assert held, "the frame's load event was not held back"
        chain.page.evaluate("(l) => ask('a', l)", "after-hello")  # to the new page
        chain.page.evaluate(
            """() => { window.frameLoads = 0;
                       document.getElementById("game").addEventListener("load",
                           () => { frameLoads += 1; }); }"""
        )
        held[0].fulfill(status=200, content_type="image/svg+xml", body="<svg/>")
        chain.page.wait_for_function("() => frameLoads === 1")
        chain.spin_reaches_the_game()  # sent around the load event: held, then flushed
        chain.page.wait_for_timeout(4000)  # past the 3 s confirmation deadline
        assert chain.outcome("after-hello") == "pending"  # the page is still there
        assert chain.stats()["handshakes"] == handshakes + 1
        assert chain.page.evaluate("bridges.a.status") == "connected"
    finally:
        chain.page.unroute("**/hostile/held.svg")


# ------------------------------------------------------------------------------ frames


def test_an_iframe_that_starts_empty(
    life_context: tuple[BrowserContext, BrowserLog], hostile_site: HostileSite
) -> None:
    lobby = new_lobby(life_context[0], hostile_site)
    lobby.open()  # the frame shows its initial about:blank
    lobby.page.wait_for_function("() => bridges.a.status !== 'booting'", timeout=BOOT_TIMEOUT_MS)
    lobby.page.wait_for_timeout(300)
    assert lobby.page.evaluate("bridges.a.status") == "handshaking"
    lobby.page.evaluate("bridges.a.spin()")  # queued for the game to come
    lobby.navigate(lobby.bridge_game())
    # the game's greeting, then its answer to the spin that waited in the lobby's queue
    lobby.wait_types("a", 0, [*BRIDGE_GREETING, *ROUND], "the game's greeting")
    lobby.wait_connected("bridge")
    game = frame_by_url(lobby.page, "js_game.html")
    game.wait_for_function(
        "() => [...document.querySelectorAll('#event-log li')].some(li =>"
        " li.dataset.type === 'spin' && li.dataset.direction === 'in')"
    )
    lobby.page.close()


def test_an_iframe_that_starts_with_srcdoc(
    life_context: tuple[BrowserContext, BrowserLog], hostile_site: HostileSite
) -> None:
    lobby = new_lobby(life_context[0], hostile_site)
    lobby.page.evaluate(
        """() => new Promise((resolve) => { const f = document.getElementById("game");
            f.onload = () => resolve(); f.srcdoc = "<p>choose a game</p>"; })"""
    )
    lobby.open()
    lobby.navigate(lobby.plain_game())
    lobby.wait_types("a", 0, PLAIN_GREETING, "the plain game's greeting")
    lobby.wait_connected("compat")
    lobby.spin_reaches_the_game()
    lobby.page.close()


def test_a_launch_url_that_redirects_to_another_allowed_origin(
    life_context: tuple[BrowserContext, BrowserLog], hostile_site: HostileSite
) -> None:
    lobby = new_lobby(life_context[0], hostile_site)
    other = hostile_site.other_port_origin  # the game host on another port: another origin
    target = lobby.game_url("examples/js_game.html", origin=other)
    lobby.page.route(
        "**/launch/**",
        lambda route: route.fulfill(status=302, headers={"Location": target}),
    )
    lobby.open(allowedOrigins=[lobby.game_origin, other])
    lobby.navigate(f"{lobby.game_origin}/launch/slot")
    lobby.wait_types("a", 0, BRIDGE_GREETING, "the redirected game's greeting")
    lobby.wait_connected("bridge")
    lobby.spin_reaches_the_game()
    targets = lobby.stats()["target_origins"]
    assert other in targets and "*" not in targets
    lobby.page.close()


def test_two_bridges_for_one_iframe(
    life_context: tuple[BrowserContext, BrowserLog], hostile_site: HostileSite
) -> None:
    """A remount: the first bridge is closed, a second one takes over the same frame; then a
    third is made while the second is still open: the newest one gets the game."""
    lobby = new_lobby(life_context[0], hostile_site)
    lobby.open("a")
    lobby.navigate(lobby.bridge_game())
    lobby.wait_connected("bridge", "a")
    lobby.page.evaluate("bridges.a.close()")
    lobby.open("b")
    lobby.wait_connected("bridge", "b")
    lobby.spin_reaches_the_game("b")
    assert "roundStarted" not in lobby.types("a")
    lobby.open("c")
    lobby.wait_connected("bridge", "c")
    # c took the game over from b, so the game repeats its greeting to c (REPLAY_GREETING);
    # it may land after c reports connected: wait for it, then count the spin's answer.
    lobby.wait_types("c", 0, BRIDGE_GREETING, "the game's greeting to the newer bridge")
    lobby.spin_reaches_the_game("c")
    time.sleep(0.2)
    assert lobby.types("b").count("roundStarted") == 1  # the game answers only the newest
    lobby.page.close()


def test_the_older_of_two_open_bridges_notices_it_lost_the_game(
    life_context: tuple[BrowserContext, BrowserLog], hostile_site: HostileSite
) -> None:
    """Issue #18: the older handle is not left handshaking with its requests timing out and
    its sends lost; it ends, closed, saying why, and the newer one has the game, greeting
    included (a lobby waiting for gameReady on it would otherwise wait for ever)."""
    lobby = new_lobby(life_context[0], hostile_site)
    try:
        lobby.open("a")
        lobby.navigate(lobby.bridge_game())
        lobby.wait_connected("bridge", "a")
        lobby.page.evaluate("(l) => ask('a', l)", "older")
        lobby.page.wait_for_timeout(100)
        lobby.open("b")
        lobby.wait_connected("bridge", "b")
        lobby.wait_types("b", 0, BRIDGE_GREETING, "the newer bridge hears the greeting")
        lobby.page.wait_for_function("() => bridges.a.status === 'closed'", timeout=10_000)
        lobby.wait_outcome("older", "cancelled")
        status = lobby.page.evaluate(
            """async () => { const s = statuses.a[statuses.a.length - 1];
                             let sent = "sent";
                             try { await bridges.a.spin(); } catch (e) { sent = e.code; }
                             return [s.code, s.reason, sent]; }"""
        )
        assert status[0] == "superseded" and "another lobby bridge" in status[1]
        assert status[2] == "closed"
        lobby.spin_reaches_the_game("b")
    finally:
        lobby.page.close()


def test_a_bridge_game_that_also_posts_plain_messages_itself(
    life_context: tuple[BrowserContext, BrowserLog], hostile_site: HostileSite
) -> None:
    """Issue #18: a hizi-bridge game page that also posts a valid plain Appendix A message
    (a studio's old code, an analytics snippet). The lobby delivers it, asks whether the
    game is still there, and stays on the port: no compat on one side and bridge on the
    other, and a reality check pending meanwhile settles."""
    lobby = new_lobby(life_context[0], hostile_site)
    try:
        lobby.open()
        lobby.navigate(lobby.bridge_game())
        lobby.wait_connected("bridge")
        lobby.wait_types("a", 0, BRIDGE_GREETING, "the game's greeting")
        lobby.page.evaluate("(l) => ask('a', l)", "mixed")
        lobby.page.wait_for_timeout(100)
        game = frame_by_url(lobby.page, "js_game.html")
        start = len(lobby.types())
        game.evaluate(
            "(o) => window.parent.postMessage({type: 'balance', data: 42}, o)", lobby.lobby_origin
        )
        lobby.wait_types("a", start, ["balance"], "the game's own plain message")
        # Red team of #18: a window post from the game's document answers no request while
        # the port is held (the answer is the one on the port, naming the request's id).
        game.evaluate(
            "(o) => window.parent.postMessage("
            "{type: 'realityCheckAnswer', data: {choice: 'quit'}}, o)",
            lobby.lobby_origin,
        )
        lobby.wait_types("a", start, ["balance", "realityCheckAnswer"], "the forged answer")
        lobby.page.wait_for_timeout(4000)  # past the 3 s deadline of the lobby's question
        assert lobby.page.evaluate("[bridges.a.status, bridges.a.mode]") == ["connected", "bridge"]
        assert lobby.outcome("mixed") == "pending"
        game.evaluate("() => window.bridge.realityCheckAnswer('continue')")
        lobby.wait_outcome("mixed", "answered:continue")
        lobby.spin_reaches_the_game()
        refused = game.evaluate("async () => (await window.bridge.stats()).rejected.transport")
        assert refused == 0  # the game never had to refuse the lobby's window posts
    finally:
        lobby.page.close()


def test_close_after_the_iframe_was_removed(
    life_context: tuple[BrowserContext, BrowserLog], hostile_site: HostileSite
) -> None:
    context, log = life_context
    lobby = new_lobby(context, hostile_site)
    lobby.open()
    lobby.navigate(lobby.bridge_game())
    lobby.wait_connected("bridge")
    lobby.page.evaluate("() => ask('a', 'removed')")
    lobby.page.wait_for_timeout(100)
    lobby.page.evaluate("() => document.getElementById('game').remove()")
    lobby.page.wait_for_timeout(300)
    lobby.page.evaluate("() => bridges.a.close('iframe removed')")
    lobby.wait_outcome("removed", "cancelled")
    assert lobby.page.evaluate("bridges.a.status") == "closed"
    errors = [e for e in log.errors() if "page error" in e]
    assert errors == []
    lobby.page.close()
