"""One line per message crossing the bridge, for logs and the demo's live view.

Built from the channel's effects so every front end (Python, JS, tests)
describes traffic the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .effects import Deliver, Effect, Post, Rejected, SendFailed
from .wire import dump


@dataclass(frozen=True, slots=True)
class JournalEntry:
    direction: str  # "in" or "out"
    type: str  # message type, or "?" when it could not be read
    status: str  # "accepted" (delivered / posted) or "rejected"
    payload: Any  # the wire form, JSON-compatible; None for rejections
    via: str  # "window" or "port"; "" when rejected before transport mattered
    reason: str = ""  # RejectReason value for rejections
    detail: str = ""  # human explanation for rejections
    origin: str = ""
    time: float = 0.0  # milliseconds, from the caller's clock
    wire: Any = None  # the form on the wire when a dialect translated it, else None
    normalised: tuple[str, ...] = ()  # loose-form rewrites of a plain peer's message

    def to_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "type": self.type,
            "status": self.status,
            "payload": self.payload,
            "via": self.via,
            "reason": self.reason,
            "detail": self.detail,
            "origin": self.origin,
            "time": self.time,
            "wire": self.wire,
            "normalised": list(self.normalised),
        }


def entry_for(effect: Effect, now_ms: float) -> JournalEntry | None:
    """The journal line for an effect, or None for effects that move no message."""
    if isinstance(effect, Post):
        if effect.message is None:
            return None
        payload = dump(effect.message)
        sent = json.loads(effect.text)
        return JournalEntry(
            "out",
            effect.message.type,
            "accepted",
            payload,
            effect.via.value,
            time=now_ms,
            wire=None if _same_form(sent, payload) else sent,
        )
    if isinstance(effect, Deliver):
        payload = dump(effect.message)
        raw = effect.raw
        return JournalEntry(
            "in",
            effect.message.type,
            "accepted",
            payload,
            effect.via.value,
            time=now_ms,
            # A normalised value is always shown as sent, even when it dumps the same.
            wire=raw
            if effect.normalised
            else (None if raw is None or _same_form(raw, payload) else raw),
            normalised=effect.normalised,
        )
    if isinstance(effect, Rejected):
        return JournalEntry(
            "in",
            effect.type_name or "?",
            "rejected",
            None,
            "",
            reason=effect.error.reason.value,
            detail=effect.error.message,
            origin=effect.origin,
            time=now_ms,
        )
    if isinstance(effect, SendFailed):
        return JournalEntry(
            "out",
            effect.message.type,
            "rejected",
            dump(effect.message),
            "",
            reason=effect.error.code,
            detail=effect.error.message,
            time=now_ms,
        )
    return None


def _same_form(wire: Any, payload: dict[str, Any]) -> bool:
    """Appendix A traffic is its own typed form; ids on the port are not a dialect."""
    if not isinstance(wire, dict):
        return False
    return {k: v for k, v in wire.items() if k not in ("id", "re")} == payload
