"""Extensions for the studio dialects (issue #21): what RubyPlay's and 155.io's post
messages say that the rest of the catalog has no message for (a panel opened, a system
popup, a volume, the game's own history, closing its panels).

Part of the catalog; import them from ``bridge.core.messages``.
"""

# No `from __future__ import annotations` here: why in tests/unit/test_messages.py.
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from .fields import Flag, PopupKind, Text, Volume
from .message_model import Data, Family, GameMessage, HelperParam, LobbyMessage


class Dialog(StrEnum):
    """The game's own panels a studio reports or a lobby may close."""

    RULES = "rules"
    PAYTABLE = "paytable"
    HISTORY = "history"


class DialogChangedData(Data):
    dialog: Annotated[Dialog, Field(strict=False)]
    open: Flag


class DialogChanged(GameMessage):
    """Extension. The player opened (``open: true``) or closed one of the game's panels.

    RubyPlay ``gameRulesStatusUpdate`` / ``payTableStatusUpdate``. A lobby hides its own
    overlays while the rules are open, and counts the time as play time.
    """

    family = Family.EXTENSION
    helper = "dialog_changed"
    helper_params = (
        HelperParam("dialog", "dialog"),
        HelperParam("open", "open", keyword_only=True),
    )
    example = {"type": "dialogChanged", "data": {"dialog": "rules", "open": True}}
    type: Literal["dialogChanged"] = "dialogChanged"
    data: DialogChangedData


class SystemPopupData(Data):
    """``kind`` is the studio's popup type in upper snake case (RubyPlay's list:
    ``INSUFFICIENT_FUNDS``, ``SESSION_EXPIRED``, ``INACTIVITY_TIMER``, ...)."""

    shown: Flag
    kind: PopupKind
    message: Text | None = None


class SystemPopup(GameMessage):
    """Extension. The game showed (``shown: true``) or closed a system popup: an error,
    a session or inactivity timer. RubyPlay ``systemPopup``.

    The lobby learns that play is blocked, and why, without reading the game's screen.
    """

    family = Family.EXTENSION
    helper = "system_popup"
    helper_params = (
        HelperParam("kind", "kind"),
        HelperParam("shown", "shown", keyword_only=True),
        HelperParam("message", "message", keyword_only=True, optional=True),
    )
    example = {
        "type": "systemPopup",
        "data": {"shown": True, "kind": "INSUFFICIENT_FUNDS", "message": "Not enough funds"},
    }
    type: Literal["systemPopup"] = "systemPopup"
    data: SystemPopupData


class SetVolumeData(Data):
    volume: Volume


class SetVolume(LobbyMessage):
    """Extension. Set the game's master volume, 0 (silent) to 1 (full).

    155.io ``set-audio-volume``. Mute / unmute stays Appendix A's ``setAudio``.
    """

    family = Family.EXTENSION
    helper = "set_volume"
    helper_params = (HelperParam("volume", "volume"),)
    example = {"type": "setVolume", "data": {"volume": 0.5}}
    type: Literal["setVolume"] = "setVolume"
    data: SetVolumeData


class ShowHistory(LobbyMessage):
    """Extension. Open the game's own bet history panel. 155.io ``open-game-history``."""

    family = Family.EXTENSION
    helper = "show_history"
    example = {"type": "showHistory"}
    type: Literal["showHistory"] = "showHistory"
    data: None = None


class ClosePanels(LobbyMessage):
    """Extension. Close every panel and sidebar the game has open (rules, history, ...).

    155.io ``close-panels``. ``hideHelp`` closes the rules only.
    """

    family = Family.EXTENSION
    helper = "close_panels"
    example = {"type": "closePanels"}
    type: Literal["closePanels"] = "closePanels"
    data: None = None


STUDIO_LOBBY_TO_GAME: tuple[type[LobbyMessage], ...] = (SetVolume, ShowHistory, ClosePanels)
STUDIO_GAME_TO_LOBBY: tuple[type[GameMessage], ...] = (DialogChanged, SystemPopup)
