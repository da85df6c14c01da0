"""What the session supervisor asks a lobby to do. Values; the lobby carries them out."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.messages import RealityCheckData


@dataclass(frozen=True, slots=True)
class ShowRealityCheck:
    """Send ``RealityCheck(data=data)`` as a request; report its answer to ``answered``."""

    data: RealityCheckData


@dataclass(frozen=True, slots=True)
class CloseGame:
    """Close the game: request ``close`` (the game ends its round, answers ``gameClosed``),
    then remove the frame or go to ``homeURL``. ``reason`` is for the ``close`` data."""

    reason: str


@dataclass(frozen=True, slots=True)
class OpenHistory:
    """Open the game history page (the settings' ``historyURL``)."""

    url: str


@dataclass(frozen=True, slots=True)
class WarnInactive:
    """Tell the player the game closes for inactivity in ``remaining_ms`` unless they act."""

    remaining_ms: float


@dataclass(frozen=True, slots=True)
class InactivityCleared:
    """The player acted after a warning: take the warning down."""


Action = ShowRealityCheck | CloseGame | OpenHistory | WarnInactive | InactivityCleared
