"""What a regulated lobby and a hizi game must do beyond moving messages (issue #12).

Pure Python in the style of ``bridge.core``: no browser import, clocks injected,
results returned as values (actions) for the caller to carry out.

* ``settings``: hizi's game settings (Operator API Appendix C), typed and checked;
* ``launch``: the game URL a lobby builds, and the launch parameters a game reads,
  with the lobby origin checked against the studio's allow-list;
* ``session``: the session tracker (rounds, staked, won, net, elapsed);
* ``reality_check``: the reality-check scheduler;
* ``inactivity``: the inactivity monitor;
* ``supervisor``: the three together behind one ``observe`` / ``poll`` / ``answered``;
* ``actions``: what they ask the lobby to do.

docs/compliance.md says what is enforced and the source of each rule.
"""

from __future__ import annotations

from .actions import (
    Action,
    CloseGame,
    InactivityCleared,
    OpenHistory,
    ShowRealityCheck,
    WarnInactive,
)
from .inactivity import InactivityMonitor
from .launch import (
    LaunchError,
    LaunchMode,
    LaunchParams,
    UntrustedLobby,
    build_game_url,
    read_launch,
    trusted_lobby,
)
from .reality_check import RealityCheckScheduler
from .session import SessionFigures, SessionTracker
from .settings import GameSettings, SettingsError
from .supervisor import Supervisor

__all__ = [
    "Action",
    "CloseGame",
    "GameSettings",
    "InactivityCleared",
    "InactivityMonitor",
    "LaunchError",
    "LaunchMode",
    "LaunchParams",
    "OpenHistory",
    "RealityCheckScheduler",
    "SessionFigures",
    "SessionTracker",
    "SettingsError",
    "ShowRealityCheck",
    "Supervisor",
    "UntrustedLobby",
    "WarnInactive",
    "build_game_url",
    "read_launch",
    "trusted_lobby",
]
