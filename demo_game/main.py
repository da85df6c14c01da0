"""Hizi Sevens: the demo game page, a three-reel slot talking to its lobby over hizi-bridge.

Runs in PyScript. The maths lives in ``slot.py`` (pure, unit-tested); this module is the view
and the bridge wiring: every game -> lobby message is sent where a real game would send it, and
every lobby -> game message is obeyed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import slot as slotlib
from pyscript import document, when, window

from bridge import (
    DIALECT_NAMES,
    AudioToggle,
    AutoplayStarted,
    AutoplayStartedData,
    AutoplayStopped,
    AutoplayStoppedData,
    Balance,
    Cashier,
    ClearCookies,
    Close,
    CloseRequest,
    Continue,
    ErrorCode,
    ErrorData,
    GameBridge,
    GameClosed,
    GameDataLoaded,
    GameError,
    GamePaused,
    GameReady,
    GameResumed,
    HideHelp,
    HistoryRequest,
    JournalEntry,
    LoadProgress,
    LoadProgressData,
    Message,
    OnAppFrameReady,
    Pause,
    PlayerActivity,
    PlayerActivityData,
    ProtocolError,
    RealityCheck,
    RealityCheckAnswer,
    RealityCheckAnswerData,
    Reload,
    Resume,
    Role,
    RoundEnded,
    RoundEndedData,
    RoundStarted,
    RubyPlay,
    SetAudio,
    SetStake,
    ShowError,
    ShowHelp,
    Spin,
    StakeChanged,
    StakeChangedData,
    StakeDown,
    StakeUp,
    Stop,
    StopAutoplay,
    ToggleAudio,
    ToggleTurbo,
    Turbo,
    UpdateBalance,
    dump,
    not_given,
)
from bridge.compliance import GameSettings, LaunchError, LaunchParams, read_launch

DEFAULT_LOBBY_ORIGIN = "http://127.0.0.1:8000"
# The studio's allow-list of lobbies that may embed the game: the lobby= launch parameter is
# checked against it (bridge.compliance.read_launch) and never trusted as it comes.
# Demo only: the demo and its tests run the lobby on 127.0.0.1 with a port picked at run time,
# and an operator tries it from a dev server (Vite's http://localhost:5173), hence the loopback
# any-port patterns (development only; they match no other host). A real game lists its
# operators' origins (exact, or https://*.casino.example patterns), no more.
STUDIO_LOBBIES = ("https://*.casino.example", "http://127.0.0.1:*", "http://localhost:*")
DEMO_DEPOSIT_CENTS = 100_00
LOG_LIMIT = 400
SETTINGS_PREFIX = "hizi-sevens."
CURRENCY = "EUR"
GAME_ID = "hizi_sevens"  # what a RubyPlay wrapper sees as the sender


def _query(name: str) -> str | None:
    value = window.URLSearchParams.new(window.location.search).get(name)
    # JS null may arrive as pyodide's ``jsnull`` rather than None: accept only real strings.
    return value if isinstance(value, str) else None


def _el(element_id: str) -> Any:
    return document.getElementById(element_id)


class Game:
    """View state and behaviour of the slot page."""

    def __init__(
        self, bridge: GameBridge, slot: slotlib.Slot, settings: GameSettings | None = None
    ) -> None:
        self.bridge = bridge
        self.dialect = "appendix_a"  # the wire the lobby speaks (?dialect=)
        self.slot = slot
        self.settings = settings or GameSettings()  # Appendix C, from the launch URL
        self.busy = False  # a round is in progress
        self.paused = False
        self.closed = False
        self.fatal = False
        self.ready = False
        # The operator's turboEnabled=false wins over the player's stored choice.
        self.turbo = self.settings.turbo_enabled and self._setting("turbo") == "1"
        self.muted = self._setting("muted") == "1"
        self.quick_stop = False
        self.autoplay_task: asyncio.Task[None] | None = None
        self.autoplay_stop_reason: str | None = None
        self.reload_after_round = False
        self.rc_open = False
        self._audio: Any = None
        self._tasks: set[asyncio.Future[Any]] = set()  # strong refs: the loop keeps weak ones
        self._log_count = 0

    # ------------------------------------------------------------------ helpers

    def spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def send(self, message: Message) -> None:
        try:
            self.bridge.send(message)
        except ProtocolError as exc:
            # e.g. a dialect with no form for this message: show it, keep playing.
            self.log(
                JournalEntry(
                    "out",
                    message.type,
                    "rejected",
                    dump(message),
                    "",
                    reason=exc.code,
                    detail=exc.message,
                )
            )

    def activity(self, action: str) -> None:
        self.send(PlayerActivity(data=PlayerActivityData(action=action)))

    # Settings live in localStorage when the browser allows it; a cross-site iframe with
    # third-party storage blocked gets a SecurityError, and the game then simply forgets.
    @staticmethod
    def _setting(key: str) -> str | None:
        try:
            value = window.localStorage.getItem(SETTINGS_PREFIX + key)
        except Exception:
            return None
        return value if isinstance(value, str) else None

    @staticmethod
    def _store(key: str, value: str | None) -> None:
        try:
            if value is None:
                window.localStorage.removeItem(SETTINGS_PREFIX + key)
            else:
                window.localStorage.setItem(SETTINGS_PREFIX + key, value)
        except Exception:
            pass

    @property
    def can_play(self) -> bool:
        return self.ready and not (
            self.busy or self.paused or self.closed or self.fatal or self.rc_open
        )

    def say(self, text: str, kind: str = "") -> None:
        msg = _el("message")
        msg.textContent = text
        msg.dataset.kind = kind

    # ------------------------------------------------------------------ rendering

    def render(self) -> None:
        balance = _el("balance")
        balance.textContent = f"{self.slot.balance_cents / 100:,.2f}"
        balance.dataset.cents = str(self.slot.balance_cents)
        _el("stake").textContent = f"{self.slot.stake_cents / 100:.2f}"
        idle = self.can_play and self.autoplay_task is None
        _el("spin").disabled = not idle
        _el("stake-up").disabled = not idle
        _el("stake-down").disabled = not idle
        auto = _el("autoplay")
        auto.textContent = "Stop" if self.autoplay_task is not None else "Start"
        auto.disabled = not (idle or self.autoplay_task is not None)
        if not self.settings.autoplay_enabled:
            auto.disabled = True
            auto.title = "Autoplay is disabled by the operator"
        _el("turbo").disabled = not self.settings.turbo_enabled
        _el("turbo").setAttribute("aria-pressed", "true" if self.turbo else "false")
        _el("sound").setAttribute("aria-pressed", "false" if self.muted else "true")
        _el("sound").textContent = "Muted" if self.muted else "Sound"
        document.body.classList.toggle("turbo", self.turbo)
        document.body.classList.toggle("paused", self.paused)

    def show_overlay(self, title: str, text: str, kind: str = "") -> None:
        overlay = _el("overlay")
        _el("overlay-title").textContent = title
        _el("overlay-text").textContent = text
        overlay.dataset.kind = kind
        overlay.hidden = False

    def hide_overlay(self) -> None:
        _el("overlay").hidden = True

    def render_reel(self, index: int, position: int) -> None:
        strip = slotlib.REELS[index]
        reel = document.querySelector(f'.reel[data-reel="{index}"]')
        cells = reel.querySelectorAll(".sym")
        for offset, cell in zip(
            (-1, 0, 1), (cells.item(0), cells.item(1), cells.item(2)), strict=True
        ):
            sym = strip[(position + offset) % len(strip)]
            cell.textContent = slotlib.SYMBOLS[sym][0]
            cell.dataset.sym = sym

    def log(self, entry: Any) -> None:
        """One ``li`` per journal entry: the page's own view of the bridge traffic."""
        li = document.createElement("li")
        li.dataset.type = entry.type
        li.dataset.direction = entry.direction
        li.dataset.status = entry.status
        arrow = "\u2190" if entry.direction == "in" else "\u2192"
        data = entry.payload.get("data") if isinstance(entry.payload, dict) else None
        detail = json.dumps(data, separators=(",", ":")) if data is not None else ""
        if entry.status == "rejected":
            detail = f"rejected: {entry.reason} {entry.detail}".strip()
        stamp = window.Date.new().toLocaleTimeString("en-GB")
        li.innerHTML = (
            f'<time>{stamp}</time><span class="dir">{arrow}</span>'
            f'<span class="type"></span><span class="data"></span>'
        )
        li.querySelector(".type").textContent = entry.type
        li.querySelector(".data").textContent = detail
        log = _el("event-log")
        log.prepend(li)
        while log.childElementCount > LOG_LIMIT:
            log.lastElementChild.remove()
        self._log_count += 1
        _el("log-count").textContent = str(self._log_count)

    def on_status(self, event: Any) -> None:
        """``event`` is the bridge's StatusEvent (or the initial status text)."""
        status = event if isinstance(event, str) else event.status
        pill = _el("bridge-status")
        pill.textContent = status
        pill.dataset.status = status
        pill.title = f"bridge mode: {self.bridge.mode or '-'}"

    # ------------------------------------------------------------------ sound

    def beep(self, freq: float, ms: float = 90) -> None:
        if self.muted:
            return
        try:
            if self._audio is None:
                self._audio = window.AudioContext.new()
            ctx = self._audio
            osc = ctx.createOscillator()
            gain = ctx.createGain()
            osc.frequency.value = freq
            gain.gain.value = 0.05
            osc.connect(gain)
            gain.connect(ctx.destination)
            osc.start()
            osc.stop(ctx.currentTime + ms / 1000)
        except Exception:  # sound is decoration; never break a round over it
            self._audio = None

    # ------------------------------------------------------------------ boot

    async def boot(self) -> None:
        """The loading sequence a real game reports: frame ready, progress, login, ready."""
        self.send(OnAppFrameReady())
        bar = document.querySelector("#load-progress > div")
        for percent in (10, 35, 70, 100):
            self.send(LoadProgress(data=LoadProgressData(percent=percent)))
            bar.style.width = f"{percent}%"
            await asyncio.sleep(0.05)  # stands in for fetching assets
        self.send(GameDataLoaded())  # the "login" call succeeded
        for i in range(3):
            self.render_reel(i, i * 5)
        self.fill_help()
        self.ready = True
        _el("load-progress").hidden = True
        document.body.classList.remove("booting")
        self.render()
        self.send(Balance(data=slotlib.to_major(self.slot.balance_cents)))
        self.send(GameReady())
        self.say("Good luck!")

    def fill_help(self) -> None:
        _el("rtp").textContent = f"{slotlib.return_to_player() * 100:.1f} %"
        body = document.querySelector("#paytable tbody")
        for glyph, name, mult in slotlib.paytable_rows():
            sym = next(k for k, v in slotlib.SYMBOLS.items() if v[1] == name)
            tr = document.createElement("tr")
            tr.innerHTML = f'<td class="glyph" data-sym="{sym}"></td><td></td><td>{mult}</td>'
            tr.children.item(0).textContent = glyph
            tr.children.item(1).textContent = name
            body.appendChild(tr)

    # ------------------------------------------------------------------ rounds

    def round_started(self, after_stake: float) -> RoundStarted:
        # RubyPlay's paidRoundStarted carries no balance: say "not given" and send the
        # balance as its own message (play_round does), rather than have it refused.
        if self.dialect == "rubyplay":
            return not_given(RoundStarted)
        return RoundStarted(data=after_stake)

    def round_ended(self, stake: float, win: float, balance: float) -> RoundEnded:
        # What each studio's round-end message can carry; the balance went as balance.
        if self.dialect == "rubyplay":
            return RoundEnded(data=RoundEndedData(win=win))
        if self.dialect == "155io":
            return RoundEnded(data=RoundEndedData(win=win, balance=balance))
        return RoundEnded(data=RoundEndedData(stake=stake, win=win, balance=balance))

    async def play_round(self) -> bool:
        """One paid round: stake, animate, pay. False when it could not start."""
        if not self.can_play:
            return False
        if not self.slot.can_afford():
            self.say("Not enough funds for this stake.", "warn")
            self.send(Cashier())
            return False
        self.busy = True
        self.quick_stop = False
        self.render()
        result = self.slot.spin()
        after_stake = slotlib.to_major(result.balance_after_stake_cents)
        self.send(self.round_started(after_stake))
        self.show_balance(result.balance_after_stake_cents)
        self.send(Balance(data=after_stake))
        self.say("Spinning\u2026")
        started = window.performance.now()
        await self.animate(result)
        # Appendix C's minSpinTime: a round never takes less than this (ms).
        left_ms = self.settings.min_spin_time - (window.performance.now() - started)
        if left_ms > 0:
            await asyncio.sleep(left_ms / 1000)
        if result.is_win:
            self.show_balance(result.balance_cents)
            self.send(Balance(data=slotlib.to_major(result.balance_cents)))
            self.say(f"WIN {slotlib.format_money(result.win_cents, CURRENCY)}!", "win")
            self.beep(880, 200)
        else:
            self.say("No win this time.")
        # The extension fields make the lobby's session figures exact.
        stake = slotlib.to_major(result.stake_cents)
        win = slotlib.to_major(result.win_cents)
        balance = slotlib.to_major(result.balance_cents)
        self.send(self.round_ended(stake, win, balance))
        self.busy = False
        self.render()
        if self.reload_after_round:
            window.location.reload()
        return True

    def show_balance(self, cents: int) -> None:
        el = _el("balance")
        el.textContent = f"{cents / 100:,.2f}"
        el.dataset.cents = str(cents)

    async def animate(self, result: slotlib.SpinResult) -> None:
        """Scroll the strips, then land each reel in turn on its stop."""
        tick = 0.04
        first, step = (0.15, 0.1) if self.turbo else (0.6, 0.35)
        stop_at = [first + i * step for i in range(3)]
        positions = [(s + 7) % len(slotlib.REELS[i]) for i, s in enumerate(result.stops)]
        stopped = [False, False, False]
        reels = [document.querySelector(f'.reel[data-reel="{i}"]') for i in range(3)]
        for reel in reels:
            reel.classList.add("spinning")
        elapsed = 0.0
        while not all(stopped):
            for i in range(3):
                if stopped[i]:
                    continue
                if self.quick_stop or elapsed >= stop_at[i]:
                    stopped[i] = True
                    self.render_reel(i, result.stops[i])
                    reels[i].classList.remove("spinning")
                    self.beep(220 + 110 * i, 50)
                else:
                    positions[i] = (positions[i] + 1) % len(slotlib.REELS[i])
                    self.render_reel(i, positions[i])
            await asyncio.sleep(tick)
            elapsed += tick

    async def wait_round(self) -> None:
        while self.busy:
            await asyncio.sleep(0.05)

    async def autoplay(self, rounds: int) -> None:
        self.autoplay_stop_reason = None
        self.send(AutoplayStarted(data=AutoplayStartedData(rounds=rounds)))
        reason = "finished"
        try:
            done = 0
            while done < rounds:
                if self.autoplay_stop_reason is not None:
                    reason = self.autoplay_stop_reason
                    break
                if self.closed or self.fatal:
                    reason = "closed" if self.closed else "error"
                    break
                if self.paused or self.rc_open or self.busy:
                    await asyncio.sleep(0.1)
                    continue
                if not self.slot.can_afford():
                    reason = "insufficient_funds"
                    self.send(Cashier())
                    break
                if await self.play_round():
                    done += 1
                _el("autoplay").textContent = f"Stop ({rounds - done})"
                await asyncio.sleep(0.1 if self.turbo else 0.45)
        finally:
            self.autoplay_task = None
            self.send(AutoplayStopped(data=AutoplayStoppedData(reason=reason)))
            self.render()

    def start_autoplay(self) -> None:
        raw = _el("autoplay-rounds").value
        try:
            rounds = max(1, min(100, int(raw)))
        except ValueError:
            rounds = 10
        self.autoplay_task = asyncio.ensure_future(self.autoplay(rounds))
        self.render()

    def stop_autoplay(self, reason: str) -> None:
        if self.autoplay_task is not None:
            self.autoplay_stop_reason = reason

    # ------------------------------------------------------------------ settings

    def stake_changed(self) -> None:
        stake = slotlib.to_major(self.slot.stake_cents)
        self.send(StakeChanged(data=StakeChangedData(stake=stake, currency=CURRENCY)))
        self.render()

    def set_turbo(self, on: bool) -> None:
        if on and not self.settings.turbo_enabled:
            self.say("Turbo is disabled by the operator.", "warn")
            on = False
        self.turbo = on
        self._store("turbo", "1" if on else "0")
        self.render()

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        self._store("muted", "1" if muted else "0")
        self.render()

    # ------------------------------------------------------------------ errors

    def report_error(self, code: ErrorCode, exc: BaseException, *, fatal: bool) -> None:
        text = f"{type(exc).__name__}: {exc}"
        self.send(GameError(data=ErrorData(code=code, message=text[:2000], fatal=fatal)))
        if fatal:
            self.fatal = True
            self.stop_autoplay("error")
            self.show_overlay("Something went wrong", text, "fatal")
            self.render()
        else:
            self.say(f"{text} \u2014 retrying", "warn")

    # ------------------------------------------------------------------ reality check

    def show_reality_check(self, msg: RealityCheck) -> None:
        d = msg.data
        minutes, seconds = divmod(int(d.elapsed_seconds), 60)
        hours, minutes = divmod(minutes, 60)
        _el("rc-elapsed").textContent = (
            f"{hours} h {minutes} min" if hours else f"{minutes} min {seconds} s"
        )
        # Without the figures (the operator's rcDisplayWinLoss is false) only the time shows.
        _el("rc-figures").hidden = not d.shows_win_loss
        if d.total_staked is not None and d.total_won is not None and d.net_result is not None:
            _el("rc-staked").textContent = f"{d.total_staked:,.2f} {d.currency}"
            _el("rc-won").textContent = f"{d.total_won:,.2f} {d.currency}"
            net = _el("rc-net")
            net.textContent = f"{d.net_result:+,.2f} {d.currency}"
            net.dataset.sign = "neg" if d.net_result < 0 else "pos"
        dialog = _el("reality-check")
        if not dialog.open:
            dialog.showModal()
        self.rc_open = True
        self.render()

    def answer_reality_check(self, choice: str) -> None:
        _el("reality-check").close()
        self.rc_open = False
        self.send(RealityCheckAnswer(data=RealityCheckAnswerData(choice=choice)))
        if choice == "quit":
            self.stop_autoplay("reality_check")
        self.render()


