"""Lobby -> game extensions carrying hizi's Operator Interface events that Appendix A lacks.

``bridge.core.operator_interface`` maps every event to a catalog message. Part of the
catalog; import them from ``bridge.core.messages``.
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
    ShortText,
    Text,
)
from .message_model import (
    Data,
    Family,
    HelperParam,
    LobbyMessage,
)

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
    def _left_within_total(self) -> Self:
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
