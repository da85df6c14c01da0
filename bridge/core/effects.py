"""What the channel asks its caller to do, and what happened.

The channel never performs I/O: every call returns a list of these effects,
in order, and the caller (the browser adapter, or a test) carries them out.

They are values: nothing mutates one after it is made. They are not declared
``frozen``, though: a frozen dataclass's ``__init__`` sets each field through
``object.__setattr__``, about 8x slower, and several are made for every message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import ProtocolError, RemoteProtocolError
from .messages import Message


class Transport(StrEnum):
    WINDOW = "window"  # window.postMessage with an exact target origin
    PORT = "port"  # the MessagePort agreed in the handshake


class Mode(StrEnum):
    BRIDGE = "bridge"  # both ends are hizi-bridge: ids, requests, MessagePort
    COMPAT = "compat"  # a plain Appendix A peer: bare {type, data} on the window


@dataclass(slots=True)
class Inbound:
    """One ``message`` event, as the adapter saw it."""

    data: object  # the value; JSON text when ``encoded``
    origin: str = ""  # event.origin ("" on a MessagePort)
    from_peer: bool = False  # event.source is the paired window
    via: Transport = Transport.WINDOW
    encoded: bool = False  # the adapter turned a JS object into JSON text
    has_port: bool = False  # the event carried a transferred MessagePort


@dataclass(slots=True)
class Post:
    """Post ``text`` (JSON) to the peer.

    On the window, the adapter posts ``JSON.parse(text)`` (a plain object, as
    Appendix A peers expect) with ``target_origin``; on the port, the text itself.
    ``transfer_new_port``: create a MessageChannel, transfer one end with this
    post and use the other for all later port traffic.
    """

    text: str
    via: Transport
    target_origin: str
    message: Message | None = None
    transfer_new_port: bool = False


@dataclass(slots=True)
class Deliver:
    """Hand a validated message to the application's handlers."""

    message: Message
    id: int | None = None
    via: Transport = Transport.WINDOW
    raw: object = None  # the wire value as received, for logs that show the dialect's form
    # bridge.core.loose rewrites applied to a plain peer's loose form (Normalisation values)
    normalised: tuple[str, ...] = ()


@dataclass(slots=True)
class Rejected:
    """An inbound value was dropped; ``error.reason`` says why."""

    error: RemoteProtocolError
    origin: str = ""
    type_name: str | None = None


@dataclass(slots=True)
class RequestDone:
    """The reply to request ``request_id`` came; ``waiter`` is what ``Channel.request`` was
    given for it (the channel is the one registry of requests in flight)."""

    request_id: int
    response: Message
    waiter: object = None


@dataclass(slots=True)
class RequestFailed:
    """Request ``request_id`` ended without a reply (``RequestTimeout``, ``RequestCancelled``,
    or the error that kept it from being sent); ``waiter`` as for ``RequestDone``."""

    request_id: int
    error: ProtocolError
    waiter: object = None


@dataclass(slots=True)
class SendFailed:
    """A queued message could not be sent once the peer's dialect was known."""

    message: Message
    id: int
    error: ProtocolError


@dataclass(slots=True)
class AdoptPort:
    """Use the MessagePort that came with the inbound event from now on."""


@dataclass(slots=True)
class ClosePort:
    """Close the current MessagePort (peer restarted, or the bridge closed)."""


@dataclass(slots=True)
class Connected:
    """The handshake finished: ``mode`` (bridge or compat), the protocol ``version`` agreed
    and the peer's session id (None for a plain Appendix A peer)."""

    mode: Mode
    version: int | None = None
    peer_session: str | None = None


@dataclass(slots=True)
class Disconnected:
    """The channel ended; ``reason`` says why (a bye's reason, ``closed``, ``superseded`` ...)."""

    reason: str


@dataclass(slots=True)
class HandshakeTimedOut:
    """A lobby waited ``handshake_timeout_ms`` and nobody connected; it keeps listening."""

    reason: str


@dataclass(slots=True)
class Superseded:
    """A lobby: the game left this bridge for a newer one on the same iframe (its bye said
    so). The channel is closed for good: its requests failed ``cancelled``, its queue was
    dropped; the newer bridge serves the game."""

    reason: str


Effect = (
    Post
    | Deliver
    | Rejected
    | RequestDone
    | RequestFailed
    | SendFailed
    | AdoptPort
    | ClosePort
    | Connected
    | Disconnected
    | HandshakeTimedOut
    | Superseded
)
