"""A dialect translates between hizi-bridge's typed messages and one lobby's wire form.

Dialects only translate (and say when a message may go). Origin and source
checks, size limits, queueing and counting stay in the channel and are the same
for every dialect; a dialect sees a value only after all of them passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import SchemaViolation, UnsupportedInDialect
from ..messages import PLAIN_PEER, Direction, Message

M = TypeVar("M", bound=Message)
B = TypeVar("B", bound=BaseModel)


class Dialect(Protocol):
    name: str
    # True: speaks the hizi-bridge handshake and may upgrade to a MessagePort.
    # False: an aggregator's own protocol, always on the window.
    handshake: bool

    def decode(self, value: object, direction: Direction) -> Message:
        """Turn a size-checked wire value into a message, or raise ``RemoteProtocolError``."""
        ...

    def encode(self, message: Message) -> dict[str, object]:
        """The wire object for ``message``, or raise ``UnsupportedInDialect``."""
        ...

    def holds(self, message: Message) -> bool:
        """True while ``message`` must wait (e.g. nothing before the peer's ready signal)."""
        ...

    def sent(self, message: Message) -> None:
        """Note that ``message`` went out (may open the gate for held messages)."""
        ...

    def received(self, message: Message) -> None:
        """Note that ``message`` arrived (may open the gate for held messages)."""
        ...


# What only a dialect's envelope says (RubyPlay's ``sender`` game id and ``lang``): kept
# on the delivered message, outside its fields, so the catalog stays one shape for every
# dialect. Stored in pydantic's per-instance private slot, which a model without private
# attributes leaves unused: declaring a PrivateAttr instead would double the cost of
# every validation on the hot path (measured, CPython 3.11, pydantic 2).
_KEY = "dialect"


def with_dialect_data(message: M, dialect: str, data: Mapping[str, object]) -> M:
    """``message``, carrying ``{"dialect": dialect, **data}`` for ``dialect_data``."""
    object.__setattr__(message, "__pydantic_private__", {_KEY: {"dialect": dialect, **data}})
    return message


def dialect_data(message: Message) -> Mapping[str, object] | None:
    """What the dialect's envelope said beside the message, or ``None``.

    E.g. ``{"dialect": "rubyplay", "sender": "rp_34", "lang": "en"}``; money in it is in
    the currency's major unit, like the catalog's. JavaScript handlers see the same object
    as the message's ``dialect`` key. Pydantic's ``==`` compares it too: compare
    ``model_dump()`` to ignore it.
    """
    private = message.__pydantic_private__
    if not private:
        return None
    value = private.get(_KEY)
    return value if isinstance(value, Mapping) else None


def validate(model: type[B], value: object, what: str, **kwargs: Any) -> B:
    """``model.model_validate(value)``, a failure as ``SchemaViolation`` naming ``what``."""
    try:
        return model.model_validate(value, **kwargs)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise SchemaViolation(f"invalid {what}: {loc}: {first['msg']}"[:300]) from None


def unsupported(message: Message, dialect: str, why: str) -> UnsupportedInDialect:
    return UnsupportedInDialect(f"{message.type!r} has no {dialect} form: {why}"[:300])


def not_given(cls: type[M]) -> M:
    """``cls`` in the catalog's "not given" form (``data: null``): the figure is unknown.

    For a dialect whose message carries no such figure, e.g. RubyPlay's
    ``paidRoundStarted`` (no balance): ``send(not_given(RoundStarted))``.
    """
    return cls.model_validate({"type": cls.type_name(), "data": None}, context={PLAIN_PEER: True})


class NoGate:
    """For a dialect with no ready signal: nothing is ever held."""

    def holds(self, message: Message) -> bool:
        return False

    def sent(self, message: Message) -> None:
        pass

    def received(self, message: Message) -> None:
        pass


def catalog(cls: type[M], data: object, studio: str, *, not_given: bool = False) -> M:
    """The catalog message ``cls`` with ``data`` (``None``: none), validated as any inbound
    message is (bounds included); ``not_given``: the "not given" form, ``data: null``."""
    value: dict[str, object] = {"type": cls.type_name()}
    if data is not None or not_given:
        value["data"] = data
    context = {PLAIN_PEER: True} if not_given else None
    return validate(cls, value, f"{cls.type_name()} from {studio}", context=context)
