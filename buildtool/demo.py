"""What ``build.py serve`` adds to the two static origins so the demo follows its ports.

The demo pages default to the ports README names (lobby 8000, game 8001). When ``serve`` runs
on other ports, a lobby page opened without ``?game=`` would embed a game nobody serves, so:

* ``/serve.json`` on both origins says which origins this ``serve`` runs (the root page's
  links read it); a static host without it gets 404 and the pages keep their defaults;
* a lobby page requested without ``game`` is redirected (302) to the same URL with ``game=``
  naming the game origin this ``serve`` runs (each page's own form of the parameter).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .serve import WSGIApp

SERVE_JSON = "/serve.json"
# Lobby page path -> what its ``game`` parameter holds after the game origin.
LOBBY_PAGES = {
    "/demo_lobby/": "/demo_game/",
    "/demo_lobby/index.html": "/demo_game/",
    "/examples/js_lobby.html": "",
    "/examples/plain_lobby.html": "",
}


def demo_routes(lobby_origin: str, game_origin: str) -> Callable[[WSGIApp], WSGIApp]:
    """A wrapper for each origin's static app (ServerSpec.wrap)."""
    body = json.dumps({"lobby": lobby_origin, "game": game_origin}).encode()

    def wrap(static: WSGIApp) -> WSGIApp:
        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if path == SERVE_JSON:
                start_response(
                    "200 OK",
                    [
                        ("Content-Type", "application/json"),
                        ("Content-Length", str(len(body))),
                        ("Cache-Control", "no-store"),
                    ],
                )
                return [body]
            if path in LOBBY_PAGES and not any(k == "game" for k, _ in query):
                query.append(("game", game_origin + LOBBY_PAGES[path]))
                start_response("302 Found", [("Location", f"{path}?{urlencode(query)}")])
                return [b""]
            return static(environ, start_response)

        return app

    return wrap
