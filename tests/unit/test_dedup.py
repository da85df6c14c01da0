"""bridge.core.dedup: a peer's message id is accepted once per session."""

from __future__ import annotations

import json

import pytest

from bridge.core.effects import (
    Inbound,
    Transport,
)

from .fakes import (
    Loopback,
    reasons,
)


def test_duplicate_ids_are_dropped() -> None:
    net = Loopback()
    net.connect()
    text = json.dumps({"type": "gameReady", "id": 5})
    net.inject(net.lobby, Inbound(text, via=Transport.PORT))
    net.inject(net.lobby, Inbound(text, via=Transport.PORT))
    assert net.lobby.types == ["gameReady"]
    assert reasons(net.lobby.rejected) == ["duplicate"]


def test_the_window_of_remembered_ids_is_bounded() -> None:
    from bridge.core.dedup import SeenIds
    from bridge.core.errors import DuplicateMessage

    seen = SeenIds(window=3)
    for msg_id in (1, 2, 3):
        seen.note(msg_id)
    with pytest.raises(DuplicateMessage, match="message id 2 already received"):
        seen.note(2)
    seen.note(4)  # 1 falls out of the window
    assert len(seen) == 3
    seen.note(1)  # remembered no more: accepted again
    seen.clear()  # a new peer session
    seen.note(4)
