"""The bridge's one timer: when it is armed, and what besides the channel shares it.

Each bridge has exactly one timer (in the browser a ``setTimeout`` the engine kit holds;
``hub.IO.schedule`` arms or cancels it). The channel's deadlines (requests, handshake,
confirmation) and a ``Ticker``'s (the compliance supervisor of ``bridge.browser.supervision``)
are folded into it, so no second timer runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # (only for the annotations: hub imports this module)
    from .core.channel import Channel
    from .hub import IO


class Ticker(Protocol):
    """Something besides the channel that needs the bridge's one timer (e.g. the compliance
    supervisor of ``bridge.browser.supervision``): its deadline is folded into the timer."""

    def next_deadline(self) -> float | None:
        """The channel clock's value (seconds) at which ``tick`` has work to do, if any."""
        ...

    def tick(self) -> None:
        """The timer fired (called after the channel's own ``poll``)."""
        ...


class Timer:
    """Arms ``io``'s timer for the earliest of the channel's and the ticker's deadlines.

    Each ``io.schedule`` is a ``setTimeout`` or ``clearTimeout``, which Chromium makes costly
    (tens of µs), so the timer is only touched when it must change: armed for a later deadline
    it is left alone (it fires early, ``poll`` finds nothing due and it is re-armed); when a
    reply answers the last pending request it is left armed too (``answered``): it fires once,
    finds nothing and is not re-armed, instead of a ``clearTimeout`` now and a ``setTimeout``
    for the next request, on every round trip. Anything else that leaves nothing pending (a
    cancel, a close, the handshake done) cancels it.
    """

    def __init__(self, channel: Channel, io: IO) -> None:
        self._channel = channel
        self._io = io
        self.ticker: Ticker | None = None
        self.answered = False  # a reply came in this run (see above)
        self._armed: float | None = None  # the deadline the io's timer is set for
        self._lingering = False  # armed with nothing pending, left to fire once

    def fired(self) -> None:
        """The io's timer fired: it is not armed any more."""
        self._armed = None
        self._lingering = False

    def stop(self) -> None:
        """Cancel it for good (the bridge closed); the ticker is let go."""
        self._armed = None
        self._lingering = False
        self.ticker = None
        self._io.schedule(None)

    def reschedule(self) -> None:
        """Arm, re-arm or cancel the io's timer for what is due now (see the class)."""
        channel = self._channel
        armed = self._armed
        answered, self.answered = self.answered, False
        ticker = self.ticker
        if armed is None and ticker is None and not channel.has_timers:
            return  # nothing armed, nothing due: the usual case on a game's side
        deadline = channel.next_deadline()
        if ticker is not None:
            due = ticker.next_deadline()
            if due is not None and (deadline is None or due < deadline):
                deadline = due
        if deadline is None:
            if armed is not None and not self._lingering:
                if answered:
                    self._lingering = True
                else:
                    self._armed = None
                    self._io.schedule(None)
            return
        self._lingering = False
        if armed is None or deadline < armed:
            self._armed = deadline
            delay = (deadline - channel.now()) * 1000
            self._io.schedule(max(0.0, delay) + 1)  # +1 ms: never fire just before the deadline
