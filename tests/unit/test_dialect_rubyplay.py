"""RubyPlay Client Side Messaging: every mapping both ways, money in minor units, refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig
from bridge.core.dialects import RubyPlay, dialect_data, make_dialect, not_given
from bridge.core.effects import Deliver, Inbound, Post, Rejected
from bridge.core.errors import (
    InvalidConfig,
    InvalidOutboundMessage,
    MalformedMessage,
    SchemaViolation,
    UnknownMessageType,
    UnsupportedInDialect,
    WrongDirection,
)
from bridge.core.messages import Direction, Role

LOBBY = "https://casino.example.com"
GAME = "https://games.rubyplay.example"
G2L, L2G = Direction.GAME_TO_LOBBY, Direction.LOBBY_TO_GAME


def g2w(name: str, data: Any = None, sender: str = "rp_34", lang: str = "en") -> dict[str, Any]:
    wire: dict[str, Any] = {"type": f"rp.g2w.{name}", "sender": sender, "lang": lang}
    if data is not None:
        wire["data"] = data
    return wire


# (catalog message, RubyPlay data, extra dialect data); EUR, so 999620 is 9996.20.
GAME_VECTORS: list[tuple[m.Message, str, Any, dict[str, Any]]] = [
    (m.CloseRequest(), "RedirectToLobby", None, {}),
    (m.AudioToggle(data=True), "soundStatusUpdate", {"enabled": False}, {}),
    (m.AudioToggle(data=False), "soundStatusUpdate", {"enabled": True}, {}),
    (m.LoadProgress(data=m.LoadProgressData(percent=100)), "loadingEnded", None, {}),
    (m.GameReady(), "gameStarted", None, {}),
    (
        m.DialogChanged(data=m.DialogChangedData(dialog=m.Dialog.RULES, open=True)),
        "gameRulesStatusUpdate",
        {"isOpen": True},
        {},
    ),
    (
        m.DialogChanged(data=m.DialogChangedData(dialog=m.Dialog.PAYTABLE, open=False)),
        "payTableStatusUpdate",
        {"isOpen": False},
        {},
    ),
    (not_given(m.RoundStarted), "paidRoundStarted", None, {}),
    (
        m.RoundEnded(data=m.RoundEndedData(win=12.5)),
        "paidRoundEnded",
        {"win": 1250, "totalWin": 1250, "isBigWin": False},
        {"win": 12.5, "isBigWin": False},
    ),
    (m.Balance(data=9996.2), "balanceUpdate", {"balance": 999620}, {}),
    (
        m.SystemPopup(data=m.SystemPopupData(shown=True, kind="INSUFFICIENT_FUNDS")),
        "systemPopup",
        {"shown": True, "type": "INSUFFICIENT_FUNDS"},
        {},
    ),
    (
        m.SystemPopup(data=m.SystemPopupData(shown=False, kind="SESSION_EXPIRED", message="Bye")),
        "systemPopup",
        {"shown": False, "type": "SESSION_EXPIRED", "message": "Bye"},
        {},
    ),
]


def same(got: m.Message, want: m.Message) -> bool:
    """Equal as messages (pydantic's == also compares the dialect data beside them)."""
    return type(got) is type(want) and got.model_dump() == want.model_dump()


def dialect(role: Role, currency: str = "EUR", **options: Any) -> RubyPlay:
    made = make_dialect("rubyplay", role, currency=currency, **options)
    assert isinstance(made, RubyPlay)
    return made


@pytest.mark.parametrize(("message", "name", "data", "extra"), GAME_VECTORS)
def test_every_game_message_maps_both_ways(
    message: m.Message, name: str, data: Any, extra: dict[str, Any]
) -> None:
    wire = g2w(name, data)
    # the game side (a hizi-bridge game in a RubyPlay wrapper) sends exactly this
    assert dialect(Role.GAME, sender="rp_34").encode(message) == wire
    # the lobby side (a RubyPlay game in our lobby) delivers the typed message
    got = dialect(Role.LOBBY).decode(wire, G2L)
    assert same(got, message)
    assert dialect_data(got) == {"dialect": "rubyplay", "sender": "rp_34", "lang": "en", **extra}


def test_the_wrapper_message_maps_both_ways() -> None:
    wire = {"type": "rp.w2g.refreshBalance"}
    assert dialect(Role.LOBBY).encode(m.UpdateBalance()) == wire
    assert dialect(Role.GAME).decode(wire, L2G) == m.UpdateBalance()
    assert dialect(Role.GAME).decode({**wire, "data": {}}, L2G) == m.UpdateBalance()


def test_the_documented_examples_decode() -> None:
    lobby = dialect(Role.LOBBY)
    examples = [
        '{"type":"rp.g2w.payTableStatusUpdate","sender":"rp_34","lang":"en","data":{"isOpen":false}}',
        '{"type":"rp.g2w.gameRulesStatusUpdate","sender":"rp_25","lang":"da","data":{"isOpen":true}}',
        '{"type":"rp.g2w.paidRoundEnded","sender":"rp_76","lang":"en","data":{"win":0,"totalWin":0,"isBigWin":false}}',
        '{"type":"rp.g2w.balanceUpdate","sender":"rp_34","lang":"en","data":{"balance":999620}}',
        '{"type":"rp.g2w.paidRoundStarted","sender":"rp_54","lang":"es"}',
    ]
    got = [lobby.decode(json.loads(text), G2L) for text in examples]
    assert [g.type for g in got] == [
        "dialogChanged",
        "dialogChanged",
        "roundEnded",
        "balance",
        "roundStarted",
    ]
    assert got[3].data == 9996.2 and json.dumps(m.Balance(data=got[3].data).data) == "9996.2"
    assert got[4].data is None  # the "not given" form: the balance is unknown, not 0
    assert dialect_data(got[1]) == {"dialect": "rubyplay", "sender": "rp_25", "lang": "da"}


@pytest.mark.parametrize(
    ("currency", "minor", "major"),
    [("EUR", 999620, 9996.2), ("JPY", 999620, 999620.0), ("BHD", 999620, 999.62)],
)
def test_cents_mean_the_currencys_minor_unit(currency: str, minor: int, major: float) -> None:
    got = dialect(Role.LOBBY, currency).decode(g2w("balanceUpdate", {"balance": minor}), G2L)
    assert got.data == major
    assert dialect(Role.GAME, currency).encode(got)["data"] == {"balance": minor}


@pytest.mark.parametrize(
    ("wire", "error", "match"),
    [
        (g2w("balanceUpdate", {"balance": 999620.5}), SchemaViolation, "whole number"),
        (g2w("balanceUpdate", {"balance": -5}), SchemaViolation, "negative"),
        (g2w("balanceUpdate", {"balance": 10**15}), SchemaViolation, "above the bound"),
        (g2w("balanceUpdate", {"balance": "999620"}), SchemaViolation, "balance"),
        (g2w("balanceUpdate"), SchemaViolation, "balanceUpdate"),
        (
            g2w("paidRoundEnded", {"win": 1, "totalWin": 1.5, "isBigWin": False}),
            SchemaViolation,
            "totalWin",
        ),
        (g2w("soundStatusUpdate", {"enabled": "yes"}), SchemaViolation, "enabled"),
        (g2w("systemPopup", {"shown": True, "type": "lower case"}), SchemaViolation, "kind"),
        (g2w("gameStarted", {"surprise": 1}), SchemaViolation, "surprise"),
        ({**g2w("gameStarted"), "extra": 1}, SchemaViolation, "extra"),
        ({"type": "rp.g2w.gameStarted", "lang": "en"}, SchemaViolation, "sender"),
        (g2w("gameStarted", sender="x" * 65), SchemaViolation, "sender"),
        (g2w("somethingNew"), UnknownMessageType, "somethingNew"),
        ({"type": "rp.w2g.refreshBalance"}, WrongDirection, "other way"),
        ({"type": "gameReady"}, UnknownMessageType, "rp.g2w"),
        ({"sender": "rp_1"}, MalformedMessage, "type"),
        (["rp.g2w.gameStarted"], MalformedMessage, "type"),
    ],
)
def test_the_lobby_refuses_what_rubyplay_does_not_say(
    wire: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        dialect(Role.LOBBY).decode(wire, G2L)


def test_the_game_refuses_what_a_wrapper_does_not_say() -> None:
    game = dialect(Role.GAME)
    with pytest.raises(UnknownMessageType):
        game.decode({"type": "rp.w2g.spin"}, L2G)
    with pytest.raises(WrongDirection):
        game.decode(g2w("gameStarted"), L2G)
    with pytest.raises(SchemaViolation):
        game.decode({"type": "rp.w2g.refreshBalance", "sender": "x"}, L2G)


@pytest.mark.parametrize(
    ("message", "match"),
    [
        (m.RoundStarted(data=99.0), "carries no balance"),
        (not_given(m.AudioToggle), "new state"),
        (m.LoadProgress(data=m.LoadProgressData(percent=42)), "percent 100"),
        (m.RoundEnded(), "needs the win"),
        (m.RoundEnded(data=m.RoundEndedData(stake=1.0, win=2.0)), "win only"),
        (m.RoundEnded(data=m.RoundEndedData(win=2.0, balance=100.0)), "win only"),
        (m.DialogChanged(data=m.DialogChangedData(dialog=m.Dialog.HISTORY, open=True)), "rules"),
        (m.GameDataLoaded(), "no such message"),
        (m.PlayerActivity(), "no such message"),
    ],
)
def test_what_rubyplay_cannot_carry_is_unsupported(message: m.Message, match: str) -> None:
    with pytest.raises(UnsupportedInDialect, match=match):
        dialect(Role.GAME).encode(message)


def test_lobby_commands_other_than_refresh_balance_are_unsupported() -> None:
    for message in (
        m.Spin(),
        m.SetAudio(data=True),
        m.ShowHelp(),
        m.SetVolume(data=m.SetVolumeData(volume=0.5)),
    ):
        with pytest.raises(UnsupportedInDialect, match="rubyplay"):
            dialect(Role.LOBBY).encode(message)


def test_outbound_money_finer_than_the_minor_unit_is_refused() -> None:
    with pytest.raises(InvalidOutboundMessage, match="minor units"):
        dialect(Role.GAME).encode(m.Balance(data=1.005))
    with pytest.raises(InvalidOutboundMessage, match="JPY"):
        dialect(Role.GAME, "JPY").encode(m.Balance(data=1.5))


def test_a_rubyplay_bridge_without_a_currency_is_invalid_config() -> None:
    with pytest.raises(InvalidConfig, match="currency"):
        make_dialect("rubyplay", Role.LOBBY)
    with pytest.raises(InvalidConfig, match="currency"):
        Channel(ChannelConfig(Role.LOBBY, GAME, dialect="rubyplay"))
    with pytest.raises(InvalidConfig, match="minor unit"):
        make_dialect("rubyplay", Role.LOBBY, currency="XAU")
    with pytest.raises(InvalidConfig, match="ISO 4217"):
        make_dialect("rubyplay", Role.LOBBY, currency="EUD")
    with pytest.raises(InvalidConfig, match="sender"):
        make_dialect("rubyplay", Role.GAME, currency="EUR", sender="x" * 65)
    with pytest.raises(InvalidConfig, match="unexpected keyword"):
        make_dialect("rubyplay", Role.LOBBY, currency="EUR", sender_id="x")


# ---------------------------------------------------------------- through the channel


def channel(role: Role) -> Channel:
    peer = GAME if role is Role.LOBBY else LOBBY
    options = {"currency": "EUR"} if role is Role.LOBBY else {"currency": "EUR", "sender": "rp_7"}
    return Channel(ChannelConfig(role, peer, dialect="rubyplay", dialect_options=options))


def test_a_round_through_two_channels_arrives_typed_in_major_units() -> None:
    game, lobby = channel(Role.GAME), channel(Role.LOBBY)
    game.start()
    lobby.start()
    sent = [
        *game.send(m.GameReady()),
        *game.send(not_given(m.RoundStarted)),
        *game.send(m.RoundEnded(data=m.RoundEndedData(win=2.5))),
        *game.send(m.Balance(data=101.5)),
    ]
    wires = [json.loads(p.text) for p in sent if isinstance(p, Post)]
    assert [w["type"] for w in wires] == [
        "rp.g2w.gameStarted",
        "rp.g2w.paidRoundStarted",
        "rp.g2w.paidRoundEnded",
        "rp.g2w.balanceUpdate",
    ]
    assert all(p.target_origin == LOBBY for p in sent if isinstance(p, Post))  # never "*"
    delivered = [
        e.message
        for w in wires
        for e in lobby.receive(Inbound(w, GAME, from_peer=True))
        if isinstance(e, Deliver)
    ]
    assert [(d.type, d.data) for d in delivered][3] == ("balance", 101.5)
    assert delivered[2].data == m.RoundEndedData(win=2.5)
    assert len(delivered) == 4
    assert dialect_data(delivered[0]) == {"dialect": "rubyplay", "sender": "rp_7", "lang": "en"}
    (post,) = lobby.send(m.UpdateBalance())
    assert isinstance(post, Post) and json.loads(post.text) == {"type": "rp.w2g.refreshBalance"}
    assert [
        e.message
        for e in game.receive(Inbound(json.loads(post.text), LOBBY, from_peer=True))
        if isinstance(e, Deliver)
    ] == [m.UpdateBalance()]


def test_refused_amounts_are_counted_and_cost_no_valid_message() -> None:
    lobby = channel(Role.LOBBY)
    lobby.start()
    bad = lobby.receive(Inbound(g2w("balanceUpdate", {"balance": 1.5}), GAME, from_peer=True))
    assert isinstance(bad[0], Rejected) and bad[0].error.reason.value == "schema"
    good = lobby.receive(Inbound(g2w("balanceUpdate", {"balance": 150}), GAME, from_peer=True))
    assert [e.message.data for e in good if isinstance(e, Deliver)] == [1.5]
    assert lobby.stats.to_dict()["rejected"]["schema"] == 1  # type: ignore[index]


def test_origin_and_source_rules_are_unchanged() -> None:
    lobby = channel(Role.LOBBY)
    lobby.start()
    stranger = lobby.receive(Inbound(g2w("gameStarted"), "https://evil.example", from_peer=True))
    other_window = lobby.receive(Inbound(g2w("gameStarted"), GAME, from_peer=False))
    reasons = [e.error.reason.value for e in stranger + other_window if isinstance(e, Rejected)]
    assert reasons == ["origin", "source"]
