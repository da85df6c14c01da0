"""The inactivity monitor: warn, then close a game the player left alone.

Activity is what the game reports: ``playerActivity`` (GamesGlobal's PLAYER_ACTIVITY
is its model: every spin, stake change, menu, touch), ``roundStarted``,
``roundEnded``, ``stakeChanged``, ``realityCheckAnswer``, ``autoplayStarted``,
``closeRequest`` / ``historyRequest``. Autoplay rounds count as activity.

With ``limit_ms`` L and ``warn_ms`` W (both of the injected clock): L - W after the
last activity ``poll`` gives ``WarnInactive(W)``; at L it gives
``CloseGame("inactivity")`` once and the monitor stops. Activity after a warning
gives ``InactivityCleared`` and starts over. Limits are the operator's (regulators set
them per market); hizi's docs give none.
"""

from __future__ import annotations

from ..core.messages import (
    AutoplayStarted,
    CloseRequest,
    HistoryRequest,
    Message,
    PlayerActivity,
    RealityCheckAnswer,
    RoundEnded,
    RoundStarted,
    StakeChanged,
)
from .actions import Action, CloseGame, InactivityCleared, WarnInactive
from .session import Clock

ACTIVITY: tuple[type[Message], ...] = (
    PlayerActivity,
    RoundStarted,
    RoundEnded,
    StakeChanged,
    RealityCheckAnswer,
    AutoplayStarted,
    CloseRequest,
    HistoryRequest,
)


class InactivityMonitor:
    """Raises ``ValueError`` unless ``0 <= warn_ms < limit_ms``."""

    def __init__(self, limit_ms: float, warn_ms: float, clock: Clock) -> None:
        if not limit_ms > 0 or not 0 <= warn_ms < limit_ms:
            raise ValueError("inactivity: need 0 <= warn_ms < limit_ms")
        self.limit_ms = limit_ms
        self.warn_ms = warn_ms
        self._clock = clock
        self._last = clock()
        self.warned = False
        self.closed = False

    def observe(self, message: Message) -> list[Action]:
        if self.closed or not isinstance(message, ACTIVITY):
            return []
        self._last = self._clock()
        if self.warned:
            self.warned = False
            return [InactivityCleared()]
        return []

    def next_deadline(self) -> float | None:
        if self.closed:
            return None
        if self.warned or self.warn_ms == 0:
            return self._last + self.limit_ms
        return self._last + self.limit_ms - self.warn_ms

    def idle_ms(self) -> float:
        return max(0.0, self._clock() - self._last)

    def poll(self) -> list[Action]:
        if self.closed:
            return []
        idle = self.idle_ms()
        if idle >= self.limit_ms:
            self.closed = True
            return [CloseGame("inactivity")]
        if not self.warned and self.warn_ms > 0 and idle >= self.limit_ms - self.warn_ms:
            self.warned = True
            return [WarnInactive(self.limit_ms - idle)]
        return []