Handler = Callable[[Any], Any]


def wire_lobby_commands(game: Game) -> None:
    """Obey every lobby -> game message."""

    async def on_spin(_: Spin) -> None:
        if not await game.play_round():
            game.say("Spin from the lobby ignored: the game is busy or paused.", "warn")

    def on_stop(_: Stop) -> None:
        game.quick_stop = True

    def on_clear_cookies(_: ClearCookies) -> None:
        for key in ("turbo", "muted"):
            game._store(key, None)
        game.turbo = False
        game.muted = False
        game.render()
        game.say("Stored settings cleared.")

    def on_stop_autoplay(_: StopAutoplay) -> None:
        game.stop_autoplay("lobby")

    async def on_reload(_: Reload) -> None:
        game.say("Reloading after this round\u2026")
        if game.busy:
            game.reload_after_round = True
            return
        await asyncio.sleep(0.3)  # let the log line show before the page goes away
        window.location.reload()

    def on_pause(_: Pause) -> None:
        game.paused = True
        game.show_overlay("Paused", "The lobby paused the game.", "paused")
        game.render()
        game.send(GamePaused())

    def on_resume(_: Resume) -> None:
        game.paused = False
        if not (game.fatal or game.closed):
            game.hide_overlay()
        game.render()
        game.send(GameResumed())

    def on_stake_up(_: StakeUp) -> None:
        if not game.busy:
            game.slot.stake_up()
            game.stake_changed()

    def on_stake_down(_: StakeDown) -> None:
        if not game.busy:
            game.slot.stake_down()
            game.stake_changed()

    def on_set_stake(msg: SetStake) -> None:
        if not game.busy:
            game.slot.set_stake_near(round(msg.data.stake * 100))
            game.stake_changed()

    def on_turbo(msg: Turbo) -> None:
        game.set_turbo(msg.data)

    def on_toggle_turbo(_: ToggleTurbo) -> None:
        game.set_turbo(not game.turbo)

    def on_set_audio(msg: SetAudio) -> None:
        game.set_muted(not msg.data)  # setAudio(true) means sound on

    def on_toggle_audio(_: ToggleAudio) -> None:
        game.set_muted(not game.muted)

    def on_show_error(msg: ShowError) -> None:
        game.show_overlay("Message from the casino", msg.data.message, "lobby-error")
        if not msg.data.can_continue:
            game.closed = True
            game.stop_autoplay("lobby")
        game.render()

    def on_continue(_: Continue) -> None:
        if not (game.closed or game.fatal or game.paused):
            game.hide_overlay()

    def on_update_balance(_: UpdateBalance) -> None:
        # Demo stand-in for re-reading the wallet: the "server" credits a deposit.
        game.slot.deposit(DEMO_DEPOSIT_CENTS)
        if not game.busy:
            game.show_balance(game.slot.balance_cents)
        game.send(Balance(data=slotlib.to_major(game.slot.balance_cents)))
        game.say(f"Deposit received: {slotlib.format_money(DEMO_DEPOSIT_CENTS, CURRENCY)}")

    def on_show_help(_: ShowHelp) -> None:
        _el("help").showModal()

    def on_reality_check(msg: RealityCheck) -> None:
        game.show_reality_check(msg)

    async def on_close(_: Close) -> None:
        game.stop_autoplay("closed")
        await game.wait_round()
        game.closed = True
        game.show_overlay("Game closed", "You can leave the game now.", "closed")
        game.render()
        game.send(GameClosed())

    handlers: dict[type[Message], Handler] = {
        Spin: on_spin,
        Stop: on_stop,
        ClearCookies: on_clear_cookies,
        StopAutoplay: on_stop_autoplay,
        Reload: on_reload,
        Pause: on_pause,
        Resume: on_resume,
        StakeUp: on_stake_up,
        StakeDown: on_stake_down,
        Turbo: on_turbo,
        ToggleTurbo: on_toggle_turbo,
        SetAudio: on_set_audio,
        ToggleAudio: on_toggle_audio,
        SetStake: on_set_stake,
        ShowError: on_show_error,
        Continue: on_continue,
        HideHelp: lambda _: _el("help").close(),
        UpdateBalance: on_update_balance,
        ShowHelp: on_show_help,
        RealityCheck: on_reality_check,
        Close: on_close,
    }
    for cls, handler in handlers.items():
        game.bridge.on(cls, handler)


