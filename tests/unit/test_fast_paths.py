"""The hot-path shortcuts (issue #5) keep the checks they replace."""

from __future__ import annotations

import json

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig
from bridge.core.effects import Inbound, Post, Transport
from bridge.core.errors import MalformedMessage, OversizeValue
from bridge.core.limits import DEFAULT_LIMITS, Limits, _fits_by_text, check_value, decode_text
from bridge.core.messages import Role
from bridge.core.wire import dump, dump_json

GAME = "https://games.example"
LOBBY = "https://casino.example"


@pytest.mark.parametrize("cls", m.ALL_MESSAGES)
def test_dump_json_is_the_wire_object(cls: type[m.Message]) -> None:
    message = cls.model_validate(cls.example)
    assert json.loads(dump_json(message)) == dump(message)
    assert dump_json(message).endswith("}")


def test_text_bound_implies_the_walk_passes() -> None:
    for cls in m.ALL_MESSAGES:
        text = json.dumps(cls.example)
        assert _fits_by_text(text, DEFAULT_LIMITS), cls  # every message takes the fast path
        check_value(json.loads(text))
    tight = Limits(max_depth=2, max_nodes=4, max_string=8)
    assert not _fits_by_text('{"a":[[1]]}', tight)  # 3 openers > depth 2
    assert not _fits_by_text('{"a":1,"b":2,"c":3,"d":4}', tight)  # 3 commas + 1 + 1 > 4
    assert not _fits_by_text('"123456789"', tight)  # longer than a string may be


@pytest.mark.parametrize(
    ("text", "limits", "error"),
    [
        ('{"type":"' + "x" * 20 + '"}', Limits(max_string=10), OversizeValue),
        ('{"a":{"b":{"c":1}}}', Limits(max_depth=2), OversizeValue),
        ('{"a":[1,2,3,4,5,6]}', Limits(max_nodes=5), OversizeValue),
        ("[" * 300 + "]" * 300, DEFAULT_LIMITS, OversizeValue),  # parser's own depth limit
        ("[" * 600 + "]" * 600, DEFAULT_LIMITS, OversizeValue),  # opener guard
        ('{"a":NaN}', DEFAULT_LIMITS, MalformedMessage),
        ('{"a":Infinity}', DEFAULT_LIMITS, MalformedMessage),
        ('{"a":1} trailing', DEFAULT_LIMITS, MalformedMessage),
        ('"\\ud800"', DEFAULT_LIMITS, MalformedMessage),
    ],
)
def test_decode_text_still_refuses(text: str, limits: Limits, error: type[Exception]) -> None:
    with pytest.raises(error):
        decode_text(text, limits)


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
