"""bridge.core.decoding: what an inbound event carries, before any handler sees it."""

from __future__ import annotations

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig
from bridge.core.effects import (
    Connected,
    Inbound,
    Rejected,
)
from bridge.core.messages import Role

from .fakes import (
    GAME_ORIGIN,
)


def test_strings_on_the_window_are_not_json_text() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))
    effects = lobby.receive(Inbound('{"type":"gameReady"}', GAME_ORIGIN, from_peer=True))
    assert isinstance(effects[0], Rejected) and effects[0].error.reason.value == "malformed"
    # the adapter marks JSON it made from a posted object as encoded
    effects = lobby.receive(
        Inbound('{"type":"gameReady"}', GAME_ORIGIN, from_peer=True, encoded=True)
    )
    assert [type(e) for e in effects][:2] == [Connected, type(effects[1])]


def test_window_values_are_strict_unless_a_plain_peer_sent_them() -> None:
    from bridge.core.decoding import type_of, window_message
    from bridge.core.dialects import make_dialect
    from bridge.core.errors import SchemaViolation
    from bridge.core.messages import Direction

    dialect = make_dialect("appendix_a", Role.LOBBY)
    loose = {"type": "roundStarted"}  # Appendix A's page shows it without data
    message, notes = window_message(loose, dialect, Direction.GAME_TO_LOBBY, plain=True)
    assert message == m.RoundStarted.model_construct(data=None) and notes
    with pytest.raises(SchemaViolation):
        window_message(loose, dialect, Direction.GAME_TO_LOBBY, plain=False)
    assert type_of({"type": "x" * 100}) == "x" * 64 and type_of([1]) is None
