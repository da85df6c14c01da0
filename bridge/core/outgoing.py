"""What this side sends: ids, the queue before the peer is ready, and the dialect's hold.

A message is encoded (and so checked) when the application sends it, before anything
changes, so a refused message costs nothing. Until the channel may send (see
``state.SENDING_STATES``) it waits in the queue, flushed in order; on the window a dialect
may hold it back a while longer (e.g. before GamesGlobal's ready signal).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic_core import PydanticSerializationError

from .dialects import Dialect
from .effects import Effect, Post, SendFailed, Transport
from .envelope import seal
from .errors import InvalidOutboundMessage, ProtocolError, UnsupportedInDialect
from .messages import Message
from .requests import Requests
from .stats import Stats
from .wire import dump, dump_json

# The game's greeting, Appendix A's loading sequence: a lobby bridge that takes the game
# over later (a second bridge on the iframe, a restarted one) never heard it, so the game
# says it again then (``state.py``, the takeover row): the last of each type, in the order
# the types were first sent.
GREETING = frozenset({"onAppFrameReady", "gameDataLoaded", "loadProgress", "gameReady"})


@dataclass(slots=True)
class Queued:
    """A message waiting for the connection: its id, the id it answers (``re``), its JSON text."""

    message: Message
    id: int
    re: int | None
    text: str  # dump_json(message), made (and so checked) at the call


class Outgoing:
    def __init__(self, dialect: Dialect, stats: Stats, requests: Requests) -> None:
        self._dialect = dialect
        self._stats = stats
        self._requests = requests
        self._next_id = 1
        self._queue: deque[Queued] = deque()
        self._held: deque[tuple[Queued, dict[str, object]]] = deque()
        self._greeting: dict[str, Message] = {}  # type -> the last one sent (GREETING)

    @property
    def next_id(self) -> int:
        """The id the next message will carry."""
        return self._next_id

    def take_id(self) -> int:
        msg_id = self._next_id
        self._next_id += 1
        return msg_id

    def remember(self, message: Message) -> None:
        """Keep ``message`` if it is part of the greeting (``GREETING``)."""
        if message.type in GREETING:
            self._greeting[message.type] = message

    def greeting(self) -> list[Message]:
        """The greeting sent so far, to say again to a lobby bridge that took the game over."""
        return list(self._greeting.values())

    def queue(self, out: Queued) -> None:
        self._queue.append(out)
        self._stats.queued = len(self._queue)

    def queued_ids(self) -> set[int]:
        return {out.id for out in self._queue}

    def drop_all(self) -> None:
        """The channel closed: what waits is never sent (counted as ``dropped_on_close``)."""
        self._stats.dropped_on_close += len(self._queue) + len(self._held)
        self._queue.clear()
        self._held.clear()
        self._stats.queued = 0

    def flush(self, target: str, *, on_port: bool) -> list[Effect]:
        effects: list[Effect] = []
        while self._queue:
            effects += self.emit(self._queue.popleft(), target, on_port=on_port, flushing=True)
        self._stats.queued = 0
        return effects

    def emit(
        self, out: Queued, target: str, *, on_port: bool, flushing: bool = False
    ) -> list[Effect]:
        """Post ``out`` now: on the port as is, on the window in the dialect's form."""
        if on_port:
            self._stats.sent += 1
            return [self.port_post(out.message, out.id, out.re, target, out.text)]
        try:
            wire = self._dialect.encode(out.message)
        except UnsupportedInDialect as exc:
            if not flushing:
                raise
            return self._fail_queued(out, exc)
        if self._dialect.holds(out.message):
            self._held.append((out, wire))
            return []
        return self._post_window(out, wire, target) + self.release_held(target)

    def release_held(self, target: str) -> list[Effect]:
        effects: list[Effect] = []
        while self._held and not self._dialect.holds(self._held[0][0].message):
            out, _ = self._held.popleft()
            # Encoded again as it goes: the dialect may have changed while it waited
            # (dialect "auto" holds until it has picked one); what the dialect now in use
            # cannot carry fails, never goes out in another dialect's form.
            try:
                wire = self._dialect.encode(out.message)
            except UnsupportedInDialect as exc:
                effects += self._fail_queued(out, exc)
                continue
            effects += self._post_window(out, wire, target)
        return effects

    def port_post(
        self, message: Message, msg_id: int, re: int | None, target: str, text: str | None = None
    ) -> Post:
        # pydantic's JSON serializer, then the envelope's ids spliced in (envelope.seal).
        return Post(seal(text or dump_json(message), msg_id, re), Transport.PORT, target, message)

    def _post_window(self, out: Queued, wire: dict[str, object], target: str) -> list[Effect]:
        self._stats.sent += 1
        self._dialect.sent(out.message)
        return [Post(to_json(wire), Transport.WINDOW, target, out.message)]

    def _fail_queued(self, out: Queued, error: ProtocolError) -> list[Effect]:
        # The caller's send() returned long ago; report instead of raising.
        effects: list[Effect] = [SendFailed(out.message, out.id, error)]
        failed = self._requests.drop(out.id, error)
        if failed is not None:
            effects.append(failed)
        return effects


def to_json(wire: Mapping[str, object]) -> str:
    return json.dumps(wire, separators=(",", ":"), allow_nan=False)


def encode(message: Message) -> str:
    """``dump_json``, refusing text that is not valid Unicode (a lone surrogate).

    Models validated by pydantic cannot hold one; this catches those built without
    validation (``model_construct``), so nothing is ever sent half-repaired.
    """
    try:
        return dump_json(message)
    except PydanticSerializationError:
        check_unicode(dump(message), f"outbound {message.type}")
        raise


def check_unicode(value: object, where: str) -> None:
    """Raise ``InvalidOutboundMessage`` naming the first string that is not valid Unicode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidOutboundMessage(
                f"{where} is not valid Unicode (a lone surrogate at index {exc.start}); "
                "nothing was sent"
            ) from None
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_unicode(key, f"{where}: a key")
            check_unicode(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_unicode(item, f"{where}[{i}]")
