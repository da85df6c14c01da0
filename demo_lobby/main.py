"""The demo operator lobby: embeds a game, drives it, and shows every message both ways.

Runs in PyScript. Session figures, the reality-check schedule and the inactivity rule are the
library's (``bridge.compliance.Supervisor``), driven by the settings panel; ``panel.py`` (pure,
unit-tested) turns the panel's fields into settings. This module is the view and the wiring.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import panel as panellib
from pyscript import document, when, window

from bridge import (
    DIALECT_NAMES,
    AudioToggle,
    AutoplayStarted,
    AutoplayStopped,
    Balance,
    Cashier,
    ClearCookies,
    Close,
    CloseData,
    CloseRequest,
    GameError,
    GameReady,
    HistoryRequest,
    JournalEntry,
    LoadProgress,
    LobbyBridge,
    LocalProtocolError,
    Message,
    Pause,
    ProtocolError,
    RealityCheck,
    RealityCheckAnswer,
    RealityCheckData,
    Reload,
    Resume,
    SetAudio,
    ShowHelp,
    Spin,
    StakeDown,
    StakeUp,
    Stop,
    StopAutoplay,
    Turbo,
    UpdateBalance,
    dump,
)
from bridge.compliance import (
    Action,
    CloseGame,
    GameSettings,
    InactivityCleared,
    LaunchMode,
    OpenHistory,
    SettingsError,
    ShowRealityCheck,
    Supervisor,
    WarnInactive,
    build_game_url,
)

DEFAULT_GAME_URL = "http://localhost:8001/demo_game/"
LOG_LIMIT = 600
NOTICE_LIMIT = 6
REQUEST_TIMEOUT_MS = 10_000
REALITY_CHECK_TIMEOUT_MS = 10 * 60_000  # the player may take a while to answer

# Commands without data: button -> message class.
SIMPLE_COMMANDS: dict[str, type[Message]] = {
    "spin": Spin,
    "stop": Stop,
    "stakeUp": StakeUp,
    "stakeDown": StakeDown,
    "stopAutoplay": StopAutoplay,
    "updateBalance": UpdateBalance,
    "showHelp": ShowHelp,
    "clearCookies": ClearCookies,
    "reload": Reload,
}
# Commands that are requests: the game's reply is shown under the buttons.
REQUEST_COMMANDS: dict[str, type[Message]] = {"pause": Pause, "resume": Resume, "close": Close}


def _query(name: str) -> str | None:
    value = window.URLSearchParams.new(window.location.search).get(name)
    return value if isinstance(value, str) else None  # JS null may arrive as ``jsnull``


def _el(element_id: str) -> Any:
    return document.getElementById(element_id)


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in params]
    query += list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def _clock_ms() -> float:
    return float(window.performance.now())


CURRENCY = "EUR"
LANGUAGE = "en"


class Lobby:
    def __init__(
        self, bridge: LobbyBridge, iframe: Any, game_url: str, extra: dict[str, str]
    ) -> None:
        self.bridge = bridge
        self.iframe = iframe
        self.base_game_url = game_url
        self.extra = extra  # launch parameters of the demo itself (dialect, seed)
        self.panel, refused = panellib.initial_settings(read_panel())
        if refused is not None:  # bad ?settings=: said as Apply says it, defaults used
            status = _el("settings-status")
            status.textContent = refused
            status.dataset.kind = "error"
        self.game_url = self.launch_url()
        # The session starts when the game says gameReady: nothing is scheduled while it loads.
        self.supervisor = self.new_supervisor(running=False)
        self.turbo = False
        self.audio_on = True
        self._log_count = 0
        self._tasks: set[asyncio.Future[Any]] = set()  # strong refs: the loop keeps weak ones

    def spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ settings and launch

    def launch_url(self) -> str:
        """The game URL with the launch parameters: mode, language, currency, our origin,
        the panel's Appendix C settings (``bridge.compliance.build_game_url``)."""
        return build_game_url(
            self.base_game_url,
            mode=LaunchMode.DEMO,
            language=LANGUAGE,
            currency=CURRENCY,
            lobby_origin=str(window.location.origin),
            settings=self.panel.game,
            extra=self.extra,
        )

    def new_supervisor(self, *, running: bool = True) -> Supervisor:
        """A fresh session; ``observe`` starts a running one at each ``gameReady``.

        Not running (while the game loads): figures only, no reality check, no inactivity.
        """
        if not running:
            return Supervisor(GameSettings(), currency=CURRENCY, clock=_clock_ms)
        return Supervisor(
            self.panel.game,
            currency=CURRENCY,
            clock=_clock_ms,
            inactivity_limit_ms=self.panel.inactivity_limit_ms,
            inactivity_warn_ms=self.panel.inactivity_warn_ms,
        )

    def apply_settings(self) -> None:
        """The panel's Apply: check the settings, then relaunch the game with them."""
        status = _el("settings-status")
        try:
            self.panel = panellib.settings_from_form(read_panel())
        except SettingsError as exc:
            status.textContent = str(exc)
            status.dataset.kind = "error"
            return
        status.textContent = "applied: the game relaunches with these settings"
        status.dataset.kind = "ok"
        self.game_url = self.launch_url()
        self.supervisor = self.new_supervisor(running=False)
        self.load_game()

    # ------------------------------------------------------------------ session supervision

    def observe(self, message: Message) -> None:
        """Every game message goes to the supervisor; a ``gameReady`` starts a new session."""
        if isinstance(message, GameReady):
            self.supervisor = self.new_supervisor()
        self.carry_out(self.supervisor.observe(message))

    def carry_out(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, ShowRealityCheck):
                self.spawn(self.scheduled_reality_check(RealityCheck(data=action.data)))
            elif isinstance(action, CloseGame):
                self.notice(f"Closing the game: {action.reason}.", "warn")
                self.spawn(self.request("close", action.reason))
            elif isinstance(action, OpenHistory):
                self.notice(f"Opening the game history: {action.url}")
                window.open(action.url, "_blank", "noopener")
            elif isinstance(action, WarnInactive):
                self.notice(
                    f"Inactive: the game closes in {action.remaining_ms / 1000:.0f} s "
                    "unless the player plays.",
                    "warn",
                )
            elif isinstance(action, InactivityCleared):
                self.notice("Activity again: the inactivity warning is withdrawn.")

    async def scheduled_reality_check(self, message: RealityCheck) -> None:
        played = panellib.format_duration(message.data.elapsed_seconds)
        _el("rc-scheduled").textContent = f"scheduled check shown after {played} of play"
        answer_el = _el("rc-answer")
        answer_el.textContent = "waiting for the player\u2026"
        answer_el.dataset.choice = ""
        try:
            answer = await self.bridge.request(message, timeout_ms=REALITY_CHECK_TIMEOUT_MS)
        except ProtocolError as exc:
            answer_el.textContent = f"no answer ({type(exc).__name__})"
            self.carry_out(self.supervisor.check_failed())
            return
        assert isinstance(answer, RealityCheckAnswer)
        # The supervisor saw the answer already (every message goes to observe): show it.
        answer_el.textContent = answer.data.choice.value
        answer_el.dataset.choice = answer.data.choice.value

    # ------------------------------------------------------------------ game frame

    def load_game(self) -> None:
        _el("game-loader").hidden = False
        _el("game-progress").style.width = "0%"
        _el("game-loader-text").textContent = "Loading game\u2026"
        _el("fatal-error").hidden = True
        self.iframe.src = self.game_url

    # ------------------------------------------------------------------ log

    def log(self, entry: Any) -> None:
        li = document.createElement("li")
        li.dataset.type = entry.type
        li.dataset.direction = entry.direction
        li.dataset.status = entry.status
        data = entry.payload.get("data") if isinstance(entry.payload, dict) else None
        payload = json.dumps(data, separators=(",", ":")) if data is not None else ""
        now = window.Date.new()
        stamp = f"{now.toLocaleTimeString('en-GB')}.{int(now.getMilliseconds()):03d}"
        li.innerHTML = (
            '<time></time><span class="dir"></span><span class="type"></span>'
            '<span class="data"></span><span class="status"></span>'
        )
        li.querySelector("time").textContent = stamp
        arrow = "\u2190 in" if entry.direction == "in" else "out \u2192"
        li.querySelector(".dir").textContent = arrow
        li.querySelector(".type").textContent = entry.type
        li.querySelector(".data").textContent = payload
        if entry.wire is not None:
            # A dialect translated it: show the aggregator's own form beside the typed one.
            wire = document.createElement("code")
            wire.className = "wire"
            wire.textContent = "wire " + json.dumps(entry.wire, separators=(",", ":"))
            li.querySelector(".data").append(wire)
        status = li.querySelector(".status")
        if entry.normalised:
            li.dataset.normalised = " ".join(entry.normalised)
            wire = document.createElement("code")
            wire.className = "wire"
            wire.textContent = "normalised " + " ".join(entry.normalised)
            li.querySelector(".data").append(wire)
        if entry.status == "rejected":
            status.textContent = f"rejected: {entry.reason}"
            status.title = entry.detail or entry.reason
            if entry.detail:
                li.querySelector(".data").textContent = entry.detail
        else:
            status.textContent = f"accepted{' via ' + entry.via if entry.via else ''}"
        li.dataset.search = f"{entry.type} {payload} {entry.reason} {entry.detail}".lower()
        log = _el("event-log")
        log.prepend(li)
        self.apply_filter(li)
        while log.childElementCount > LOG_LIMIT:
            log.lastElementChild.remove()
        self._log_count += 1
        _el("log-count").textContent = str(self._log_count)

    def apply_filter(self, li: Any | None = None) -> None:
        text = str(_el("log-filter").value).strip().lower()
        direction = str(_el("log-direction").value)
        rejected_only = bool(_el("log-rejected").checked)
        items = [li] if li is not None else list(_el("event-log").children)
        for item in items:
            visible = (
                (not text or text in str(item.dataset.search))
                and (not direction or item.dataset.direction == direction)
                and (not rejected_only or item.dataset.status == "rejected")
            )
            item.hidden = not visible

    def notice(self, text: str, kind: str = "info") -> None:
        li = document.createElement("li")
        li.className = kind
        li.textContent = text
        notices = _el("notices")
        notices.prepend(li)
        while notices.childElementCount > NOTICE_LIMIT:
            notices.lastElementChild.remove()

    # ------------------------------------------------------------------ status and counters

    def on_status(self, event: Any) -> None:
        status = event if isinstance(event, str) else event.status
        pill = _el("bridge-status")
        pill.textContent = status
        pill.dataset.status = status
        _el("bridge-mode").textContent = self.bridge.mode or "\u2013"
        if status == "connected":
            document.body.classList.remove("booting")

    def refresh(self) -> None:
        """Once a second: counters, session clock, reality-check form and timer."""
        stats = self.bridge.stats()
        requests = stats.get("requests", {})
        shown = {
            "accepted": stats.get("accepted", 0),
            "sent": stats.get("sent", 0),
            "rejected": stats.get("rejected_total", 0),
            "queued": stats.get("queued", 0),
            "requests ok": requests.get("ok", 0),
            "timed out": requests.get("timed_out", 0),
            "cancelled": requests.get("cancelled", 0),
            "handshakes": stats.get("handshakes", 0),
            # A plain game's loose forms, accepted after a rewrite (bridge.core.loose).
            "normalised": sum(stats.get("normalised", {}).values()),
        }
        dl = _el("stats")
        dl.innerHTML = ""
        for label, value in shown.items():
            box = document.createElement("div")
            box.dataset.stat = label.replace(" ", "_")
            box.dataset.nonzero = "1" if value else "0"
            box.innerHTML = "<dt></dt><dd></dd>"
            box.querySelector("dt").textContent = label
            box.querySelector("dd").textContent = str(value)
            dl.appendChild(box)
        self.carry_out(self.supervisor.poll())
        f = self.supervisor.tracker.figures()
        _el("session-clock").textContent = panellib.format_duration(f.elapsed_ms / 1000)
        net = _el("session-net")
        net.textContent = f"{f.net_result:+,.2f}"
        net.dataset.sign = "neg" if f.net_result < 0 else "pos"
        _el("session-rounds").textContent = str(f.rounds)
        if f.balance is not None:
            _el("game-balance").textContent = f"{f.balance:,.2f}"
        form = _el("rc-form")
        if form.elements.namedItem("live").checked:
            form.elements.namedItem("elapsed").value = f"{f.elapsed_ms / 60_000:.1f}"
            form.elements.namedItem("staked").value = f"{f.total_staked:.2f}"
            form.elements.namedItem("won").value = f"{f.total_won:.2f}"
        rc = self.supervisor.reality_check
        remaining = rc.remaining_ms()
        next_el = _el("rc-next")
        next_el.dataset.state = rc.state.value
        if remaining is None:
            next_el.textContent = "scheduled checks off"
        elif rc.state.value == "due":
            next_el.textContent = "due: waiting for the round to end"
        elif rc.state.value == "showing":
            next_el.textContent = "shown: clock held until the player answers"
        else:
            next_el.textContent = f"next in {panellib.format_duration(remaining / 1000)}"

    async def ticker(self) -> None:
        while self.bridge.status != "closed":
            try:
                self.refresh()
            except Exception as exc:  # a view glitch must not stop the timer
                window.console.error(f"lobby refresh: {exc!r}")
            await asyncio.sleep(1)

    # ------------------------------------------------------------------ commands

    def reply(self, text: str, kind: str = "") -> None:
        el = _el("command-reply")
        el.textContent = text
        el.dataset.kind = kind

    def send(self, message: Message) -> bool:
        """Send, or log why the bridge refused (e.g. the dialect has no form for it)."""
        try:
            self.bridge.send(message)
        except ProtocolError as exc:
            self.refused(message, exc)
            return False
        return True

    def refused(self, message: Message, exc: ProtocolError) -> None:
        entry = JournalEntry(
            "out", message.type, "rejected", dump(message), "", reason=exc.code, detail=exc.message
        )
        self.log(entry)
        self.reply(f"{message.type}: {exc.message}", "error")

    def command(self, name: str, button: Any) -> None:
        if name in SIMPLE_COMMANDS:
            if not self.send(SIMPLE_COMMANDS[name]()):
                return
            self.reply(f"sent {name}")
            if name == "clearCookies":  # the game is back to its defaults: turbo off, sound on
                self.turbo, self.audio_on = False, True
                for command, pressed in (("turbo", "false"), ("setAudio", "true")):
                    toggle = document.querySelector(f'[data-command="{command}"]')
                    toggle.setAttribute("aria-pressed", pressed)
        elif name == "turbo":
            self.turbo = not self.turbo
            self.send(Turbo(data=self.turbo))
            button.setAttribute("aria-pressed", str(self.turbo).lower())
            self.reply(f"sent turbo({str(self.turbo).lower()})")
        elif name == "setAudio":
            self.audio_on = not self.audio_on
            self.send(SetAudio(data=self.audio_on))
            button.setAttribute("aria-pressed", str(self.audio_on).lower())
            self.reply(f"sent setAudio({str(self.audio_on).lower()})")
        elif name in REQUEST_COMMANDS:
            self.spawn(self.request(name))

    async def request(self, name: str, reason: str | None = None) -> None:
        self.reply(f"{name}: waiting for the game\u2026")
        message = Close(data=CloseData(reason=reason)) if reason else REQUEST_COMMANDS[name]()
        try:
            answer = await self.bridge.request(message, timeout_ms=REQUEST_TIMEOUT_MS)
        except LocalProtocolError as exc:  # e.g. not expressible in the dialect
            self.refused(message, exc)
            return
        except ProtocolError as exc:  # timeout, cancelled
            self.reply(f"{name}: {type(exc).__name__}: {exc}", "error")
            return
        self.reply(f"{name} \u2192 {answer.type}", "ok")
        if name == "close":
            self.notice("The game closed. Use reload to open it again.", "warn")

    def reality_check_message(self) -> RealityCheck:
        form = _el("rc-form")

        def number(field: str) -> float:
            raw = str(form.elements.namedItem(field).value or "0")
            return float(raw)

        staked, won = number("staked"), number("won")
        data = RealityCheckData(
            elapsed_seconds=round(number("elapsed") * 60, 3),
            total_staked=staked,
            total_won=won,
            net_result=round(won - staked, 2),  # always agrees with the two shown
            currency=str(form.elements.namedItem("currency").value or "EUR").strip().upper(),
        )
        return RealityCheck(data=data)

    async def send_reality_check(self) -> None:
        answer_el = _el("rc-answer")
        try:
            message = self.reality_check_message()
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            answer_el.textContent = f"invalid figures: {exc}".splitlines()[0]
            answer_el.dataset.choice = ""
            return
        answer_el.textContent = "waiting for the player\u2026"
        answer_el.dataset.choice = ""
        try:
            answer = await self.bridge.request(message, timeout_ms=REALITY_CHECK_TIMEOUT_MS)
        except ProtocolError as exc:
            answer_el.textContent = f"no answer ({type(exc).__name__})"
            return
        assert isinstance(answer, RealityCheckAnswer)
        choice = answer.data.choice.value
        answer_el.textContent = choice
        answer_el.dataset.choice = choice
        if choice == "quit":
            self.notice("Player chose to quit at the reality check.", "warn")
        elif choice == "history":
            self.notice("Player asked for the game history at the reality check.")


