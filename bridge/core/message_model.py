"""The base of the message catalog: ``Message``, ``Data``, directions and families.

Every catalog class (``bridge.core.messages``) derives from ``LobbyMessage``, ``GameMessage``
or ``Message`` and declares its wire example, family and, for the named helpers
(``bridge.core.catalog``), its helper and reply.
"""

# No `from __future__ import annotations` here: why in tests/unit/test_messages.py.
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Final

from pydantic import BaseModel, ConfigDict, ValidationInfo
from pydantic.alias_generators import to_camel

PLAIN_PEER: Final = "plain_peer"
"""Validation-context key: set (``{PLAIN_PEER: True}``) only for a value a plain Appendix A
peer posted and ``bridge.core.loose`` normalised; see ``absent_only_from_plain_peer``."""


def absent_only_from_plain_peer(value: object, info: ValidationInfo) -> object:
    # Appendix A's page shows some messages without data; a plain peer written to it may
    # leave a balance or a flag out. A hizi-bridge peer (and our own sends) must give it.
    if value is None and not (info.context or {}).get(PLAIN_PEER):
        raise ValueError(
            "required: only a plain Appendix A peer may leave it out (then it is null)"
        )
    return value


class Direction(StrEnum):
    LOBBY_TO_GAME = "lobby_to_game"
    GAME_TO_LOBBY = "game_to_lobby"
    CONTROL = "control"  # handshake, both ways


class Family(StrEnum):
    APPENDIX_A = "appendix_a"
    EXTENSION = "extension"
    CONTROL = "control"


@dataclass(frozen=True, slots=True)
class HelperParam:
    """One parameter of a message's named helper (``Message.helper``).

    ``field``: the ``data`` model field it fills (Python name); ``None`` when the
    parameter is ``data`` itself (a scalar, or the whole data model). ``keyword_only``:
    after ``*`` in Python, a key of the trailing options object in JavaScript (camelCase).
    ``optional``: it defaults to ``None`` (left out of ``data``). When every parameter
    is left out and the message's ``data`` is optional, the message carries no data.
    """

    name: str  # Python name (snake_case); the JS API's is its camelCase
    field: str | None = None
    keyword_only: bool = False
    optional: bool = False


class CatalogModel(BaseModel):
    """Base of ``Data`` and ``Message``: built from its own module's names only.

    Catalog models are declared with ``defer_build`` (``bridge.core.validators``), and
    pydantic builds a deferred model on its first use by resolving its annotations in the
    namespace of the caller five frames up. Called from JavaScript (a Pyodide proxy) the stack
    can be shallower, and the build then fails with "call stack is not deep enough"; and a
    caller's locals have no business in how a message is validated. So every rebuild here
    ignores the caller's frames: the annotations resolve as at import, in their module.
    """

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        return super().model_rebuild(
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=0,  # no caller frame (see the class docstring)
            _types_namespace=_types_namespace,
        )


class Data(CatalogModel):
    """Base of structured ``data`` payloads: camelCase on the wire, strict types."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        # Built on first use or when idle, not at import: see bridge.core.validators.
        defer_build=True,
    )


class Message(CatalogModel):
    """Base of every message. Subclasses pin ``type`` to a literal."""

    # defer_build: the validator is built on first use or when idle (bridge.core.validators).
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)

    type: str
    data: object = None

    direction: ClassVar[Direction]
    family: ClassVar[Family]
    # For requests: the message type that answers this one. A message with a reply is
    # request-like: its named helper sends a request and returns the reply's future.
    reply: ClassVar[str | None] = None
    # The named helper that sends it (``bridge.pause()``; the JS API's name is its camelCase),
    # its parameters, and extra JS names; None for control messages. See bridge.core.catalog.
    helper: ClassVar[str | None] = None
    helper_params: ClassVar[tuple[HelperParam, ...]] = ()
    js_helper_aliases: ClassVar[tuple[str, ...]] = ()
    # The JS helper takes the whole ``data`` object as its one argument (a JS API choice).
    js_helper_takes_data: ClassVar[bool] = False
    # A request a person answers (the player reads and chooses): no timeout by default.
    answered_by_person: ClassVar[bool] = False
    # The wire example used in docs and round-trip tests.
    example: ClassVar[dict[str, object]]

    @classmethod
    def type_name(cls) -> str:
        default = cls.model_fields["type"].default
        assert isinstance(default, str)
        return default

    @property
    def extension(self) -> bool:
        return self.family is Family.EXTENSION


class LobbyMessage(Message):
    direction = Direction.LOBBY_TO_GAME


class GameMessage(Message):
    direction = Direction.GAME_TO_LOBBY
