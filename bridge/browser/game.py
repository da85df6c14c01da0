"""``GameBridge``: the game's end of the Python API in the browser, and the lobby it trusts
from the launch URL (``lobby_origins``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from ..core.dialects import Dialect
from ..core.errors import InvalidConfig
from ..core.messages import Role
from .base import BrowserBridge
from .helpers import GameHelpers


class GameBridge(BrowserBridge, GameHelpers):
    """The game's end, inside the iframe; the peer is ``window.parent``.

    Give exactly one of ``lobby_origin`` (one exact origin) and ``lobby_origins`` (the lobby
    origins the studio allows: exact origins, ``https://*.casino.example`` patterns,
    ``http://localhost:*`` for development). With ``lobby_origins`` the peer is the page's
    launch parameter ``lobby``, trusted only if it matches a pattern and, where the browser
    tells it (``location.ancestorOrigins``), is the origin that frames the page; it is then
    the only origin heard, so ``allowed_origins`` goes with ``lobby_origin`` only. Raises
    ``bridge.compliance.UntrustedLobby`` (a ``LaunchError``, ``code`` "untrusted_lobby",
    ``param`` "lobby") before anything is posted, and ``InvalidConfig`` for the options.

    ``dialect`` and ``currency`` as for ``LobbyBridge`` (``"auto"`` is a lobby option only).
    """

    role = Role.GAME

    def __init__(
        self,
        lobby_origin: str | None = None,
        *,
        lobby_origins: Sequence[str] | None = None,
        allowed_origins: list[str] | None = None,
        handshake_timeout_ms: float | None = None,
        request_timeout_ms: float = 10_000,
        dialect: str | Dialect | None = None,
        currency: str | None = None,
        _kit: Any = None,
        _clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if lobby_origins is not None or lobby_origin is None:
            lobby_origin = _lobby_from_launch(lobby_origin, lobby_origins, allowed_origins)
        super().__init__(
            iframe=None,
            peer_origin=lobby_origin,
            allowed_origins=allowed_origins,
            handshake_timeout_ms=handshake_timeout_ms,
            request_timeout_ms=request_timeout_ms,
            dialect=dialect,
            currency=currency,
            kit=_kit,
            clock=_clock,
        )


def _lobby_from_launch(
    lobby_origin: str | None,
    lobby_origins: Sequence[str] | None,
    allowed_origins: list[str] | None,
) -> str:
    """``GameBridge(lobby_origins=...)``: the page's ``lobby`` parameter, checked."""
    if lobby_origins is None:
        raise InvalidConfig(
            "lobby_origins (the lobby origins this game allows, e.g. "
            "['https://*.casino.example']) or lobby_origin (one exact origin) is required"
        )
    if lobby_origin is not None:
        raise InvalidConfig(
            "give lobby_origin (one exact origin) or lobby_origins (the allowed lobbies, read "
            "from the launch URL's lobby parameter), not both"
        )
    if allowed_origins is not None:
        raise InvalidConfig(
            "allowed_origins goes with lobby_origin; with lobby_origins the lobby the launch "
            "URL names (once allowed) is the only origin heard"
        )
    if isinstance(lobby_origins, str):
        raise InvalidConfig("lobby_origins must be a list of origins, not one string")
    import js

    from ..compliance.launch import LaunchError, UntrustedLobby, trusted_lobby

    location = js.location
    ancestors = getattr(location, "ancestorOrigins", None)  # Chromium and WebKit
    framing = str(ancestors.item(0)) if ancestors is not None and ancestors.length else None
    try:
        return trusted_lobby(str(location.search), list(lobby_origins), framing)
    except UntrustedLobby:
        raise
    except LaunchError as exc:
        raise InvalidConfig(f"lobby_origins: {exc.why}") from None
