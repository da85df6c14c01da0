"""What the browser saw, as CPython values: every message received and every post made, per frame.

``pages/instrument.js`` reports raw entries through a Playwright binding; ``Capture.add`` turns
each into an ``Event`` and ``classify`` validates its wire value with ``bridge.core`` (the same
parser, limits and dialects the bridge itself uses), so the verdicts do not depend on the
browser side at all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bridge.core.dialects import Dialect
from bridge.core.errors import RemoteProtocolError
from bridge.core.messages import Direction, Role
from bridge.core.wire import parse

GAME_TO_LOBBY = "game_to_lobby"
LOBBY_TO_GAME = "lobby_to_game"
STRANGER = "stranger"


@dataclass
class Event:
    """One message seen in one frame: ``kind`` "in" (received) or "post" (sent)."""

    t: float  # seconds since the inspection started
    kind: str
    page: str  # which page of the inspection: "main", "stranger", "dialect", ...
    frame_origin: str
    origin: str  # the sender's origin (received messages)
    target: str  # targetOrigin (posts)
    to: str  # "parent", "child", "source", "self", "port" (posts)
    transport: str  # "window" | "port"
    text: str | None  # the wire value as JSON text; None when it is not plain JSON data
    repr: str
    from_parent: bool = False
    direction: str = ""  # set by the inspection: game_to_lobby, lobby_to_game, stranger, ...
    type: str | None = None
    verdict: str = ""  # "ok" or "<reason>: <detail>"
    data: Any = None  # the decoded wire value (None when not JSON)

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    def evidence(self) -> dict[str, Any]:
        """The event as report evidence: time, direction, origin, wire form, verdict."""
        out: dict[str, Any] = {
            "t": round(self.t, 3),
            "direction": self.direction or self.kind,
            "origin": self.origin or self.frame_origin,
            "transport": self.transport,
            "type": self.type,
            "wire": self.data if self.text is not None else self.repr,
            "verdict": self.verdict or "-",
        }
        if self.kind == "post":
            out["targetOrigin"] = self.target
        return out


def classify(event: Event, direction: Direction, dialect: Dialect | None = None) -> None:
    """Validate ``event``'s wire value as a message travelling ``direction``; set type/verdict."""
    if event.text is None:
        event.verdict = f"malformed: not plain JSON data ({event.repr[:60]})"
        return
    if isinstance(event.data, dict) and isinstance(event.data.get("type"), str):
        event.type = event.data["type"][:64]
    try:
        if dialect is not None:
            message = dialect.decode(event.data, direction)
            dialect.received(message)
        else:
            message = parse(event.text, direction=direction)
    except RemoteProtocolError as exc:
        event.verdict = f"{exc.code}: {exc.message}"[:300]
        return
    event.type = message.type
    event.verdict = "ok"


@dataclass
class Capture:
    """Every event of one inspection, in arrival order; fed by the browser binding."""

    start: float = field(default_factory=time.time)
    events: list[Event] = field(default_factory=list)
    page_errors: list[tuple[float, str, str]] = field(default_factory=list)  # (t, page, text)
    on_event: Callable[[Event], None] | None = None

    def now(self) -> float:
        return time.time() - self.start

    def add(self, page: str, raw: dict[str, Any]) -> Event:
        text = raw.get("json")
        data: Any = None
        if isinstance(text, str):
            try:
                data = json.loads(text)
            except ValueError:
                text = None
        at = raw.get("at")
        t = (float(at) / 1000 - self.start) if isinstance(at, int | float) else self.now()
        event = Event(
            t=t,
            kind=str(raw.get("kind", "")),
            page=page,
            frame_origin=str(raw.get("frameOrigin", "")),
            origin=str(raw.get("origin", "")),
            target=str(raw.get("target", "")),
            to=str(raw.get("to", "")),
            transport=str(raw.get("transport", "window")),
            text=text if isinstance(text, str) else None,
            repr=str(raw.get("repr", ""))[:200],
            from_parent=bool(raw.get("fromParent", False)),
            data=data,
        )
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)
        return event

    def error(self, page: str, text: str) -> None:
        self.page_errors.append((self.now(), page, text[:500]))

    def since(self, t: float) -> list[Event]:
        return [e for e in self.events if e.t >= t]

    def errors_since(self, t: float, page: str | None = None) -> list[str]:
        return [f"{p}: {text}" for at, p, text in self.page_errors if at >= t and page in (None, p)]


def of_type(events: list[Event], *types: str) -> list[Event]:
    return [e for e in events if e.ok and e.type in types]


def evidence(events: list[Event], limit: int = 12) -> list[dict[str, Any]]:
    return [e.evidence() for e in events[:limit]]


__all__ = [
    "GAME_TO_LOBBY",
    "LOBBY_TO_GAME",
    "STRANGER",
    "Capture",
    "Event",
    "Role",
    "classify",
    "evidence",
    "of_type",
]
