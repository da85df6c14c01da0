"""The reality-check scheduler, driven by Appendix C's ``rcEnabled``, ``rcInterval``,
``rcDisplayWinLoss`` and ``historyURL``.

States and rules (docs/compliance.md gives the sources):

* **counting**: the interval (``rcInterval``, ms of the injected clock) runs from
  ``start`` and, after each check, from the moment the player answered;
* **due**: the interval is over, but a round is open: the check waits for
  ``roundEnded`` and never interrupts a round;
* **showing**: the check was sent (``ShowRealityCheck``); the interval is held
  (no new check can fall due) until ``answered`` or ``failed`` is called.

On the answer: ``continue`` carries on; ``quit`` gives ``CloseGame``; ``history``
gives ``OpenHistory(historyURL)`` (or, without a ``historyURL``, just carries on)
and play continues. The figures come from the ``SessionTracker``; with
``rcDisplayWinLoss`` false the check carries the time (and rounds) only.
"""

from __future__ import annotations

from enum import StrEnum

from ..core.messages import RealityCheckChoice, RealityCheckData
from .actions import Action, CloseGame, OpenHistory, ShowRealityCheck
from .session import Clock, SessionTracker
from .settings import GameSettings


class RcState(StrEnum):
    OFF = "off"
    COUNTING = "counting"
    DUE = "due"
    SHOWING = "showing"


class RealityCheckScheduler:
    """Call ``poll`` when time passed and ``round_ended`` after each ``roundEnded``
    (the tracker must have seen it first); both return the actions to carry out."""

    def __init__(self, settings: GameSettings, tracker: SessionTracker, clock: Clock) -> None:
        self._clock = clock
        self.tracker = tracker
        self.settings = settings
        self.checks = 0  # how many were shown
        self._due_at: float | None = None
        self.state = RcState.OFF
        self.configure(settings)

    def configure(self, settings: GameSettings) -> None:
        """New settings: the interval restarts from now (a check being shown stays open)."""
        self.settings = settings
        if self.state is RcState.SHOWING:
            return
        if settings.rc_enabled and settings.rc_interval is not None:
            self.state = RcState.COUNTING
            self._due_at = self._clock() + settings.rc_interval
        else:
            self.state = RcState.OFF
            self._due_at = None

    def next_deadline(self) -> float | None:
        """The clock value (ms) at which ``poll`` has work to do, if any."""
        return self._due_at if self.state is RcState.COUNTING else None

    def remaining_ms(self) -> float | None:
        """Until the next check falls due; 0 while due or showing; None when off."""
        if self.state is RcState.OFF:
            return None
        if self.state is not RcState.COUNTING or self._due_at is None:
            return 0.0
        return max(0.0, self._due_at - self._clock())

    def poll(self) -> list[Action]:
        due_at = self._due_at
        if self.state is RcState.COUNTING and due_at is not None and self._clock() >= due_at:
            self.state = RcState.DUE
        return self._show_if_due()

    def round_ended(self) -> list[Action]:
        return self.poll()

    def _show_if_due(self) -> list[Action]:
        if self.state is not RcState.DUE or self.tracker.in_round:
            return []
        self.state = RcState.SHOWING
        self._due_at = None
        self.checks += 1
        return [ShowRealityCheck(self.check_data())]

    def check_data(self) -> RealityCheckData:
        """The figures as of now; win / loss left out when ``rcDisplayWinLoss`` is false."""
        f = self.tracker.figures()
        show = self.settings.rc_display_win_loss
        return RealityCheckData(
            elapsed_seconds=round(f.elapsed_ms / 1000, 3),
            total_staked=f.total_staked if show else None,
            total_won=f.total_won if show else None,
            net_result=f.net_result if show else None,
            currency=f.currency,
            rounds=f.rounds,
            history_url=self.settings.history_url,
        )

    def answered(self, choice: RealityCheckChoice | str) -> list[Action]:
        """The game's ``realityCheckAnswer``. Raises ``ValueError`` for an unknown choice."""
        choice = RealityCheckChoice(choice)
        if self.state is not RcState.SHOWING:
            return []  # an answer nobody asked for (or a second one): no effect
        if choice is RealityCheckChoice.QUIT:
            self.state = RcState.OFF
            return [CloseGame("the player quit at the reality check")]
        self.state = RcState.OFF  # the dialog is closed: configure() restarts the interval now
        self.configure(self.settings)
        if choice is RealityCheckChoice.HISTORY and self.settings.history_url:
            return [OpenHistory(self.settings.history_url)]
        return []

    def failed(self) -> list[Action]:
        """The check got no answer (timeout, game reloaded): count again from now."""
        if self.state is RcState.SHOWING:
            self.state = RcState.OFF
            self.configure(self.settings)
        return []
