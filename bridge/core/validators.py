"""When each message model's validator is built: on first use, or ahead of it when idle.

Every message and ``data`` model is declared with pydantic's ``defer_build`` (see
``message_model``): importing the catalog makes classes, not validators. Building all of them
at import was about a quarter of the JS-API worker's Python imports, before ``connected``
(issue #19, docs/performance.md); the handshake needs four. A model is built the first time
it validates or dumps (pydantic does that itself), and the JS API's engine calls
``build_next`` from its idle tasks once its first bridge is connected, one model per task, so
a message type seen later does not pay its build when it arrives.
Nothing here changes what a model accepts.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from .message_model import Data
from .messages import ALL_MESSAGES

__all__ = ["build_all", "build_next", "models", "unbuilt"]


def _data_models(base: type[Data]) -> Iterator[type[Data]]:
    for sub in base.__subclasses__():
        yield sub
        yield from _data_models(sub)


def models() -> tuple[type[BaseModel], ...]:
    """Every catalog model, in build order: the messages (as the catalog lists them), then the
    ``data`` models a helper may construct on its own."""
    return (*ALL_MESSAGES, *_data_models(Data))


def unbuilt() -> list[type[BaseModel]]:
    """The catalog models whose validator is not built yet."""
    return [cls for cls in models() if not cls.__pydantic_complete__]


def build_next() -> bool:
    """Build one model's validator that is not built yet; True while others remain.

    Raises what pydantic raises for a model it cannot build (a defect of the catalog, which
    tests/unit/test_validators.py would catch first).
    """
    for cls in models():
        if not cls.__pydantic_complete__:
            cls.model_rebuild()
            break
    return bool(unbuilt())


def build_all() -> int:
    """Build every validator not built yet; the number built."""
    count = 0
    for cls in unbuilt():
        cls.model_rebuild()
        count += 1
    return count
