"""dialect "auto" (lobby): one pick per document from its first valid message, sends held
until then and encoded in the picked dialect, picks journalled and in stats()."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig
from bridge.core.dialects import Auto, dialect_data, make_dialect
from bridge.core.effects import Deliver, Inbound, Post, Rejected, SendFailed, Transport
from bridge.core.errors import InvalidConfig
from bridge.core.journal import JournalEntry
from bridge.core.messages import Role
from bridge.hub import Driver
from tests.unit.fakes import FakeIO

GAME = "https://games.example.com"
NOW = 1_760_000_000_000.0


def rp(name: str, data: Any = None) -> dict[str, Any]:
    wire: dict[str, Any] = {"type": f"rp.g2w.{name}", "sender": "rp_9", "lang": "de"}
    if data is not None:
        wire["data"] = data
    return wire


def marbles(name: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "source": "marbles-game-widget",
        "type": name,
        "version": 1,
        "payload": payload or {},
        "timestamp": NOW,
    }


GG_READY = {
    "Id": "1",
    "Name": "BRIDGE_API_READY",
    "Body": None,
    "Type": "NOTIFICATION",
    "Origin": "embeddedgame",
    "SenderId": "",
}


def lobby(**options: Any) -> Channel:
    options.setdefault("currency", "EUR")
    return Channel(ChannelConfig(Role.LOBBY, GAME, dialect="auto", dialect_options=options))


def inbound(value: object) -> Inbound:
    return Inbound(value, GAME, from_peer=True)


def posts(effects: list[Any]) -> list[dict[str, Any]]:
    return [json.loads(e.text) for e in effects if isinstance(e, Post)]


def delivered(effects: list[Any]) -> list[m.Message]:
    return [e.message for e in effects if isinstance(e, Deliver)]


@pytest.mark.parametrize(
    ("first", "picked", "type_name"),
    [
        (rp("gameStarted"), "rubyplay", "gameReady"),
        (marbles("balance-updated", {"balance": 5}), "155io", "balance"),
        (GG_READY, "gamesglobal", "gameReady"),
        ({"type": "gameReady"}, "appendix_a", "gameReady"),
        ({"type": "roundStarted"}, "appendix_a", "roundStarted"),  # a loose plain form
    ],
)
def test_the_first_valid_message_picks_the_one_dialect_that_accepts_it(
    first: dict[str, Any], picked: str, type_name: str
) -> None:
    channel = lobby()
    channel.start()
    (message,) = delivered(channel.receive(inbound(first)))
    assert message.type == type_name
    auto = channel.dialect
    assert isinstance(auto, Auto) and auto.stats()["picked"] == picked
    assert [p.dialect for p in auto.picks] == [picked]


def test_sends_wait_for_the_pick_and_go_in_the_picked_dialect() -> None:
    channel = lobby()
    hello = posts(channel.start())
    assert [h["type"] for h in hello] == ["hiziBridge.hello"]  # the bridge's own probe only
    assert channel.send(m.UpdateBalance()) == []
    assert channel.send(m.Spin()) == []  # RubyPlay has no spin: fails, never goes out
    effects = channel.receive(inbound(rp("gameStarted")))
    assert posts(effects) == [{"type": "rp.w2g.refreshBalance"}]
    failed = [e for e in effects if isinstance(e, SendFailed)]
    assert [f.message.type for f in failed] == ["spin"]
    assert failed[0].error.code == "unsupported_in_dialect"
    # picked: RubyPlay decodes, with its money in minor units and its dialect data
    (balance,) = delivered(channel.receive(inbound(rp("balanceUpdate", {"balance": 999620}))))
    assert balance.data == 9996.2 and dialect_data(balance) == {
        "dialect": "rubyplay",
        "sender": "rp_9",
        "lang": "de",
    }


def test_after_the_pick_another_dialect_is_refused() -> None:
    channel = lobby()
    channel.start()
    channel.receive(inbound(rp("gameStarted")))
    refused = channel.receive(inbound({"type": "gameReady"}))
    assert [e.error.reason.value for e in refused if isinstance(e, Rejected)] == ["unknown_type"]


def test_a_value_no_candidate_accepts_is_refused_with_the_most_telling_error() -> None:
    channel = lobby()
    channel.start()
    bad = channel.receive(inbound(rp("balanceUpdate", {"balance": 1.5})))
    assert [e.error.reason.value for e in bad if isinstance(e, Rejected)] == ["schema"]
    junk = channel.receive(inbound({"type": "noSuchThing"}))
    assert [e.error.reason.value for e in junk if isinstance(e, Rejected)] == ["unknown_type"]
    auto = channel.dialect
    assert isinstance(auto, Auto) and auto.stats()["picked"] is None and auto.picks == []


def test_a_value_two_candidates_accept_picks_nothing() -> None:
    twins = Auto(Role.LOBBY, currency="EUR", candidates=("appendix_a", "appendix_a"))
    with pytest.raises(Exception, match="accepted by appendix_a, appendix_a") as caught:
        twins.decode({"type": "gameReady"}, m.Direction.GAME_TO_LOBBY)
    assert getattr(caught.value, "reason", None) is not None and twins.picked is None
    assert twins.stats()["ambiguous"] == 1


def test_a_new_document_is_picked_again_and_sends_wait_meanwhile() -> None:
    channel = lobby()
    channel.start()
    channel.receive(inbound(rp("gameStarted")))
    auto = channel.dialect
    assert isinstance(auto, Auto)
    auto.document_loaded()  # the driver's peer_loaded: the iframe shows a page again
    assert channel.send(m.SetVolume(data=m.SetVolumeData(volume=0.5))) == []
    effects = channel.receive(inbound(marbles("bet-placed")))
    assert [w["type"] for w in posts(effects)] == ["set-audio-volume"]  # the new dialect's form
    assert [p.dialect for p in auto.picks] == ["rubyplay", "155io"]
    assert auto.stats()["picked"] == "155io"


def test_picking_the_same_dialect_again_keeps_its_state() -> None:
    channel = lobby()
    channel.start()
    channel.receive(inbound(GG_READY))
    auto = channel.dialect
    assert isinstance(auto, Auto)
    first = auto.picked
    auto.document_loaded()
    activity = {**GG_READY, "Name": "PLAYER_ACTIVITY"}
    assert [x.type for x in delivered(channel.receive(inbound(activity)))] == ["playerActivity"]
    assert auto.picked is first  # still past its BRIDGE_API_READY


def test_without_a_currency_a_rubyplay_game_is_refused_naming_the_option() -> None:
    channel = lobby(currency=None)
    channel.start()
    refused = [e for e in channel.receive(inbound(rp("gameStarted"))) if isinstance(e, Rejected)]
    assert [e.error.reason.value for e in refused] == ["unsupported"]
    assert "rp.g2w.gameStarted" in str(refused[0].error)
    assert "currency" in str(refused[0].error)
    stats = channel.dialect.stats()  # type: ignore[attr-defined]
    assert "rubyplay" not in stats["candidates"]
    assert (stats["needs_currency"], stats["picked"]) == (1, None)
    # Other studios' games still pick as usual on such a bridge.
    delivered_ = delivered(channel.receive(inbound(marbles("balance-updated", {"balance": 5}))))
    assert channel.dialect.stats()["picked"] == "155io"  # type: ignore[attr-defined]
    assert delivered_ != []


def test_auto_is_a_lobby_option() -> None:
    with pytest.raises(InvalidConfig, match="lobby option"):
        make_dialect("auto", Role.GAME)


def test_origin_and_source_checks_come_first() -> None:
    channel = lobby()
    channel.start()
    stranger = channel.receive(Inbound(rp("gameStarted"), "https://evil.example", from_peer=True))
    assert [e.error.reason.value for e in stranger if isinstance(e, Rejected)] == ["origin"]
    assert channel.dialect.stats()["picked"] is None  # type: ignore[attr-defined]


# ---------------------------------------------------------------- through the driver


def driver() -> tuple[Driver, FakeIO, list[JournalEntry]]:
    channel = lobby()
    io = FakeIO()
    d = Driver(channel, io, report=lambda where, exc: None)
    journal: list[JournalEntry] = []
    d.dispatcher.on_journal(journal.append)
    return d, io, journal


def test_the_pick_is_journalled_and_in_stats_and_a_load_picks_again() -> None:
    d, _io, journal = driver()
    d.start()
    d.receive(inbound(rp("gameStarted")))
    picks = [e for e in journal if e.type == "dialect"]
    assert [p.payload for p in picks] == [
        {"dialect": "rubyplay", "how": "message", "first": "gameReady"}
    ]
    assert "picked rubyplay" in picks[0].detail
    stats = d.stats()["dialect"]
    assert stats["picked"] == "rubyplay" and stats["picks"] == 1
    d.peer_loaded()
    assert d.stats()["dialect"]["picked"] is None
    d.receive(inbound({"type": "gameReady"}))
    assert d.stats()["dialect"]["picked"] == "appendix_a"
    assert [e.payload["dialect"] for e in journal if e.type == "dialect"] == [
        "rubyplay",
        "appendix_a",
    ]


def test_a_hizi_bridge_game_is_picked_by_the_handshake() -> None:
    d, io, journal = driver()
    d.start()
    hello = {
        "type": "hiziBridge.hello",
        "data": {"protocol": "hizi-bridge", "versions": [1, 2], "role": "game", "session": "g-1"},
    }
    d.receive(inbound(hello))
    assert json.loads(io.window[-1][0])["type"] == "hiziBridge.welcome"
    d.receive(
        Inbound(
            json.dumps({"type": "hiziBridge.ready", "data": {"session": "g-1"}, "id": 1}),
            "",
            via=Transport.PORT,
        )
    )
    assert d.mode == "bridge"
    assert d.stats()["dialect"]["picked"] == "appendix_a"
    assert [e.payload for e in journal if e.type == "dialect"] == [
        {"dialect": "appendix_a", "how": "handshake", "first": "hiziBridge.hello"}
    ]
