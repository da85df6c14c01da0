"""Pure session accounting for the demo lobby: what the reality check reports.

Appendix A gives the lobby only balances (``roundStarted`` carries the balance
after the stake, ``balance`` every change, ``roundEnded`` closes the round), so
stakes and wins are derived from balance differences. No browser imports: this
runs under CPython in the unit tests and in PyScript on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_CURRENCY = "EUR"
DEFAULT_INTERVAL_MINUTES = 30.0


@dataclass
class Session:
    """Totals of one play session, fed with the game's balance messages."""

    started_ms: float
    currency: str = DEFAULT_CURRENCY
    total_staked: float = 0.0
    total_won: float = 0.0
    rounds: int = 0
    balance: float | None = None  # last balance the game reported
    _round_base: float | None = None  # balance right after the stake of the open round

    def on_round_started(self, balance_after_stake: float) -> None:
        if self.balance is not None and self.balance > balance_after_stake:
            self.total_staked = _money(self.total_staked + self.balance - balance_after_stake)
        self._round_base = balance_after_stake
        self.balance = balance_after_stake
        self.rounds += 1

    def on_balance(self, balance: float) -> None:
        self.balance = balance

    def on_round_ended(self) -> None:
        # The win is whatever the balance grew by since the stake was taken.
        if self._round_base is not None and self.balance is not None:
            self.total_won = _money(self.total_won + max(0.0, self.balance - self._round_base))
        self._round_base = None

    @property
    def in_round(self) -> bool:
        return self._round_base is not None

    @property
    def net_result(self) -> float:
        return _money(self.total_won - self.total_staked)

    def elapsed_seconds(self, now_ms: float) -> float:
        return max(0.0, (now_ms - self.started_ms) / 1000)


def reality_check_payload(
    elapsed_seconds: float,
    total_staked: float,
    total_won: float,
    currency: str,
    history_url: str | None = None,
) -> dict[str, Any]:
    """The ``realityCheck`` data (camelCase wire names) for the given figures.

    Net result is always recomputed so the player never sees figures that disagree.
    """
    if elapsed_seconds < 0 or total_staked < 0 or total_won < 0:
        raise ValueError("reality-check figures must not be negative")
    data: dict[str, Any] = {
        "elapsedSeconds": round(float(elapsed_seconds), 3),
        "totalStaked": _money(total_staked),
        "totalWon": _money(total_won),
        "netResult": _money(total_won - total_staked),
        "currency": currency.strip().upper(),
    }
    if history_url:
        data["historyUrl"] = history_url
    return data


@dataclass
class RealityCheckTimer:
    """Fires every ``interval_minutes`` of session time; ``due`` is polled by the page."""

    interval_minutes: float = DEFAULT_INTERVAL_MINUTES
    next_due_ms: float | None = None

    def start(self, now_ms: float) -> None:
        self.next_due_ms = now_ms + self.interval_ms

    def stop(self) -> None:
        self.next_due_ms = None

    @property
    def interval_ms(self) -> float:
        if self.interval_minutes <= 0:
            raise ValueError("interval must be positive")
        return self.interval_minutes * 60_000

    @property
    def running(self) -> bool:
        return self.next_due_ms is not None

    def due(self, now_ms: float) -> bool:
        """True once per elapsed interval; re-arms itself from ``now_ms``."""
        if self.next_due_ms is None or now_ms < self.next_due_ms:
            return False
        self.next_due_ms = now_ms + self.interval_ms
        return True

    def remaining_seconds(self, now_ms: float) -> float | None:
        if self.next_due_ms is None:
            return None
        return max(0.0, (self.next_due_ms - now_ms) / 1000)


def format_duration(seconds: float) -> str:
    """``1:02:03`` for an hour or more, else ``2:03``."""
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def parse_game_url(raw: str | None, default: str) -> tuple[str, str]:
    """The game URL from ``?game=`` and its origin; only absolute http(s) URLs are taken.

    Falls back to ``default`` otherwise, so a crafted link cannot embed ``javascript:`` URLs.
    """
    from urllib.parse import urlsplit

    for candidate in (raw, default):
        if not candidate:
            continue
        parts = urlsplit(candidate.strip())
        if parts.scheme in ("http", "https") and parts.netloc and "@" not in parts.netloc:
            return candidate.strip(), f"{parts.scheme}://{parts.netloc}"
    raise ValueError(f"no usable game URL (got {raw!r}, default {default!r})")


def _money(value: float) -> float:
    return round(value, 2)