def wire_player_controls(game: Game) -> None:
    """The player's own buttons; each sends what a real game would."""

    @when("click", "#spin")
    async def _spin(_: Any) -> None:
        game.activity("spin")
        game.beep(440, 40)
        await game.play_round()

    @when("click", "#stake-up")
    def _up(_: Any) -> None:
        game.slot.stake_up()
        game.activity("stakeUp")
        game.stake_changed()

    @when("click", "#stake-down")
    def _down(_: Any) -> None:
        game.slot.stake_down()
        game.activity("stakeDown")
        game.stake_changed()

    @when("click", "#autoplay")
    def _autoplay(_: Any) -> None:
        game.activity("autoplay")
        if game.autoplay_task is None:
            game.start_autoplay()
        else:
            game.stop_autoplay("player")

    @when("click", "#turbo")
    def _turbo(_: Any) -> None:
        game.set_turbo(not game.turbo)
        game.activity("turbo")

    @when("click", "#sound")
    def _sound(_: Any) -> None:
        game.set_muted(not game.muted)
        game.send(AudioToggle(data=game.muted))

    @when("click", "#help-button")
    def _help(_: Any) -> None:
        game.activity("help")
        _el("help").showModal()

    @when("click", "#history-button")
    def _history(_: Any) -> None:
        game.send(HistoryRequest())

    @when("click", "#close-button")
    def _close(_: Any) -> None:
        game.send(CloseRequest())

    @when("click", "#reality-check [data-action]")
    def _rc(event: Any) -> None:
        game.answer_reality_check(str(event.currentTarget.dataset.action))

    @when("click", "#raise-error")
    def _error(_: Any) -> None:
        try:
            raise ConnectionError("demo: the game server did not answer (raised on purpose)")
        except ConnectionError as exc:
            game.report_error(ErrorCode.NETWORK, exc, fatal=False)

    @when("click", "#raise-fatal")
    def _fatal(_: Any) -> None:
        try:
            raise RuntimeError("demo: reel state is corrupt (raised on purpose)")
        except RuntimeError as exc:
            game.report_error(ErrorCode.INTERNAL, exc, fatal=True)


