"""A dialect translates between hizi-bridge's typed messages and one lobby's wire form.

Dialects only translate (and say when a message may go). Origin and source
checks, size limits, queueing and counting stay in the channel and are the same
for every dialect; a dialect sees a value only after all of them passed.
"""

from __future__ import annotations

from typing import Protocol

from ..messages import Direction, Message


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
