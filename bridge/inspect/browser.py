"""Headless Chromium for the inspector: system /usr/bin/chromium when present, one context per
inspection with the instrumentation in every frame and a binding that feeds ``Capture``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .capture import Capture
from .serve import PAGES

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

CHROMIUM = Path(os.environ.get("HIZI_CHROMIUM", "/usr/bin/chromium"))
# As root, on a machine without internet: no sandbox, no background connections (the
# bench and the e2e tests use this same list).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A lobby on a public origin served by request routing (hizi-inspect --lobby-origin, the
    # e2e tests) framing a game on loopback is what this browser must show: Chromium's Local
    # Network Access checks would replace that frame with an error page.
    "--disable-features=LocalNetworkAccessChecks",
]
INSTRUMENT_JS = (PAGES / "instrument.js").read_text(encoding="utf-8")

PageNamer = Callable[["Page"], str]


class MissingPlaywright(RuntimeError):
    pass


def start_playwright() -> Playwright:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the optional extra is not installed
        raise MissingPlaywright(
            "the inspector needs Playwright: pip install 'hizi-bridge[inspect]'"
        ) from exc
    return sync_playwright().start()


def launch(playwright: Playwright) -> Browser:
    kwargs: dict[str, Any] = {"headless": True, "args": CHROMIUM_ARGS}
    if CHROMIUM.exists():
        kwargs["executable_path"] = str(CHROMIUM)
    return playwright.chromium.launch(**kwargs)


def new_context(browser: Browser, capture: Capture, name_of: PageNamer) -> BrowserContext:
    """A context whose every frame reports its messages and posts into ``capture``."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})

    def on_binding(source: dict[str, Any], raw: Any) -> None:
        if isinstance(raw, dict):
            capture.add(name_of(source["page"]), raw)

    context.expose_binding("__hiziInspect", on_binding)
    context.add_init_script(INSTRUMENT_JS)

    def watch(page: Page) -> None:
        page.on("pageerror", lambda exc: capture.error(name_of(page), str(exc)))

    context.on("page", watch)
    return context
