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
        """Settings from a JSON object (``dict``) or JSON text; raise ``SettingsError``."""
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise SettingsError([("settings", "not valid JSON")]) from None
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
        elif err["type"] == "value_error":
            msg = msg.removeprefix("Value error, ")
        problems.append((name, msg))
    return problems
