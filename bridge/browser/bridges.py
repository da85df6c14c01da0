"""``LobbyBridge`` and ``GameBridge``: the Python API in the browser.

Each wires a ``Channel`` (protocol), a ``Driver`` (effects, handlers, requests;
pure, see ``bridge.hub``) and a ``BrowserAdapter`` (outbox pieces) together. On a PyScript
page the JavaScript halves (page side and engine kit, from ``hizi-bridge.js``) run on the
page's thread with direct calls between them, and the handshake starts at construction; the
JS API's engine (``bridge.browser.engine``) makes the same objects with a kit of its own.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any, overload

from ..compliance import Action, GameSettings
from ..compliance.launch import LaunchError, UntrustedLobby, trusted_lobby
from ..core import messages as m
from ..core.channel import Channel, ChannelConfig
from ..core.dialects import Dialect
from ..core.errors import InvalidConfig, InvalidOutboundMessage
from ..core.messages import Message, Role
from ..core.wire import build
from ..hub import Dispatcher, Driver, Handler, Unsubscribe, merge_counters
from .adapter import BrowserAdapter, console_error
from .supervision import ComplianceOptions, Supervision

_NO_DATA: Any = object()


def _report(where: str, exc: BaseException) -> None:
    console_error(f"hizi-bridge: {where}: {type(exc).__name__}: {exc}")


def to_message(message: Message | str, data: Any = _NO_DATA) -> Message:
    """A catalog model as is, or ``(type, data)`` built and validated; else InvalidOutbound."""
    if isinstance(message, Message):
        if data is not _NO_DATA:
            raise InvalidOutboundMessage("pass either a message model or (type, data), not both")
        return message
    if isinstance(message, str):
        return build(message, None if data is _NO_DATA else data)
    raise InvalidOutboundMessage(f"not a message: {message!r}"[:200])


class _Bridge:
    role: Role

    def __init__(
        self,
        *,
        iframe: Any | None,
        peer_origin: str,
        allowed_origins: list[str] | None,
        handshake_timeout_ms: float | None,
        request_timeout_ms: float,
        dialect: str | Dialect | None,
        currency: str | None = None,
        kit: Any = None,
    ) -> None:
        extra: dict[str, Any] = {}
        if dialect is not None:  # a dialect name ("appendix_a", ...) or an instance
            extra["dialect"] = dialect
        self.currency = currency
        if currency is not None:
            extra["dialect_options"] = {"currency": currency}
        config = ChannelConfig(
            role=self.role,
            peer_origin=peer_origin,
            allowed_origins=allowed_origins,
            handshake_timeout_ms=handshake_timeout_ms,
            request_timeout_ms=request_timeout_ms,
            **extra,
        )
        self._channel = Channel(config)
        self._closed = False
        self._proxy: Any = None
        if kit is None:
            # A PyScript page: both JavaScript halves here, calling this bridge directly.
            import js
            from pyodide.ffi import create_proxy

            make = getattr(js.globalThis, "__hiziBridgeDirectKit", None)
            if make is None:
                # No script tag: compile the packaged copy (needs a CSP that allows eval, and
                # the page loses the early buffer the script tag installs at load).
                from importlib import resources  # only here: the JS API's runtime lacks it

                from pyodide.code import run_js

                run_js(resources.files("bridge").joinpath("static/hizi-bridge.js").read_text())
                make = js.globalThis.__hiziBridgeDirectKit
            self._proxy = create_proxy(self._on_kit_event)
            kit = make(iframe, self._proxy)
        self._kit: Any = kit
        self._adapter = BrowserAdapter(kit)
        self._driver = Driver(
            self._channel, self._adapter, dispatcher=Dispatcher(_report), report=_report
        )
        self._adapter.attach(self._driver)
        if self._proxy is not None:
            self._kit.start(json.dumps(self.policy()))

    def _on_kit_event(
        self, op: int, a: Any = None, b: Any = None, c: Any = None, d: Any = None
    ) -> str:
        return self._adapter.on_event(op, a, b, c, d)

    def policy(self) -> dict[str, Any]:
        """What the page side checks before Python: ``{"allowed": [exact origins],
        "wildcards": bool}`` (with wildcard entries, an origin not in ``allowed`` still goes
        to Python, which decides)."""
        entries = self._channel.policy.entries
        return {
            "allowed": [e for e in entries if "*" not in e],
            "wildcards": any("*" in e for e in entries),
        }

    # ----------------------------------------------------------------- handlers

    def on(self, key: str | type[Message], handler: Handler) -> Unsubscribe:
        """Call ``handler(message)`` for each delivered message of this type (sync or async)."""
        return self._driver.dispatcher.on(key, handler)

    def on_any(self, handler: Handler) -> Unsubscribe:
        return self._driver.dispatcher.on_any(handler)

    def on_journal(self, handler: Handler) -> Unsubscribe:
        """``handler(JournalEntry)`` for every message in, out or rejected."""
        return self._driver.dispatcher.on_journal(handler)

    def on_status(self, handler: Handler) -> Unsubscribe:
        """``handler(StatusEvent)``: handshaking, connected (with mode), closed."""
        return self._driver.dispatcher.on_status(handler)

    # ----------------------------------------------------------------- sending

    @overload
    def send(self, message: Message) -> None: ...
    @overload
    def send(self, message: str, data: Any = ...) -> None: ...

    def send(self, message: Message | str, data: Any = _NO_DATA) -> None:
        """Send an event; queued until connected. Invalid values raise at the call."""
        self._driver.send(to_message(message, data))

    def request(
        self,
        message: Message | str,
        data: Any = _NO_DATA,
        *,
        timeout_ms: float | None = None,
    ) -> asyncio.Future[Message]:
        """Send a request; the future resolves to the typed reply.

        It fails with ``RequestTimeout`` or ``RequestCancelled``; an invalid
        request raises ``InvalidOutboundMessage`` here, not in the future.
        """
        future: asyncio.Future[Message] = asyncio.get_event_loop().create_future()

        def done(response: Message | None, error: Exception | None) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            elif response is not None:
                future.set_result(response)

        self._driver.request(to_message(message, data), timeout_ms, done)
        return future

    def _post(self, message: Message) -> None:
        self.send(message)

    def _ask(self, message: Message, timeout_ms: float | None) -> asyncio.Future[Message]:
        return self.request(message, timeout_ms=timeout_ms)

    def connected(self) -> asyncio.Future[None]:
        """Resolves once the handshake finished (bridge or compat mode); settles at once when
        already connected, and fails with ``ChannelClosedError`` (closed) or
        ``HandshakeTimeout`` (status ``error``)."""
        future: asyncio.Future[None] = asyncio.get_event_loop().create_future()

        def done() -> None:
            if not future.done():
                future.set_result(None)

        def failed(error: Exception) -> None:
            if not future.done():
                future.set_exception(error)

        self._driver.when_connected(done, failed)
        return future

    # ----------------------------------------------------------------- state

    @property
    def status(self) -> str:
        return self._driver.status

    @property
    def mode(self) -> str | None:
        return self._driver.mode

    @property
    def session(self) -> str:
        return self._channel.session

    def protocol_stats(self) -> dict[str, Any]:
        """The protocol's counters alone (the JS API's engine folds in the page's)."""
        return self._driver.stats()

    def stats(self) -> dict[str, Any]:
        """Counters: accepted, rejected by reason, requests, early buffer, target origins."""
        return merge_counters(self._driver.stats(), json.loads(str(self._kit.counters())))

    def live_resources(self) -> dict[str, int]:
        """Listeners, timers and proxies still held; all zero after ``close()``."""
        counts: dict[str, int] = json.loads(str(self._kit.live()))
        counts["proxies"] = 0 if self._proxy is None else 1
        return counts

    def close(self, reason: str = "closed") -> None:
        """Say bye (bridge mode), fail pending requests, remove listeners and proxies."""
        if self._closed:  # (status may say "closed" already: a newer bridge took over)
            return
        self._closed = True
        began = self._adapter.begin()
        try:
            self._driver.close(reason)
        finally:
            out = self._adapter.end(began)  # "" inside the engine's call: its outbox has it
            self._adapter.close()
            if out:
                self._kit.run(out)  # the bye and what came before it
            if self._proxy is not None:  # a PyScript page: tear the JavaScript halves down
                self._kit.close()
                self._proxy.destroy()
                self._proxy = None


