"""Plain Appendix A peers' loose forms: accepted, normalised, counted; strict otherwise."""

from __future__ import annotations

import json

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig
from bridge.core.effects import Deliver, Inbound, Mode, Rejected, Transport
from bridge.core.journal import entry_for
from bridge.core.loose import Normalisation, normalise
from bridge.core.messages import Role

from .fakes import GAME_ORIGIN, LOBBY_ORIGIN, Loopback


def _lobby() -> Channel:
    channel = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))
    channel.start()
    return channel


def _game(dialect: str = "appendix_a") -> Channel:
    channel = Channel(ChannelConfig(Role.GAME, LOBBY_ORIGIN, dialect=dialect))
    channel.start()
    return channel


def _window(value: object, origin: str) -> Inbound:
    return Inbound(value, origin, from_peer=True)


def _delivered(effects: list[object]) -> list[Deliver]:
    return [e for e in effects if isinstance(e, Deliver)]


@pytest.mark.parametrize(
    ("plain", "expected", "kind"),
    [
        ({"type": "roundStarted"}, m.RoundStarted.model_construct(data=None), "data_absent"),
        ({"type": "audioToggle"}, m.AudioToggle.model_construct(data=None), "data_absent"),
        ({"type": "roundStarted", "data": "12.50"}, m.RoundStarted(data=12.5), "numeric_string"),
        ({"type": "balance", "data": "7"}, m.Balance(data=7.0), "numeric_string"),
        ({"type": "roundStarted", "data": None}, m.RoundStarted.model_construct(data=None),
         "data_absent"),
    ],
)  # fmt: skip
def test_a_plain_game_loose_form_is_accepted_counted_and_journalled(
    plain: dict[str, object], expected: m.Message, kind: str
) -> None:
    lobby = _lobby()
    effects = lobby.receive(_window(plain, GAME_ORIGIN))
    [deliver] = _delivered(effects)
    assert deliver.message == expected
    assert deliver.normalised == (kind,)
    assert lobby.mode is Mode.COMPAT
    stats = lobby.stats.to_dict()
    assert stats["normalised"] == {n.value: int(n.value == kind) for n in Normalisation}
    entry = entry_for(deliver, 0.0)
    assert entry is not None
    assert entry.to_dict()["normalised"] == [kind]
    assert entry.wire == plain  # the journal shows what the peer really sent


@pytest.mark.parametrize(
    ("plain", "expected"),
    [({"type": "turbo"}, m.ToggleTurbo()), ({"type": "setAudio"}, m.ToggleAudio())],
)
def test_a_plain_lobby_turbo_or_set_audio_without_data_is_a_toggle(
    plain: dict[str, object], expected: m.Message
) -> None:
    game = _game()
    [deliver] = _delivered(game.receive(_window(plain, LOBBY_ORIGIN)))
    assert deliver.message == expected
    assert game.stats.normalised == {"data_absent": 1}


def test_strict_forms_from_a_plain_peer_are_not_counted() -> None:
    lobby = _lobby()
    lobby.receive(_window({"type": "roundStarted", "data": 3.0}, GAME_ORIGIN))
    lobby.receive(_window({"type": "roundEnded"}, GAME_ORIGIN))
    assert lobby.stats.accepted == 2
    assert sum(lobby.stats.normalised.values()) == 0


@pytest.mark.parametrize(
    "data", ["1e3", "-5", "1,5", " 5", "12.", "abc", "1.1234567", "99999999999999", True]
)
def test_other_loose_amounts_are_still_refused(data: object) -> None:
    lobby = _lobby()
    [rejected] = lobby.receive(_window({"type": "balance", "data": data}, GAME_ORIGIN))
    assert isinstance(rejected, Rejected) and rejected.error.reason.value == "schema"
    assert sum(lobby.stats.normalised.values()) == 0


def test_a_hizi_bridge_peer_stays_strict_on_the_port() -> None:
    net = Loopback()
    net.connect()
    port_text = json.dumps({"type": "roundStarted", "id": 7})
    effects = net.lobby.channel.receive(Inbound(port_text, via=Transport.PORT))
    [rejected] = effects
    assert isinstance(rejected, Rejected) and rejected.error.reason.value == "schema"
    text = json.dumps({"type": "balance", "data": "5", "id": 8})
    [rejected] = net.lobby.channel.receive(Inbound(text, via=Transport.PORT))
    assert isinstance(rejected, Rejected) and rejected.error.reason.value == "schema"
    assert sum(net.lobby.channel.stats.normalised.values()) == 0


def test_a_hizi_bridge_game_in_compat_before_the_welcome_stays_strict() -> None:
    """The lobby in bridge mode still takes the game's window traffic until Ready: strictly."""
    lobby = _lobby()
    hello = m.Hello(data=m.HelloData(versions=[2], role=Role.GAME, session="g-1"))
    lobby.receive(Inbound(json.loads(hello.model_dump_json(by_alias=True)), GAME_ORIGIN, True))
    assert lobby.mode is Mode.BRIDGE
    [rejected] = lobby.receive(_window({"type": "roundStarted"}, GAME_ORIGIN))
    assert isinstance(rejected, Rejected) and rejected.error.reason.value == "schema"


def test_other_dialects_never_normalise() -> None:
    # gamesglobal's lobby -> game direction has no messages at all: an unknown type, unchanged.
    game = _game("gamesglobal")
    [rejected] = game.receive(_window({"type": "turbo"}, LOBBY_ORIGIN))
    assert isinstance(rejected, Rejected)
    assert sum(game.stats.normalised.values()) == 0


def test_our_own_side_cannot_send_a_missing_balance() -> None:
    with pytest.raises(ValueError, match="only a plain Appendix A peer"):
        m.RoundStarted(data=None)
    with pytest.raises(ValueError, match="only a plain Appendix A peer"):
        m.AudioToggle(data=None)


def test_normalise_leaves_other_values_alone() -> None:
    for value in ({"type": "spin"}, {"type": 3}, {"type": "balance", "data": 2.0}, {}):
        assert normalise(value) == (value, ())
