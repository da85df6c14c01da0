"""From an inbound event to a typed message: the value, then the window's forms.

Everything here raises only ``RemoteProtocolError`` subclasses: the channel counts the
reason and reports a ``Rejected``.
"""

from __future__ import annotations

from .dialects import Dialect
from .effects import Inbound, Transport
from .envelope import is_object
from .errors import MalformedMessage
from .limits import Limits, check_value, decode_text
from .loose import normalise as normalise_loose
from .messages import Direction, Message
from .wire import parse_object


def inbound_value(inbound: Inbound, limits: Limits) -> object:
    """The value an event carries, within ``limits``: JSON text decoded, objects checked."""
    value = inbound.data
    if isinstance(value, str):
        if inbound.encoded or inbound.via is Transport.PORT:
            return decode_text(value, limits)
        # Appendix A peers post objects; a bare string is someone else's traffic.
        raise MalformedMessage("a string was posted where a {type, data} object belongs")
    check_value(value, limits)
    return value


def window_message(
    value: object, dialect: Dialect, direction: Direction, *, plain: bool
) -> tuple[Message, tuple[str, ...]]:
    """The message a window value carries, and the loose forms normalised on the way.

    A plain Appendix A peer (``plain``) may post the loose forms the docs allow (see
    ``loose.py``): normalised, counted and journalled. A hizi-bridge peer stays strict.
    """
    if plain and dialect.name == "appendix_a" and is_object(value):
        value_in, notes = normalise_loose(value)
        if notes:
            message = parse_object(value_in, direction=direction, limits=None, plain_peer=True)
            return message, notes
    return dialect.decode(value, direction), ()


def type_of(value: object) -> str | None:
    """The ``type`` a value claims (for the rejection report), cut to 64 characters."""
    if is_object(value):
        name = value.get("type")
        if isinstance(name, str):
            return name[:64]
    return None
