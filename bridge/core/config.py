"""A channel's configuration, and the checks that refuse one it cannot use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .dialects import Dialect
from .errors import InvalidConfig
from .limits import DEFAULT_LIMITS, Limits
from .messages import PROTOCOL_VERSIONS, Role
from .origin import InvalidOriginPattern, OriginPolicy, suggest_origin


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """One channel's settings: its role, the peer's origin and allow-list, and its timings (ms)."""

    role: Role
    peer_origin: str  # exact origin we post to
    allowed_origins: Sequence[str] | None = None  # inbound allow-list; default [peer_origin]
    # How long a game waits for a welcome before assuming a plain Appendix A lobby
    # (default 1 s), and how long a lobby waits for any game before it reports a
    # handshake timeout (default 30 s: a game page on a slow phone boots in seconds;
    # a lobby still connects if the game speaks later).
    handshake_timeout_ms: float | None = None
    # Lobby: how long a game has to confirm the port after the welcome, or to answer
    # the hello of a probe (bridge.core.state), before its document counts as gone.
    confirm_timeout_ms: float = 3000
    # Every request but those a person answers (``answered_by_person``).
    request_timeout_ms: float = 10_000
    limits: Limits = DEFAULT_LIMITS
    versions: tuple[int, ...] = PROTOCOL_VERSIONS
    # A dialect name (fresh instance per channel) or a ready instance.
    dialect: str | Dialect = "appendix_a"
    dialect_options: Mapping[str, Any] = field(default_factory=dict)
    dedup_window: int = 4096  # remembered peer message ids per session

    def effective_handshake_timeout_ms(self) -> float | None:
        if self.handshake_timeout_ms is not None:
            return self.handshake_timeout_ms
        return 1000.0 if self.role is Role.GAME else 30_000.0


def check_origins(config: ChannelConfig) -> tuple[OriginPolicy, str]:
    """The policy and first target of a config; ``InvalidConfig`` with a one-line reason."""
    peer = "game origin" if config.role is Role.LOBBY else "lobby origin"
    allowed = config.allowed_origins
    try:
        policy = OriginPolicy(allowed or [config.peer_origin])
    except InvalidOriginPattern as exc:
        name = f"allowed origin {_quote(exc.entry)}" if allowed else f"{peer} {_quote(exc.entry)}"
        raise InvalidConfig(_instead(f"{name} is refused: {exc.reason}", exc.entry)) from None
    except TypeError as exc:
        raise InvalidConfig(f"allowed origins: {exc}") from None
    origin = config.peer_origin
    if not isinstance(origin, str):
        raise InvalidConfig(f"{peer} must be a string like 'https://games.example.com'")
    try:
        return policy, policy.target_origin_for(origin)
    except ValueError:
        pass
    try:
        OriginPolicy([origin])
    except InvalidOriginPattern as exc:
        problem = f"{peer} {_quote(origin)} is refused: {exc.reason}"
        raise InvalidConfig(_instead(problem, origin)) from None
    raise InvalidConfig(
        f"{peer} {_quote(origin)} is not among the allowed origins {list(policy.entries)}; "
        "add it to them"
    )


def _quote(value: object) -> str:
    return repr(value[:120]) if isinstance(value, str) else f"<{type(value).__name__}>"


def _instead(problem: str, value: object) -> str:
    suggestion = suggest_origin(value)
    one_line = " ".join(problem.split())
    return f"{one_line}; write {suggestion!r} instead" if suggestion else one_line
