"""155.io "Iframe Events" (docs.155.io/features/iframe-events), dialect name ``155io``.

Why this studio and not Fireball: Fireball's "Game Client Interface" page in the stored
corpus is its Unity SDK's (fireballserver.com/docs/studios/game_client/unity/...). It gives
event names and value types (``game_loading_progress`` float, ``game_bet_placed`` long in
cents, ...) but no post-message envelope, and no stored page gives the one its web client
uses. We do not invent a wire format, so the second studio is 155.io, whose envelope is
published. Every message, both ways::

    {"source": "marbles-game-widget" | "marbles-operator", "type": "<name>", "version": 1,
     "payload": {...}, "timestamp": <ms since the epoch>, "requestId"?: "<id>"}

``source`` is ``marbles-game-widget`` from the game and ``marbles-operator`` from the lobby
(the docs: "messages you send must use marbles-operator"). ``requestId`` (an optional
correlation id) is accepted, delivered in the dialect data, and never sent.

Mapping:

==================  =====================  ==========================================
hizi-bridge         155.io ``type``        notes
==================  =====================  ==========================================
``updateBalance``   ``refresh-balance``    lobby -> game, payload ``{}``
``setAudio``        ``mute-audio``         ``{muted}`` is ``not data``
``setVolume``       ``set-audio-volume``   ``{volume}`` 0.0 to 1.0
``showHistory``     ``open-game-history``  payload ``{}``
``closePanels``     ``close-panels``       payload ``{}``
``roundStarted``    ``bet-placed``         ASSUMED name and payload ``{balance?}``
``cashier``         ``balance-insufficient``  ASSUMED name, payload ``{}``
``roundEnded``      ``round-ended``        ASSUMED name and payload ``{win?, balance?}``
``balance``         ``balance-updated``    ASSUMED name and payload ``{balance}``
==================  =====================  ==========================================

What the stored copy misses (it keeps only the start of the page):

* The commands table is cut after ``get-state`` ("Request a snapshot of ..."): its answer
  is not given, so ``get-state`` is not offered; any later command is unknown here.
* **The events table is missing entirely.** The page's introduction names the events
  only in prose: "bet placed, balance insufficient, round lifecycle". The four game ->
  lobby names above follow the commands' kebab case and that prose; they and their
  payloads are ASSUMED, marked as such in docs/messages.md, and must be checked against
  the full page before production.
* Money: no figure of the stored copy is an amount. We ASSUME major units (plain JSON
  numbers, like ``volume``), so this dialect needs no currency.
* ``timestamp``: a finite number >= 0, not checked against the clock (the peer's clock is
  not ours to judge); ``requestId`` up to 128 characters; unknown envelope or payload
  keys are refused.

There is no hizi-bridge handshake and no MessagePort: a 155.io widget understands neither.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from ..errors import MalformedMessage, UnknownMessageType, WrongDirection
from ..fields import Amount, Volume
from ..messages import (
    Balance,
    Cashier,
    ClosePanels,
    Direction,
    Message,
    Role,
    RoundEnded,
    RoundStarted,
    SetAudio,
    SetVolume,
    ShowHistory,
    UpdateBalance,
)
from .base import NoGate, catalog, unsupported, validate, with_dialect_data

NAME = "155io"
GAME_SOURCE = "marbles-game-widget"
LOBBY_SOURCE = "marbles-operator"

DOC_TITLE = "155.io Iframe Events (the second studio, in place of Fireball)"
DOC_INTRO: tuple[str, ...] = (
    "Fireball's Game Client Interface is stored only as its Unity SDK's page: event names",
    "and value types, no post-message envelope. We do not invent one, so the second studio",
    "is 155.io, whose envelope is published: `{source, type, version: 1, payload,",
    'timestamp, requestId?}`, `source` `"marbles-game-widget"` from the game and',
    '`"marbles-operator"` from the lobby. The stored page keeps the commands (cut after',
    "`get-state`, whose answer is not given: not offered) but not the events table: the",
    "game -> lobby names and payloads below are assumed from the page's prose (\"bet",
    'placed, balance insufficient, round lifecycle"), and money is assumed to be in major',
    "units. Check them against the full page before production. (Fireball's amounts are",
    '"in cents" with no word on JPY or BHD: 1/100 of the unit or the minor unit is one more',
    "thing its stored page leaves open; hizi's Appendix C settings mean 1/100 of the unit.)",
)
ASSUMED = "event name and payload not in the stored copy (the events table is cut off)"
# For the generated docs: (hizi-bridge type, 155.io type, note, assumption or "").
MAPPING: tuple[tuple[str, str, str, str], ...] = (
    ("updateBalance", "refresh-balance", "lobby -> game, payload {}", ""),
    ("setAudio", "mute-audio", "`{muted}` = not data", ""),
    ("setVolume", "set-audio-volume", "`{volume}` 0.0 to 1.0", ""),
    ("showHistory", "open-game-history", "payload {}", ""),
    ("closePanels", "close-panels", "payload {}", ""),
    ("roundStarted", "bet-placed", "`{balance?}`; without it: not given", ASSUMED),
    ("cashier", "balance-insufficient", "payload {}", ASSUMED),
    ("roundEnded", "round-ended", "`{win?, balance?}`, major units", ASSUMED),
    ("balance", "balance-updated", "`{balance}`, major units", ASSUMED),
)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Envelope(_Strict):
    source: Literal["marbles-game-widget", "marbles-operator"]
    type: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    version: Literal[1]
    payload: dict[str, Any]
    timestamp: Annotated[float, Field(ge=0, allow_inf_nan=False, strict=False)]
    requestId: Annotated[str, StringConstraints(max_length=128)] | None = None


class _Empty(_Strict):
    pass


class _Muted(_Strict):
    muted: StrictBool


class _Volume(_Strict):
    volume: Volume  # strict float takes 1 as well as 1.0: JS has one number type


class _BetPlaced(_Strict):
    balance: Amount | None = None


class _RoundEnded(_Strict):
    win: Amount | None = None
    balance: Amount | None = None


class _Balance(_Strict):
    balance: Amount


_Decoder = Callable[[dict[str, Any]], Message]


class Io155(NoGate):
    """The 155.io dialect for one bridge. ``now`` gives the ``timestamp`` (ms)."""

    name = NAME
    handshake = False

    def __init__(
        self,
        role: Role,
        *,
        currency: str | None = None,
        now: Callable[[], float] = lambda: time.time() * 1000,
    ) -> None:
        self.role = role
        self.currency = currency  # not used: 155.io amounts are ASSUMED major units
        self._now = now
        self._from_game: dict[str, _Decoder] = {
            "bet-placed": self._bet_placed,
            "balance-insufficient": lambda p: self._plain(Cashier, p),
            "round-ended": self._round_ended,
            "balance-updated": self._balance,
        }
        self._from_lobby: dict[str, _Decoder] = {
            "refresh-balance": lambda p: self._plain(UpdateBalance, p),
            "mute-audio": self._mute,
            "set-audio-volume": self._volume,
            "open-game-history": lambda p: self._plain(ShowHistory, p),
            "close-panels": lambda p: self._plain(ClosePanels, p),
        }

    # ------------------------------------------------------------------ decode

    def decode(self, value: object, direction: Direction) -> Message:
        if not isinstance(value, dict) or "source" not in value:
            raise MalformedMessage("not a 155.io envelope (no 'source')")
        envelope = validate(Envelope, value, "155.io envelope")
        inbound = GAME_SOURCE if direction is Direction.GAME_TO_LOBBY else LOBBY_SOURCE
        if envelope.source != inbound:
            raise WrongDirection(f"a {envelope.source} message travels the other way")
        decoders = self._from_game if direction is Direction.GAME_TO_LOBBY else self._from_lobby
        decoder = decoders.get(envelope.type)
        if decoder is None:
            raise UnknownMessageType(
                f"unknown 155.io message {envelope.type!r}", type_name=envelope.type
            )
        message = decoder(envelope.payload)
        extra: dict[str, object] = {"timestamp": envelope.timestamp}
        if envelope.requestId is not None:
            extra["requestId"] = envelope.requestId
        return with_dialect_data(message, NAME, extra)

    def _plain(self, cls: type[Message], payload: dict[str, Any]) -> Message:
        validate(_Empty, payload, f"155.io payload of {cls.type_name()}")
        return catalog(cls, None, "155.io")

    def _mute(self, payload: dict[str, Any]) -> Message:
        return catalog(SetAudio, not validate(_Muted, payload, "155.io mute-audio").muted, "155.io")

    def _volume(self, payload: dict[str, Any]) -> Message:
        volume = validate(_Volume, payload, "155.io set-audio-volume").volume
        return catalog(SetVolume, {"volume": volume}, "155.io")

    def _bet_placed(self, payload: dict[str, Any]) -> Message:
        balance = validate(_BetPlaced, payload, "155.io bet-placed").balance
        if balance is None:  # the catalog's "not given" form
            return catalog(RoundStarted, None, "155.io", not_given=True)
        return catalog(RoundStarted, balance, "155.io")

    def _round_ended(self, payload: dict[str, Any]) -> Message:
        ended = validate(_RoundEnded, payload, "155.io round-ended")
        given = {k: v for k, v in (("win", ended.win), ("balance", ended.balance)) if v is not None}
        return catalog(RoundEnded, given or None, "155.io")

    def _balance(self, payload: dict[str, Any]) -> Message:
        return catalog(
            Balance, validate(_Balance, payload, "155.io balance-updated").balance, "155.io"
        )

    # ------------------------------------------------------------------ encode

    def encode(self, message: Message) -> dict[str, object]:
        name, payload = self._encode(message)
        source = LOBBY_SOURCE if self.role is Role.LOBBY else GAME_SOURCE
        return {
            "source": source,
            "type": name,
            "version": 1,
            "payload": dict(payload),
            "timestamp": self._now(),
        }

    def _encode(self, message: Message) -> tuple[str, Mapping[str, object]]:
        if isinstance(message, UpdateBalance):
            return "refresh-balance", {}
        if isinstance(message, SetAudio):
            return "mute-audio", {"muted": not message.data}
        if isinstance(message, SetVolume):
            return "set-audio-volume", {"volume": message.data.volume}
        if isinstance(message, ShowHistory):
            return "open-game-history", {}
        if isinstance(message, ClosePanels):
            return "close-panels", {}
        if isinstance(message, RoundStarted):
            return "bet-placed", {} if message.data is None else {"balance": message.data}
        if isinstance(message, Cashier):
            return "balance-insufficient", {}
        if isinstance(message, RoundEnded):
            ended = message.data
            if ended is not None and ended.stake is not None:
                raise unsupported(message, NAME, "round-ended carries no stake")
            if ended is None:
                return "round-ended", {}
            figures = (("win", ended.win), ("balance", ended.balance))
            return "round-ended", {k: v for k, v in figures if v is not None}
        if isinstance(message, Balance):
            return "balance-updated", {"balance": message.data}
        raise unsupported(message, NAME, "155.io has no such message")
