"""Dialects: translators between typed messages and one lobby's or studio's wire form.

``make_dialect(name, role, **options)`` gives a fresh instance per channel,
since a dialect may keep handshake state (GamesGlobal's ready gate). Options a
dialect does not take are refused (``InvalidConfig``), except ``currency``, which
every dialect accepts and those that speak minor units (RubyPlay) require.

Only Appendix A's plain dialect is imported with the package: another is imported when a
channel first makes it (``make_dialect``) or its class is first named (``GamesGlobal``,
``RubyPlay``, ``Io155``, ``Auto``: a module ``__getattr__``), so a JS-API boot fetches and
imports none of them unless configured (``bridge.browser.engine.LATER_MODULES``).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any, TypeGuard

from ..errors import InvalidConfig
from ..messages import Role
from .appendix_a import APPENDIX_A, AppendixA
from .base import Dialect, dialect_data, not_given

if TYPE_CHECKING:
    from .auto import Auto
    from .gamesglobal import GamesGlobal
    from .io155 import Io155
    from .rubyplay import RubyPlay

# The dialects imported when first used: class name -> module (in this package).
_LAZY = {"GamesGlobal": "gamesglobal", "RubyPlay": "rubyplay", "Io155": "io155", "Auto": "auto"}
# Each dialect name's module (appendix_a is always imported).
MODULES: dict[str, str] = {
    "gamesglobal": f"{__name__}.gamesglobal",
    "rubyplay": f"{__name__}.rubyplay",
    "155io": f"{__name__}.io155",
    "auto": f"{__name__}.auto",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def is_auto(dialect: object) -> TypeGuard[Auto]:
    """Whether ``dialect`` is an ``Auto`` (without importing it: none exists before it is)."""
    auto = sys.modules.get(MODULES["auto"])
    return auto is not None and isinstance(dialect, auto.Auto)


DIALECT_NAMES: tuple[str, ...] = ("appendix_a", "gamesglobal", "rubyplay", "155io")
"""The wire dialects. A lobby may also give ``"auto"`` (``Auto``): pick one per document."""


def make_dialect(name: str, role: Role, **options: Any) -> Dialect:
    try:
        if name == "appendix_a":
            return APPENDIX_A
        if name == "gamesglobal":
            from .gamesglobal import GamesGlobal

            options.pop("currency", None)  # GamesGlobal's three messages carry no money
            return GamesGlobal(role, **options)
        if name == "rubyplay":
            from .rubyplay import RubyPlay

            return RubyPlay(role, **options)
        if name == "155io":
            from .io155 import Io155

            return Io155(role, **options)
        if name == "auto":
            from .auto import Auto

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
    "is_auto",
    "make_dialect",
    "not_given",
]
