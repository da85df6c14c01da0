"""Lobby -> game messages: Appendix A's, and the reality check and close extensions.

Part of the catalog; import them from ``bridge.core.messages``.
"""

# No `from __future__ import annotations` here: why in tests/unit/test_messages.py.
from typing import Literal, Self

from pydantic import model_validator

from .fields import (
    Amount,
    Count,
    Currency,
    Flag,
    HttpUrl,
    Seconds,
    ShortText,
    SignedAmount,
)
from .message_model import (
    Data,
    Family,
    HelperParam,
    LobbyMessage,
)

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
    def _win_loss_together(self) -> Self:
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
