"""hizi-bridge: typed, origin-checked post messages between hizi game iframes and lobbies.

The protocol core (``bridge.core``) is pure Python. ``LobbyBridge`` and
``GameBridge`` need a browser (Pyodide / PyScript) and are imported lazily so
``import bridge`` works under plain CPython too; so are ``RubyPlay``, ``Io155`` and
``JournalEntry`` (``bridge.later``: a JS-API boot leaves them for when they are used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.channel import Channel, ChannelConfig, State
from .core.dialects import DIALECT_NAMES, dialect_data, not_given
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
from .core.limits import Limits
from .core.messages import *  # noqa: F403  (the catalog is the public vocabulary)
from .core.messages import Direction, Message, Role
from .core.origin import OriginDecision, OriginPolicy
from .core.wire import build, dump, dump_json, parse

if TYPE_CHECKING:
    from .browser.game import GameBridge
    from .browser.lobby import LobbyBridge
    from .core.dialects import Io155, RubyPlay
    from .core.journal import JournalEntry

__version__ = "0.2.0"


def __getattr__(name: str) -> Any:
    if name == "LobbyBridge":
        from .browser.lobby import LobbyBridge

        return LobbyBridge
    if name == "GameBridge":
        from .browser.game import GameBridge

        return GameBridge
    if name in ("RubyPlay", "Io155"):
        from .core import dialects

        return getattr(dialects, name)
    if name == "JournalEntry":
        from .core.journal import JournalEntry

        return JournalEntry
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