def wire_game_events(lobby: Lobby) -> None:
    """React to what the game reports."""

    def on_progress(msg: LoadProgress) -> None:
        _el("game-progress").style.width = f"{msg.data.percent:.0f}%"

    def on_ready(_: GameReady) -> None:
        _el("game-loader").hidden = True
        _el("fatal-error").hidden = True  # a (re)loaded game starts clean

    def on_balance(msg: Balance) -> None:
        _el("game-balance").textContent = f"{msg.data:,.2f}"

    def on_error(msg: GameError) -> None:
        d = msg.data
        if d.fatal:
            _el("fatal-error-text").textContent = f"[{d.code.value}] {d.message}"
            _el("fatal-error").hidden = False
        else:
            lobby.notice(f"Game error (recoverable) [{d.code.value}]: {d.message}", "warn")

    def on_cashier(_: Cashier) -> None:
        lobby.notice("Cashier: the player is short of funds (updateBalance credits a deposit).")

    def on_audio(msg: AudioToggle) -> None:
        lobby.audio_on = not msg.data
        button = document.querySelector('[data-command="setAudio"]')
        button.setAttribute("aria-pressed", str(lobby.audio_on).lower())

    handlers: dict[type[Message], Any] = {
        LoadProgress: on_progress,
        GameReady: on_ready,
        Balance: on_balance,
        GameError: on_error,
        Cashier: on_cashier,
        AudioToggle: on_audio,
        CloseRequest: lambda _: lobby.notice("The player asked to leave the game."),
        HistoryRequest: lambda _: lobby.notice("The player asked for the game history."),
        AutoplayStarted: lambda m: lobby.notice(f"Autoplay started ({m.data.rounds} rounds)."),
        AutoplayStopped: lambda m: lobby.notice(f"Autoplay stopped ({m.data.reason})."),
    }
    for cls, handler in handlers.items():
        lobby.bridge.on(cls, handler)
    lobby.bridge.on_any(lobby.observe)


