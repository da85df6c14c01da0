"""Counters an operator can read to see what crossed the bridge and what was dropped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .errors import RejectReason
from .loose import Normalisation


@dataclass(slots=True)
class Stats:
    """A channel's counters: messages accepted, rejected by reason, sent, and the rest below."""

    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    accepted_by_type: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    queued: int = 0  # sent before the peer was ready, waiting now
    requests_ok: int = 0
    requests_timed_out: int = 0
    requests_cancelled: int = 0
    handshakes: int = 0
    dropped_on_close: int = 0
    # Loose forms a plain Appendix A peer sent, accepted after a rewrite (bridge.core.loose).
    normalised: Counter[str] = field(default_factory=Counter)

    def reject(self, reason: RejectReason) -> None:
        self.rejected[reason.value] += 1

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly snapshot; every reason is present, zero or not."""
        return {
            "accepted": self.accepted,
            "rejected": {r.value: self.rejected.get(r.value, 0) for r in RejectReason},
            "rejected_total": self.rejected_total,
            "accepted_by_type": dict(self.accepted_by_type),
            "sent": self.sent,
            "queued": self.queued,
            "requests": {
                "ok": self.requests_ok,
                "timed_out": self.requests_timed_out,
                "cancelled": self.requests_cancelled,
            },
            "handshakes": self.handshakes,
            "dropped_on_close": self.dropped_on_close,
            "normalised": {n.value: self.normalised.get(n.value, 0) for n in Normalisation},
        }
