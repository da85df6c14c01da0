"""bridge.core.envelope: ids spliced into the port's JSON, and read back strictly."""

from __future__ import annotations

import json

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig
from bridge.core.effects import Inbound, Post, Transport
from bridge.core.messages import Role
from bridge.core.wire import dump

GAME = "https://games.example"
LOBBY = "https://casino.example"


def test_port_post_text_carries_id_and_re() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME))
    lobby.start()
    hello = {
        "type": "hiziBridge.hello",
        "data": {"versions": [1], "role": "game", "session": "g-1"},
    }
    lobby.receive(Inbound(hello, GAME, from_peer=True))
    lobby.receive(
        Inbound('{"type":"hiziBridge.ready","data":{"session":"g-1"},"id":1}', via=Transport.PORT)
    )
    rid, effects = lobby.request(m.RealityCheck.model_validate(m.RealityCheck.example))
    posts = [e for e in effects if isinstance(e, Post)]
    wire = json.loads(posts[0].text)
    assert wire["id"] == rid and "re" not in wire
    assert {k: v for k, v in wire.items() if k != "id"} == dump(posts[0].message)
    # The game answers a request with a reply carrying "re".
    game = Channel(ChannelConfig(Role.GAME, LOBBY))
    game.start()
    welcome = {"type": "hiziBridge.welcome", "data": {"version": 1, "session": game.session}}
    game.receive(Inbound(welcome, LOBBY, from_peer=True, has_port=True))
    rc = json.dumps({**m.RealityCheck.example, "id": 7})
    game.receive(Inbound(rc, via=Transport.PORT))
    effects = game.send(m.RealityCheckAnswer.model_validate(m.RealityCheckAnswer.example))
    wire = json.loads(next(e for e in effects if isinstance(e, Post)).text)
    assert wire["type"] == "realityCheckAnswer" and wire["re"] == 7 and wire["id"] > 1


def test_seal_and_open_are_inverse_and_open_is_strict() -> None:
    from bridge.core.envelope import MAX_ID, open_envelope, seal
    from bridge.core.errors import MalformedMessage

    assert seal('{"type":"spin"}', 3, None) == '{"type":"spin","id":3}'
    text = seal('{"type":"gamePaused"}', 4, 2)
    assert open_envelope(json.loads(text)) == (4, 2, {"type": "gamePaused"})
    for bad in ([], {"type": "spin"}, {"type": "spin", "id": 0}, {"type": "spin", "id": True},
                {"type": "spin", "id": MAX_ID}, {"type": "spin", "id": 1, "re": -1}):  # fmt: skip
        with pytest.raises(MalformedMessage):
            open_envelope(bad)
