"""A compliance ``Supervisor`` run on one lobby bridge, by the bridge itself.

Used by the JS API's engine (``HiziBridge.lobby({compliance})``, ``bridge.supervise()``)
and by the Python API (``LobbyBridge.supervise()``): one implementation, in Python, for both.

* **Fed** by every message the bridge delivers (the game's messages, in order) and by the
  bridge's clock: the supervisor's next deadline is folded into the bridge's one timer
  (``hub.Driver.set_ticker``, ``bridge.timer``), so no second timer runs.
* **Carries out** what is protocol: ``ShowRealityCheck`` sends the ``realityCheck`` request
  itself (never inside a round: the scheduler waits for ``roundEnded``; no timeout, a person
  answers; a failed request, e.g. the game page went away, counts again from now);
  ``CloseGame`` sends the ``close`` request.
* **Reports** every action to ``report`` (the JS API's ``onCompliance`` handlers get it as
  a plain object, ``action_to_dict``; the Python API's ``on_compliance`` handlers get the
  ``bridge.compliance`` action itself): what is not protocol (a warning on screen, removing
  the frame, opening ``historyURL``) is the lobby's to do.

A session runs only while the game is there: it starts when the bridge is ``connected`` (at once
if it already is when supervision starts) and again at each ``gameReady`` (a new game page is a
new session, as in the demo lobby): figures back to zero, the reality-check interval and the
inactivity count from then. While the bridge is not connected (still handshaking, ``error``: the
game never came, ``closed``, or a reloading game page) no session runs: no reality check, no
inactivity step is due, nothing is reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..compliance import (
    Action,
    CloseGame,
    GameSettings,
    InactivityCleared,
    OpenHistory,
    SettingsError,
    ShowRealityCheck,
    Supervisor,
    WarnInactive,
)
from ..core.errors import ProtocolError
from ..core.fields import Currency
from ..core.messages import Close, CloseData, GameReady, Message, RealityCheck
from ..dispatcher import StatusEvent
from ..hub import Driver

Report = Callable[[Action], None]

OPTION_KEYS = ("settings", "currency", "inactivityLimitMs", "inactivityWarnMs")
_CURRENCY: TypeAdapter[str] = TypeAdapter(Currency)


class ComplianceConfigError(ValueError):
    """Invalid ``compliance`` options; ``field`` is the path of the refused value, e.g.
    ``compliance.settings.rcInterval`` (the message names it too)."""

    def __init__(self, field: str, why: str, *, message: str | None = None) -> None:
        self.field = field
        super().__init__(message or f"{field}: {why}")


@dataclass(frozen=True, slots=True)
class ComplianceOptions:
    """What supervision runs with: Appendix C settings (the reality check), the session's
    currency, and the operator's inactivity rule (off without a limit)."""

    settings: GameSettings
    currency: str
    inactivity_limit_ms: float | None = None
    inactivity_warn_ms: float = 0.0

    @classmethod
    def parse(cls, value: object, path: str = "compliance") -> ComplianceOptions:
        """From the JS API's camelCase object (a ``dict``, or JSON text); raises
        ``ComplianceConfigError`` naming the option or the setting."""
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ComplianceConfigError(path, "not valid JSON") from None
        if not isinstance(value, dict):
            raise ComplianceConfigError(path, "expected an object")
        for key in value:
            if key not in OPTION_KEYS:
                known = ", ".join(OPTION_KEYS)
                raise ComplianceConfigError(f"{path}.{key}", f"not a compliance option ({known})")
        try:
            settings = GameSettings.parse(value.get("settings", {}))
        except SettingsError as exc:
            name = exc.settings[0] if exc.settings else "settings"
            where = f"{path}.settings" if name == "settings" else f"{path}.settings.{name}"
            # "compliance.settings: rcInterval: required when rcEnabled is true"
            message = f"{path}.settings: {exc}"
            raise ComplianceConfigError(where, str(exc), message=message) from None
        if "currency" not in value:
            raise ComplianceConfigError(f"{path}.currency", "required (ISO 4217, e.g. EUR)")
        try:
            currency = _CURRENCY.validate_python(value["currency"])
        except ValidationError:
            raise ComplianceConfigError(f"{path}.currency", "not an ISO 4217 code") from None
        limit = _millis(value.get("inactivityLimitMs"), f"{path}.inactivityLimitMs")
        warn = _millis(value.get("inactivityWarnMs"), f"{path}.inactivityWarnMs") or 0.0
        if limit is None and warn:
            raise ComplianceConfigError(f"{path}.inactivityWarnMs", "needs inactivityLimitMs")
        if limit is not None and not (limit > 0 and warn < limit):
            raise ComplianceConfigError(
                f"{path}.inactivityWarnMs", "need 0 <= inactivityWarnMs < inactivityLimitMs"
            )
        return cls(settings, currency, limit, warn)

    def supervisor(self, clock: Callable[[], float]) -> Supervisor:
        return Supervisor(
            self.settings,
            currency=self.currency,
            clock=clock,
            inactivity_limit_ms=self.inactivity_limit_ms,
            inactivity_warn_ms=self.inactivity_warn_ms,
        )


