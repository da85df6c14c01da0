"""Origins the harness presents by request routing: a lobby origin the game allows, a stranger.

A studio game trusts only its operators' lobbies (``https://*.casino.example``), so the
inspector's own lobby on ``http://127.0.0.1:<port>`` cannot drive it. ``--lobby-origin`` names
an origin the game allows; Playwright then answers every request the browser makes to that
origin with the harness's pages (``pages/``), in the browser itself: nothing listens on that
name and no request leaves the machine. G-ORIGIN-003's stranger, a lobby no studio allows, is
served the same way from ``STRANGER_LOBBY`` (``.invalid`` never resolves, RFC 2606).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bridge.core.origin import InvalidOriginPattern, OriginPolicy, normalise_origin

from .serve import PAGES

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Route

STRANGER_LOBBY = "https://stranger-lobby.hizi-inspect.invalid"


@dataclass(frozen=True)
class RoutedOrigin:
    """An origin whose pages come from ``pages/`` (the same interface as ``HarnessServer``)."""

    origin: str

    def url(self, page: str) -> str:
        return f"{self.origin}/{page}"


def lobby_origin(value: str) -> str:
    """``--lobby-origin``'s value, normalised; ``ValueError`` saying why it cannot be one.

    The rules of a lobby origin (``OriginPolicy``): https, or http for a loopback host only.
    """
    try:
        origin = normalise_origin(value)
        OriginPolicy([origin])
    except InvalidOriginPattern as exc:
        raise ValueError(exc.reason) from None
    if origin == STRANGER_LOBBY:
        raise ValueError("that is the inspector's own stranger origin")
    return origin


def serve_pages(context: BrowserContext, origin: str) -> None:
    """Answer the browser's requests to ``origin`` with the harness's pages (404 otherwise)."""
    prefix = origin + "/"

    def fulfil(route: Route) -> None:
        name = urlsplit(route.request.url).path.lstrip("/")
        page = PAGES / name
        if name.endswith(".html") and "/" not in name and page.is_file():
            route.fulfill(path=page, headers={"Cache-Control": "no-store"})
        else:
            route.fulfill(status=404, content_type="text/plain", body="not a harness page")

    context.route(lambda url: url.startswith(prefix), fulfil)