def wire_controls(lobby: Lobby) -> None:
    @when("click", "#commands [data-command]")
    def _command(event: Any) -> None:
        button = event.currentTarget
        lobby.command(str(button.dataset.command), button)

    @when("change", "#dialect")
    def _dialect(event: Any) -> None:
        # A dialect is chosen at launch: reload lobby and game speaking the new one.
        here = str(window.location.href)
        window.location.href = with_query(here, dialect=str(event.target.value))

    @when("submit", "#rc-form")
    def _reality_check(event: Any) -> None:
        # Synchronous on purpose: preventDefault must run before the event returns, or the
        # browser submits the form and navigates the lobby away.
        event.preventDefault()
        lobby.spawn(lobby.send_reality_check())

    @when("submit", "#settings-form")
    def _settings(event: Any) -> None:
        event.preventDefault()  # synchronously, or the browser submits the form
        lobby.apply_settings()

    @when("input", "#rc-form [name=elapsed], #rc-form [name=staked], #rc-form [name=won]")
    def _edited(_: Any) -> None:
        # The operator typed a figure: stop overwriting the form with live session values.
        _el("rc-form").elements.namedItem("live").checked = False

    @when("input", "#log-filter")
    def _filter_text(_: Any) -> None:
        lobby.apply_filter()

    @when("change", "#log-direction, #log-rejected")
    def _filter_other(_: Any) -> None:
        lobby.apply_filter()

    @when("click", "#fatal-reload")
    def _reload(_: Any) -> None:
        lobby.load_game()


