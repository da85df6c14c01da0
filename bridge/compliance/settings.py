"""hizi's game settings (Operator API, "Appendix C - game settings"), typed and checked.

Settings reach a game as JSON options at launch (or as a named profile on hizi's
side). Names are Appendix C's, camelCase on the wire. Units, from Appendix C:
``rcInterval``, ``minLoadTime`` and ``minSpinTime`` in milliseconds; ``minStake``,
``maxStake`` and ``maxExposure`` integers in 1/100 of the currency unit (use
``cents_to_amount`` for the major unit the messages carry). Appendix C's stored page
states one default (``rcEnabled``: false); every other default below is ours and
chosen to leave the game as it would be without the setting.

A bad value raises ``SettingsError``, whose message and ``settings`` name each
offending setting, e.g. ``rcInterval: must be >= 1000 ms``.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic.alias_generators import to_camel

from ..core.fields import HttpUrl, ShortText

MIN_RC_INTERVAL_MS = 1_000  # below a second a "reality check" would block play entirely
MAX_INTERVAL_MS = 24 * 3600 * 1000
MAX_CENTS = 10**14  # 1e12 major units, the catalog's money bound

Cents = Annotated[int, Field(ge=0, le=MAX_CENTS)]
"""An amount in 1/100 of the currency unit (Appendix C's money settings)."""

Millis = Annotated[int, Field(ge=0, le=MAX_INTERVAL_MS)]

URL_WHY = "must be an absolute http(s) URL without whitespace, control or invisible characters"

MS_SETTINGS = frozenset({"rcInterval", "minLoadTime", "minSpinTime"})
"""The settings in milliseconds (their bound errors say ``ms``)."""


def _no_credentials(url: str) -> str:
    # The authority ends at the first '/', '?', '#' or '\\' (read as '/' by browsers).
    authority = re.split(r"[/?#\\]", url.partition("://")[2], maxsplit=1)[0]
    if "@" in authority:
        raise ValueError("must not carry credentials (user:password@)")
    return url


SettingUrl = Annotated[HttpUrl, AfterValidator(_no_credentials)]
"""An absolute http(s) URL without credentials (``homeURL``, ``historyURL``, ``topupURL``)."""


class SettingsError(ValueError):
    """Invalid game settings; ``settings`` names each offending setting (wire name)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        self.settings = tuple(name for name, _ in problems)
        super().__init__("; ".join(f"{name}: {why}" for name, why in problems))


class GameSettings(BaseModel):
    """The Appendix C settings; see the module docstring for units and defaults."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
    )

    # Reality check
    rc_enabled: bool = False
    rc_interval: Annotated[int, Field(ge=MIN_RC_INTERVAL_MS, le=MAX_INTERVAL_MS)] | None = None
    rc_display_win_loss: bool = True
    # Navigation
    home_url: SettingUrl | None = Field(default=None, alias="homeURL")
    history_url: SettingUrl | None = Field(default=None, alias="historyURL")
    topup_url: SettingUrl | None = Field(default=None, alias="topupURL")
    home_enabled: bool = True
    # Stakes, in 1/100 of the currency unit
    min_stake: Cents | None = None
    max_stake: Cents | None = None
    max_exposure: Cents | None = None
    # Features
    autoplay_enabled: bool = True
    autoplay_loss_limit_required: bool = False
    turbo_enabled: bool = True
    stop_enabled: bool = True
    gamble_enabled: bool = True
    multiple_instances_allowed: bool = True
    # Display
    display_clock: bool = False
    display_rtp: bool = Field(default=False, alias="displayRTP")
    display_xrtp: bool = Field(default=False, alias="displayXRTP")
    display_coins: bool = False
    display_jackpot_odds: bool = False
    force_orientation: Literal["portrait", "landscape"] | None = None
    load_msg: ShortText | None = None
    # Timing, ms
    min_load_time: Millis = 0
    min_spin_time: Millis = 0

    @model_validator(mode="after")
    def _consistent(self) -> GameSettings:
        if self.rc_enabled and self.rc_interval is None:
            raise ValueError("rcInterval: required when rcEnabled is true")
        if (
            self.min_stake is not None
            and self.max_stake is not None
            and self.min_stake > self.max_stake
        ):
            raise ValueError("minStake: must not exceed maxStake")
        return self

    @classmethod
    def parse(cls, value: object) -> GameSettings:
        """Settings from a JSON object (``dict``) or JSON text; raise ``SettingsError``.

        The text is strict JSON (RFC 8259), read the same way by the JS API's ``readLaunch``:
        ``NaN`` and ``Infinity`` are not JSON; a member name given twice in one object is
        refused (``<name>: given more than once``: which value would count differs between
        readers); a ``\\u`` escape that leaves a lone surrogate is not text; an integer too
        large for a double is out of range like any other.
        """
        if isinstance(value, str):
            value = _strict_json(value)  # refuses lone surrogates itself
        elif isinstance(value, dict) and _holds_lone_surrogate(value):
            raise SettingsError([("settings", LONE_SURROGATE_WHY)])
        if not isinstance(value, dict):
            raise SettingsError([("settings", "expected a JSON object")])
        try:
            return cls.model_validate(value)
        except ValidationError as exc:
            raise SettingsError(_problems(exc)) from None

    def to_wire(self) -> dict[str, Any]:
        """The JSON object a lobby passes at launch: only the settings that differ from default."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True)

    @property
    def min_stake_amount(self) -> float | None:
        return None if self.min_stake is None else cents_to_amount(self.min_stake)

    @property
    def max_stake_amount(self) -> float | None:
        return None if self.max_stake is None else cents_to_amount(self.max_stake)

    @property
    def max_exposure_amount(self) -> float | None:
        return None if self.max_exposure is None else cents_to_amount(self.max_exposure)


LONE_SURROGATE_WHY = "holds a lone surrogate (a \\ud800-\\udfff escape without its pair), not text"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BEYOND_ANY_RANGE = 10**400  # an integer literal too long to matter: out of every range


MAX_JSON_DEPTH = 16
"""Appendix C settings are flat; deeper nesting is refused before parsing (CPython's json
would raise RecursionError near 1000 levels, a JS reader not at all)."""


def _strict_json(text: str) -> object:
    if _nesting(text) > MAX_JSON_DEPTH:
        raise SettingsError([("settings", f"nested deeper than {MAX_JSON_DEPTH} levels")])
    duplicates: list[str] = []

    def members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        # Called as each object closes (inner ones first), as the JS scanner reports them.
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen and not duplicates:
                duplicates.append(name)
            seen.add(name)
        return dict(pairs)

    def no_constant(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    def integer(digits: str) -> int:
        # Python would refuse over 4300 digits; a JS reader gets +-Infinity, out of range.
        if len(digits) > 400:
            return -_BEYOND_ANY_RANGE if digits.startswith("-") else _BEYOND_ANY_RANGE
        return int(digits)

    try:
        value = json.loads(
            text, object_pairs_hook=members, parse_constant=no_constant, parse_int=integer
        )
    except ValueError:
        raise SettingsError([("settings", "not valid JSON")]) from None
    if _holds_lone_surrogate(value):
        raise SettingsError([("settings", LONE_SURROGATE_WHY)])
    if duplicates:
        raise SettingsError([(duplicates[0], "given more than once")])
    return value


def _nesting(text: str) -> int:
    """The deepest ``[``/``{`` nesting of ``text`` outside strings, valid JSON or not."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _holds_lone_surrogate(value: object) -> bool:
    # json.loads joins a valid \ud83d\ude00 pair into one code point: any surrogate left is lone.
    if isinstance(value, str):
        return _LONE_SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_holds_lone_surrogate(k) or _holds_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_lone_surrogate(v) for v in value)
    return False


def cents_to_amount(cents: int) -> float:
    """1/100 of the currency unit (Appendix C) to the major unit the messages carry."""
    return cents / 100


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = [str(p) for p in err["loc"]]
        msg = str(err["msg"])
        if not loc:
            # A cross-field check: its message starts with the setting it names.
            name, _, why = msg.removeprefix("Value error, ").partition(": ")
            problems.append((name, why or msg))
            continue
        name = loc[0]
        if err["type"] == "extra_forbidden":
            msg = "not an Appendix C setting"
        elif err["type"] == "bool_type":
            msg = "must be true or false"
        elif err["type"] == "int_type":
            msg = "must be an integer (money: 1/100 of the currency unit; times: ms)"
        elif err["type"] in ("greater_than_equal", "less_than_equal") and name in MS_SETTINGS:
            op, bound = (">=", "ge") if err["type"] == "greater_than_equal" else ("<=", "le")
            msg = f"must be {op} {err.get('ctx', {}).get(bound)} ms"
        elif err["type"] == "string_pattern_mismatch":  # the URL settings' only pattern
            msg = URL_WHY
        elif err["type"] == "value_error":
            msg = msg.removeprefix("Value error, ")
        problems.append((name, msg))
    return problems