# ----------------------------------------------------------------- named helpers
#
# The rule for request-like messages (one rule, every request): a helper whose message has a
# reply (``pause`` -> ``gamePaused``, ``resume`` -> ``gameResumed``, ``realityCheck`` ->
# ``realityCheckAnswer``, ``close`` -> ``gameClosed``) sends it as a request and returns the
# future of the reply. The message goes out at once either way; awaiting the future is how
# to wait for the game. A plain Appendix A game never answers, so the future then fails with
# ``RequestTimeout``; its failure is marked retrieved, so dropping the future is safe.
# Every other helper sends and returns None. Invalid data raises InvalidOutboundMessage at
# the call.


def _quiet(future: asyncio.Future[Message]) -> asyncio.Future[Message]:
    def retrieved(done: asyncio.Future[Message]) -> None:
        if not done.cancelled():
            done.exception()  # marks it retrieved: no "exception never retrieved" log

    future.add_done_callback(retrieved)
    return future


class _Sends:
    """What the helpers need; ``_Bridge`` provides both (``send`` / ``request`` of a model)."""

    def _post(self, message: Message) -> None:
        raise NotImplementedError

    def _ask(self, message: Message, timeout_ms: float | None) -> asyncio.Future[Message]:
        raise NotImplementedError


class LobbyHelpers(_Sends):
    """``bridge.pause()``, ``bridge.turbo(True)``, ...: one per lobby -> game message.

    Money in the currency's major unit; requests follow the rule above.
    """

    def spin(self) -> None:
        self._post(m.Spin())

    def stop(self) -> None:
        self._post(m.Stop())

    def clear_cookies(self) -> None:
        self._post(m.ClearCookies())

    def stop_autoplay(self) -> None:
        self._post(m.StopAutoplay())

    def reload(self) -> None:
        self._post(m.Reload())

    def pause(self, *, timeout_ms: float | None = None) -> asyncio.Future[Message]:
        """Request; resolves to ``gamePaused``."""
        return _quiet(self._ask(m.Pause(), timeout_ms))

    def resume(self, *, timeout_ms: float | None = None) -> asyncio.Future[Message]:
        """Request; resolves to ``gameResumed``."""
        return _quiet(self._ask(m.Resume(), timeout_ms))

    def stake_up(self) -> None:
        self._post(m.StakeUp())

    def stake_down(self) -> None:
        self._post(m.StakeDown())

    def turbo(self, on: bool) -> None:
        self._post(m.Turbo(data=on))

    def set_audio(self, on: bool) -> None:
        """``True``: sound on (our reading of Appendix A's ``setAudio``)."""
        self._post(m.SetAudio(data=on))

    def update_balance(self) -> None:
        self._post(m.UpdateBalance())

    def show_help(self) -> None:
        self._post(m.ShowHelp())

    def reality_check(
        self, data: m.RealityCheckData, *, timeout_ms: float | None = None
    ) -> asyncio.Future[Message]:
        """Request; resolves to ``realityCheckAnswer``."""
        return _quiet(self._ask(m.RealityCheck(data=data), timeout_ms))

    def close_game(
        self, reason: str | None = None, *, timeout_ms: float | None = None
    ) -> asyncio.Future[Message]:
        """Request ``close``; resolves to ``gameClosed``."""
        return _quiet(self._ask(m.Close(data=m.CloseData(reason=reason)), timeout_ms))

    def toggle_audio(self) -> None:
        self._post(m.ToggleAudio())

    def toggle_turbo(self) -> None:
        self._post(m.ToggleTurbo())

    def set_stake(self, stake: float) -> None:
        self._post(m.SetStake(data=m.SetStakeData(stake=stake)))

    def hide_help(self) -> None:
        self._post(m.HideHelp())

    def show_autoplay(self) -> None:
        self._post(m.ShowAutoplay())

    def show_error(self, message: str, *, can_continue: bool) -> None:
        self._post(m.ShowError(data=m.ShowErrorData(message=message, can_continue=can_continue)))

    def continue_play(self) -> None:
        """``continue`` (a Python keyword, hence the name)."""
        self._post(m.Continue())

    def free_rounds(self, data: m.FreeRoundsData) -> None:
        self._post(m.FreeRounds(data=data))

    def promo_info(self, data: m.PromoInfoData) -> None:
        self._post(m.PromoInfo(data=data))

    def set_volume(self, volume: float) -> None:
        """``volume`` from 0 (silent) to 1 (full)."""
        self._post(m.SetVolume(data=m.SetVolumeData(volume=volume)))

    def show_history(self) -> None:
        self._post(m.ShowHistory())

    def close_panels(self) -> None:
        self._post(m.ClosePanels())


