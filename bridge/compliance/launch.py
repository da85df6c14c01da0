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
the studio's allow-list (exact origins, ``https://*.casino.example`` patterns, and for
development ``http://localhost:*``: ``bridge.core.origin.OriginPolicy``) and returns it
normalised. ``trusted_lobby`` is the check ``GameBridge(lobby_origins=...)`` makes: the
``lobby`` parameter alone, and the framing origin where the browser tells it. Errors are
``LaunchError`` naming the parameter (``UntrustedLobby`` for a lobby that is refused).

The JS API's ``HiziBridge.readLaunch`` and ``game({ lobbyOrigins })`` apply the same rules
(``hizi-bridge.js``, from ``bridge/js/launch*.js``, on the tables ``js_rules`` generates); both
languages' tests run the cases of ``tests/vectors/launch.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from ..core.fields import Currency
from ..core.origin import InvalidOriginPattern, OriginPolicy, normalise_origin
from ..core.origin_parse import show
from .settings import (
    LONE_SURROGATE_WHY,
    MAX_JSON_DEPTH,
    MS_SETTINGS,
    URL_WHY,
    GameSettings,
    SettingsError,
)

PARAMS = ("mode", "language", "currency", "lobby", "settings")
_MAX_QUERY = 8192  # URLs longer than this are cut by some servers anyway
_ABSOLUTE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
# The framing origins that name no one: no ancestorOrigins (None), an opaque or hidden parent
# ("null"), or an empty entry ("", which no browser should give): the allow-list alone decides.
_UNKNOWN_FRAMING = (None, "", "null")

Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")]


class LaunchMode(StrEnum):
    REAL = "REAL"
    DEMO = "DEMO"
    HISTORY = "HISTORY"


class LaunchError(ValueError):
    """A launch parameter is missing or invalid; ``param`` names it."""

    def __init__(self, param: str, why: str) -> None:
        self.param = param
        self.why = why
        super().__init__(f"{param}: {why}")


class UntrustedLobby(LaunchError):
    """The ``lobby`` parameter is missing, repeated, not allowed, or not the framing origin.

    ``value`` is the parameter as given (None when absent), ``patterns`` the allow-list.
    """

    code = "untrusted_lobby"  # the JS API's HiziBridgeError code for the same refusal

    def __init__(self, value: str | None, patterns: tuple[str, ...], why: str) -> None:
        self.value = value
        self.patterns = patterns
        shown = "absent" if value is None else show(value, 200)
        super().__init__(
            "lobby",
            f"{why} (the launch parameter is {shown}; allowed lobbies: {', '.join(patterns)})",
        )


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
        query["settings"] = json.dumps(wire, separators=(",", ":"))
    else:
        query.pop("settings", None)
    return urlunsplit(parts._replace(query=urlencode(query)))


def read_launch(query: str, allowed_lobbies: Iterable[str] | OriginPolicy) -> LaunchParams:
    """The game side: parse ``location.search`` (``?a=b...``, or a whole URL) and check the lobby.

    ``allowed_lobbies``: the studio's allow-list (exact origins, ``https://*.x.y``
    patterns) or a ready ``OriginPolicy``. Raises ``LaunchError`` naming the parameter:
    missing or repeated, not text (bytes that are not UTF-8, a lone surrogate), invalid, a
    lobby not in ASCII (its host must be punycode, as browsers write origins) or not on the
    list, or bad settings (then ``param`` is ``"settings"`` and the message names the
    setting; the settings are strict JSON: ``GameSettings.parse``). The query limit (8192)
    counts code points. The rules, the JS API's too: docs/security.md, "What a launch reader
    refuses".
    """
    values = _launch_values(query)
    for key in ("mode", "language", "currency", "lobby"):
        if not values.get(key):
            raise LaunchError(key, "missing")
    policy = _policy(allowed_lobbies, "allowed_lobbies")
    lobby = values["lobby"]
    if not lobby.isascii():
        raise LaunchError("lobby", _non_ascii_why(lobby))
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


def trusted_lobby(
    query: str,
    lobby_origins: Iterable[str] | OriginPolicy,
    framing_origin: str | None = None,
) -> str:
    """The lobby origin a game may talk to: the ``lobby`` parameter of ``query``, checked.

    ``query`` is ``location.search`` (or a whole URL); ``lobby_origins`` the studio's
    patterns; ``framing_origin`` the origin the browser says frames the page
    (``location.ancestorOrigins[0]``, Chromium and WebKit; None where unknown, and
    ``"null"``, an opaque or hidden parent, and ``""`` count as unknown: then the patterns
    alone decide). Returns the normalised origin. Raises ``UntrustedLobby`` when the
    parameter is absent, repeated, not text, not ASCII (a Unicode host must come in
    punycode), not allowed or not the framing origin, and ``LaunchError("lobby_origins",
    ...)`` for a bad pattern.
    """
    policy = _policy(lobby_origins, "lobby_origins")
    patterns = policy.entries
    if not patterns:
        raise LaunchError("lobby_origins", "empty: name at least one lobby origin")
    try:
        values = _launch_values(query, ("lobby",))
    except LaunchError as exc:  # too long, not text, or lobby= twice
        why = exc.why if exc.param == "lobby" else str(exc)
        raise UntrustedLobby(None, patterns, why) from None
    lobby = values.get("lobby")
    if not lobby:
        raise UntrustedLobby(None, patterns, "missing from the launch URL")
    if not lobby.isascii():
        raise UntrustedLobby(lobby, patterns, _non_ascii_why(lobby))
    decision = policy.check(lobby)
    if not decision.allowed:
        raise UntrustedLobby(lobby, patterns, f"not an allowed lobby origin: {decision.reason}")
    origin = policy.target_origin_for(lobby)
    if framing_origin not in _UNKNOWN_FRAMING and framing_origin != origin:
        raise UntrustedLobby(
            lobby,
            patterns,
            f"not the origin that frames this game (the browser says {show(framing_origin, 200)})",
        )
    return origin


