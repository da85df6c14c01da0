"""A dialect translates between hizi-bridge's typed messages and one lobby's wire form.

Dialects only translate. Origin and source checks, size limits, queueing and
counting stay in the channel and are the same for every dialect; a dialect
sees a value only after all of them passed.
"""

from __future__ import annotations

from typing import Protocol

from ..messages import Direction, Message


class Dialect(Protocol):
    name: str

    def decode(self, value: object, direction: Direction) -> Message:
        """Turn a size-checked wire value into a message, or raise ``RemoteProtocolError``."""
        ...

    def encode(self, message: Message) -> dict[str, object]:
        """The wire object for ``message``, or raise ``UnsupportedInDialect``."""
        ...
