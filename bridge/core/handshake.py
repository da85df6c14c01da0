"""The hizi-bridge handshake's messages and checks (wsproto keeps its handshake apart too).

Both ends say ``hello`` on the window at start. The lobby answers a game's hello with a
``welcome`` carrying a transferred MessagePort and the version it picked; the game answers
on that port with ``ready``; from then on all traffic, with message ids, uses the port.
``bye`` on the port says the sender closed. Which of these moves the channel where is
``bridge.core.state``'s table; this module only builds and checks them.
"""

from __future__ import annotations

from .config import ChannelConfig
from .effects import Inbound
from .errors import MalformedMessage, SchemaViolation
from .messages import (
    Bye,
    ByeData,
    Hello,
    HelloData,
    Ready,
    ReadyData,
    Role,
    Welcome,
    WelcomeData,
)

CONTROL_PREFIX = "hiziBridge."
# The bye a game says on the old port when a newer lobby bridge on its iframe welcomed it.
TAKEOVER = "another lobby bridge took over"


def hello(config: ChannelConfig, session: str) -> Hello:
    return Hello(data=HelloData(versions=list(config.versions), role=config.role, session=session))


def check_hello(data: HelloData, config: ChannelConfig) -> int:
    """The version a lobby picks for this hello (the highest both speak).

    Raises ``MalformedMessage`` for a hello from our own role, ``SchemaViolation`` when no
    version is common. A game does not pick: it returns 0 (it answers with its own hello).
    """
    if data.role is config.role:
        raise MalformedMessage(f"hello from a {data.role.value}; expected the other side")
    if config.role is Role.GAME:
        return 0
    common = set(data.versions) & set(config.versions)
    if not common:
        raise SchemaViolation(
            f"no common protocol version: peer speaks {data.versions}, "
            f"we speak {list(config.versions)}"
        )
    return max(common)


def check_welcome(data: WelcomeData, inbound: Inbound, config: ChannelConfig, session: str) -> None:
    """Raise unless this welcome answers our hello with a version we speak and a port."""
    if config.role is Role.LOBBY:
        raise MalformedMessage("a welcome is sent by lobbies, not received by them")
    if data.session != session:
        raise MalformedMessage("welcome answers another session's hello")
    if data.version not in config.versions:
        raise SchemaViolation(f"welcome picked unsupported version {data.version}")
    if not inbound.has_port:
        raise MalformedMessage("welcome without a MessagePort")


def welcome(version: int, peer_session: str) -> Welcome:
    return Welcome(data=WelcomeData(version=version, session=peer_session))


def ready(session: str) -> Ready:
    return Ready(data=ReadyData(session=session))


def bye(reason: str) -> Bye:
    return Bye(data=ByeData(reason=reason[:200]))