def js_rules() -> dict[str, object]:
    """The tables ``hizi-bridge.js`` reads its launch rules from (``python -m bridge.contract``
    writes them into its ``launch`` block): parameters, modes, the language pattern, currency
    codes and the settings' JSON schema, all from the Python definitions."""
    from ..core.currencies import ISO_4217

    schema = GameSettings.model_json_schema(by_alias=True)
    settings: dict[str, object] = {}
    for name, prop in schema["properties"].items():
        spec = dict(prop.get("anyOf", [prop])[0])
        spec.pop("title", None)
        if "anyOf" in prop:
            spec["nullable"] = True
        spec["default"] = prop.get("default")
        settings[name] = spec
    language = LaunchParams.model_json_schema()["properties"]["language"]["pattern"]
    return {
        "params": list(PARAMS),
        "modes": [m.value for m in LaunchMode],
        "language": language,
        "currencies": " ".join(sorted(ISO_4217)),
        "maxQuery": _MAX_QUERY,
        "msSettings": sorted(MS_SETTINGS),
        "maxJsonDepth": MAX_JSON_DEPTH,
        "why": {"notText": NOT_TEXT, "loneSurrogate": LONE_SURROGATE_WHY, "url": URL_WHY},
        "settings": settings,
    }


JS_BEGIN = (
    "/* launch:begin (generated by python -m bridge.contract from bridge/compliance/launch.py) */\n"
)
JS_END = "\n  /* launch:end */"


def with_launch_rules(source: str) -> str:
    """``source`` (bridge/js/launch-rules.js, a module of hizi-bridge.js) with its ``launch``
    block's tables regenerated."""
    rules = js_rules()
    settings = rules.pop("settings")
    assert isinstance(settings, dict)
    lines = ["  const LAUNCH_RULES = {"]
    lines += [f"    {key}: {json.dumps(value)}," for key, value in rules.items()]
    lines.append("    settings: {")
    lines += [f"      {name}: {json.dumps(spec)}," for name, spec in settings.items()]
    lines += ["    },", "  };"]
    head, rest = source.split(JS_BEGIN, 1)
    _, tail = rest.split(JS_END, 1)
    return head + JS_BEGIN + "\n".join(lines) + JS_END + tail


def _launch_values(query: object, keys: tuple[str, ...] = PARAMS) -> dict[str, str]:
    """The parameters ``keys`` of ``query`` (``?a=b...`` or a whole URL), each at most once.

    Read as ``application/x-www-form-urlencoded`` (the WHATWG URL standard, what
    ``URLSearchParams`` reads), by hand so that both languages refuse the same things: a
    value that is not UTF-8 once percent-decoded, or holds a lone surrogate, is an error
    naming its parameter (``URLSearchParams`` and ``parse_qsl`` would each put U+FFFD in
    its place, differently). The length limit counts code points, not UTF-16 units.
    """
    if not isinstance(query, str):
        raise LaunchError("query", "not a string")
    if len(query) > _MAX_QUERY:
        raise LaunchError("query", f"longer than {_MAX_QUERY} characters")
    if _ABSOLUTE_URL.match(query):
        # The query of a whole URL: after the first "?", before the "#". Not urlsplit, which
        # raises on a broken host ("http://[x/?...") and drops some characters: the JS API's
        # readLaunch splits the same way, so both read the same parameters.
        query = query.partition("#")[0].partition("?")[2]
    values: dict[str, str] = {}
    # A hand-written link may carry lobby=https://... unencoded: it reads as is.
    for piece in query.removeprefix("?").split("&"):
        raw_key, _, raw_value = piece.partition("=")
        key = _form_decoded(raw_key)
        if not piece or key not in keys:
            continue  # other parameters pass through untouched (and unread)
        if key in values:
            # Two lobby= values would let a checker and a user of the URL disagree.
            raise LaunchError(key, "given more than once")
        value = _form_decoded(raw_value)
        if value is None:
            raise LaunchError(key, NOT_TEXT)
        values[key] = value
    return values


NOT_TEXT = "not text: its percent-encoded bytes are not UTF-8, or it holds a lone surrogate"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _non_ascii_why(lobby: str) -> str:
    # A browser writes an origin in ASCII, its host in punycode (build_game_url does too).
    # Reading a Unicode host would take IDNA, where Python's codec (IDNA2003) and a browser's
    # (UTS #46) differ: "\u0301b" is xn--b-wbb to one and no host to the other.
    return (
        f"{show(lobby)} is not ASCII: a lobby is an origin as browsers write it, "
        "its host in punycode (xn--), as build_game_url gives it"
    )


def _form_decoded(raw: str) -> str | None:
    """``raw`` with ``+`` as space and ``%XX`` decoded, as UTF-8; None when that is not text."""
    if _LONE_SURROGATE.search(raw):
        return None
    try:
        return unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _policy(allowed: Iterable[str] | OriginPolicy, param: str) -> OriginPolicy:
    try:
        return allowed if isinstance(allowed, OriginPolicy) else OriginPolicy(allowed)
    except (InvalidOriginPattern, TypeError) as exc:
        raise LaunchError(param, str(exc)) from None


def _validated(raw: dict[str, object]) -> LaunchParams:
    try:
        return LaunchParams.model_validate(raw, strict=False)
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        param = str(err["loc"][0]) if err["loc"] else "launch"
        raise LaunchError(param, _short(str(err["msg"]))) from None


def _short(msg: str) -> str:
    return re.sub(r"\s+", " ", msg)[:200]
