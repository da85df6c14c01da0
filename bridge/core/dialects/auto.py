"""``dialect: "auto"`` (lobby only): speak whatever the frame's document speaks.

A lobby that hosts games of several studios may not know, per iframe, which wire the game
page uses. ``Auto`` probes with the bridge's own hello (so a hizi-bridge game upgrades to its
MessagePort as usual) and otherwise picks the dialect from the first valid message of the
document: the value is decoded by every candidate (``appendix_a``, ``gamesglobal``,
``rubyplay`` when the bridge has a ``currency``, ``155io``), and the pick is made only when
exactly one accepts it. Without a ``currency`` RubyPlay cannot be a candidate (its money is
in minor units), so a RubyPlay message is then refused as ``unsupported``, with an error that
names the missing option, and counted in ``stats()["dialect"]["needs_currency"]``, instead of
passing for a mere unknown type. A value no candidate accepts is refused with the most telling of
their errors (a recognised envelope's schema error before "unknown type"); one that several
accept is refused as ambiguous (``malformed``), and nothing is picked.

Until a dialect is picked every send waits (the channel's queue, then this dialect's hold);
the waiting messages are encoded in the picked dialect when they go, and one the picked
dialect cannot carry fails with ``UnsupportedInDialect`` (a ``SendFailed``) instead of going
out in another dialect's form. After the pick, only the picked dialect decodes: a dialect
never widens what is accepted, and origin and source checks are the channel's as always.

When the iframe loads again (``document_loaded``, from the driver's ``peer_loaded``) the
document may be new: sends wait again and the next valid message picks again. Picking the
same dialect keeps its state (a GamesGlobal page's ready signal); another starts fresh.
Every pick is kept in ``picks`` for the journal and ``stats()["dialect"]``.

Loose Appendix A forms (``bridge.core.loose``) are accepted from a plain page as in
``appendix_a``, but not counted in ``stats().normalised``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import (
    InvalidConfig,
    MalformedMessage,
    RejectReason,
    RemoteProtocolError,
    UnknownMessageType,
)
from ..loose import normalise as normalise_loose
from ..messages import Direction, Message, Role
from ..wire import parse_object
from .base import Dialect
from .rubyplay import G2W as RUBYPLAY_G2W

if TYPE_CHECKING:
    from ..journal import JournalEntry

NAME = "auto"
# Which refusal says most about a value no candidate took: a candidate that recognised its
# envelope (schema, premature, direction) beats one that did not (unknown type, malformed).
_TELLING = (
    RejectReason.SCHEMA,
    RejectReason.PREMATURE,
    RejectReason.DIRECTION,
    RejectReason.UNKNOWN_TYPE,
    RejectReason.MALFORMED,
)


@dataclass(frozen=True, slots=True)
class Pick:
    dialect: str
    how: str  # "message" (its first valid message) or "handshake" (hello, MessagePort)
    first: str  # the type of the message it was picked from (catalog name)


class Auto:
    """Picks one of ``candidates`` (names) per document; see the module docstring."""

    name = NAME
    handshake = True  # probes with the bridge's own hello

    def __init__(
        self,
        role: Role,
        *,
        currency: str | None = None,
        make: Callable[..., Dialect] | None = None,
        candidates: tuple[str, ...] | None = None,
    ) -> None:
        if role is not Role.LOBBY:
            raise InvalidConfig("dialect 'auto' is a lobby option: a game knows the wire it speaks")
        from . import MODULES, make_dialect  # the package imports this module: import it late

        if make is None:
            make = make_dialect
        names = candidates or ("appendix_a", "gamesglobal", "rubyplay", "155io")
        if currency is None:  # RubyPlay's minor units need it: without, it cannot be told
            names = tuple(n for n in names if n != "rubyplay")
        for name in names:  # every candidate decodes the first message: import them now
            if name in MODULES:
                importlib.import_module(MODULES[name])
        self._options: dict[str, Any] = {} if currency is None else {"currency": currency}
        self._make: Callable[..., Dialect] = make
        self.role = role
        self.candidates = names
        self.picked: Dialect | None = None
        self.stale = False  # the iframe loaded since the pick: wait for the next message
        self.picks: list[Pick] = []
        self.unjournalled: list[Pick] = []  # picks the driver has not journalled yet
        self.ambiguous = 0
        self.needs_currency = 0  # RubyPlay messages refused for want of the currency option

    # ------------------------------------------------------------------ picking

    def _fresh(self, name: str) -> Dialect:
        return self._make(name, self.role, **self._options)

    def decode(self, value: object, direction: Direction) -> Message:
        if self.picked is not None and not self.stale:
            return self.picked.decode(value, direction)
        accepted: list[tuple[Dialect, Message]] = []
        refused: list[RemoteProtocolError] = []
        for name in self.candidates:
            keep = self.picked is not None and self.picked.name == name
            dialect = self.picked if keep and self.picked is not None else self._fresh(name)
            try:
                accepted.append((dialect, _decode(dialect, value, direction)))
            except RemoteProtocolError as exc:
                refused.append(exc)
        if len(accepted) > 1:
            self.ambiguous += 1
            names = ", ".join(d.name for d, _ in accepted)
            raise MalformedMessage(f"dialect auto: accepted by {names}; nothing picked")
        if not accepted and "rubyplay" not in self.candidates and _is_rubyplay(value):
            self.needs_currency += 1
            raise NeedsCurrency(
                f"dialect auto: {value['type']} is RubyPlay's, whose money is in the currency's "  # type: ignore[index]
                "minor unit; give the bridge its currency (currency: 'EUR') to read RubyPlay "
                "games"
            )
        if not accepted:
            raise (
                min(refused, key=lambda e: _TELLING.index(e.reason))
                if refused
                else (UnknownMessageType("dialect auto: no candidate", type_name=None))
            )
        dialect, message = accepted[0]
        self._pick(dialect, "message", message.type)
        return message

    def _pick(self, dialect: Dialect, how: str, first: str) -> None:
        self.picked = dialect
        self.stale = False
        pick = Pick(dialect.name, how, first)
        self.picks.append(pick)
        self.unjournalled.append(pick)

    def handshake_connected(self) -> None:
        """The game said hello and took the MessagePort: it speaks hizi-bridge."""
        if self.picked is None or self.stale or self.picked.name != "appendix_a":
            self._pick(self._fresh("appendix_a"), "handshake", "hiziBridge.hello")

    def document_loaded(self) -> None:
        """The iframe loaded: its document may be another one; pick again."""
        if self.picked is not None:
            self.stale = True

    def stats(self) -> dict[str, object]:
        current = None if self.picked is None or self.stale else self.picked.name
        return {
            "mode": NAME,
            "picked": current,
            "picks": len(self.picks),
            "ambiguous": self.ambiguous,
            "needs_currency": self.needs_currency,
            "candidates": list(self.candidates),
        }

    # ------------------------------------------------------------------ the Dialect protocol

    def take_journal(self, origin: str, time: float) -> list[JournalEntry]:
        """The picks not journalled yet, as journal lines (``time`` in ms since the epoch),
        and forgets them."""
        from ..journal import JournalEntry

        picks, self.unjournalled = self.unjournalled, []
        return [
            JournalEntry(
                "in",
                "dialect",
                "accepted",
                {"dialect": p.dialect, "how": p.how, "first": p.first},
                "window",
                detail=f"dialect auto picked {p.dialect} ({p.how}: {p.first})",
                origin=origin,
                time=time,
            )
            for p in picks
        ]

    def encode(self, message: Message) -> dict[str, object]:
        if self.picked is None or self.stale:
            return {}  # held (see holds) and encoded again, in the picked dialect, when it goes
        return self.picked.encode(message)

    def holds(self, message: Message) -> bool:
        if self.picked is None or self.stale:
            return True
        return self.picked.holds(message)

    def sent(self, message: Message) -> None:
        if self.picked is not None:
            self.picked.sent(message)

    def received(self, message: Message) -> None:
        if self.picked is not None:
            self.picked.received(message)


class NeedsCurrency(RemoteProtocolError):
    """A RubyPlay message reached an ``auto`` bridge that has no ``currency`` to read it with."""

    reason = RejectReason.UNSUPPORTED


def _is_rubyplay(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and value["type"].startswith(RUBYPLAY_G2W)
    )


def _decode(dialect: Dialect, value: object, direction: Direction) -> Message:
    if dialect.name == "appendix_a" and isinstance(value, dict):
        value_in, notes = normalise_loose(value)  # a plain page's loose forms, as appendix_a
        if notes:
            return parse_object(value_in, direction=direction, limits=None, plain_peer=True)
    return dialect.decode(value, direction)
