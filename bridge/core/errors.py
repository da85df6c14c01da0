"""Typed errors of the protocol core.

As in h11, every error says who broke the protocol: a ``LocalProtocolError`` is
our own application asking for something invalid, a ``RemoteProtocolError`` is
the peer (or whoever posted to us) sending something invalid. Each error carries
a stable machine-readable ``code`` so JavaScript callers and the counters can
switch on it without parsing messages.
"""

from __future__ import annotations

from enum import StrEnum


class RejectReason(StrEnum):
    """Why an inbound value was dropped before any handler saw it.

    The values double as the keys of the rejection counters in ``stats()``.
    """

    ORIGIN = "origin"  # event.origin not in the allow-list
    SOURCE = "source"  # right origin, but not the paired window
    TRANSPORT = "transport"  # window message after the upgrade to a MessagePort
    OVERSIZE = "oversize"  # too long or nested too deep to look at
    MALFORMED = "malformed"  # not a {type, data} object at all
    UNKNOWN_TYPE = "unknown_type"  # a type this side does not know
    DIRECTION = "direction"  # a known type that only travels the other way
    SCHEMA = "schema"  # a known type whose data is invalid
    DUPLICATE = "duplicate"  # a message id seen already in this session
    PREMATURE = "premature"  # the dialect's handshake does not allow it yet
    UNSUPPORTED = "unsupported"  # the dialect cannot express it


class ProtocolError(Exception):
    """Base class of every error the bridge raises on purpose."""

    code: str = "protocol_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        # The path of the refused value, when one field is to blame (e.g. "data.rounds").
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def to_dict(self) -> dict[str, str]:
        out = {"name": type(self).__name__, "code": self.code, "message": self.message}
        if self.field is not None:
            out["field"] = self.field
        return out


class LocalProtocolError(ProtocolError):
    """Our own application asked for something the protocol does not allow."""

    code = "local_protocol_error"


class RemoteProtocolError(ProtocolError):
    """The peer, or some other window, sent something we refuse.

    ``reason`` is the counter the rejection is filed under.
    """

    reason: RejectReason = RejectReason.MALFORMED

    def __init__(self, message: str, *, reason: RejectReason | None = None) -> None:
        if reason is not None:
            self.reason = reason
        super().__init__(message, code=self.reason.value)


class OriginRejected(RemoteProtocolError):
    reason = RejectReason.ORIGIN


class SourceRejected(RemoteProtocolError):
    reason = RejectReason.SOURCE


class TransportRejected(RemoteProtocolError):
    reason = RejectReason.TRANSPORT


class OversizeValue(RemoteProtocolError):
    reason = RejectReason.OVERSIZE


class MalformedMessage(RemoteProtocolError):
    reason = RejectReason.MALFORMED


class UnknownMessageType(RemoteProtocolError):
    reason = RejectReason.UNKNOWN_TYPE

    def __init__(self, message: str, *, type_name: str | None = None) -> None:
        super().__init__(message)
        self.type_name = type_name


class WrongDirection(RemoteProtocolError):
    reason = RejectReason.DIRECTION


class SchemaViolation(RemoteProtocolError):
    """A known message type whose data does not fit the model.

    ``errors`` is a short, JSON-friendly list of (location, message) pairs.
    """

    reason = RejectReason.SCHEMA

    def __init__(self, message: str, *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class DuplicateMessage(RemoteProtocolError):
    reason = RejectReason.DUPLICATE


class PrematureMessage(RemoteProtocolError):
    """The peer sent a message its dialect forbids before its ready signal."""

    reason = RejectReason.PREMATURE


class UnsupportedInDialect(LocalProtocolError):
    """The selected aggregator dialect has no wire form for this message."""

    code = "unsupported_in_dialect"


class InvalidOutboundMessage(LocalProtocolError):
    """The application tried to send a value that is not a valid message."""

    code = "invalid_outbound"


class ChannelClosedError(LocalProtocolError):
    """The channel is closed: nothing more can be sent."""

    code = "closed"


class InvalidConfig(LocalProtocolError, ValueError):
    """A bridge was configured with a value it cannot use (say, an origin with a path).

    The message is one line: what is wrong, and what to write instead when we can tell.
    """

    code = "invalid_config"


class HandshakeTimeout(ProtocolError):
    """No peer connected within the handshake timeout (the bridge keeps listening)."""

    code = "timeout"


class RequestError(ProtocolError):
    """A request that will never get its response."""

    code = "request_failed"


class RequestTimeout(RequestError):
    code = "timeout"


class RequestCancelled(RequestError):
    """The bridge was closed, or the peer restarted, while the request was pending."""

    code = "cancelled"


class ErrorResponse(RequestError):
    """The peer answered the request with an error."""

    code = "error_response"


class InvalidTransition(LocalProtocolError):
    """An event the lifecycle table has no transition for in the current state.

    Never a peer's doing (what a peer sends is checked and refused before it reaches the
    table): it means the caller used the channel out of order, or the table has a gap.
    """

    code = "invalid_transition"

    def __init__(self, role: str, state: str, event: str) -> None:
        super().__init__(f"no transition for a {role} in state {state!r} on event {event!r}")
        self.role = role
        self.state = state
        self.event = event
