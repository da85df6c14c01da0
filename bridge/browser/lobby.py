"""``LobbyBridge``: the operator lobby's end of the Python API in the browser, with the
compliance supervision it can run (``bridge.browser.supervision``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.dialects import Dialect
from ..core.messages import Role
from ..dispatcher import Handler, Unsubscribe
from .base import BrowserBridge
from .helpers import LobbyHelpers

if TYPE_CHECKING:  # imported when supervision starts (bridge.browser.engine.LATER_MODULES)
    from ..compliance import Action, GameSettings
    from .supervision import ComplianceOptions, Supervision


class LobbyBridge(BrowserBridge, LobbyHelpers):
    """The operator lobby's end; ``iframe`` is the game's ``<iframe>`` element.

    ``dialect``: ``"appendix_a"`` (default), ``"gamesglobal"``, ``"rubyplay"``, ``"155io"``,
    ``"auto"`` (picked per game document) or a ``Dialect`` instance. ``currency``: the ISO
    4217 code of the session's money, required by a dialect that speaks minor units
    (``rubyplay``: ``InvalidConfig`` without it) and the default of ``supervise``'s.
    """

    role = Role.LOBBY
    _supervision: Supervision | None
    _compliance_handlers: list[Handler]

    def supervise(
        self,
        settings: GameSettings | None,
        *,
        currency: str | None = None,
        inactivity_limit_ms: float | None = None,
        inactivity_warn_ms: float = 0.0,
    ) -> None:
        """Run compliance on this bridge (``bridge.browser.supervision``), a new session from
        now; ``None`` stops it. The bridge sends the reality check (never inside a round) and
        the ``close`` of a ``CloseGame`` itself; ``on_compliance`` handlers get every action.
        ``currency`` (ISO 4217) defaults to the bridge's ``currency`` and is required with
        settings. Raises ``ComplianceConfigError``
        naming the option (as the JS API's ``supervise()``)."""
        if settings is None:
            self.supervise_with(None)
            return
        if currency is None:
            currency = self.currency
        raw: dict[str, Any] = {"settings": settings.to_wire(), "currency": currency}
        if inactivity_limit_ms is not None:
            raw["inactivityLimitMs"] = inactivity_limit_ms
        if inactivity_warn_ms:
            raw["inactivityWarnMs"] = inactivity_warn_ms
        from .supervision import ComplianceOptions

        self.supervise_with(
            ComplianceOptions.parse({k: v for k, v in raw.items() if v is not None})
        )

    def supervise_with(self, options: ComplianceOptions | None) -> None:
        """``supervise`` with options already checked (the JS API's engine parses the page's
        camelCase ones); ``None`` stops it. The one place supervision starts and stops."""
        if options is None:
            if self._supervision is not None:
                self._supervision.stop()
                self._supervision = None
        elif self._supervision is None:
            from .supervision import Supervision

            self._supervision = Supervision(self.driver, options, self._on_compliance)
        else:
            self._supervision.configure(options)

    @property
    def supervision(self) -> Supervision | None:
        """The running supervision (``bridge.browser.supervision``), if any."""
        return self._supervision

    def on_compliance(self, handler: Handler) -> Unsubscribe:
        """``handler(action)`` for each ``bridge.compliance`` action of ``supervise``."""
        handlers = self._compliance_handlers
        handlers.append(handler)

        def unsubscribe() -> None:
            if handler in handlers:
                handlers.remove(handler)

        return unsubscribe

    def _on_compliance(self, action: Action) -> None:
        for handler in list(self._compliance_handlers):
            self.driver.dispatcher.call(handler, action, "compliance handler")

    def __init__(
        self,
        iframe: Any,
        game_origin: str,
        *,
        allowed_origins: list[str] | None = None,
        request_timeout_ms: float = 10_000,
        handshake_timeout_ms: float | None = None,
        dialect: str | Dialect | None = None,
        currency: str | None = None,
        _kit: Any = None,
        _clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if iframe is None and _kit is None:
            raise ValueError("LobbyBridge needs the game's <iframe> element")
        self._supervision = None
        self._compliance_handlers = []
        super().__init__(
            iframe=iframe,
            peer_origin=game_origin,
            allowed_origins=allowed_origins,
            handshake_timeout_ms=handshake_timeout_ms,
            request_timeout_ms=request_timeout_ms,
            dialect=dialect,
            currency=currency,
            kit=_kit,
            clock=_clock,
        )
