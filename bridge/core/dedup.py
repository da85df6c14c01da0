"""The peer's message ids seen in this session: a repeat is refused as ``duplicate``."""

from __future__ import annotations

from collections import deque

from .errors import DuplicateMessage


class SeenIds:
    """The last ``window`` ids (a bounded memory: an old id falls out after that many)."""

    def __init__(self, window: int) -> None:
        self._window = window
        self._seen: set[int] = set()
        self._order: deque[int] = deque()

    def __len__(self) -> int:
        return len(self._seen)

    def note(self, msg_id: int) -> None:
        """Remember ``msg_id``; ``DuplicateMessage`` if it is remembered already."""
        seen = self._seen
        if msg_id in seen:
            raise DuplicateMessage(f"message id {msg_id} already received in this session")
        seen.add(msg_id)
        order = self._order
        order.append(msg_id)
        if len(order) > self._window:
            seen.discard(order.popleft())

    def clear(self) -> None:
        """A new peer session: its ids start afresh."""
        self._seen.clear()
        self._order.clear()