class GameHelpers(_Sends):
    """``game.round_started(balance)``, ``game.paused()``, ...: one per game -> lobby message.

    Money in the currency's major unit. Replies (``paused``, ``resumed``, ``closed``,
    ``reality_check_answer``) are matched to the request they answer automatically.
    """

    def app_frame_ready(self) -> None:
        self._post(m.OnAppFrameReady())

    def game_data_loaded(self) -> None:
        self._post(m.GameDataLoaded())

    def game_ready(self) -> None:
        self._post(m.GameReady())

    def load_progress(self, percent: float) -> None:
        self._post(m.LoadProgress(data=m.LoadProgressData(percent=percent)))

    def round_started(self, balance: float) -> None:
        """``balance``: after the stake was taken."""
        self._post(m.RoundStarted(data=balance))

    def round_ended(
        self, *, stake: float | None = None, win: float | None = None, balance: float | None = None
    ) -> None:
        """The extension fields are optional; give them and a lobby's figures are exact."""
        if stake is None and win is None and balance is None:
            self._post(m.RoundEnded())
        else:
            data = m.RoundEndedData(stake=stake, win=win, balance=balance)
            self._post(m.RoundEnded(data=data))

    def balance(self, balance: float) -> None:
        self._post(m.Balance(data=balance))

    def audio_toggle(self, muted: bool) -> None:
        self._post(m.AudioToggle(data=muted))

    def cashier(self) -> None:
        self._post(m.Cashier())

    def error(self, code: m.ErrorCode | str, message: str, *, fatal: bool) -> None:
        self._post(
            m.GameError(data=m.ErrorData(code=m.ErrorCode(code), message=message, fatal=fatal))
        )

    def player_activity(self, action: str | None = None) -> None:
        self._post(m.PlayerActivity(data=m.PlayerActivityData(action=action)))

    def close_request(self) -> None:
        self._post(m.CloseRequest())

    def history_request(self) -> None:
        self._post(m.HistoryRequest())

    def autoplay_started(self, rounds: int | None = None) -> None:
        self._post(m.AutoplayStarted(data=m.AutoplayStartedData(rounds=rounds)))

    def autoplay_stopped(self, reason: str | None = None) -> None:
        self._post(m.AutoplayStopped(data=m.AutoplayStoppedData(reason=reason)))

    def paused(self) -> None:
        self._post(m.GamePaused())

    def resumed(self) -> None:
        self._post(m.GameResumed())

    def closed(self) -> None:
        self._post(m.GameClosed())

    def reality_check_answer(self, choice: m.RealityCheckChoice | str) -> None:
        choice = m.RealityCheckChoice(choice)
        self._post(m.RealityCheckAnswer(data=m.RealityCheckAnswerData(choice=choice)))

    def stake_changed(self, stake: float, currency: str | None = None) -> None:
        self._post(m.StakeChanged(data=m.StakeChangedData(stake=stake, currency=currency)))

    def free_rounds_finished(
        self, won: float, *, rounds: int | None = None, currency: str | None = None
    ) -> None:
        data = m.FreeRoundsFinishedData(won=won, rounds=rounds, currency=currency)
        self._post(m.FreeRoundsFinished(data=data))

    def dialog_changed(self, dialog: m.Dialog | str, *, open: bool) -> None:
        """The player opened (``open=True``) or closed the rules, paytable or history."""
        data = m.DialogChangedData(dialog=m.Dialog(dialog), open=open)
        self._post(m.DialogChanged(data=data))

    def system_popup(self, kind: str, *, shown: bool, message: str | None = None) -> None:
        """A system popup (``kind`` in upper snake case, e.g. ``"SESSION_EXPIRED"``)."""
        self._post(m.SystemPopup(data=m.SystemPopupData(shown=shown, kind=kind, message=message)))


