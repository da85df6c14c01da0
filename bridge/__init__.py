"""hizi-bridge: typed, origin-checked post messages between hizi game iframes and lobbies.

The protocol core (``bridge.core``) is pure Python. ``LobbyBridge`` and
``GameBridge`` need a browser (Pyodide / PyScript) and are imported lazily so
``import bridge`` works under plain CPython too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.channel import Channel, ChannelConfig, State
from .core.dialects import DIALECT_NAMES, Io155, RubyPlay, dialect_data, not_given
from .core.effects import Inbound, Mode, Transport
from .core.errors import (
    ChannelClosedError,
    HandshakeTimeout,
    InvalidConfig,
    LocalProtocolError,
    ProtocolError,
    RejectReason,
    RemoteProtocolError,
    RequestCancelled,
    RequestError,
    RequestTimeout,
    UnsupportedInDialect,
)
from .core.journal import JournalEntry
from .core.limits import Limits
from .core.messages import *  # noqa: F403  (the catalog is the public vocabulary)
from .core.messages import Direction, Message, Role
from .core.origin import OriginDecision, OriginPolicy
from .core.wire import build, dump, dump_json, parse

if TYPE_CHECKING:
    from .browser.game import GameBridge
    from .browser.lobby import LobbyBridge

__version__ = "0.2.0"


def __getattr__(name: str) -> Any:
    if name == "LobbyBridge":
        from .browser.lobby import LobbyBridge

        return LobbyBridge
    if name == "GameBridge":
        from .browser.game import GameBridge

        return GameBridge
    raise AttributeError(f"module 'bridge' has no attribute {name!r}")


__all__ = [
    "DIALECT_NAMES",
    "Channel",
    "ChannelClosedError",
    "ChannelConfig",
    "Direction",
    "GameBridge",
    "HandshakeTimeout",
    "Inbound",
    "InvalidConfig",
    "Io155",
    "JournalEntry",
    "Limits",
    "LobbyBridge",
    "LocalProtocolError",
    "Message",
    "Mode",
    "OriginDecision",
    "OriginPolicy",
    "ProtocolError",
    "RejectReason",
    "RemoteProtocolError",
    "RequestCancelled",
    "RequestError",
    "RequestTimeout",
    "Role",
    "RubyPlay",
    "State",
    "Transport",
    "UnsupportedInDialect",
    "build",
    "dialect_data",
    "dump",
    "dump_json",
    "not_given",
    "parse",
]
