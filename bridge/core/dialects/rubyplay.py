"""RubyPlay "Client Side Messaging" (docs.rubyplay.com/content/client-side-messaging).

Game -> wrapper (the lobby page that embeds the game)::

    {"type": "rp.g2w.<name>", "sender": "<game id>", "lang": "<language>", "data"?: {...}}

Wrapper -> game::

    {"type": "rp.w2g.<name>", "data"?: {...}}

Mapping (catalog message = RubyPlay name without its prefix; the table with every note
is generated into docs/messages.md from ``MAPPING``):

* ``closeRequest`` = ``RedirectToLobby``; ``gameReady`` = ``gameStarted`` (Start clicked,
  the reels visible); ``loadProgress`` at 100 only = ``loadingEnded`` (the Start button
  shows);
* ``audioToggle`` (muted) = ``soundStatusUpdate`` (``enabled`` is ``not muted``);
* ``dialogChanged`` = ``gameRulesStatusUpdate`` (rules) / ``payTableStatusUpdate``
  (paytable), ``isOpen`` is ``open``;
* ``roundStarted`` with the balance not given = ``paidRoundStarted`` (it carries none);
  ``roundEnded`` (win) = ``paidRoundEnded``; ``balance`` = ``balanceUpdate``;
* ``systemPopup`` = ``systemPopup`` (``kind`` is RubyPlay's ``type``);
* wrapper -> game: ``updateBalance`` = ``refreshBalance``.

Money: RubyPlay keeps amounts as integers in the currency's minor unit, by its ISO 4217
exponent (its example balance ``999620`` is EUR 9,996.20, JPY 999,620, BHD 999.620), so
this dialect needs the bridge's ``currency`` (without it: ``InvalidConfig``). Conversions
are exact (``bridge.core.money``); a fractional or out-of-bounds amount is refused.

Delivered beside each message (``dialect_data``, JS: the message's ``dialect`` key):
``sender`` (the game's id, e.g. ``rp_34``) and ``lang``; for ``paidRoundEnded`` also
``win`` (RubyPlay's own ``win``, major unit) and ``isBigWin``. A game bridge sends its
``sender`` and ``lang`` options (defaults ``""`` and ``"en"``).

What a RubyPlay message cannot carry raises ``UnsupportedInDialect``: ``roundStarted``
with a balance (send it as ``balance``), ``audioToggle`` without a state, ``loadProgress``
below 100, ``roundEnded`` without a win or with a stake or balance, every other message.

Assumptions where the stored copy of the docs is silent or cut short (it keeps only the
start of the page):

* **The wrapper -> game list is cut off** after its introduction: only ``refreshBalance``
  (its example) is known. **The game -> wrapper table** is cut after ``systemPopup``'s
  popup types (``BROWSER_NOT_SUPPORTED``, ``WEBGL_CAN_NOT_S...``): later messages, if
  any, are unknown types here. Popup ``type`` is therefore checked as upper snake case,
  not against a closed list.
* **``win`` and ``totalWin``**: the descriptions are cut. We read ``totalWin`` as the
  round's whole win (features included), which is the catalog's ``win``, and send both
  equal. ``isBigWin`` not known to a hizi-bridge game is sent ``false``.
* **Field bounds**: ``sender`` up to 64 characters, ``lang`` up to 35 (a BCP 47 tag), a
  popup ``message`` up to 2000; unknown envelope or ``data`` keys are refused.
* **``data`` of messages that carry none**: absent, ``null`` or ``{}`` are accepted; we
  send none.
* A whole-number JavaScript double (``999620.0``) counts as an integer amount.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictFloat, StrictInt, StringConstraints

from ..errors import InvalidConfig, MalformedMessage, UnknownMessageType, WrongDirection
from ..messages import (
    AudioToggle,
    Balance,
    CloseRequest,
    Dialog,
    DialogChanged,
    Direction,
    GameReady,
    LoadProgress,
    Message,
    Role,
    RoundEnded,
    RoundStarted,
    SystemPopup,
    UpdateBalance,
)
from ..money import exponent, to_major, to_minor
from .base import NoGate, catalog, unsupported, validate, with_dialect_data

NAME = "rubyplay"
G2W = "rp.g2w."
W2G = "rp.w2g."

DOC_TITLE = "RubyPlay Client Side Messaging"
DOC_INTRO: tuple[str, ...] = (
    'Game -> wrapper `{type: "rp.g2w.<name>", sender, lang, data?}`, wrapper -> game',
    '`{type: "rp.w2g.<name>", data?}`; no handshake, no MessagePort. Money is integers in',
    "the currency's minor unit by its ISO 4217 exponent (RubyPlay's \"cents\": EUR 999620 is",
    "9996.2, JPY 999620 is 999620, BHD 999620 is 999.62), so a bridge in this dialect needs",
    "`currency` (else `invalid_config`). A fractional or out-of-bounds amount is refused",
    "(`rejected.schema`), never rounded; an amount finer than the minor unit is not sent",
    "(`invalid_outbound`). Delivered messages carry `sender` and `lang` as dialect data",
    "(`dialect_data(msg)`; JS: `msg.dialect`). The stored copy of RubyPlay's page is cut",
    "short: the wrapper -> game list after its introduction, the popup types after",
    "`BROWSER_NOT_SUPPORTED`.",
)
# For the generated docs: (hizi-bridge type, RubyPlay type, note, assumption or "").
MAPPING: tuple[tuple[str, str, str, str], ...] = (
    ("closeRequest", "rp.g2w.RedirectToLobby", "the player went back to the lobby", ""),
    ("audioToggle", "rp.g2w.soundStatusUpdate", "`enabled` = not muted; null: unsupported", ""),
    ("loadProgress", "rp.g2w.loadingEnded", "percent 100 only; below: unsupported", ""),
    ("gameReady", "rp.g2w.gameStarted", "Start clicked, reels visible", ""),
    ("dialogChanged", "rp.g2w.gameRulesStatusUpdate", "dialog `rules`, `isOpen` = open", ""),
    ("dialogChanged", "rp.g2w.payTableStatusUpdate", "dialog `paytable`, `isOpen` = open", ""),
    (
        "roundStarted",
        "rp.g2w.paidRoundStarted",
        "no balance: data null (not given); with a balance: unsupported",
        "",
    ),
    (
        "roundEnded",
        "rp.g2w.paidRoundEnded",
        "`totalWin` -> win (minor -> major); `win`, `isBigWin` in dialect data",
        "totalWin is the round's whole win; isBigWin sent false when not known",
    ),
    ("balance", "rp.g2w.balanceUpdate", "`balance` minor <-> major units", ""),
    (
        "systemPopup",
        "rp.g2w.systemPopup",
        "`type` -> kind, `shown`, `message`",
        "popup types checked as UPPER_SNAKE (the stored list is cut short)",
    ),
    (
        "updateBalance",
        "rp.w2g.refreshBalance",
        "wrapper -> game",
        "the only wrapper -> game message in the stored copy (its list is cut off)",
    ),
)

_Sender = Annotated[str, StringConstraints(max_length=64)]
_Lang = Annotated[str, StringConstraints(max_length=35)]
_Minor = StrictInt | StrictFloat  # money: checked by money.to_major


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class GameEnvelope(_Strict):
    type: Annotated[str, StringConstraints(max_length=64)]
    sender: _Sender
    lang: _Lang
    data: dict[str, Any] | None = None


class WrapperEnvelope(_Strict):
    type: Annotated[str, StringConstraints(max_length=64)]
    data: dict[str, Any] | None = None


class _Enabled(_Strict):
    enabled: StrictBool


class _IsOpen(_Strict):
    isOpen: StrictBool


class _RoundEnded(_Strict):
    win: _Minor
    totalWin: _Minor
    isBigWin: StrictBool


class _Balance(_Strict):
    balance: _Minor


class _Popup(_Strict):
    shown: StrictBool
    type: str
    message: str | None = None


class _Empty(_Strict):
    pass


class RubyPlay(NoGate):
    """The RubyPlay dialect for one bridge; ``currency`` (ISO 4217) is required."""

    name = NAME
    handshake = False

    def __init__(
        self,
        role: Role,
        *,
        currency: str | None = None,
        sender: str = "",
        lang: str = "en",
    ) -> None:
        if currency is None:
            raise InvalidConfig(
                "the rubyplay dialect needs the bridge's currency (RubyPlay keeps money in "
                "the currency's minor unit): give currency='EUR' (JS: currency: \"EUR\")"
            )
        exponent(currency)  # an unknown code, or one without a minor unit: InvalidConfig
        self.role = role
        self.currency = currency
        for option, value, most in (("sender", sender, 64), ("lang", lang, 35)):
            if not isinstance(value, str) or len(value) > most:  # refused, never cut short
                raise InvalidConfig(f"rubyplay {option}: a string of at most {most} characters")
        self.sender = sender
        self.lang = lang
        self._extra: dict[str, object] = {}  # dialect data of the message being decoded
        self._decoders: dict[str, Callable[[dict[str, Any] | None], Message]] = {
            "RedirectToLobby": lambda d: self._plain(CloseRequest, d),
            "soundStatusUpdate": self._sound,
            "loadingEnded": lambda d: self._plain(LoadProgress, d, {"percent": 100}),
            "gameStarted": lambda d: self._plain(GameReady, d),
            "gameRulesStatusUpdate": lambda d: self._dialog(Dialog.RULES, d),
            "payTableStatusUpdate": lambda d: self._dialog(Dialog.PAYTABLE, d),
            "paidRoundStarted": self._round_started,
            "paidRoundEnded": self._round_ended,
            "balanceUpdate": self._balance,
            "systemPopup": self._popup,
        }

    # ------------------------------------------------------------------ decode

    def decode(self, value: object, direction: Direction) -> Message:
        if not isinstance(value, dict) or not isinstance(value.get("type"), str):
            raise MalformedMessage("not a RubyPlay message (no string 'type')")
        type_name: str = value["type"][:64]
        ours, theirs = (G2W, W2G) if direction is Direction.GAME_TO_LOBBY else (W2G, G2W)
        if type_name.startswith(theirs):
            raise WrongDirection(f"{type_name!r} travels the other way")
        if not type_name.startswith(ours):
            raise UnknownMessageType(f"not a RubyPlay {ours}* message", type_name=type_name)
        name = type_name[len(ours) :]
        if direction is Direction.LOBBY_TO_GAME:
            envelope = validate(WrapperEnvelope, value, "RubyPlay message")
            if name != "refreshBalance":
                raise UnknownMessageType(f"unknown RubyPlay message {type_name!r}", type_name=name)
            return self._plain(UpdateBalance, envelope.data)
        decoder = self._decoders.get(name)
        if decoder is None:
            raise UnknownMessageType(f"unknown RubyPlay message {type_name!r}", type_name=name)
        game = validate(GameEnvelope, value, "RubyPlay message")
        self._extra = {}
        message = decoder(game.data)
        return with_dialect_data(
            message, NAME, {"sender": game.sender, "lang": game.lang, **self._extra}
        )

    def _plain(
        self, cls: type[Message], data: dict[str, Any] | None, out: object = None
    ) -> Message:
        if data:
            validate(_Empty, data, f"RubyPlay {cls.type_name()} data")
        return catalog(cls, out, "RubyPlay")

    def _sound(self, data: dict[str, Any] | None) -> Message:
        sound = validate(_Enabled, data, "RubyPlay soundStatusUpdate data")
        return catalog(AudioToggle, not sound.enabled, "RubyPlay")

    def _dialog(self, dialog: Dialog, data: dict[str, Any] | None) -> Message:
        state = validate(_IsOpen, data, "RubyPlay panel status data")
        return catalog(DialogChanged, {"dialog": dialog.value, "open": state.isOpen}, "RubyPlay")

    def _round_started(self, data: dict[str, Any] | None) -> Message:
        if data:
            validate(_Empty, data, "RubyPlay paidRoundStarted data")
        # The catalog's "not given" form: the balance is unknown, not zero.
        return catalog(RoundStarted, None, "RubyPlay", not_given=True)

    def _round_ended(self, data: dict[str, Any] | None) -> Message:
        ended = validate(_RoundEnded, data, "RubyPlay paidRoundEnded data")
        win = to_major(ended.totalWin, self.currency, field="data.totalWin")
        self._extra = {
            "win": to_major(ended.win, self.currency, field="data.win"),
            "isBigWin": ended.isBigWin,
        }
        return catalog(RoundEnded, {"win": win}, "RubyPlay")

    def _balance(self, data: dict[str, Any] | None) -> Message:
        balance = validate(_Balance, data, "RubyPlay balanceUpdate data")
        return catalog(
            Balance, to_major(balance.balance, self.currency, field="data.balance"), "RubyPlay"
        )

    def _popup(self, data: dict[str, Any] | None) -> Message:
        popup = validate(_Popup, data, "RubyPlay systemPopup data")
        out: dict[str, object] = {"shown": popup.shown, "kind": popup.type}
        if popup.message is not None:
            out["message"] = popup.message
        return catalog(SystemPopup, out, "RubyPlay")

    # ------------------------------------------------------------------ encode

    def encode(self, message: Message) -> dict[str, object]:
        if isinstance(message, UpdateBalance):
            return {"type": W2G + "refreshBalance"}
        name, data = self._encode_game(message)
        wire: dict[str, object] = {"type": G2W + name, "sender": self.sender, "lang": self.lang}
        if data is not None:
            wire["data"] = data
        return wire

    def _encode_game(self, message: Message) -> tuple[str, Mapping[str, object] | None]:
        minor = self._minor
        if isinstance(message, CloseRequest):
            return "RedirectToLobby", None
        if isinstance(message, GameReady):
            return "gameStarted", None
        if isinstance(message, AudioToggle) and message.data is not None:
            return "soundStatusUpdate", {"enabled": not message.data}
        if isinstance(message, LoadProgress) and message.data.percent == 100:
            return "loadingEnded", None
        if isinstance(message, DialogChanged) and message.data.dialog is not Dialog.HISTORY:
            name = (
                "gameRulesStatusUpdate"
                if message.data.dialog is Dialog.RULES
                else "payTableStatusUpdate"
            )
            return name, {"isOpen": message.data.open}
        if isinstance(message, RoundStarted) and message.data is None:
            return "paidRoundStarted", None
        if isinstance(message, RoundEnded):
            ended = message.data
            if ended is not None and ended.win is not None:
                if ended.stake is not None or ended.balance is not None:
                    raise unsupported(
                        message,
                        NAME,
                        "paidRoundEnded carries the win only (send the balance as balance)",
                    )
                win = minor(ended.win, "data.win")
                return "paidRoundEnded", {"win": win, "totalWin": win, "isBigWin": False}
        if isinstance(message, Balance):
            return "balanceUpdate", {"balance": minor(message.data, "data")}
        if isinstance(message, SystemPopup):
            popup: dict[str, object] = {"shown": message.data.shown, "type": message.data.kind}
            if message.data.message is not None:
                popup["message"] = message.data.message
            return "systemPopup", popup
        raise unsupported(message, NAME, _WHY.get(message.type, "RubyPlay has no such message"))

    def _minor(self, amount: float, field: str) -> int:
        return to_minor(amount, self.currency, field=field)


_WHY = {
    "roundStarted": "paidRoundStarted carries no balance; send roundStarted without one "
    "(dialects.not_given(RoundStarted)) and the balance as balance",
    "audioToggle": "soundStatusUpdate needs the new state (muted true or false)",
    "loadProgress": "only the end of loading (percent 100) has a RubyPlay form, loadingEnded",
    "roundEnded": "paidRoundEnded needs the win",
    "dialogChanged": "RubyPlay reports the rules and the paytable only",
}