def read_panel() -> dict[str, str | bool]:
    """The settings panel's fields, by name (checkboxes as bools)."""
    values: dict[str, str | bool] = {}
    for field in _el("settings-form").elements:
        name = str(field.name or "")
        if name:
            values[name] = bool(field.checked) if field.type == "checkbox" else str(field.value)
    return values


def prefill_panel(raw: str | None) -> None:
    """``?settings=<json>`` on the lobby's own URL pre-fills the panel (seconds as typed)."""
    if not raw:
        return
    try:
        given = json.loads(raw)
    except ValueError:
        return
    if not isinstance(given, dict):
        return
    form = _el("settings-form")
    for name, value in given.items():
        field = form.elements.namedItem(str(name))
        if field is None:
            continue
        if field.type == "checkbox":
            field.checked = bool(value)
        else:
            field.value = str(value)


async def main() -> None:
    game_url, game_origin = panellib.parse_game_url(_query("game"), DEFAULT_GAME_URL)
    # Tell the game who embeds it (a real game checks this against its operator list) and
    # pass the demo seed through.
    dialect = _query("dialect") or "appendix_a"
    if dialect not in (*DIALECT_NAMES, "auto"):  # auto: the game page's own wire, picked
        dialect = "appendix_a"
    _el("dialect").value = dialect
    extra = {"dialect": dialect}
    if seed := _query("seed"):
        extra["seed"] = seed
    prefill_panel(_query("settings"))
    iframe = _el("game-frame")
    # The bridge listens before the frame starts loading, so the game's first hello is heard.
    # The session's currency: RubyPlay's minor units convert with its ISO 4217 exponent.
    bridge = LobbyBridge(iframe, game_origin=game_origin, dialect=dialect, currency=CURRENCY)
    lobby = Lobby(bridge, iframe, game_url, extra)
    bridge.on_journal(lobby.log)
    bridge.on_status(lobby.on_status)
    lobby.on_status(bridge.status)
    wire_game_events(lobby)
    wire_controls(lobby)
    lobby.load_game()
    lobby.spawn(lobby.ticker())


await main()  # noqa: F704  (PyScript runs the module with top-level await)
