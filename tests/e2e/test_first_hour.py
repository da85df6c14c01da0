"""A new operator's or studio's first hour, in Chromium, on the origins ``build.py serve`` runs
(its demo routes: /serve.json and a lobby page without ``game`` redirected to its game):

- the root page on each origin links the demo, the examples, the inspector's report of the demo
  game and the docs, on the origins this serve runs (not the default ports), and every link
  answers;
- the demo lobby opened bare on non-default ports embeds the game this serve runs and connects;
- the demo game opened on its own says it has no lobby (and never says "connected");
- js_lobby.html's pause and resume buttons get the game's replies.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Generator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import BrowserLog, free_port

pytestmark = pytest.mark.e2e

BOOT_TIMEOUT_MS = int(os.environ.get("HIZI_BOOT_TIMEOUT_MS", "120000"))


@dataclass(frozen=True)
class Served:
    lobby: str
    game: str


@pytest.fixture(scope="module")
def served(build_module: ModuleType, built_site: Any) -> Generator[Served, None, None]:
    """The built site as ``build.py serve`` serves it, on ports that are not the defaults."""
    from buildtool.demo import demo_routes

    lobby_port, game_port = free_port(), free_port()
    lobby, game = f"http://127.0.0.1:{lobby_port}", f"http://localhost:{game_port}"
    wrap = demo_routes(lobby, game)
    servers = build_module.start_servers(
        built_site.site_dir,
        [
            build_module.ServerSpec("127.0.0.1", lobby_port, wrap=wrap),
            build_module.ServerSpec("localhost", game_port, wrap=wrap),
        ],
    )
    try:
        yield Served(lobby, game)
    finally:
        build_module.stop_servers(servers)


@pytest.mark.parametrize("origin", ["lobby", "game"])
def test_the_root_page_links_the_demo_examples_report_and_docs(
    origin: str, served: Served, page: Page, browser_log: BrowserLog
) -> None:
    page.goto(f"{getattr(served, origin)}/")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("h1")).to_have_text("hizi-bridge")
    links = page.eval_on_selector_all(
        "a[data-on]", "els => els.map(a => [a.textContent.trim(), a.href])"
    )
    by_text = {text.split(" (")[0]: href for text, href in links}
    assert by_text["The demo lobby"] == f"{served.lobby}/demo_lobby/"
    assert by_text["The demo game on its own"] == f"{served.game}/demo_game/"
    assert by_text["JavaScript lobby"] == f"{served.lobby}/examples/js_lobby.html"
    assert by_text["hizi-inspect's report of the demo\n      game"].endswith(
        "/docs/reports/demo_game.html"
    )
    assert f"{served.lobby}/README.md" in by_text.values()
    assert f"{served.lobby}/docs/security.md" in by_text.values()
    for _, href in links:  # every link answers (lobby pages after the redirect)
        with urllib.request.urlopen(href, timeout=30) as response:
            assert response.status == 200, href
    expect(page.locator('code[data-origin="game"]')).to_have_text(served.game)
    browser_log.assert_no_errors()


def test_the_bare_demo_lobby_embeds_the_game_this_serve_runs(
    served: Served, page: Page, browser_log: BrowserLog
) -> None:
    page.goto(f"{served.lobby}/demo_lobby/")
    assert page.url.startswith(f"{served.lobby}/demo_lobby/?game=")
    expect(page.locator("#bridge-status")).to_have_text("connected", timeout=BOOT_TIMEOUT_MS)
    assert (
        page.locator("iframe")
        .first.get_attribute("src", timeout=5000)
        .startswith(  # type: ignore[union-attr]
            f"{served.game}/demo_game/"
        )
    )
    browser_log.assert_no_errors()


def test_the_demo_game_alone_says_it_has_no_lobby(
    served: Served, page: Page, browser_log: BrowserLog
) -> None:
    page.goto(f"{served.game}/demo_game/")
    expect(page.locator("#bridge-status")).to_have_text("no lobby", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("#message")).to_contain_text("No lobby: this game runs inside")
    expect(page.locator("#message a")).to_have_attribute("href", "/")
    page.wait_for_timeout(1000)  # and it stays so: no bridge was made to wait for a lobby
    expect(page.locator("#bridge-status")).to_have_text("no lobby")
    browser_log.assert_no_errors()


def test_js_lobby_pause_and_resume_buttons_get_the_games_replies(
    served: Served, page: Page, browser_log: BrowserLog
) -> None:
    page.goto(f"{served.lobby}/examples/js_lobby.html")
    expect(page.locator("#bridge-status")).to_have_text("connected", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator(".hint")).to_contain_text("?game=")
    page.click("#pause")
    expect(page.locator("#last-reply")).to_have_text("gamePaused")
    page.click("#resume")
    expect(page.locator("#last-reply")).to_have_text("gameResumed")
    browser_log.assert_no_errors()