def launch_params() -> LaunchParams:
    """The launch parameters, with the lobby checked; the demo fills in what a bare link
    (``/demo_game/`` opened on its own) leaves out. Raises ``LaunchError``."""
    params = window.URLSearchParams.new(window.location.search)
    for name, default in (("mode", "DEMO"), ("language", "en"), ("currency", CURRENCY),
                          ("lobby", DEFAULT_LOBBY_ORIGIN)):  # fmt: skip
        if not params.has(name):
            params.set(name, default)
    query = str(params.toString())
    return read_launch(query, STUDIO_LOBBIES)


def has_lobby() -> bool:
    """Whether a page embeds this one: opened on its own (top level) there is no lobby to talk
    to, and a bridge would only wait for one."""
    # Object.is(parent, window): "is" is a keyword in Python, hence getattr.
    return not bool(getattr(window.Object, "is")(window.parent, window))


def show_no_lobby() -> None:
    _el("bridge-status").textContent = "no lobby"
    _el("bridge-status").dataset.status = "no-lobby"
    message = _el("message")
    message.dataset.kind = "warn"
    message.textContent = (
        "No lobby: this game runs inside an operator's lobby, which embeds it in an iframe. "
    )
    link = document.createElement("a")
    link.href = "/"
    link.textContent = "Open the demo lobby from the home page."
    message.append(link)


