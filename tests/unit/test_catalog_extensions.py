"""Issue #12's catalog: Operator Interface events, stake / free rounds, reality-check figures."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bridge.core import messages as m
from bridge.core.operator_interface import BY_EVENT, OPERATOR_INTERFACE_EVENTS
from bridge.core.wire import dump, parse

# Every lobby -> game event of hizi's Operator Interface library (docs.hizi.io; protocol notes).
OI_EVENTS = [
    "spinRequested",
    "spinStopRequested",
    "stopRequested",
    "stopAutoplayRequested",
    "pauseRequested",
    "resumeRequested",
    "reloadRequested",
    "muteRequested",
    "unmuteRequested",
    "toggleMuteRequested",
    "enableTurboRequested",
    "disableTurboRequested",
    "toggleTurboRequested",
    "increaseStakeRequested",
    "decreaseStakeRequested",
    "updateStakeRequested",
    "showRulesDialogRequested",
    "hideRulesDialogRequested",
    "showAutoplayDialogRequested",
    "showErrorDialogRequested",
    "clearCookiesRequested",
    "continueRequested",
    "updateBalanceRequested",
    "handleFreeRoundsUpdate",
    "setPromoInfoResponse",
    "getPromoInfoResponse",
]


def test_every_operator_interface_event_is_carried_by_a_lobby_message() -> None:
    assert sorted(BY_EVENT) == sorted(OI_EVENTS)
    for mapping in OPERATOR_INTERFACE_EVENTS:
        assert mapping.message in m.LOBBY_TO_GAME


def test_appendix_a_says_turbo_and_mute_so_there_is_no_twin() -> None:
    assert BY_EVENT["enableTurboRequested"].message is m.Turbo
    assert BY_EVENT["disableTurboRequested"].data == "false"
    assert BY_EVENT["muteRequested"].message is m.SetAudio
    assert BY_EVENT["muteRequested"].data == "false"  # setAudio(true) means sound on
    names = {c.type_name().lower() for c in m.ALL_MESSAGES}
    for twin in ("mute", "unmute", "turboon", "turbooff", "enableturbo", "disableturbo"):
        assert twin not in names


def test_every_new_message_is_an_extension_and_round_trips() -> None:
    new = [
        m.ToggleAudio, m.ToggleTurbo, m.SetStake, m.HideHelp, m.ShowAutoplay, m.ShowError,
        m.Continue, m.FreeRounds, m.PromoInfo, m.StakeChanged, m.FreeRoundsFinished,
    ]  # fmt: skip
    for cls in new:
        assert cls.family is m.Family.EXTENSION
        message = parse(cls.example)
        assert type(message) is cls and dump(message) == cls.example


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"roundsLeft": 11, "roundsTotal": 10, "stake": 1, "wonSoFar": 0, "currency": "EUR"},
         "roundsLeft must not exceed"),
        ({"roundsLeft": 1, "roundsTotal": 10, "stake": -1, "wonSoFar": 0, "currency": "EUR"},
         "stake"),
        ({"roundsLeft": 1, "roundsTotal": 10, "stake": 1, "wonSoFar": 0, "currency": "XXY"},
         "currency"),
    ],
)  # fmt: skip
def test_free_rounds_refuse_what_a_game_could_not_show(data: dict[str, object], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        m.FreeRounds.model_validate({"type": "freeRounds", "data": data})


def test_show_error_needs_its_text_and_whether_play_may_go_on() -> None:
    with pytest.raises(ValidationError, match="canContinue"):
        m.ShowError.model_validate({"type": "showError", "data": {"message": "x"}})


def test_reality_check_without_win_loss_is_valid() -> None:
    data = m.RealityCheckData.model_validate({"elapsedSeconds": 60, "currency": "EUR"})
    assert not data.shows_win_loss
    assert dump(m.RealityCheck(data=data)) == {
        "type": "realityCheck",
        "data": {"elapsedSeconds": 60.0, "currency": "EUR"},
    }


@pytest.mark.parametrize(
    ("figures", "match"),
    [
        ({"totalStaked": 5.0}, "all three or none"),
        ({"totalStaked": 5.0, "totalWon": 1.0}, "all three or none"),
        ({"totalStaked": 5.0, "totalWon": 1.0, "netResult": 4.0}, "must equal"),
    ],
)
def test_reality_check_figures_are_all_or_none_and_agree(
    figures: dict[str, float], match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        m.RealityCheckData.model_validate({"elapsedSeconds": 1, "currency": "EUR", **figures})


def test_round_ended_extension_fields_are_optional() -> None:
    assert parse({"type": "roundEnded"}) == m.RoundEnded()
    ended = parse({"type": "roundEnded", "data": {"stake": 1, "win": 0}})
    assert isinstance(ended, m.RoundEnded) and ended.data is not None
    assert ended.data.stake == 1.0 and ended.data.balance is None
