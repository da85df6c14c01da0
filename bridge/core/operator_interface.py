"""hizi's game-side "Operator Interface" events and the catalog message that carries each.

Source: docs.hizi.io, the TypeScript Operator Interface library's event list (lobby -> game),
as gathered in the project's protocol notes. Appendix A already says some of them (turbo on /
off is ``turbo(bool)``, mute / unmute is ``setAudio(bool)``): those map to the Appendix A
message with the data given, never to a twin. The generated catalog (docs/messages.md)
prints this table.
"""

from __future__ import annotations

from typing import NamedTuple

from .messages import (
    BY_TYPE,
    ClearCookies,
    Continue,
    FreeRounds,
    HideHelp,
    Message,
    Pause,
    PromoInfo,
    Reload,
    Resume,
    SetAudio,
    SetStake,
    ShowAutoplay,
    ShowError,
    ShowHelp,
    Spin,
    StakeDown,
    StakeUp,
    Stop,
    StopAutoplay,
    ToggleAudio,
    ToggleTurbo,
    Turbo,
    UpdateBalance,
)


class Mapping(NamedTuple):
    """One Operator Interface event: the message that carries it and the data it takes."""

    event: str
    message: type[Message]
    data: str  # the data, as wire JSON text or a description; "" for none


OPERATOR_INTERFACE_EVENTS: tuple[Mapping, ...] = (
    Mapping("spinRequested", Spin, ""),
    # The stored docs do not tell these two apart; both stop the reels of the current spin.
    Mapping("spinStopRequested", Stop, ""),
    Mapping("stopRequested", Stop, ""),
    Mapping("stopAutoplayRequested", StopAutoplay, ""),
    Mapping("pauseRequested", Pause, ""),
    Mapping("resumeRequested", Resume, ""),
    Mapping("reloadRequested", Reload, ""),
    Mapping("muteRequested", SetAudio, "false"),
    Mapping("unmuteRequested", SetAudio, "true"),
    Mapping("toggleMuteRequested", ToggleAudio, ""),
    Mapping("enableTurboRequested", Turbo, "true"),
    Mapping("disableTurboRequested", Turbo, "false"),
    Mapping("toggleTurboRequested", ToggleTurbo, ""),
    Mapping("increaseStakeRequested", StakeUp, ""),
    Mapping("decreaseStakeRequested", StakeDown, ""),
    Mapping("updateStakeRequested", SetStake, '{"stake": <amount>}'),
    Mapping("showRulesDialogRequested", ShowHelp, ""),
    Mapping("hideRulesDialogRequested", HideHelp, ""),
    Mapping("showAutoplayDialogRequested", ShowAutoplay, ""),
    Mapping("showErrorDialogRequested", ShowError, '{"message", "canContinue"}'),
    Mapping("clearCookiesRequested", ClearCookies, ""),
    Mapping("continueRequested", Continue, ""),
    Mapping("updateBalanceRequested", UpdateBalance, ""),
    Mapping("handleFreeRoundsUpdate", FreeRounds, "rounds left / total, stake, won, currency"),
    Mapping("setPromoInfoResponse", PromoInfo, '{"title"?, "text"?, "url"?}'),
    Mapping("getPromoInfoResponse", PromoInfo, '{"title"?, "text"?, "url"?}'),
)

BY_EVENT: dict[str, Mapping] = {m.event: m for m in OPERATOR_INTERFACE_EVENTS}

assert all(BY_TYPE[m.message.type_name()] is m.message for m in OPERATOR_INTERFACE_EVENTS)