def _millis(value: object, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ComplianceConfigError(field, "must be a number of ms >= 0")
    return float(value)


def action_to_dict(action: Action) -> dict[str, Any]:
    """The plain object ``onCompliance`` handlers get: ``{kind, ...}`` (camelCase)."""
    if isinstance(action, ShowRealityCheck):
        data = action.data.model_dump(mode="json", by_alias=True, exclude_none=True)
        return {"kind": "realityCheck", "data": data}
    if isinstance(action, CloseGame):
        return {"kind": "closeGame", "reason": action.reason}
    if isinstance(action, OpenHistory):
        return {"kind": "openHistory", "url": action.url}
    if isinstance(action, WarnInactive):
        return {"kind": "warnInactive", "remainingMs": action.remaining_ms}
    if isinstance(action, InactivityCleared):
        return {"kind": "inactivityCleared"}
    raise TypeError(f"not a compliance action: {action!r}")


class Supervision:
    """A ``Supervisor`` bound to one bridge's ``Driver`` (see the module docstring).

    ``clock_ms``: the supervisor's clock, ms; by default the channel's (seconds) times 1000,
    so tests that drive the channel's clock drive this one too.
    """

    def __init__(
        self,
        driver: Driver,
        options: ComplianceOptions,
        report: Report,
        *,
        clock_ms: Callable[[], float] | None = None,
    ) -> None:
        self._driver = driver
        self._report = report
        channel = driver.channel
        self._clock_ms = clock_ms or (lambda: channel.now() * 1000)
        self.options = options
        self.supervisor = options.supervisor(self._clock_ms)
        self.checks_failed = 0
        self._stopped = False
        # A session runs only while the game is there (see the module docstring).
        self.active = driver.status == "connected"
        unsubscribe = driver.dispatcher.on_any(self._observe)
        unsubscribe_status = driver.dispatcher.on_status(self._status)
        self._unsubscribes: list[Callable[[], None]] = [unsubscribe, unsubscribe_status]
        driver.set_ticker(self)

    def configure(self, options: ComplianceOptions) -> None:
        """New options: a new session from now (a reality check being shown stays pending:
        its answer is still sent by the game, and then ignored)."""
        self.options = options
        self.supervisor = options.supervisor(self._clock_ms)
        self._driver.reschedule()

    def stop(self) -> None:
        """No more supervision on this bridge (the timer forgets our deadline)."""
        if self._stopped:
            return
        self._stopped = True
        while self._unsubscribes:
            self._unsubscribes.pop()()
        if self._driver.ticker is self:
            self._driver.set_ticker(None)

    # ---------------------------------------------------------------- timer.Ticker

    def next_deadline(self) -> float | None:
        """In the channel's clock (seconds)."""
        due = None if self._stopped or not self.active else self.supervisor.next_deadline()
        return None if due is None else due / 1000

    def tick(self) -> None:
        if not self._stopped and self.active:
            self._carry_out(self.supervisor.poll())

    # ---------------------------------------------------------------- internals

    def _status(self, event: StatusEvent) -> None:
        if self._stopped:
            return
        if event.status == "connected":
            if not self.active:
                self.active = True
                self.supervisor = self.options.supervisor(self._clock_ms)  # a new session
        else:
            self.active = False  # handshaking again, error or closed: no game playing
        # Status events come from inside the driver's run, which re-arms the timer after.

    def _observe(self, message: Message) -> None:
        if self._stopped:
            return
        if isinstance(message, GameReady):
            self.active = True
            self.supervisor = self.options.supervisor(self._clock_ms)  # a new session
        if self.active:
            self._carry_out(self.supervisor.observe(message))

    def _carry_out(self, actions: list[Action]) -> None:
        for action in actions:
            if self._stopped:
                return
            self._report(action)
            if isinstance(action, ShowRealityCheck):
                self._ask(RealityCheck(data=action.data), self._check_done)
            elif isinstance(action, CloseGame):
                self._ask(Close(data=CloseData(reason=action.reason[:200])), None)

    def _ask(
        self,
        message: Message,
        done: Callable[[Message | None, ProtocolError | None], None] | None,
    ) -> None:
        if self._driver.status == "closed":
            return
        self._driver.request(message, None, done or _ignore)

    def _check_done(self, response: Message | None, error: ProtocolError | None) -> None:
        # The answer itself reached the supervisor through _observe (delivered first).
        if error is not None and not self._stopped:
            self.checks_failed += 1
            self._carry_out(self.supervisor.check_failed())


def _ignore(response: Message | None, error: ProtocolError | None) -> None:
    return None
