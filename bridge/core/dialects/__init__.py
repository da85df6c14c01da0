"""Dialects: translators between typed messages and one lobby's or studio's wire form.

``make_dialect(name, role, **options)`` gives a fresh instance per channel,
since a dialect may keep handshake state (GamesGlobal's ready gate). Options a
dialect does not take are refused (``InvalidConfig``), except ``currency``, which
every dialect accepts and those that speak minor units (RubyPlay) require.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidConfig
from ..messages import Role
from .appendix_a import APPENDIX_A, AppendixA
from .auto import Auto
from .base import Dialect, dialect_data, not_given
from .gamesglobal import GamesGlobal
from .io155 import Io155
from .rubyplay import RubyPlay

DIALECT_NAMES: tuple[str, ...] = ("appendix_a", "gamesglobal", "rubyplay", "155io")
"""The wire dialects. A lobby may also give ``"auto"`` (``Auto``): pick one per document."""


def make_dialect(name: str, role: Role, **options: Any) -> Dialect:
    try:
        if name == "appendix_a":
            return APPENDIX_A
        if name == "gamesglobal":
            options.pop("currency", None)  # GamesGlobal's three messages carry no money
            return GamesGlobal(role, **options)
        if name == "rubyplay":
            return RubyPlay(role, **options)
        if name == "155io":
            return Io155(role, **options)
        if name == "auto":
            return Auto(role, **options)
    except TypeError as exc:  # an option the dialect does not take
        raise InvalidConfig(f"dialect {name!r}: {exc}"[:300]) from None
    raise InvalidConfig(f"unknown dialect {name!r}; known: {', '.join(DIALECT_NAMES)}"[:300])


__all__ = [
    "APPENDIX_A",
    "DIALECT_NAMES",
    "AppendixA",
    "Auto",
    "Dialect",
    "GamesGlobal",
    "Io155",
    "RubyPlay",
    "dialect_data",
    "make_dialect",
    "not_given",
]
