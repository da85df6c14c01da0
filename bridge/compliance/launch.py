"""The game URL: built by the lobby, read and checked by the game.

hizi's Operator API creates a launch URL server-side (``getGameURL``, modes ``REAL``,
``DEMO``, ``HISTORY``); the query parameters a browser game reads are not in the
stored docs, so these names are ours:

==============  ============================================================
``mode``        ``REAL`` | ``DEMO`` | ``HISTORY``
``language``    BCP 47 tag, e.g. ``en`` or ``pt-BR``
``currency``    ISO 4217 code
``lobby``       the lobby page's origin (the game's post-message peer)
``settings``    Appendix C settings as JSON (only those not at default)
==============  ============================================================

Any other parameter (a dialect, a demo seed) passes through untouched.

The ``lobby`` parameter is never trusted as it comes: anyone can link to a game
with ``?lobby=https://evil.example``. ``read_launch`` accepts it only if it matches
the studio's allow-list (exact origins or ``https://*.casino.example`` patterns,
``bridge.core.origin.OriginPolicy``) and returns it normalised. Errors are
``LaunchError`` naming the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from ..core.fields import Currency
from ..core.origin import InvalidOriginPattern, OriginPolicy, normalise_origin
from .settings import GameSettings, SettingsError

PARAMS = ("mode", "language", "currency", "lobby", "settings")
_MAX_QUERY = 8192  # URLs longer than this are cut by some servers anyway
_ABSOLUTE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")

Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")]


class LaunchMode(StrEnum):
    REAL = "REAL"
    DEMO = "DEMO"
    HISTORY = "HISTORY"


class LaunchError(ValueError):
    """A launch parameter is missing or invalid; ``param`` names it."""

    def __init__(self, param: str, why: str) -> None:
        self.param = param
        super().__init__(f"{param}: {why}")


class LaunchParams(BaseModel):
    """What a game is launched with. ``lobby`` is a normalised origin."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    mode: LaunchMode
    language: Language
    currency: Currency
    lobby: str
    settings: GameSettings = GameSettings()


def build_game_url(
    game_url: str,
    *,
    mode: LaunchMode | str,
    language: str,
    currency: str,
    lobby_origin: str,
    settings: GameSettings | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """The lobby side: ``game_url`` with the launch parameters set (replacing any there).

    ``lobby_origin`` is normalised (``bridge.core.origin.normalise_origin``) and must pass
    the origin rules ``read_launch`` applies (``OriginPolicy``: https, or http for a
    loopback host only), so a URL built here is never one the game refuses for its form.
    Raises ``LaunchError`` naming the bad parameter (``game_url`` must be absolute http(s)).
    """
    parts = urlsplit(game_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        raise LaunchError("game_url", "must be an absolute http(s) URL without credentials")
    try:
        origin = normalise_origin(lobby_origin)
        # The rules read_launch applies (an allow-list entry's): http for loopback only.
        OriginPolicy([origin])
    except InvalidOriginPattern as exc:
        raise LaunchError("lobby", exc.reason) from None
    except ValueError as exc:
        raise LaunchError("lobby", str(exc)) from None
    params = _validated(
        {
            "mode": str(mode.value if isinstance(mode, LaunchMode) else mode),
            "language": language,
            "currency": currency,
            "lobby": origin,
            "settings": settings or GameSettings(),
        }
    )
    query: dict[str, str] = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in (extra or {}).items():
        if key in PARAMS:
            raise LaunchError(key, "is a launch parameter; pass it by name, not in extra")
        query[key] = value
    query.update(
        mode=params.mode.value,
        language=params.language,
        currency=params.currency,
        lobby=params.lobby,
    )
    wire = params.settings.to_wire()
    if wire:
        import json

        query["settings"] = json.dumps(wire, separators=(",", ":"))
    else:
        query.pop("settings", None)
    return urlunsplit(parts._replace(query=urlencode(query)))


def read_launch(query: str, allowed_lobbies: Iterable[str] | OriginPolicy) -> LaunchParams:
    """The game side: parse ``location.search`` (``?a=b...``, or a whole URL) and check the lobby.

    ``allowed_lobbies``: the studio's allow-list (exact origins, ``https://*.x.y``
    patterns) or a ready ``OriginPolicy``. Raises ``LaunchError`` naming the parameter:
    missing or repeated, invalid, a lobby not on the list, or bad settings (then
    ``param`` is ``"settings"`` and the message names the setting).
    """
    if not isinstance(query, str):
        raise LaunchError("query", "not a string")
    if len(query) > _MAX_QUERY:
        raise LaunchError("query", f"longer than {_MAX_QUERY} characters")
    if _ABSOLUTE_URL.match(query):
        query = urlsplit(query).query
    # A hand-written link may carry lobby=https://... unencoded: parse_qsl reads it as is.
    pairs = parse_qsl(query.removeprefix("?"), keep_blank_values=True)
    values: dict[str, str] = {}
    for key, value in pairs:
        if key in PARAMS:
            if key in values:
                # Two lobby= values would let a checker and a user of the URL disagree.
                raise LaunchError(key, "given more than once")
            values[key] = value
    for key in ("mode", "language", "currency", "lobby"):
        if not values.get(key):
            raise LaunchError(key, "missing")
    try:
        policy = (
            allowed_lobbies
            if isinstance(allowed_lobbies, OriginPolicy)
            else OriginPolicy(allowed_lobbies)
        )
    except (InvalidOriginPattern, TypeError) as exc:
        raise LaunchError("allowed_lobbies", str(exc)) from None
    lobby = values["lobby"]
    decision = policy.check(lobby)
    if not decision.allowed:
        raise LaunchError("lobby", f"not an allowed lobby origin: {decision.reason}")
    try:
        settings = GameSettings.parse(values["settings"]) if "settings" in values else None
    except SettingsError as exc:
        raise LaunchError("settings", str(exc)) from exc
    return _validated(
        {
            "mode": values["mode"],
            "language": values["language"],
            "currency": values["currency"],
            "lobby": policy.target_origin_for(lobby),
            "settings": settings or GameSettings(),
        }
    )


def _validated(raw: dict[str, object]) -> LaunchParams:
    try:
        return LaunchParams.model_validate(raw, strict=False)
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        param = str(err["loc"][0]) if err["loc"] else "launch"
        raise LaunchError(param, _short(str(err["msg"]))) from None


def _short(msg: str) -> str:
    return re.sub(r"\s+", " ", msg)[:200]
