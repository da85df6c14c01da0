"""Requests in flight: which reply each waits for, their deadlines, and matching replies.

Both directions: ``Requests`` holds the requests this side sent (``add``, ``match``,
``expire``, ``cancel``) and the ids of the peer's requests waiting for our reply
(``peer_asked``, ``answer_to``), so a reply we send carries ``re``.

It is the one registry of the requests this side sent: each holds its *waiter*, whatever the
caller of ``Channel.request`` gave (the Python API's callback, the JS API's settle of a page
key), handed back in the ``RequestDone`` / ``RequestFailed`` that ends it, so no layer above
keeps a second table that must be kept in step with this one.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Collection
from dataclasses import dataclass

from .effects import RequestDone, RequestFailed
from .errors import ProtocolError, RequestCancelled, RequestTimeout
from .messages import Message
from .stats import Stats


@dataclass(slots=True)
class Pending:
    """A request waiting for its reply: the reply's type, its deadline (clock s), the
    caller's waiter."""

    reply: str  # the message type that answers it
    deadline: float | None  # clock value (s); None: answered by a person, no timeout
    timeout_ms: float | None
    waiter: object  # the caller's, handed back when the request ends


class Requests:
    def __init__(self, stats: Stats) -> None:
        self._stats = stats
        self._pending: OrderedDict[int, Pending] = OrderedDict()
        self._awaiting_reply: dict[str, deque[int]] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def __contains__(self, request_id: object) -> bool:
        return request_id in self._pending

    def add(
        self,
        request_id: int,
        reply: str,
        deadline: float | None,
        timeout_ms: float | None,
        waiter: object = None,
    ) -> None:
        self._pending[request_id] = Pending(reply, deadline, timeout_ms, waiter)

    def next_deadline(self) -> float | None:
        deadline: float | None = None
        for pending in self._pending.values():  # usually none or one
            due = pending.deadline
            if due is not None and (deadline is None or due < deadline):
                deadline = due
        return deadline

    def match(self, message: Message, re: int | None) -> RequestDone | None:
        """The request ``message`` answers, removed, counted and done; or None.

        With ``re`` (the port) exactly that request; without (compatibility mode has no
        ids) the oldest one waiting for this type.
        """
        reply_type = message.type
        request_id: int | None = None
        if re is not None:
            pending = self._pending.get(re)
            if pending is not None and pending.reply == reply_type:
                request_id = re
        else:
            for candidate, pending in self._pending.items():
                if pending.reply == reply_type:
                    request_id = candidate
                    break
        if request_id is None:
            return None
        waiter = self._pending.pop(request_id).waiter
        self._stats.requests_ok += 1
        return RequestDone(request_id, message, waiter)

    def expire(self, now: float) -> list[RequestFailed]:
        """Fail (``timeout``) every request whose deadline passed."""
        failed: list[RequestFailed] = []
        for request_id, pending in list(self._pending.items()):
            if pending.deadline is not None and now >= pending.deadline:
                del self._pending[request_id]
                self._stats.requests_timed_out += 1
                error = RequestTimeout(f"no {pending.reply!r} within {pending.timeout_ms:g} ms")
                failed.append(RequestFailed(request_id, error, pending.waiter))
        return failed

    def cancel(self, why: str, *, keep: Collection[int] = ()) -> list[RequestFailed]:
        """Fail (``cancelled``) every request but those in ``keep`` (still queued: they go to
        the next peer, which can answer them)."""
        failed: list[RequestFailed] = []
        for request_id, pending in list(self._pending.items()):
            if request_id in keep:
                continue
            del self._pending[request_id]
            self._stats.requests_cancelled += 1
            failed.append(RequestFailed(request_id, RequestCancelled(why), pending.waiter))
        return failed

    def drop(self, request_id: int, error: ProtocolError) -> RequestFailed | None:
        """End one request with ``error`` (its message could not be sent); None if it was
        not pending."""
        pending = self._pending.pop(request_id, None)
        if pending is None:
            return None
        self._stats.requests_cancelled += 1
        return RequestFailed(request_id, error, pending.waiter)

    # ---------------------------------------------------------------- the peer's requests

    def peer_asked(self, reply: str, msg_id: int) -> None:
        """The peer's request ``msg_id`` waits for a ``reply`` message from us."""
        waiting = self._awaiting_reply.get(reply)
        if waiting is None:  # (not setdefault: that would make a deque on every call)
            waiting = self._awaiting_reply[reply] = deque()
        waiting.append(msg_id)

    def answer_to(self, type_name: str) -> int | None:
        """The ``re`` for a ``type_name`` message we send: the oldest request it answers."""
        waiting = self._awaiting_reply.get(type_name)
        return waiting.popleft() if waiting else None

    def forget_peer(self) -> None:
        """A new peer session: the old peer's requests cannot be answered any more."""
        self._awaiting_reply.clear()
