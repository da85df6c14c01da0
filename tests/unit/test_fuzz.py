"""Hypothesis fuzz: random and mutated values never escape as anything but typed errors,
and never cost the next valid message."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import parse
from bridge.core import messages as m
from bridge.core.effects import Deliver, Inbound, Rejected, Transport
from bridge.core.errors import ProtocolError, RemoteProtocolError
from bridge.core.loose import normalise as normalise_loose
from bridge.core.messages import Direction
from bridge.core.wire import parse_object

from .fakes import GAME_ORIGIN, Loopback

# Each example is a batch of ten values: 1,000 examples put 10,000 values through.
FUZZ = settings(
    max_examples=1_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["__proto__", "constructor", "prototype", "EUR", "continue", ""]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
type_names = st.sampled_from(sorted(m.BY_TYPE)) | st.text(max_size=20)


@st.composite
def mutated_examples(draw: st.DrawFn) -> Any:
    """A real wire example with one field changed, removed, added or retyped."""
    cls = draw(st.sampled_from(m.ALL_MESSAGES))
    value: dict[str, Any] = json.loads(json.dumps(cls.example))
    op = draw(st.sampled_from(["type", "data", "drop_data", "extra", "field", "drop_field"]))
    if op == "type":
        value["type"] = draw(type_names)
    elif op == "data":
        value["data"] = draw(json_values)
    elif op == "drop_data":
        value.pop("data", None)
    elif op == "extra":
        value[draw(st.text(max_size=10))] = draw(json_values)
    elif isinstance(value.get("data"), dict) and value["data"]:
        key = draw(st.sampled_from(sorted(value["data"])))
        if op == "field":
            value["data"][key] = draw(json_values)
        else:
            del value["data"][key]
    return value


anything = st.one_of(
    json_values,
    mutated_examples(),
    st.builds(lambda t, d: {"type": t, "data": d}, type_names, json_values),
    st.text(max_size=200),
    st.binary(max_size=50),
)


@FUZZ
@given(st.lists(anything, min_size=10, max_size=10))
def test_parse_raises_only_typed_errors(values: list[Any]) -> None:
    for value in values:
        try:
            message = parse(value)
        except RemoteProtocolError as exc:
            assert exc.reason.value == exc.code
            continue
        # whatever parses is a catalog message whose data is finite
        assert type(message) in m.ALL_MESSAGES
        if isinstance(message.data, float):
            assert math.isfinite(message.data)


def _is_control(value: Any) -> bool:
    return isinstance(value, dict) and str(value.get("type", "")).startswith("hiziBridge.")


def _is_valid_game_message(value: Any) -> bool:
    """Valid from a plain game: strictly, or in a loose form Appendix A allows (loose.py)."""
    try:
        parse(value, direction=Direction.GAME_TO_LOBBY)
    except ProtocolError:
        pass
    else:
        return True
    if not isinstance(value, dict):
        return False
    normal, notes = normalise_loose(value)
    if not notes:
        return False
    try:
        parse_object(normal, direction=Direction.GAME_TO_LOBBY, plain_peer=True)
    except ProtocolError:
        return False
    return True


def _to_port_text(value: Any, msg_id: int) -> str:
    envelope = dict(value) if isinstance(value, dict) else {"value": value}
    envelope.setdefault("id", msg_id)
    return json.dumps(envelope, default=str)


@FUZZ
@given(st.lists(anything, min_size=5, max_size=5))
def test_channel_survives_garbage_and_delivers_the_next_valid_message(values: list[Any]) -> None:
    # Handshake messages from the paired peer are legitimate state changes, not garbage.
    values = [v for v in values if not _is_control(v)]
    net = Loopback()
    net.connect()
    lobby = net.lobby
    for i, value in enumerate(values):
        # The same garbage through both transports. A *valid* plain message from the
        # paired window is no garbage either: it says the frame now holds a plain page
        # (tested in test_lifecycle), so only the port gets it.
        inbounds = [Inbound(_to_port_text(value, 10_000 + i), via=Transport.PORT)]
        if not _is_valid_game_message(value):
            inbounds.insert(0, Inbound(value, GAME_ORIGIN, from_peer=True))
        for inbound in inbounds:
            for effect in lobby.channel.receive(inbound):
                assert isinstance(effect, Deliver | Rejected)
    lobby.delivered.clear()
    net.apply(net.game, net.game.channel.send(m.Balance(data=42.0)))
    net.run()
    assert lobby.delivered[-1] == m.Balance(data=42.0)
