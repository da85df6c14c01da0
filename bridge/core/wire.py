"""``parse`` and ``dump``: untrusted values in, typed messages out, and back.

``parse`` never raises anything but a ``RemoteProtocolError`` subclass, so a
caller can wrap it in one ``except`` and count the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .errors import (
    InvalidOutboundMessage,
    MalformedMessage,
    RemoteProtocolError,
    SchemaViolation,
    UnknownMessageType,
    WrongDirection,
)
from .limits import DEFAULT_LIMITS, Limits, check_value, decode_text
from .messages import BY_TYPE, PLAIN_PEER, Direction, Message

_MAX_ERRORS = 5
_PLAIN_PEER_CONTEXT = {PLAIN_PEER: True}


def _summarise(exc: ValidationError) -> list[dict[str, str]]:
    out = []
    for err in exc.errors(include_url=False, include_input=False)[:_MAX_ERRORS]:
        loc = ".".join(str(part) for part in err["loc"])
        out.append({"loc": loc, "msg": err["msg"]})
    return out


def parse_object(
    value: object,
    *,
    direction: Direction | None = None,
    limits: Limits | None = DEFAULT_LIMITS,
    plain_peer: bool = False,
) -> Message:
    """Validate an already-decoded value (dict) as a message travelling ``direction``.

    ``direction`` is the way the message is expected to travel; control messages
    are accepted either way. ``limits=None`` skips the size walk for values the
    caller has checked already. ``plain_peer=True`` (only for a plain Appendix A
    peer's value normalised by ``bridge.core.loose``) lets ``roundStarted`` and
    ``audioToggle`` carry ``data: null``.
    """
    if limits is not None:
        check_value(value, limits)
    if type(value) is not dict and not isinstance(value, Mapping):
        raise MalformedMessage(f"expected an object, got {_kind(value)}")
    type_name = value.get("type")
    if not isinstance(type_name, str):
        raise MalformedMessage("missing or non-string 'type'")
    cls = BY_TYPE.get(type_name)
    if cls is None:
        raise UnknownMessageType(
            f"unknown message type {type_name[:64]!r}", type_name=type_name[:64]
        )
    if direction is not None and cls.direction not in (direction, Direction.CONTROL):
        raise WrongDirection(f"{type_name!r} travels {cls.direction.value}, not {direction.value}")
    try:
        # The validator itself: pydantic's model_validate wrapper is a Python frame per
        # message, which Pyodide makes costly on the hot path.
        if plain_peer:
            return cls.__pydantic_validator__.validate_python(  # type: ignore[no-any-return]
                value, context=_PLAIN_PEER_CONTEXT
            )
        return cls.__pydantic_validator__.validate_python(value)  # type: ignore[no-any-return]
    except ValidationError as exc:
        errors = _summarise(exc)
        detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors)
        raise SchemaViolation(f"invalid {type_name!r}: {detail}", errors=errors) from None


def parse(
    value: object,
    *,
    direction: Direction | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Message:
    """Turn any untrusted value into a message, or raise a ``RemoteProtocolError``.

    ``str`` and ``bytes`` are read as JSON text; anything else as a decoded value.
    """
    try:
        if isinstance(value, bytes | bytearray):
            value = bytes(value).decode("utf-8")
        if isinstance(value, str):
            value = decode_text(value, limits)
        return parse_object(value, direction=direction, limits=limits)
    except RemoteProtocolError:
        raise
    except Exception as exc:  # last line of defence: never leak another exception type
        raise MalformedMessage(f"unreadable value: {type(exc).__name__}") from None


def dump(message: Message) -> dict[str, Any]:
    """The exact wire object: ``{"type", "data"}``, ``data`` left out when it is None."""
    return message.model_dump(mode="json", by_alias=True, exclude_none=True)


def dump_json(message: Message) -> str:
    """``dump(message)`` as compact JSON text (an object: it always ends with ``}``)."""
    serializer = type(message).__pydantic_serializer__  # no model_dump_json frame (hot path)
    return serializer.to_json(message, by_alias=True, exclude_none=True).decode()


def build(type_name: str, data: object = None) -> Message:
    """Make a message from a type name and plain data, as the JS API does.

    Raises ``InvalidOutboundMessage`` (a local error): the mistake is ours.
    """
    cls = BY_TYPE.get(type_name)
    if cls is None:
        raise InvalidOutboundMessage(f"unknown message type {type_name!r}")
    wire: dict[str, object] = {"type": type_name}
    if data is not None:
        wire["data"] = data
    try:
        return cls.__pydantic_validator__.validate_python(wire)  # type: ignore[no-any-return]
    except ValidationError as exc:
        errors = _summarise(exc)
        detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors)
        field = errors[0]["loc"] if errors else None
        raise InvalidOutboundMessage(f"invalid {type_name!r}: {detail}", field=field) from None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    return type(value).__name__
