"""GamesGlobal "Bridge API" (docs.hizi.io/operator-interface/operators/gamesglobal).

Every message is one envelope::

    {"Id": "<uuid>", "Name": "<name>", "Body": {...} | null,
     "Type": "REQUEST" | "NOTIFICATION" | "RESPONSE",
     "Origin": "embeddedgame", "SenderId": "<window.name>"}

Mapping (game -> lobby; the docs list no lobby -> game messages):

=================  ===================  ============  ====================================
hizi-bridge        Bridge API Name      Type          notes
=================  ===================  ============  ====================================
``gameReady``      BRIDGE_API_READY     NOTIFICATION  must come first: the lobby sends and
                                                      answers nothing before it
``playerActivity`` PLAYER_ACTIVITY      NOTIFICATION  every player action (inactivity rules)
``closeRequest``   CLOSE_APPLICATION    NOTIFICATION  the player asked to close the game
=================  ===================  ============  ====================================

Everything else has no Bridge API form: sending it raises ``UnsupportedInDialect``
and receiving it is an unknown type. Assumptions where the docs are silent:

* Names: the docs' table writes them in upper case, their format example in lower
  case. We accept either and send lower case, as the format example shows
  (``name_case="upper"`` switches).
* ``Body``: the docs give none for these three; we send ``null`` and accept
  ``null`` or any (size-checked) object, whose content is ignored.
* ``Type``: the docs call CLOSE_APPLICATION a notification and say nothing of the
  other two; we treat all three as notifications and refuse other types for them.
* REQUEST/RESPONSE pairing is not documented for any message, so requests are not
  offered in this dialect.

There is no hizi-bridge handshake and no MessagePort: a GamesGlobal lobby would
not understand either. The game holds every message until it has sent
BRIDGE_API_READY; the lobby holds its own and refuses the game's (reason
"premature") until it has received it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from ..errors import (
    MalformedMessage,
    PrematureMessage,
    SchemaViolation,
    UnknownMessageType,
    UnsupportedInDialect,
    WrongDirection,
)
from ..messages import (
    CloseRequest,
    Direction,
    GameReady,
    Message,
    PlayerActivity,
    Role,
)

ORIGIN = "embeddedgame"

_TO_NAME: dict[type[Message], str] = {
    GameReady: "BRIDGE_API_READY",
    PlayerActivity: "PLAYER_ACTIVITY",
    CloseRequest: "CLOSE_APPLICATION",
}
_FROM_NAME: dict[str, type[Message]] = {name: cls for cls, name in _TO_NAME.items()}

# For the generated docs: hizi-bridge type -> (Bridge API Name, Type, note).
MAPPING: dict[str, tuple[str, str, str]] = {
    "gameReady": ("BRIDGE_API_READY", "NOTIFICATION", "first; nothing flows before it"),
    "playerActivity": ("PLAYER_ACTIVITY", "NOTIFICATION", "Body null; action not carried"),
    "closeRequest": ("CLOSE_APPLICATION", "NOTIFICATION", "the player asked to close"),
}


class Envelope(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    Id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    Name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    Body: dict[str, object] | None = None
    Type: Literal["REQUEST", "NOTIFICATION", "RESPONSE"]
    Origin: Literal["embeddedgame"]
    SenderId: Annotated[str, StringConstraints(max_length=256)]


class GamesGlobal:
    name = "gamesglobal"
    handshake = False

    def __init__(
        self,
        role: Role,
        *,
        sender_id: str = "",
        name_case: Literal["lower", "upper"] = "lower",
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.role = role
        self.sender_id = sender_id[:256]
        self.name_case = name_case
        self._new_id = new_id
        self.ready = False  # BRIDGE_API_READY sent (game) or received (lobby)

    def decode(self, value: object, direction: Direction) -> Message:
        if direction is not Direction.GAME_TO_LOBBY:
            raise UnknownMessageType(
                "the Bridge API documents no lobby -> game messages", type_name=None
            )
        if not isinstance(value, dict) or "Name" not in value:
            raise MalformedMessage("not a Bridge API envelope (no 'Name')")
        try:
            envelope = Envelope.model_validate(value)
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise SchemaViolation(f"invalid Bridge API envelope: {loc}: {first['msg']}") from None
        cls = _FROM_NAME.get(envelope.Name.upper())
        if cls is None:
            raise UnknownMessageType(
                f"unknown Bridge API message {envelope.Name[:64]!r}", type_name=envelope.Name[:64]
            )
        if envelope.Type != "NOTIFICATION":
            raise SchemaViolation(f"{envelope.Name} must be a NOTIFICATION, not {envelope.Type}")
        if not self.ready and cls is not GameReady:
            raise PrematureMessage(f"{envelope.Name} before BRIDGE_API_READY")
        return cls.model_validate({"type": cls.type_name()})

    def encode(self, message: Message) -> dict[str, object]:
        name = _TO_NAME.get(type(message))
        if name is None:
            raise UnsupportedInDialect(
                f"{message.type!r} has no GamesGlobal Bridge API form; "
                f"supported: {', '.join(c.type_name() for c in _TO_NAME)}"
            )
        if message.direction is not Direction.GAME_TO_LOBBY:
            raise WrongDirection(f"{message.type!r} does not travel game -> lobby")
        return {
            "Id": self._new_id(),
            "Name": name.lower() if self.name_case == "lower" else name,
            "Body": None,
            "Type": "NOTIFICATION",
            "Origin": ORIGIN,
            "SenderId": self.sender_id,
        }

    def holds(self, message: Message) -> bool:
        if self.ready:
            return False
        return self.role is Role.LOBBY or not isinstance(message, GameReady)

    def sent(self, message: Message) -> None:
        if self.role is Role.GAME and isinstance(message, GameReady):
            self.ready = True

    def received(self, message: Message) -> None:
        if self.role is Role.LOBBY and isinstance(message, GameReady):
            self.ready = True
