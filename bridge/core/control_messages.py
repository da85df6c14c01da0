"""Control messages: the hizi-bridge handshake (``hiziBridge.*``), never delivered to handlers.

Part of the catalog; import them from ``bridge.core.messages``; ``bridge.core.handshake``
builds and checks them.
"""

# No `from __future__ import annotations` here: why in tests/unit/test_messages.py.
from enum import StrEnum
from typing import Annotated, Final, Literal

from pydantic import Field

from .fields import (
    ShortText,
)
from .message_model import (
    Data,
    Direction,
    Family,
    Message,
)

# --------------------------------------------------------------------------
# Control: the hizi-bridge handshake (never delivered to handlers)
# --------------------------------------------------------------------------

PROTOCOL_NAME: Final = "hizi-bridge"
# 2: a port frame may be an array of message texts (posts coalesced per task).
PROTOCOL_VERSIONS: tuple[int, ...] = (1, 2)


class Role(StrEnum):
    LOBBY = "lobby"
    GAME = "game"


SessionId = ShortText


class HelloData(Data):
    protocol: Literal["hizi-bridge"] = PROTOCOL_NAME
    versions: list[int] = Field(min_length=1, max_length=16)
    role: Annotated[Role, Field(strict=False)]
    session: SessionId


class Hello(Message):
    """Control. "I speak hizi-bridge": sent by both sides at start."""

    direction = Direction.CONTROL
    family = Family.CONTROL
    example = {
        "type": "hiziBridge.hello",
        "data": {"protocol": "hizi-bridge", "versions": [1], "role": "game", "session": "g-1f3a"},
    }
    type: Literal["hiziBridge.hello"] = "hiziBridge.hello"
    data: HelloData


class WelcomeData(Data):
    protocol: Literal["hizi-bridge"] = PROTOCOL_NAME
    version: int
    session: SessionId  # echoes the game's hello, so a stale welcome is ignored


class Welcome(Message):
    """Control. The lobby's answer to a game's hello; carries a transferred MessagePort."""

    direction = Direction.CONTROL
    family = Family.CONTROL
    example = {
        "type": "hiziBridge.welcome",
        "data": {"protocol": "hizi-bridge", "version": 1, "session": "g-1f3a"},
    }
    type: Literal["hiziBridge.welcome"] = "hiziBridge.welcome"
    data: WelcomeData


class ReadyData(Data):
    session: SessionId


class Ready(Message):
    """Control. The game's first message on the new port: it has left the window.

    Until it arrives the lobby still accepts the game's window messages, which a
    game that had given up waiting (compatibility mode) may have sent before it
    saw the welcome; after it, only the port is trusted.
    """

    direction = Direction.CONTROL
    family = Family.CONTROL
    example = {"type": "hiziBridge.ready", "data": {"session": "g-1f3a"}}
    type: Literal["hiziBridge.ready"] = "hiziBridge.ready"
    data: ReadyData


class ByeData(Data):
    reason: ShortText = "closed"


class Bye(Message):
    """Control. The sender closed its bridge; pending requests will not be answered."""

    direction = Direction.CONTROL
    family = Family.CONTROL
    example = {"type": "hiziBridge.bye", "data": {"reason": "closed"}}
    type: Literal["hiziBridge.bye"] = "hiziBridge.bye"
    data: ByeData = ByeData()
