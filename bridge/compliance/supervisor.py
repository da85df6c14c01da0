"""Session tracker, reality-check scheduler and inactivity monitor behind one interface.

A lobby feeds every message the game sends to ``observe``, calls ``poll`` when the
clock passes ``next_deadline()`` (or simply once a second), reports the game's
answer to a reality check with ``answered`` (or ``check_failed``), and carries out
the actions each call returns, in order. No I/O, clock injected (ms).
"""

from __future__ import annotations

from ..core.messages import Message, RealityCheckAnswer, RealityCheckChoice, RoundEnded
from .actions import Action
from .inactivity import InactivityMonitor
from .reality_check import RealityCheckScheduler
from .session import Clock, SessionTracker
from .settings import GameSettings


class Supervisor:
    """``settings``: Appendix C (reality check); ``clock``: ms, monotonic; the inactivity rule
    is off unless ``inactivity_limit_ms`` is given (``ValueError`` unless 0 <= warn < limit)."""

    def __init__(
        self,
        settings: GameSettings,
        *,
        currency: str,
        clock: Clock,
        inactivity_limit_ms: float | None = None,
        inactivity_warn_ms: float = 0.0,
    ) -> None:
        self._clock = clock
        self.tracker = SessionTracker(currency, clock)
        self.reality_check = RealityCheckScheduler(settings, self.tracker, clock)
        self.inactivity: InactivityMonitor | None = None
        self.set_inactivity(inactivity_limit_ms, inactivity_warn_ms)

    def set_inactivity(self, limit_ms: float | None, warn_ms: float = 0.0) -> None:
        """Turn the monitor on (from now) or off (``limit_ms`` None); raises ``ValueError``."""
        self.inactivity = (
            None if limit_ms is None else InactivityMonitor(limit_ms, warn_ms, self._clock)
        )

    def configure(self, settings: GameSettings) -> None:
        """New settings: the reality-check interval restarts from now."""
        self.reality_check.configure(settings)

    def observe(self, message: Message) -> list[Action]:
        """One message the game sent. A ``realityCheckAnswer`` that answers a check being
        shown is applied as ``answered`` (so it is enough to feed every message here)."""
        self.tracker.observe(message)  # first: the scheduler reads its in_round
        actions: list[Action] = []
        if self.inactivity is not None:
            actions += self.inactivity.observe(message)
        if isinstance(message, RoundEnded):
            actions += self.reality_check.round_ended()
        elif isinstance(message, RealityCheckAnswer):
            actions += self.reality_check.answered(message.data.choice)
        return actions

    def answered(self, choice: RealityCheckChoice | str) -> list[Action]:
        """The player's answer, if not fed through ``observe``; ``ValueError`` if unknown."""
        return self.reality_check.answered(choice)

    def check_failed(self) -> list[Action]:
        """The shown check will get no answer (timeout, game reloaded): count again from now."""
        return self.reality_check.failed()

    def poll(self) -> list[Action]:
        """Time passed: a reality check that fell due (outside a round), inactivity steps."""
        actions = self.reality_check.poll()
        if self.inactivity is not None:
            actions += self.inactivity.poll()
        return actions

    def next_deadline(self) -> float | None:
        """The clock value (ms) at which ``poll`` has work to do, if any."""
        deadlines = [self.reality_check.next_deadline()]
        if self.inactivity is not None:
            deadlines.append(self.inactivity.next_deadline())
        present = [d for d in deadlines if d is not None]
        return min(present) if present else None
