"""The port envelope: a message's JSON with its ``id`` (and, for a reply, ``re``) spliced in.

On the MessagePort every message carries ``id`` (positive, unique per sender session) and a
reply carries ``re``, the id of the request it answers. Window traffic has neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from .errors import MalformedMessage

MAX_ID = 2**53  # JavaScript's safe integers


def is_id(value: object) -> bool:
    return type(value) is int and 0 < value < MAX_ID


def is_object(value: object) -> TypeGuard[Mapping[str, Any]]:
    # A decoded JSON object is a dict: the exact type check spares the ABC's slow path.
    return type(value) is dict or isinstance(value, Mapping)


def seal(text: str, msg_id: int, re: int | None) -> str:
    """``text`` (a JSON object) with the ids spliced in before its closing brace.

    About 3x cheaper in Pyodide than ``model_dump()`` + ``json.dumps()`` of the whole.
    """
    ids = f',"id":{msg_id}' if re is None else f',"id":{msg_id},"re":{re}'
    return text[:-1] + ids + "}"


def open_envelope(value: object) -> tuple[int, int | None, dict[str, Any]]:
    """``(id, re, message object)`` of a decoded port value; ``MalformedMessage`` if unfit."""
    if not is_object(value):
        raise MalformedMessage("port messages must be objects")
    body = dict(value)
    msg_id = body.pop("id", None)
    re = body.pop("re", None)
    if not (type(msg_id) is int and 0 < msg_id < MAX_ID):
        raise MalformedMessage("port message without a valid 'id'")
    if re is not None and not is_id(re):
        raise MalformedMessage("'re' must be a positive integer")
    return msg_id, re, body
