"""The session tracker: rounds, total staked, total won, net result, elapsed time.

Fed with the game -> lobby messages (``observe``), in the order they arrived; the
clock is injected (milliseconds, monotonic). How each figure is derived:

* **rounds**: the number of ``roundStarted`` messages.
* **stake of a round**: ``roundEnded``'s ``stake`` when the game gives it (extension
  field); otherwise the balance before the round minus the balance ``roundStarted``
  reports (the balance after the stake, Appendix A), when both are known and the
  difference is positive. The balance before the round is the last balance the game
  reported (``balance``, ``roundStarted``, ``roundEnded``'s ``balance``).
* **win of a round**: ``roundEnded``'s ``win`` when given; otherwise the last balance
  reported before ``roundEnded`` (``roundEnded``'s ``balance``, else the last
  ``balance`` message) minus the balance after the stake, when positive.
* A round whose stake or win cannot be derived (a plain game that sent
  ``roundStarted`` without a balance, say) adds 0 and is counted in
  ``rounds_incomplete``, so a lobby can see its figures are a lower bound.
* **total staked / total won**: the sums over ended rounds; an open round counts
  once it ends (the reality check never runs inside a round anyway).
* **net result**: total won minus total staked (negative: the player lost).
* **elapsed**: clock now minus the clock at ``start``, in ms.

A ``roundStarted`` while a round is open ends the open one first (its
``roundEnded`` was lost). Money is in the currency's major unit, summed and
rounded to 6 decimals so float noise never shows; amounts are never rescaled
(see ``bridge.core.loose``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.messages import Balance, Message, RoundEnded, RoundStarted

Clock = Callable[[], float]
"""Milliseconds, monotonic (``performance.now()`` in a browser)."""


@dataclass(frozen=True, slots=True)
class SessionFigures:
    """A snapshot; money in the currency's major unit, time in ms (see the module docstring)."""

    elapsed_ms: float
    rounds: int
    rounds_incomplete: int
    total_staked: float
    total_won: float
    net_result: float
    currency: str
    balance: float | None  # the last balance the game reported, if any
    in_round: bool


@dataclass(slots=True)
class _Round:
    before: float | None  # balance before the stake was taken
    after_stake: float | None  # roundStarted's balance
    latest: float | None  # last balance seen inside the round


class SessionTracker:
    """See the module docstring for how each figure is derived."""

    def __init__(self, currency: str, clock: Clock) -> None:
        self.currency = currency
        self._clock = clock
        self._started = clock()
        self.rounds = 0
        self.rounds_incomplete = 0
        self.total_staked = 0.0
        self.total_won = 0.0
        self.balance: float | None = None
        self._round: _Round | None = None

    @property
    def in_round(self) -> bool:
        return self._round is not None

    def restart(self) -> None:
        """A new session from now: every figure back to zero (the balance is kept)."""
        self._started = self._clock()
        self.rounds = self.rounds_incomplete = 0
        self.total_staked = self.total_won = 0.0
        self._round = None

    def observe(self, message: Message) -> None:
        """Take one message the game sent; other types and directions are ignored."""
        if isinstance(message, RoundStarted):
            if self._round is not None:
                self._end(None, None, None)
            after = message.data
            self._round = _Round(before=self.balance, after_stake=after, latest=after)
            self.rounds += 1
            if after is not None:
                self.balance = after
        elif isinstance(message, Balance):
            self.balance = message.data
            if self._round is not None:
                self._round.latest = message.data
        elif isinstance(message, RoundEnded):
            data = message.data
            if data is None:
                self._end(None, None, None)
            else:
                self._end(data.stake, data.win, data.balance)
                if data.balance is not None:
                    self.balance = data.balance

    def _end(self, stake: float | None, win: float | None, balance: float | None) -> None:
        current = self._round
        if current is None:
            return  # a roundEnded without a start (e.g. before we attached): nothing to add
        self._round = None
        if stake is None and current.before is not None and current.after_stake is not None:
            stake = max(0.0, current.before - current.after_stake)
        if win is None and current.after_stake is not None:
            final = balance if balance is not None else current.latest
            if final is not None:
                win = max(0.0, final - current.after_stake)
        if stake is None or win is None:
            self.rounds_incomplete += 1
        self.total_staked = _money(self.total_staked + (stake or 0.0))
        self.total_won = _money(self.total_won + (win or 0.0))

    def figures(self) -> SessionFigures:
        return SessionFigures(
            elapsed_ms=max(0.0, self._clock() - self._started),
            rounds=self.rounds,
            rounds_incomplete=self.rounds_incomplete,
            total_staked=self.total_staked,
            total_won=self.total_won,
            net_result=_money(self.total_won - self.total_staked),
            currency=self.currency,
            balance=self.balance,
            in_round=self.in_round,
        )


def _money(value: float) -> float:
    return round(value, 6)
