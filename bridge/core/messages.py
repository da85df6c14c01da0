"""The message catalog: every post message hizi-bridge knows, one typed class each.

Wire form is hizi's Appendix A shape, ``{"type": <name>, "data": <value>}``;
``data`` is left out when a message carries none. Three families live here:

* **Appendix A** messages, exactly as docs.hizi.io lists them, so a plain hizi
  game or lobby that has never heard of hizi-bridge understands us;
* **extensions** (``extension = True``) that a regulated market needs and the
  docs lack: reality check, typed errors, load progress, player activity,
  close / history requests, autoplay and pause acknowledgements. They keep the
  same ``{type, data}`` shape; a plain peer ignores types it does not know;
* **control** messages of the hizi-bridge handshake (``hiziBridge.*``), never
  delivered to application handlers.

Choices where the docs are silent are stated on each class and collected in
docs/messages.md (generated from this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, ClassVar, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, model_validator
from pydantic.alias_generators import to_camel

from .fields import (
    Amount,
    Count,
    Currency,
    Flag,
    HttpUrl,
    Percent,
    Seconds,
    ShortText,
    SignedAmount,
    Text,
)

PLAIN_PEER: Final = "plain_peer"
"""Validation-context key: set (``{PLAIN_PEER: True}``) only for a value a plain Appendix A
peer posted and ``bridge.core.loose`` normalised; see ``_absent_only_from_plain_peer``."""


def _absent_only_from_plain_peer(value: object, info: ValidationInfo) -> object:
    # Appendix A's page shows some messages without data; a plain peer written to it may
    # leave a balance or a flag out. A hizi-bridge peer (and our own sends) must give it.
    if value is None and not (info.context or {}).get(PLAIN_PEER):
        raise ValueError(
            "required: only a plain Appendix A peer may leave it out (then it is null)"
        )
    return value


class Direction(StrEnum):
    LOBBY_TO_GAME = "lobby_to_game"
    GAME_TO_LOBBY = "game_to_lobby"
    CONTROL = "control"  # handshake, both ways


class Family(StrEnum):
    APPENDIX_A = "appendix_a"
    EXTENSION = "extension"
    CONTROL = "control"


@dataclass(frozen=True, slots=True)
class HelperParam:
    """One parameter of a message's named helper (``Message.helper``).

    ``field``: the ``data`` model field it fills (Python name); ``None`` when the
    parameter is ``data`` itself (a scalar, or the whole data model). ``keyword_only``:
    after ``*`` in Python, a key of the trailing options object in JavaScript (camelCase).
    ``optional``: it defaults to ``None`` (left out of ``data``). When every parameter
    is left out and the message's ``data`` is optional, the message carries no data.
    """

    name: str  # Python name (snake_case); the JS API's is its camelCase
    field: str | None = None
    keyword_only: bool = False
    optional: bool = False


class Data(BaseModel):
    """Base of structured ``data`` payloads: camelCase on the wire, strict types."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
    )