class LobbyBridge(_Bridge, LobbyHelpers):
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
            if self._supervision is not None:
                self._supervision.stop()
                self._supervision = None
            return
        if currency is None:
            currency = self.currency
        raw: dict[str, Any] = {"settings": settings.to_wire(), "currency": currency}
        if inactivity_limit_ms is not None:
            raw["inactivityLimitMs"] = inactivity_limit_ms
        if inactivity_warn_ms:
            raw["inactivityWarnMs"] = inactivity_warn_ms
        options = ComplianceOptions.parse({k: v for k, v in raw.items() if v is not None})
        if self._supervision is None:
            self._supervision = Supervision(self._driver, options, self._on_compliance)
        else:
            self._supervision.configure(options)

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
            self._driver.dispatcher._call(handler, action, "compliance handler")

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
        )


class GameBridge(_Bridge, GameHelpers):
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

    location = js.location
    ancestors = getattr(location, "ancestorOrigins", None)  # Chromium and WebKit
    framing = str(ancestors.item(0)) if ancestors is not None and ancestors.length else None
    try:
        return trusted_lobby(str(location.search), list(lobby_origins), framing)
    except UntrustedLobby:
        raise
    except LaunchError as exc:
        raise InvalidConfig(f"lobby_origins: {exc.why}") from None
