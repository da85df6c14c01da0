"""What each of a channel's effects does: the half of ``Driver`` that carries them out.

``Driver`` (``bridge.hub``) runs a channel's effects in order; each effect type has its
applier here, in one table keyed by the type (effects are final dataclasses: one lookup, not
an ``isinstance`` chain, for every message). As ``bridge.core.steps`` is to ``Channel``: the
methods work on the state ``Driver.__init__`` sets up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .core.channel import Channel, State
from .core.effects import (
    AdoptPort,
    ClosePort,
    Connected,
    Deliver,
    Disconnected,
    Effect,
    HandshakeTimedOut,
    Mode,
    Post,
    Rejected,
    RequestDone,
    RequestFailed,
    SendFailed,
    Superseded,
    Transport,
)
from .core.errors import ChannelClosedError, HandshakeTimeout, ProtocolError
from .core.messages import Message
from .dispatcher import Dispatcher, ErrorReporter, FailureCallback, RequestCallback, StatusEvent
from .timer import Timer

if TYPE_CHECKING:
    from .core.dialects.auto import Auto
    from .hub import IO


class Appliers:
    """The effects' appliers, on the state a ``Driver`` sets up in its ``__init__``."""

    channel: Channel
    io: IO
    dispatcher: Dispatcher
    status: str
    mode: str | None
    counters: dict[str, int]
    auto: Auto | None
    _report: ErrorReporter
    _wall_ms: Callable[[], float]
    _timer: Timer
    _failure: ProtocolError | None
    _connected_waiters: list[tuple[Callable[[], None], FailureCallback | None]]
    _appliers: dict[type, Callable[[Any], None]]

    def _journal_picks(self, auto: Auto) -> None:
        """Dialect "auto" picked one: a journal line per pick (after the message it read)."""
        if not self.dispatcher.wants_journal:  # forgotten unheard, as entries would be
            auto.unjournalled.clear()
            return
        for entry in auto.take_journal(self.channel.target_origin, self._wall_ms()):
            self.dispatcher.journal(entry)

    def _apply(self, effect: Effect) -> None:
        # One dict lookup by the effect's exact type (effects are final dataclasses), not an
        # isinstance chain: this runs for every message, twice for a reply.
        self._appliers[type(effect)](effect)

    def _appliers_by_type(self) -> dict[type, Callable[[Any], None]]:
        return {
            Post: self._apply_post,
            Deliver: self._apply_deliver,
            Rejected: self._apply_journal_only,
            SendFailed: self._apply_journal_only,
            RequestDone: self._apply_request_done,
            RequestFailed: self._apply_request_failed,
            AdoptPort: self._apply_adopt_port,
            ClosePort: self._apply_close_port,
            Connected: self._apply_connected,
            Disconnected: self._apply_disconnected,
            Superseded: self._apply_superseded,
            HandshakeTimedOut: self._apply_handshake_timed_out,
        }

    def _apply_post(self, effect: Post) -> None:
        if effect.via is Transport.PORT:
            self.io.post_port(effect.text)
        else:
            self.io.post_window(effect.text, effect.target_origin, effect.transfer_new_port)
        if self.dispatcher.wants_journal:  # entries are built only while someone listens
            self._journal(effect)

    def _apply_deliver(self, effect: Deliver) -> None:
        if self.dispatcher.wants_journal:
            self._journal(effect)
        self.dispatcher.message(effect.message)

    def _apply_journal_only(self, effect: Rejected | SendFailed) -> None:
        if self.dispatcher.wants_journal:
            self._journal(effect)

    def _apply_request_done(self, effect: RequestDone) -> None:
        self._timer.answered = True
        self._finish(effect.waiter, effect.response, None)

    def _apply_request_failed(self, effect: RequestFailed) -> None:
        self._finish(effect.waiter, None, effect.error)

    def _apply_adopt_port(self, effect: AdoptPort) -> None:
        if not self.io.adopt_port():
            self.counters["internal_errors"] += 1
            self._report("adopting the port", RuntimeError("the welcome carried no port"))

    def _apply_close_port(self, effect: ClosePort) -> None:
        self.io.close_port()

    def _apply_connected(self, effect: Connected) -> None:
        if self.auto is not None and effect.mode is Mode.BRIDGE:
            self.auto.handshake_connected()
            self._journal_picks(self.auto)
        self._failure = None
        self._set_status(StatusEvent("connected", effect.mode.value))
        waiters, self._connected_waiters = self._connected_waiters, []
        for waiter, _ in waiters:
            waiter()

    def _apply_disconnected(self, effect: Disconnected) -> None:
        if self.channel.state is not State.CLOSED:
            # The peer left (bye, or its page went away); we wait for the next one.
            self._failure = None
            self._set_status(StatusEvent("handshaking", None, effect.reason))

    def _apply_superseded(self, effect: Superseded) -> None:
        # A newer bridge on the iframe has the game: this one is closed for good.
        self._set_status(StatusEvent("closed", self.mode, effect.reason, "superseded"))
        self._fail_waiters(ChannelClosedError(f"the bridge is closed: {effect.reason}"))

    def _apply_handshake_timed_out(self, effect: HandshakeTimedOut) -> None:
        self._failure = HandshakeTimeout(effect.reason)
        self._set_status(StatusEvent("error", None, effect.reason, "timeout"))
        self._fail_waiters(self._failure)

    def _fail_waiters(self, error: ProtocolError) -> None:
        waiters, self._connected_waiters = self._connected_waiters, []
        for _, on_failed in waiters:
            if on_failed is not None:
                try:
                    on_failed(error)
                except Exception as exc:
                    self.dispatcher.fail("connected() callback", exc)

    def _finish(
        self, waiter: object, response: Message | None, error: ProtocolError | None
    ) -> None:
        if not callable(waiter):  # a request made on the channel itself, not through us
            return
        callback: RequestCallback = waiter  # callable() said so (cast() would be a call)
        try:
            callback(response, error)
        except Exception as exc:
            self.dispatcher.fail("request callback", exc)

    def _journal(self, effect: Effect) -> None:
        from .core.journal import entry_for  # only while someone listens (LATER_MODULES)

        entry = entry_for(effect, self._wall_ms())
        if entry is not None:
            self.dispatcher.journal(entry)

    def _set_status(self, event: StatusEvent) -> None:
        self.status = event.status
        self.mode = event.mode
        self.dispatcher.status(event)