async def main() -> None:
    try:
        launch = launch_params()
    except LaunchError as exc:
        # Not one of the studio's lobbies (or a broken launch URL): never talk to it.
        _el("bridge-status").textContent = "refused"
        _el("message").textContent = f"This game cannot start here: {exc}"
        _el("message").dataset.kind = "warn"
        _el("launch-error").textContent = str(exc)
        _el("launch-error").hidden = False
        return
    if not has_lobby():  # checked after the launch URL: a refused lobby is said first
        show_no_lobby()
        return
    dialect = _query("dialect") or "appendix_a"
    if dialect not in DIALECT_NAMES:
        dialect = "appendix_a"
    # RubyPlay speaks minor units: the bridge converts with the launch currency's exponent.
    # Its envelope also names the game and the player's language: a dialect instance says so.
    chosen: str | RubyPlay = dialect
    if dialect == "rubyplay":
        chosen = RubyPlay(Role.GAME, currency=launch.currency, sender=GAME_ID, lang=launch.language)
    bridge = GameBridge(lobby_origin=launch.lobby, dialect=chosen, currency=launch.currency)
    slot = slotlib.Slot(seed=slotlib.parse_seed(_query("seed")))
    game = Game(bridge, slot, launch.settings)
    game.dialect = dialect
    document.body.dataset.turboEnabled = str(launch.settings.turbo_enabled).lower()
    bridge.on_journal(game.log)
    bridge.on_status(game.on_status)
    game.on_status(bridge.status)
    wire_lobby_commands(game)
    wire_player_controls(game)
    await game.boot()


await main()  # noqa: F704  (PyScript runs the module with top-level await)
