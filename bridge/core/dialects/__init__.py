"""Dialects: translators between typed messages and one lobby's wire form.

``make_dialect(name, role, **options)`` gives a fresh instance per channel,
since a dialect may keep handshake state (GamesGlobal's ready gate).
"""

from __future__ import annotations

from typing import Any

from ..messages import Role
from .appendix_a import APPENDIX_A, AppendixA
from .base import Dialect
from .gamesglobal import GamesGlobal

DIALECT_NAMES: tuple[str, ...] = ("appendix_a", "gamesglobal")


def make_dialect(name: str, role: Role, **options: Any) -> Dialect:
    if name == "appendix_a":
        return APPENDIX_A
    if name == "gamesglobal":
        return GamesGlobal(role, **options)
    raise ValueError(f"unknown dialect {name!r}; known: {', '.join(DIALECT_NAMES)}")


__all__ = ["APPENDIX_A", "DIALECT_NAMES", "AppendixA", "Dialect", "GamesGlobal", "make_dialect"]
