"""Pure helpers of the demo lobby: the settings panel, the game URL, the session view.

Session accounting, the reality-check schedule and the inactivity rules are the library's
(``bridge.compliance``); this module only turns the panel's form values into its inputs and
formats figures. No browser imports: unit-tested under CPython, run by PyScript on the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bridge.compliance import GameSettings, SettingsError
from bridge.compliance.settings import MAX_INTERVAL_MS, MIN_RC_INTERVAL_MS


@dataclass(frozen=True)
class PanelSettings:
    """What the panel configures: the game's Appendix C settings and the lobby's inactivity rule."""

    game: GameSettings
    inactivity_limit_ms: float | None  # None: no inactivity rule
    inactivity_warn_ms: float


DEFAULT_PANEL = PanelSettings(GameSettings(), None, 0.0)
"""The default settings: what the lobby runs with when the given ones are refused."""

# Bounds of the fields typed in seconds, in seconds (Appendix C's are in ms).
_SECONDS_BOUNDS = {
    "rcInterval": (MIN_RC_INTERVAL_MS / 1000, MAX_INTERVAL_MS / 1000),
    "minSpinTime": (0.0, MAX_INTERVAL_MS / 1000),
}


def settings_from_form(values: Mapping[str, str | bool]) -> PanelSettings:
    """The panel's fields (seconds where a person types them) -> settings in Appendix C units.

    Fields: ``rcEnabled``, ``rcDisplayWinLoss``, ``turboEnabled``, ``autoplayEnabled``
    (checkboxes); ``rcInterval``, ``minSpinTime``, ``inactivity``, ``inactivityWarn``
    (seconds, ``inactivity`` empty or 0 for none); ``historyURL`` (text, may be empty).
    Raises ``SettingsError`` naming the setting.
    """

    def seconds_to_ms(name: str) -> int | None:
        raw = str(values.get(name, "")).strip()
        if not raw:
            return None
        try:
            seconds = float(raw)
        except ValueError:
            raise SettingsError([(name, "must be a number of seconds")]) from None
        if not seconds >= 0:
            raise SettingsError([(name, "must not be negative")])
        # Checked here, in the field's unit: the library would say it in ms.
        low, high = _SECONDS_BOUNDS.get(name, (0.0, float("inf")))
        if seconds < low:
            raise SettingsError([(name, f"must be at least {low:g} s (got {raw} s)")])
        if seconds > high:
            raise SettingsError([(name, f"must be at most {high:g} s (got {raw} s)")])
        return round(seconds * 1000)

    raw: dict[str, object] = {
        "rcEnabled": bool(values.get("rcEnabled")),
        "rcDisplayWinLoss": bool(values.get("rcDisplayWinLoss")),
        "turboEnabled": bool(values.get("turboEnabled")),
        "autoplayEnabled": bool(values.get("autoplayEnabled")),
    }
    if (interval := seconds_to_ms("rcInterval")) is not None:
        raw["rcInterval"] = interval
    if spin := seconds_to_ms("minSpinTime"):
        raw["minSpinTime"] = spin
    if history := str(values.get("historyURL", "")).strip():
        raw["historyURL"] = history
    game = GameSettings.parse(raw)
    limit = seconds_to_ms("inactivity") or None
    warn = seconds_to_ms("inactivityWarn") or 0
    if limit is not None and warn >= limit:
        raise SettingsError([("inactivityWarn", "must be shorter than the inactivity limit")])
    return PanelSettings(game, limit, warn)


def initial_settings(values: Mapping[str, str | bool]) -> tuple[PanelSettings, str | None]:
    """The settings the lobby starts with (the panel, maybe pre-filled from ``?settings=``).

    Refused settings never stop the lobby: it starts with ``DEFAULT_PANEL`` and the second
    item is the message for the panel's status (as the Apply button shows it), else None.
    """
    try:
        return settings_from_form(values), None
    except SettingsError as exc:
        return DEFAULT_PANEL, f"{exc} (the lobby runs with the default settings)"


def format_duration(seconds: float) -> str:
    """``1:02:03`` for an hour or more, else ``2:03``."""
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def parse_game_url(raw: str | None, default: str) -> tuple[str, str]:
    """The game URL from ``?game=`` and its origin; only absolute http(s) URLs are taken.

    Falls back to ``default`` otherwise, so a crafted link cannot embed ``javascript:`` URLs.
    """
    for candidate in (raw, default):
        if not candidate:
            continue
        parts = urlsplit(candidate.strip())
        if parts.scheme in ("http", "https") and parts.netloc and "@" not in parts.netloc:
            return candidate.strip(), f"{parts.scheme}://{parts.netloc}"
    raise ValueError(f"no usable game URL (got {raw!r}, default {default!r})")