class Message(BaseModel):
    """Base of every message. Subclasses pin ``type`` to a literal."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    type: str
    data: object = None

    direction: ClassVar[Direction]
    family: ClassVar[Family]
    # For requests: the message type that answers this one. A message with a reply is
    # request-like: its named helper sends a request and returns the reply's future.
    reply: ClassVar[str | None] = None
    # The named helper that sends it (``bridge.pause()``; the JS API's name is its camelCase),
    # its parameters, and extra JS names; None for control messages. See bridge.core.catalog.
    helper: ClassVar[str | None] = None
    helper_params: ClassVar[tuple[HelperParam, ...]] = ()
    js_helper_aliases: ClassVar[tuple[str, ...]] = ()
    # The JS helper takes the whole ``data`` object as its one argument (a JS API choice).
    js_helper_takes_data: ClassVar[bool] = False
    # A request a person answers (the player reads and chooses): no timeout by default.
    answered_by_person: ClassVar[bool] = False
    # The wire example used in docs and round-trip tests.
    example: ClassVar[dict[str, object]]

    @classmethod
    def type_name(cls) -> str:
        default = cls.model_fields["type"].default
        assert isinstance(default, str)
        return default

    @property
    def extension(self) -> bool:
        return self.family is Family.EXTENSION


class LobbyMessage(Message):
    direction = Direction.LOBBY_TO_GAME


class GameMessage(Message):
    direction = Direction.GAME_TO_LOBBY


# --------------------------------------------------------------------------
# Appendix A, lobby -> game
# --------------------------------------------------------------------------


class Spin(LobbyMessage):
    """Start a spin."""

    family = Family.APPENDIX_A
    helper = "spin"
    example = {"type": "spin"}
    type: Literal["spin"] = "spin"
    data: None = None


class Stop(LobbyMessage):
    """Stop the reels."""

    family = Family.APPENDIX_A
    helper = "stop"
    example = {"type": "stop"}
    type: Literal["stop"] = "stop"
    data: None = None


class ClearCookies(LobbyMessage):
    """Forget stored settings (muted, turbo, ...)."""

    family = Family.APPENDIX_A
    helper = "clear_cookies"
    example = {"type": "clearCookies"}
    type: Literal["clearCookies"] = "clearCookies"
    data: None = None


class StopAutoplay(LobbyMessage):
    """End autoplay after the current spin."""

    family = Family.APPENDIX_A
    helper = "stop_autoplay"
    example = {"type": "stopAutoplay"}
    type: Literal["stopAutoplay"] = "stopAutoplay"
    data: None = None


class Reload(LobbyMessage):
    """Reload the game after the current spin."""

    family = Family.APPENDIX_A
    helper = "reload"
    example = {"type": "reload"}
    type: Literal["reload"] = "reload"
    data: None = None


class Pause(LobbyMessage):
    """Pause the game until resumed. As a request it is answered by ``gamePaused``."""

    family = Family.APPENDIX_A
    helper = "pause"
    reply = "gamePaused"
    example = {"type": "pause"}
    type: Literal["pause"] = "pause"
    data: None = None


class Resume(LobbyMessage):
    """Resume after a pause. As a request it is answered by ``gameResumed``."""

    family = Family.APPENDIX_A
    helper = "resume"
    reply = "gameResumed"
    example = {"type": "resume"}
    type: Literal["resume"] = "resume"
    data: None = None


class StakeUp(LobbyMessage):
    """Raise the selected stake one step."""

    family = Family.APPENDIX_A
    helper = "stake_up"
    example = {"type": "stakeUp"}
    type: Literal["stakeUp"] = "stakeUp"
    data: None = None


class StakeDown(LobbyMessage):
    """Lower the selected stake one step."""

    family = Family.APPENDIX_A
    helper = "stake_down"
    example = {"type": "stakeDown"}
    type: Literal["stakeDown"] = "stakeDown"
    data: None = None


class Turbo(LobbyMessage):
    """Turbo on (``true``) or off (``false``)."""

    family = Family.APPENDIX_A
    helper = "turbo"
    helper_params = (HelperParam("on"),)
    example = {"type": "turbo", "data": True}
    type: Literal["turbo"] = "turbo"
    data: Flag


class SetAudio(LobbyMessage):
    """Sound on (``true``) or muted (``false``).

    The docs do not say which value means muted; we read ``setAudio(true)`` as
    "audio on", the opposite sense of ``audioToggle``'s ``muted`` flag.
    """

    family = Family.APPENDIX_A
    helper = "set_audio"
    helper_params = (HelperParam("on"),)
    example = {"type": "setAudio", "data": False}
    type: Literal["setAudio"] = "setAudio"
    data: Flag


class UpdateBalance(LobbyMessage):
    """Re-fetch the balance from the server (e.g. after a deposit)."""

    family = Family.APPENDIX_A
    helper = "update_balance"
    example = {"type": "updateBalance"}
    type: Literal["updateBalance"] = "updateBalance"
    data: None = None


class ShowHelp(LobbyMessage):
    """Open the game rules dialog."""

    family = Family.APPENDIX_A
    helper = "show_help"
    example = {"type": "showHelp"}
    type: Literal["showHelp"] = "showHelp"
    data: None = None


# --------------------------------------------------------------------------
# Extensions, lobby -> game
# --------------------------------------------------------------------------


_CENT = 0.005  # net result may differ from won - staked by rounding to cents only


class RealityCheckData(Data):
    """The figures a reality check shows; money in the currency's major unit.

    ``totalStaked``, ``totalWon`` and ``netResult`` come all three or not at all:
    a lobby whose ``rcDisplayWinLoss`` setting is false (hizi Appendix C) leaves them
    out and the game shows the time only. ``netResult`` must equal
    ``totalWon - totalStaked`` (to the cent). ``rounds`` is an extension field.
    """

    elapsed_seconds: Seconds
    total_staked: Amount | None = None
    total_won: Amount | None = None
    net_result: SignedAmount | None = None
    currency: Currency
    rounds: Count | None = None
    history_url: HttpUrl | None = None

    @model_validator(mode="after")
    def _win_loss_together(self) -> RealityCheckData:
        figures = (self.total_staked, self.total_won, self.net_result)
        given = sum(f is not None for f in figures)
        if given not in (0, 3):
            raise ValueError(
                "totalStaked, totalWon and netResult come all three or none "
                "(none when win/loss is not displayed)"
            )
        if self.total_staked is not None and self.total_won is not None:
            assert self.net_result is not None
            if abs(self.total_won - self.total_staked - self.net_result) > _CENT:
                raise ValueError("netResult must equal totalWon - totalStaked")
        return self

    @property
    def shows_win_loss(self) -> bool:
        return self.total_staked is not None


class RealityCheck(LobbyMessage):
    """Extension. Show the reality-check dialog: session time and, optionally, win / loss.

    A request: the game answers with ``realityCheckAnswer`` once the player chose. A
    person answers it, so it has no timeout unless the caller gives one. Without
    ``totalStaked`` / ``totalWon`` / ``netResult`` the game shows the time only (the
    lobby's ``rcDisplayWinLoss`` is false).
    """

    family = Family.EXTENSION
    helper = "reality_check"
    helper_params = (HelperParam("data"),)
    reply = "realityCheckAnswer"
    answered_by_person = True
    example = {
        "type": "realityCheck",
        "data": {
            "elapsedSeconds": 3600,
            "totalStaked": 120.0,
            "totalWon": 95.5,
            "netResult": -24.5,
            "currency": "EUR",
            "rounds": 240,
            "historyUrl": "https://casino.example.com/history",
        },
    }
    type: Literal["realityCheck"] = "realityCheck"
    data: RealityCheckData


class CloseData(Data):
    reason: ShortText | None = None


class Close(LobbyMessage):
    """Extension. Ask the game to finish the current round and close.

    A request: the game answers with ``gameClosed`` when it is safe to remove the frame.
    """

    family = Family.EXTENSION
    helper = "close_game"
    helper_params = (HelperParam("reason", "reason", optional=True),)
    reply = "gameClosed"
    example = {"type": "close", "data": {"reason": "session limit reached"}}
    type: Literal["close"] = "close"
    data: CloseData = CloseData()


# Extensions carrying hizi's Operator Interface events that Appendix A lacks
# (bridge.core.operator_interface maps every event to a catalog message).


class ToggleAudio(LobbyMessage):
    """Extension. Toggle sound (mute if on, unmute if muted).

    Operator Interface ``toggleMuteRequested``. Explicit mute / unmute is
    Appendix A's ``setAudio(false)`` / ``setAudio(true)``; a plain lobby's
    ``{"type": "setAudio"}`` without data is read as this toggle.
    """

    family = Family.EXTENSION
    helper = "toggle_audio"
    example = {"type": "toggleAudio"}
    type: Literal["toggleAudio"] = "toggleAudio"
    data: None = None


class ToggleTurbo(LobbyMessage):
    """Extension. Toggle turbo.

    Operator Interface ``toggleTurboRequested``. Turbo on / off is Appendix A's
    ``turbo(true)`` / ``turbo(false)``; a plain lobby's ``{"type": "turbo"}``
    without data is read as this toggle.
    """

    family = Family.EXTENSION
    helper = "toggle_turbo"
    example = {"type": "toggleTurbo"}
    type: Literal["toggleTurbo"] = "toggleTurbo"
    data: None = None


class SetStakeData(Data):
    stake: Amount


class SetStake(LobbyMessage):
    """Extension. Select this stake (major unit); the game answers with ``stakeChanged``.

    Operator Interface ``updateStakeRequested``. A game that has no such stake
    picks the nearest one it offers and reports it in ``stakeChanged``.
    """

    family = Family.EXTENSION
    helper = "set_stake"
    helper_params = (HelperParam("stake", "stake"),)
    example = {"type": "setStake", "data": {"stake": 2.0}}
    type: Literal["setStake"] = "setStake"
    data: SetStakeData


class HideHelp(LobbyMessage):
    """Extension. Close the rules dialog (``showHelp`` opens it).

    Operator Interface ``hideRulesDialogRequested``.
    """

    family = Family.EXTENSION
    helper = "hide_help"
    example = {"type": "hideHelp"}
    type: Literal["hideHelp"] = "hideHelp"
    data: None = None


class ShowAutoplay(LobbyMessage):
    """Extension. Open the game's autoplay dialog.

    Operator Interface ``showAutoplayDialogRequested``.
    """

    family = Family.EXTENSION
    helper = "show_autoplay"
    example = {"type": "showAutoplay"}
    type: Literal["showAutoplay"] = "showAutoplay"
    data: None = None


class ShowErrorData(Data):
    message: Text
    can_continue: Flag


class ShowError(LobbyMessage):
    """Extension. Show an error dialog with the lobby's text.

    Operator Interface ``showErrorDialogRequested``. ``canContinue`` false means
    the player may not go on: the game offers no way back into play.
    """

    family = Family.EXTENSION
    helper = "show_error"
    helper_params = (
        HelperParam("message", "message"),
        HelperParam("can_continue", "can_continue", keyword_only=True),
    )
    example = {
        "type": "showError",
        "data": {"message": "Your session has expired.", "canContinue": False},
    }
    type: Literal["showError"] = "showError"
    data: ShowErrorData


class Continue(LobbyMessage):
    """Extension. Go on after a dialog or message that stopped play.

    Operator Interface ``continueRequested``.
    """

    family = Family.EXTENSION
    helper = "continue_play"  # continue is a Python keyword; JS has both names
    js_helper_aliases = ("continue",)
    example = {"type": "continue"}
    type: Literal["continue"] = "continue"
    data: None = None


class FreeRoundsData(Data):
    """What a game shows of a free-rounds award; money in the currency's major unit."""

    rounds_left: Count
    rounds_total: Count
    stake: Amount
    won_so_far: Amount
    currency: Currency

    @model_validator(mode="after")
    def _left_within_total(self) -> FreeRoundsData:
        if self.rounds_left > self.rounds_total:
            raise ValueError("roundsLeft must not exceed roundsTotal")
        return self


class FreeRounds(LobbyMessage):
    """Extension. The player's free rounds changed (awarded, one played, ...).

    Operator Interface ``handleFreeRoundsUpdate``. When they are used up the game
    reports ``freeRoundsFinished`` with the amount won.
    """

    family = Family.EXTENSION
    helper = "free_rounds"
    helper_params = (HelperParam("data"),)
    example = {
        "type": "freeRounds",
        "data": {
            "roundsLeft": 7,
            "roundsTotal": 10,
            "stake": 0.2,
            "wonSoFar": 1.6,
            "currency": "EUR",
        },
    }
    type: Literal["freeRounds"] = "freeRounds"
    data: FreeRoundsData


class PromoInfoData(Data):
    title: ShortText | None = None
    text: Text | None = None
    url: HttpUrl | None = None


class PromoInfo(LobbyMessage):
    """Extension. Promotion information for the game to show.

    Operator Interface ``setPromoInfoResponse`` / ``getPromoInfoResponse``; the
    stored docs do not give their payload, so these three optional fields are ours.
    """

    family = Family.EXTENSION
    helper = "promo_info"
    helper_params = (HelperParam("data"),)
    example = {
        "type": "promoInfo",
        "data": {"title": "Weekend race", "url": "https://casino.example.com/promo"},
    }
    type: Literal["promoInfo"] = "promoInfo"
    data: PromoInfoData = PromoInfoData()


# --------------------------------------------------------------------------
# Appendix A, game -> lobby
# --------------------------------------------------------------------------


class OnAppFrameReady(GameMessage):
    """The game page has loaded."""

    family = Family.APPENDIX_A
    helper = "app_frame_ready"
    example = {"type": "onAppFrameReady"}
    type: Literal["onAppFrameReady"] = "onAppFrameReady"
    data: None = None


class GameDataLoaded(GameMessage):
    """The game's login call succeeded."""

    family = Family.APPENDIX_A
    helper = "game_data_loaded"
    example = {"type": "gameDataLoaded"}
    type: Literal["gameDataLoaded"] = "gameDataLoaded"
    data: None = None


class GameReady(GameMessage):
    """Loading is done and the game is playable."""

    family = Family.APPENDIX_A
    helper = "game_ready"
    example = {"type": "gameReady"}
    type: Literal["gameReady"] = "gameReady"
    data: None = None


class RoundStarted(GameMessage):
    """A round started; ``data`` is the balance after the stake was taken.

    The docs give no format for the balance: we send a number in the currency's
    major unit. ``null`` only when a plain Appendix A game sent no data (normalised).
    """

    family = Family.APPENDIX_A
    helper = "round_started"
    helper_params = (HelperParam("balance"),)
    example = {"type": "roundStarted", "data": 99.0}
    type: Literal["roundStarted"] = "roundStarted"
    data: Annotated[Amount | None, AfterValidator(_absent_only_from_plain_peer)]


class RoundEndedData(Data):
    """Extension fields; money in the currency's major unit."""

    stake: Amount | None = None
    win: Amount | None = None
    balance: Amount | None = None


class RoundEnded(GameMessage):
    """The round ended.

    ``data`` (stake, win, balance after the win) is an extension, optional: Appendix A
    gives none, and a session tracker counts exactly with it instead of deriving
    stake and win from balance differences.
    """

    family = Family.APPENDIX_A
    helper = "round_ended"
    helper_params = (
        HelperParam("stake", "stake", keyword_only=True, optional=True),
        HelperParam("win", "win", keyword_only=True, optional=True),
        HelperParam("balance", "balance", keyword_only=True, optional=True),
    )
    example = {"type": "roundEnded", "data": {"stake": 1.0, "win": 2.5, "balance": 101.5}}
    type: Literal["roundEnded"] = "roundEnded"
    data: RoundEndedData | None = None


class Balance(GameMessage):
    """The balance shown in the game changed; ``data`` is the new balance."""

    family = Family.APPENDIX_A
    helper = "balance"
    helper_params = (HelperParam("balance"),)
    example = {"type": "balance", "data": 101.5}
    type: Literal["balance"] = "balance"
    data: Amount


class AudioToggle(GameMessage):
    """The player toggled sound; ``data`` is ``true`` when now muted.

    ``null`` only when a plain Appendix A game sent no data (normalised): it toggled,
    to a state it did not say.
    """

    family = Family.APPENDIX_A
    helper = "audio_toggle"
    helper_params = (HelperParam("muted"),)
    example = {"type": "audioToggle", "data": True}
    type: Literal["audioToggle"] = "audioToggle"
    data: Annotated[Flag | None, AfterValidator(_absent_only_from_plain_peer)]


class Cashier(GameMessage):
    """The player lacks funds for a bet: the lobby should open its cashier."""

    family = Family.APPENDIX_A
    helper = "cashier"
    example = {"type": "cashier"}
    type: Literal["cashier"] = "cashier"
    data: None = None


# --------------------------------------------------------------------------
# Extensions, game -> lobby
# --------------------------------------------------------------------------


class LoadProgressData(Data):
    percent: Percent


class LoadProgress(GameMessage):
    """Extension. Loading progress, 0 to 100."""

    family = Family.EXTENSION
    helper = "load_progress"
    helper_params = (HelperParam("percent", "percent"),)
    example = {"type": "loadProgress", "data": {"percent": 42}}
    type: Literal["loadProgress"] = "loadProgress"
    data: LoadProgressData


class ErrorCode(StrEnum):
    """The closed set of error codes a game may report."""

    NETWORK = "network"
    SESSION_EXPIRED = "session_expired"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    STAKE_LIMIT = "stake_limit"
    RESPONSIBLE_GAMING_LIMIT = "responsible_gaming_limit"
    GAME_UNAVAILABLE = "game_unavailable"
    ROUND_FAILED = "round_failed"
    INTERNAL = "internal"


class ErrorData(Data):
    code: Annotated[ErrorCode, Field(strict=False)]
    message: Text
    fatal: Flag


class GameError(GameMessage):
    """Extension. The game hit an error.

    ``fatal`` means the game cannot go on and the lobby should offer to leave;
    a recoverable error is informational.
    """

    family = Family.EXTENSION
    helper = "error"
    helper_params = (
        HelperParam("code", "code"),
        HelperParam("message", "message"),
        HelperParam("fatal", "fatal", keyword_only=True),
    )
    js_helper_takes_data = True  # game.error({code, message, fatal})
    example = {
        "type": "error",
        "data": {"code": "network", "message": "Connection lost, retrying", "fatal": False},
    }
    type: Literal["error"] = "error"
    data: ErrorData


class RealityCheckChoice(StrEnum):
    CONTINUE = "continue"
    QUIT = "quit"
    HISTORY = "history"


class RealityCheckAnswerData(Data):
    choice: Annotated[RealityCheckChoice, Field(strict=False)]


class RealityCheckAnswer(GameMessage):
    """Extension. The player's answer to ``realityCheck``."""

    family = Family.EXTENSION
    helper = "reality_check_answer"
    helper_params = (HelperParam("choice", "choice"),)
    example = {"type": "realityCheckAnswer", "data": {"choice": "continue"}}
    type: Literal["realityCheckAnswer"] = "realityCheckAnswer"
    data: RealityCheckAnswerData


class PlayerActivityData(Data):
    action: ShortText | None = None


class PlayerActivity(GameMessage):
    """Extension. The player did something (spin, stake change, menu, touch).

    Lobbies use it for inactivity rules.
    """

    family = Family.EXTENSION
    helper = "player_activity"
    helper_params = (HelperParam("action", "action", optional=True),)
    example = {"type": "playerActivity", "data": {"action": "stakeUp"}}
    type: Literal["playerActivity"] = "playerActivity"
    data: PlayerActivityData = PlayerActivityData()


class CloseRequest(GameMessage):
    """Extension. The player asked to leave the game (close / home button)."""

    family = Family.EXTENSION
    helper = "close_request"
    example = {"type": "closeRequest"}
    type: Literal["closeRequest"] = "closeRequest"
    data: None = None


class HistoryRequest(GameMessage):
    """Extension. The player asked to see the game history."""

    family = Family.EXTENSION
    helper = "history_request"
    example = {"type": "historyRequest"}
    type: Literal["historyRequest"] = "historyRequest"
    data: None = None


class AutoplayStartedData(Data):
    rounds: Count | None = None


class AutoplayStarted(GameMessage):
    """Extension. Autoplay started; ``rounds`` is the number asked for, if bounded."""

    family = Family.EXTENSION
    helper = "autoplay_started"
    helper_params = (HelperParam("rounds", "rounds", optional=True),)
    example = {"type": "autoplayStarted", "data": {"rounds": 25}}
    type: Literal["autoplayStarted"] = "autoplayStarted"
    data: AutoplayStartedData = AutoplayStartedData()


class AutoplayStoppedData(Data):
    reason: ShortText | None = None


class AutoplayStopped(GameMessage):
    """Extension. Autoplay stopped (finished, stopped by the player or the lobby)."""

    family = Family.EXTENSION
    helper = "autoplay_stopped"
    helper_params = (HelperParam("reason", "reason", optional=True),)
    example = {"type": "autoplayStopped", "data": {"reason": "lobby"}}
    type: Literal["autoplayStopped"] = "autoplayStopped"
    data: AutoplayStoppedData = AutoplayStoppedData()


class GamePaused(GameMessage):
    """Extension. The game is paused (the answer to ``pause``)."""

    family = Family.EXTENSION
    helper = "paused"
    example = {"type": "gamePaused"}
    type: Literal["gamePaused"] = "gamePaused"
    data: None = None


class GameResumed(GameMessage):
    """Extension. The game runs again (the answer to ``resume``)."""

    family = Family.EXTENSION
    helper = "resumed"
    example = {"type": "gameResumed"}
    type: Literal["gameResumed"] = "gameResumed"
    data: None = None


class GameClosed(GameMessage):
    """Extension. The game finished its round and may be removed (the answer to ``close``)."""

    family = Family.EXTENSION
    helper = "closed"
    example = {"type": "gameClosed"}
    type: Literal["gameClosed"] = "gameClosed"
    data: None = None


class StakeChangedData(Data):
    stake: Amount
    currency: Currency | None = None


class StakeChanged(GameMessage):
    """Extension. The selected stake is now ``stake`` (major unit), whoever changed it."""

    family = Family.EXTENSION
    helper = "stake_changed"
    helper_params = (
        HelperParam("stake", "stake"),
        HelperParam("currency", "currency", optional=True),
    )
    example = {"type": "stakeChanged", "data": {"stake": 2.0, "currency": "EUR"}}
    type: Literal["stakeChanged"] = "stakeChanged"
    data: StakeChangedData


class FreeRoundsFinishedData(Data):
    won: Amount
    rounds: Count | None = None
    currency: Currency | None = None


class FreeRoundsFinished(GameMessage):
    """Extension. The free rounds are used up; ``won`` is their total win (major unit)."""

    family = Family.EXTENSION
    helper = "free_rounds_finished"
    helper_params = (
        HelperParam("won", "won"),
        HelperParam("rounds", "rounds", keyword_only=True, optional=True),
        HelperParam("currency", "currency", keyword_only=True, optional=True),
    )
    example = {
        "type": "freeRoundsFinished",
        "data": {"won": 3.4, "rounds": 10, "currency": "EUR"},
    }
    type: Literal["freeRoundsFinished"] = "freeRoundsFinished"
    data: FreeRoundsFinishedData


# --------------------------------------------------------------------------
# Control: the hizi-bridge handshake (never delivered to handlers)
# --------------------------------------------------------------------------

PROTOCOL_NAME: Final = "hizi-bridge"
# 2: a port frame may be an array of message texts (posts coalesced per task).
PROTOCOL_VERSIONS: tuple[int, ...] = (1, 2)


class Role(StrEnum):
    LOBBY = "lobby"
    GAME = "game"


SessionId = ShortText


class HelloData(Data):
    protocol: Literal["hizi-bridge"] = PROTOCOL_NAME
    versions: list[int] = Field(min_length=1, max_length=16)
    role: Annotated[Role, Field(strict=False)]
    session: SessionId


class Hello(Message):
    """Control. "I speak hizi-bridge": sent by both sides at start."""

    direction = Direction.CONTROL
    family = Family.CONTROL
    example = {
        "type": "hiziBridge.hello",
        "data": {"protocol": "hizi-bridge", "versions": [1], "role": "game", "session": "g-1f3a"},
    }
    type: Literal["hiziBridge.hello"] = "hiziBridge.hello"
    data: HelloData


class WelcomeData(Data):
    protocol: Literal["hizi-bridge"] = PROTOCOL_NAME
    version: int
    session: SessionId  # echoes the game's hello, so a stale welcome is ignored


class Welcome(Message):
    """Control. The lobby's answer to a game's hello; carries a transferred MessagePort."""

    direction = Direction.CONTROL
    family = Family.CONTROL
    example = {
        "type": "hiziBridge.welcome",
        "data": {"protocol": "hizi-bridge", "version": 1, "session": "g-1f3a"},
    }
    type: Literal["hiziBridge.welcome"] = "hiziBridge.welcome"
    data: WelcomeData


class ReadyData(Data):
    session: SessionId


class Ready(Message):
    """Control. The game's first message on the new port: it has left the window.

    Until it arrives the lobby still accepts the game's window messages, which a
    game that had given up waiting (compatibility mode) may have sent before it
    saw the welcome; after it, only the port is trusted.
    """

    direction = Direction.CONTROL
    family = Family.CONTROL
    example = {"type": "hiziBridge.ready", "data": {"session": "g-1f3a"}}
    type: Literal["hiziBridge.ready"] = "hiziBridge.ready"
    data: ReadyData


class ByeData(Data):
    reason: ShortText = "closed"


class Bye(Message):
    """Control. The sender closed its bridge; pending requests will not be answered."""

    direction = Direction.CONTROL
    family = Family.CONTROL
    example = {"type": "hiziBridge.bye", "data": {"reason": "closed"}}
    type: Literal["hiziBridge.bye"] = "hiziBridge.bye"
    data: ByeData = ByeData()


LOBBY_TO_GAME: tuple[type[Message], ...] = (
    Spin,
    Stop,
    ClearCookies,
    StopAutoplay,
    Reload,
    Pause,
    Resume,
    StakeUp,
    StakeDown,
    Turbo,
    SetAudio,
    UpdateBalance,
    ShowHelp,
    RealityCheck,
    Close,
    ToggleAudio,
    ToggleTurbo,
    SetStake,
    HideHelp,
    ShowAutoplay,
    ShowError,
    Continue,
    FreeRounds,
    PromoInfo,
)

GAME_TO_LOBBY: tuple[type[Message], ...] = (
    OnAppFrameReady,
    GameDataLoaded,
    GameReady,
    RoundStarted,
    RoundEnded,
    Balance,
    AudioToggle,
    Cashier,
    LoadProgress,
    GameError,
    RealityCheckAnswer,
    PlayerActivity,
    CloseRequest,
    HistoryRequest,
    AutoplayStarted,
    AutoplayStopped,
    GamePaused,
    GameResumed,
    GameClosed,
    StakeChanged,
    FreeRoundsFinished,
)

CONTROL: tuple[type[Message], ...] = (Hello, Welcome, Ready, Bye)

ALL_MESSAGES: tuple[type[Message], ...] = LOBBY_TO_GAME + GAME_TO_LOBBY + CONTROL

BY_TYPE: dict[str, type[Message]] = {cls.type_name(): cls for cls in ALL_MESSAGES}

# Reply type -> the request types it answers.
REPLIES: dict[str, tuple[str, ...]] = {}
for _cls in ALL_MESSAGES:
    if _cls.reply is not None:
        REPLIES.setdefault(_cls.reply, ())
        REPLIES[_cls.reply] += (_cls.type_name(),)
