"""The named helpers, read from the message catalog: one record per helper.

Each catalog message declares its helper (``Message.helper``, ``helper_params``) and, for
requests, its reply (``Message.reply``); this module turns those declarations into records
a generator can write the Python mixins, the JS helper table and the ``.d.ts`` entries from.

The rule for request-like helpers, stated once: a helper whose message has a reply
(``pause`` -> ``gamePaused``, ``resume`` -> ``gameResumed``, ``realityCheck`` ->
``realityCheckAnswer``, ``close`` -> ``gameClosed``) sends a request and returns the future
(JS: promise) of the reply, marked handled so dropping it is safe; it takes a trailing
``timeout_ms`` (JS: ``{timeoutMs}``). A plain Appendix A game never answers, so the future
then fails with ``RequestTimeout``; one a person answers (``answered_by_person``) waits
without a timeout unless one is given. Every other helper sends and returns nothing (JS: the
send's promise).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic.alias_generators import to_camel

from .messages import (
    BY_TYPE,
    GAME_TO_LOBBY,
    LOBBY_TO_GAME,
    Direction,
    HelperParam,
    Message,
    Role,
)

__all__ = ["Helper", "HelperParam", "helpers", "js_name"]


def js_name(python_name: str) -> str:
    """The JS API's name for a Python helper or parameter name: ``close_game`` -> ``closeGame``."""
    return to_camel(python_name)


@dataclass(frozen=True, slots=True)
class Helper:
    """One named helper: ``role``'s bridge has it; calling it sends ``message``."""

    name: str  # Python name, e.g. "close_game"
    js_names: tuple[str, ...]  # the JS API's names, the first the camelCase of ``name``
    role: Role  # the bridge that has it: the sender of ``message``
    message: type[Message]
    params: tuple[HelperParam, ...]
    reply: type[Message] | None  # request-like when set (see the module docstring)
    answered_by_person: bool  # no timeout unless the caller gives one
    js_takes_data: bool  # the JS helper takes the whole ``data`` object instead of params

    @property
    def type(self) -> str:
        """The wire type of the message it sends."""
        return self.message.type_name()

    @property
    def request(self) -> bool:
        return self.reply is not None

    @property
    def js_name(self) -> str:
        return self.js_names[0]


def _record(cls: type[Message]) -> Helper:
    if cls.helper is None:
        raise TypeError(f"{cls.__name__} declares no helper")
    reply = BY_TYPE[cls.reply] if cls.reply is not None else None
    return Helper(
        name=cls.helper,
        js_names=(js_name(cls.helper), *cls.js_helper_aliases),
        role=Role.LOBBY if cls.direction is Direction.LOBBY_TO_GAME else Role.GAME,
        message=cls,
        params=cls.helper_params,
        reply=reply,
        answered_by_person=cls.answered_by_person,
        js_takes_data=cls.js_helper_takes_data,
    )


_HELPERS: tuple[Helper, ...] = tuple(_record(cls) for cls in LOBBY_TO_GAME + GAME_TO_LOBBY)


def helpers(role: Role | None = None) -> tuple[Helper, ...]:
    """Every named helper in catalog order (lobby -> game first), or those of one role."""
    if role is None:
        return _HELPERS
    return tuple(h for h in _HELPERS if h.role is role)
