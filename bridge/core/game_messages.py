"""Game -> lobby messages: Appendix A's and the extensions.

Part of the catalog; import them from ``bridge.core.messages``.
"""

# No `from __future__ import annotations` here: why in tests/unit/test_messages.py.
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from .fields import (
    Amount,
    Count,
    Currency,
    Flag,
    Percent,
    ShortText,
    Text,
)
from .message_model import (
    Data,
    Family,
    GameMessage,
    HelperParam,
    absent_only_from_plain_peer,
)

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
    data: Annotated[Amount | None, AfterValidator(absent_only_from_plain_peer)]


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
    data: Annotated[Flag | None, AfterValidator(absent_only_from_plain_peer)]


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
