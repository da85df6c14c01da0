"""Game mode: the target game in the harness lobby, driven with raw Appendix A messages.

The harness lobby never says the hizi-bridge hello, so a hizi-bridge game falls back to plain
``{type, data}`` after its handshake timeout (1 s by default), exactly as with any plain lobby.
Steps send messages and wait for answers; ``finish`` turns the whole capture into outcomes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bridge.core.dialects import GamesGlobal
from bridge.core.messages import Direction, Role

from .capture import GAME_TO_LOBBY, LOBBY_TO_GAME, STRANGER, Event, classify, evidence, of_type
from .cases import CASES, Outcome, Result
from .serve import Harness
from .session import Report, Session, with_query

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Messages a game sends only because it was told to: any of them after a stranger's message
# means the game obeyed it.
REACTIONS = (
    "roundStarted",
    "roundEnded",
    "gamePaused",
    "gameResumed",
    "realityCheckAnswer",
    "gameClosed",
)
RC_DATA = {
    "elapsedSeconds": 3600,
    "totalStaked": 120,
    "totalWon": 95.5,
    "netResult": -24.5,
    "currency": "EUR",
}
STRANGER_MESSAGES: list[dict[str, Any]] = [
    {"type": "pause"},
    {"type": "spin"},
    {"type": "realityCheck", "data": RC_DATA},
    {"type": "close", "data": {"reason": "stranger"}},
]
# Values no game may act on; none of them is a valid lobby -> game message.
JUNK: list[Any] = [
    "spin",
    42,
    None,
    True,
    ["spin"],
    {},
    {"type": "SPIN"},
    {"type": ["spin"]},
    {"data": "spin"},
    {"type": "noSuchMessage", "data": 1},
    {"type": "hiziBridge.welcome", "data": {"junk": 1}},
    {"type": "spin" + "x" * 70_000},
]


# The lobby -> game extensions of issue #12 (hizi's Operator Interface events), in an order
# that leaves the game as it was: toggles twice, an error the player may continue from and
# then continue, free rounds already used up. A plain Appendix A game does not know them and
# ignores them; setStake, the one with an answer, is G-EXT-002's.
ISSUE_12_EXTENSIONS: list[dict[str, Any]] = [
    {"type": "toggleAudio"},
    {"type": "toggleAudio"},
    {"type": "toggleTurbo"},
    {"type": "toggleTurbo"},
    {"type": "showAutoplay"},
    {"type": "hideHelp"},
    {
        "type": "promoInfo",
        "data": {"title": "hizi-inspect", "text": "A test promotion; nothing to claim."},
    },
    {
        "type": "freeRounds",
        "data": {
            "roundsLeft": 0,
            "roundsTotal": 1,
            "stake": 0.1,
            "wonSoFar": 0,
            "currency": "EUR",
        },
    },
    {
        "type": "showError",
        "data": {"message": "hizi-inspect: a test message.", "canContinue": True},
    },
    {"type": "continue"},
]
SET_STAKES = (2.0, 1.0)  # setStake there and back: each is answered with stakeChanged


@dataclass
class GameOptions:
    lobby_param: str = "lobby"
    start_timeout: float = 30.0
    round_timeout: float = 10.0
    reply_timeout: float = 5.0
    quiet: float = 1.5  # how long the game must stay silent to count as "did not act"
    rc_click: str | None = None  # a selector in the game frame to click after a realityCheck
    dialects: bool = True
    reload: bool = True


# The main session's steps, in order. The reality check comes after every step that needs a
# complete round: a game that waits for the player ignores spins while its reality-check
# dialog is open, so an unanswered one (no --rc-click) would fail those steps for nothing.
# Only reload follows it (a reload clears the dialog; see step_reload for when it does not).
STEPS = (
    "step_round",
    "step_pause",
    "step_controls",
    "step_turbo_audio_autoplay",
    "step_extensions",
    "step_junk",
    "step_stranger_sibling",
    "step_stranger_framing",
    "step_reality_check",
    "step_reload",
)
RC_HINT = (
    "the game did not answer the reality check; if it waits for the player, pass "
    "--rc-click SELECTOR (the button that answers it in the game) to click it"
)


class GameInspection:
    def __init__(self, browser: Browser, harness: Harness, url: str, options: GameOptions) -> None:
        self.o = options
        self.harness = harness
        self.home = harness.home.origin
        self.given_url = url  # the report names what the user gave, not the harness's port
        self.url = with_query(url, **{options.lobby_param: self.home})
        self.s = Session(browser, harness, self.url)
        self.game_origin = self.s.target_origin
        self.gg = GamesGlobal(Role.LOBBY)
        self.outcomes: dict[str, Outcome] = {}
        self.actions: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.rc_unanswered = False  # the game may be waiting for the player from then on
        self.s.capture.on_event = self.route

    # ------------------------------------------------------------------ capture routing

    def route(self, e: Event) -> None:
        if e.kind == "in" and e.frame_origin == self.home and e.origin == self.game_origin:
            e.direction = GAME_TO_LOBBY
            if e.page == "dialect" and isinstance(e.data, dict) and "Name" in e.data:
                classify(e, Direction.GAME_TO_LOBBY, self.gg)
            else:
                classify(e, Direction.GAME_TO_LOBBY)
        elif e.kind == "post" and e.frame_origin == self.home and e.to == "child":
            e.direction = LOBBY_TO_GAME
            classify(e, Direction.LOBBY_TO_GAME)
        elif e.kind == "post" and e.frame_origin == self.harness.stranger.origin:
            e.direction = STRANGER
            classify(e, Direction.LOBBY_TO_GAME)
        elif e.kind == "post" and e.frame_origin == self.game_origin:
            e.direction = "game_post"
            classify(e, Direction.GAME_TO_LOBBY)
        else:
            e.direction = "other"

    def game_msgs(self, since: float = 0.0, page: str = "main") -> list[Event]:
        return [
            e
            for e in self.s.capture.events
            if e.direction == GAME_TO_LOBBY and e.page == page and e.t >= since
        ]

    def first(self, since: float, *types: str) -> Event | None:
        found = of_type(self.game_msgs(since), *types)
        return found[0] if found else None

    def set(self, case_id: str, result: Result, detail: str, ev: list[Event] | None = None) -> None:
        self.outcomes[case_id] = Outcome(CASES[case_id], result, detail, evidence(ev or []))

    # ------------------------------------------------------------------ driving

    def send(self, *messages: Any) -> float:
        t = self.s.capture.now()
        assert self.s.main is not None
        for m in messages:
            self.s.main.evaluate("(m) => harnessSend(m)", m)
        return t

    def wait_type(self, since: float, types: tuple[str, ...], timeout: float) -> Event | None:
        self.s.wait_for(lambda: self.first(since, *types), timeout)
        return self.first(since, *types)

    def round(self, since: float) -> tuple[Event | None, Event | None]:
        """Wait for a roundStarted and then a roundEnded after ``since``."""
        started = self.wait_type(since, ("roundStarted",), self.o.round_timeout)
        if started is None:
            return None, None
        ended = self.wait_type(started.t, ("roundEnded",), self.o.round_timeout)
        return started, ended

    def spin(self) -> tuple[bool, list[Event]]:
        t = self.send({"type": "spin"})
        started, ended = self.round(t)
        return started is not None and ended is not None, self.game_msgs(t)

    def errors_since(self, t: float, page: str = "main") -> list[str]:
        return self.s.capture.errors_since(t, page)

    # ------------------------------------------------------------------ run

    def run(self) -> Report:
        s = self.s
        page = s.open("main", f"{self.harness.home.url('lobby.html')}?target={_q(self.url)}")
        first = s.wait_for(lambda: self.game_msgs() or s.load_error, self.o.start_timeout)
        if s.load_error or not first:
            loaded = bool(page.evaluate("() => harnessLoads")) and not s.load_error
            if not loaded:
                return self.report(loaded=False, error=s.load_error or "the game page did not load")
        ready_s = self.s.capture.events[0].t if s.capture.events else None
        if first:
            s.wait_for(lambda: self.first(0, "gameReady"), self.o.start_timeout)
        # Strangers and the second dialect boot in parallel with the main steps.
        framed = with_query(self.url, **{self.o.lobby_param: self.home})
        s.open("framed", f"{self.harness.stranger.url('stranger.html')}?frame={_q(framed)}")
        if self.o.dialects:
            dialect_url = with_query(self.url, dialect="gamesglobal")
            s.open("dialect", f"{self.harness.home.url('lobby.html')}?target={_q(dialect_url)}")
        s.main = page
        if self.game_msgs():
            s.pump(0.3)
            for step in STEPS:
                getattr(self, step)()
        self.step_dialect()
        self.finish()
        report = self.report(loaded=True)
        report.ready_s = ready_s
        return report

    def report(self, *, loaded: bool, error: str = "") -> Report:
        order = [c for c in CASES.values() if c.mode == "game" and c.dialect == "appendix_a"]
        outcomes = [
            self.outcomes.get(c.id) or Outcome(c, Result.NA, "not run: the game never talked")
            for c in order
        ]
        report = Report(
            target=self.given_url,
            mode="game",
            outcomes=outcomes,
            events=[
                e
                for e in self.s.capture.events
                if e.page == "main" and e.direction in (GAME_TO_LOBBY, LOBBY_TO_GAME, STRANGER)
            ],
            loaded=loaded,
            load_error=error,
            duration_s=self.s.capture.now(),
            notes=self.notes,
            actions=self.actions,
        )
        self.s.close()
        return report

    # ------------------------------------------------------------------ steps

    def step_round(self) -> None:
        ok, ev = self.spin()
        if ok:
            self.set("G-ROUND-001", Result.PASS, "spin -> roundStarted -> roundEnded", ev)
        else:
            started = of_type(ev, "roundStarted")
            what = "no roundEnded after roundStarted" if started else "no roundStarted"
            self.set("G-ROUND-001", Result.FAIL, f"{what} within {self.o.round_timeout:g} s", ev)
            self.s.pump(0.2)

    def step_pause(self) -> None:
        t = self.send({"type": "pause"})
        paused = self.wait_type(t, ("gamePaused",), self.o.reply_timeout)
        t_spin = self.send({"type": "spin"})
        self.s.wait_for(lambda: self.first(t_spin, "roundStarted"), self.o.quiet)
        played = self.first(t_spin, "roundStarted")
        if played is None:
            self.set("G-PAUSE-002", Result.PASS, "no round while paused", self.game_msgs(t))
        else:
            self.set(
                "G-PAUSE-002",
                Result.FAIL,
                "a spin sent while paused started a round",
                self.game_msgs(t),
            )
            self.wait_type(played.t, ("roundEnded",), self.o.round_timeout)
        t_resume = self.send({"type": "resume"})
        resumed = self.wait_type(
            t_resume, ("gameResumed",), self.o.reply_timeout if paused else self.o.quiet / 2
        )
        ev = self.game_msgs(t)
        if paused and resumed:
            self.set("G-PAUSE-001", Result.PASS, "gamePaused and gameResumed answered", ev)
        else:
            missing = [n for n, m in (("gamePaused", paused), ("gameResumed", resumed)) if not m]
            self.set("G-PAUSE-001", Result.WARN, f"no {' / '.join(missing)} (extension)", ev)
        ok, ev2 = self.spin()
        if ok:
            self.set("G-PAUSE-003", Result.PASS, "a round after resume", ev2)
        else:
            self.set("G-PAUSE-003", Result.FAIL, "no complete round after resume", ev2)

    def step_reality_check(self) -> None:
        t = self.send({"type": "realityCheck", "data": RC_DATA})
        if self.o.rc_click:
            self.click(self.o.rc_click, t)
        answer = self.wait_type(t, ("realityCheckAnswer",), self.o.reply_timeout)
        if answer is None:
            # Watch a little longer: an answer after the timeout is a failure, not silence.
            answer = self.wait_type(t, ("realityCheckAnswer",), min(self.o.reply_timeout, 5.0))
        ev = self.game_msgs(t)
        if answer is None:
            self.rc_unanswered = True
            self.notes.append(RC_HINT)
            self.set(
                "G-RC-001",
                Result.WARN,
                "no realityCheckAnswer (extension; use --rc-click if the player must answer)",
                ev,
            )
        elif answer.t - t > self.o.reply_timeout:
            self.set(
                "G-RC-001",
                Result.FAIL,
                f"answered after {answer.t - t:.2f} s, timeout {self.o.reply_timeout:g} s",
                ev,
            )
        else:
            self.set("G-RC-001", Result.PASS, f"answered in {answer.t - t:.2f} s", ev)

    def click(self, selector: str, t: float) -> None:
        """Act as the player: click ``selector`` in the game frame once it can be clicked.

        The action's ``t`` is when the player starts to act, before the click: a replay waits
        until the peer has sent what it had sent by ``t``, and what the click itself causes
        (a ``realityCheckAnswer``) comes after ``t``, so it is never waited for before the
        click that causes it. ``done`` is when the click went through.
        """
        assert self.s.main is not None
        action: dict[str, Any] = {"t": round(self.s.capture.now(), 3), "click": selector}
        try:
            # Playwright waits for the element to be visible and enabled (a dialog opening);
            # a loaded machine can take seconds, so allow the whole reply timeout.
            locator = self.s.main.frame_locator("#game").locator(selector)
            locator.click(timeout=max(3.0, self.o.reply_timeout) * 1000)
            action["done"] = round(self.s.capture.now(), 3)
        except Exception as exc:
            action["error"] = str(exc).splitlines()[0][:200]
        self.actions.append(action)

    def step_controls(self) -> None:
        t = self.send(
            {"type": "stop"},
            {"type": "clearCookies"},
            {"type": "stakeUp"},
            {"type": "stakeDown"},
            {"type": "updateBalance"},
            {"type": "showHelp"},
        )
        self.s.pump(1.0)
        errors = self.errors_since(t)
        ok, _ = self.spin()
        ev = self.game_msgs(t)
        if errors:
            self.set("G-CTRL-001", Result.FAIL, "page error: " + errors[0], ev)
        elif not ok:
            self.set("G-CTRL-001", Result.FAIL, "no complete round after the controls", ev)
        else:
            self.set("G-CTRL-001", Result.PASS, "accepted; a round afterwards", ev)

    def step_turbo_audio_autoplay(self) -> None:
        t = self.send({"type": "turbo", "data": True})
        ok, _ = self.spin()
        self.send({"type": "turbo", "data": False})
        self.s.pump(0.3)
        errors = self.errors_since(t)
        ev = self.game_msgs(t)
        if errors or not ok:
            why = ("page error: " + errors[0]) if errors else "no complete round in turbo"
            self.set("G-TURBO-001", Result.FAIL, why, ev)
        else:
            self.set("G-TURBO-001", Result.PASS, "a complete round in turbo", ev)

        bad: list[Event] = []
        t_audio = self.s.capture.now()
        for on in (False, True):
            t_one = self.send({"type": "setAudio", "data": on})
            self.s.pump(0.5)
            # audioToggle's data is "muted": it must be the opposite of setAudio's "on".
            bad += [
                e for e in of_type(self.game_msgs(t_one), "audioToggle") if e.data.get("data") == on
            ]
        errors = self.errors_since(t_audio)
        ev = self.game_msgs(t_audio)
        if errors:
            self.set("G-AUDIO-001", Result.FAIL, "page error: " + errors[0], ev)
        elif bad:
            self.set("G-AUDIO-001", Result.FAIL, "audioToggle contradicts setAudio", bad)
        else:
            self.set("G-AUDIO-001", Result.PASS, "setAudio false / true accepted", ev)

        t_auto = self.send({"type": "stopAutoplay"})
        self.s.pump(0.3)
        errors = self.errors_since(t_auto)
        if errors:
            self.set("G-AUTO-001", Result.FAIL, "page error: " + errors[0], self.game_msgs(t_auto))

    def step_extensions(self) -> None:
        """Issue #12's lobby -> game extensions: a game that ignores them is never failed for
        it (a plain Appendix A game does not know them); only a page error fails."""
        t = self.send(*ISSUE_12_EXTENSIONS)
        self.s.pump(self.o.quiet / 2)
        ok, _ = self.spin()
        errors = self.errors_since(t)
        ev = self.game_msgs(t)
        if errors:
            self.set("G-EXT-001", Result.FAIL, "page error: " + errors[0], ev)
        elif not ok:
            self.set(
                "G-EXT-001",
                Result.WARN,
                "no complete round after the extensions (showError, then continue)",
                ev,
            )
        else:
            self.set(
                "G-EXT-001",
                Result.PASS,
                f"{len(ISSUE_12_EXTENSIONS)} extension messages obeyed or ignored; "
                "the game still plays",
                ev,
            )

        t_stake = self.s.capture.now()
        answers: list[Event] = []
        for stake in SET_STAKES:
            t_one = self.send({"type": "setStake", "data": {"stake": stake}})
            answer = self.wait_type(t_one, ("stakeChanged",), self.o.reply_timeout)
            if answer is None:
                break
            answers.append(answer)
        errors = self.errors_since(t_stake)
        ev = self.game_msgs(t_stake)
        if errors:
            self.set("G-EXT-002", Result.FAIL, "page error: " + errors[0], ev)
        elif len(answers) == len(SET_STAKES):
            stakes = ", ".join(f"{a.data['data']['stake']:g}" for a in answers)
            self.set("G-EXT-002", Result.PASS, f"stakeChanged answered: {stakes}", ev)
        elif not answers:
            self.set(
                "G-EXT-002",
                Result.WARN,
                f"no stakeChanged within {self.o.reply_timeout:g} s (extension; a plain "
                "Appendix A game does not know setStake)",
                ev,
            )
        else:
            self.set("G-EXT-002", Result.WARN, "only the first setStake was answered", ev)

    def step_junk(self) -> None:
        t = self.send(*JUNK)
        self.s.pump(1.0)
        errors = self.errors_since(t)
        acted = of_type(self.game_msgs(t), *REACTIONS)
        ok, _ = self.spin()
        ev = self.game_msgs(t)
        if errors:
            self.set("G-JUNK-001", Result.FAIL, "page error: " + errors[0], ev)
        elif acted:
            self.set("G-JUNK-001", Result.FAIL, f"the game acted on junk ({acted[0].type})", acted)
        elif not ok:
            self.set("G-JUNK-001", Result.FAIL, "no complete round after the junk", ev)
        else:
            self.set("G-JUNK-001", Result.PASS, f"{len(JUNK)} junk values ignored", ev)

    def step_stranger_sibling(self) -> None:
        main = self.s.main
        assert main is not None
        main.evaluate("(u) => harnessAddStranger(u)", self.harness.stranger.url("stranger.html"))
        frame = next(f for f in main.frames if f.url.startswith(self.harness.stranger.origin))
        t = self.s.capture.now()
        frame.evaluate(
            "([m, o]) => strangerSend(m, 'sibling', o)", [STRANGER_MESSAGES, self.game_origin]
        )
        self.s.pump(self.o.quiet)
        acted = of_type(self.game_msgs(t), *REACTIONS)
        replies = [
            e
            for e in self.s.capture.since(t)
            if e.direction == "game_post"
            and e.page == "main"
            and (e.to == "other" or e.target == self.harness.stranger.origin)
        ]
        ok, _ = self.spin()
        ev = [e for e in self.s.capture.since(t) if e.page == "main" and e.direction != "other"]
        if acted or replies:
            what = acted[0].type if acted else "a reply to the stranger"
            self.set("G-ORIGIN-001", Result.FAIL, f"the game obeyed a stranger ({what})", ev)
        elif not ok:
            self.set(
                "G-ORIGIN-001",
                Result.FAIL,
                "after the stranger's pause / close the game no longer plays",
                ev,
            )
        else:
            self.set("G-ORIGIN-001", Result.PASS, "ignored; the game still plays", ev)

    def framed_posts(self, since: float = 0.0) -> list[Event]:
        return [
            e
            for e in self.s.capture.events
            if e.page == "framed" and e.direction == "game_post" and e.t >= since
        ]

    def step_stranger_framing(self) -> None:
        framed = next(p for p, n in self.s.names.items() if n == "framed")
        self.s.wait_for(
            lambda: of_type(self.framed_posts(), "gameReady"),
            max(1.0, self.o.start_timeout - self.s.capture.now()),
        )
        if not self.framed_posts():
            self.set(
                "G-ORIGIN-002",
                Result.WARN,
                "the game framed by a stranger posted nothing at all; nothing to judge",
            )
            return
        t = self.s.capture.now()
        framed.evaluate(
            "([m, o]) => strangerSend(m, 'child', o)", [STRANGER_MESSAGES, self.game_origin]
        )
        self.s.pump(self.o.quiet)
        acted = of_type(self.framed_posts(t), *REACTIONS)
        if acted:
            self.set(
                "G-ORIGIN-002",
                Result.FAIL,
                f"the game tried to answer the stranger that frames it ({acted[0].type})",
                acted,
            )
        else:
            self.set("G-ORIGIN-002", Result.PASS, "no attempt to answer", self.framed_posts(t))

    def step_reload(self) -> None:
        if not self.o.reload:
            self.set("G-RELOAD-001", Result.NA, "not asked for (--no-reload)")
            return
        assert self.s.main is not None
        loads = self.s.main.evaluate("() => harnessLoads")
        t = self.send({"type": "reload"})
        # A game that ignores reload would cost the whole start-up timeout: wait for the frame
        # to load again first (a reload "after the current spin" is immediate when idle).
        reloaded = self.s.wait_for(
            lambda: self.s.main is not None and self.s.main.evaluate("() => harnessLoads") > loads,
            min(5.0, self.o.start_timeout),
            step=0.1,
        )
        ready = self.wait_type(t, ("gameReady",), self.o.start_timeout) if reloaded else None
        ev = self.game_msgs(t)
        if ready is None and self.rc_unanswered:
            # A game waiting for the player to answer its reality check may put reload off
            # until then: not the game's fault, the inspector never answered.
            self.set(
                "G-RELOAD-001",
                Result.NA,
                "no new gameReady after reload, but the game may be waiting for the player "
                "after the unanswered reality check (pass --rc-click SELECTOR to answer it)",
                ev,
            )
        elif ready is None:
            self.set("G-RELOAD-001", Result.WARN, "no new gameReady after reload", ev)
        else:
            self.set("G-RELOAD-001", Result.PASS, f"gameReady again after {ready.t - t:.2f} s", ev)

    def step_dialect(self) -> None:
        if not self.o.dialects:
            self.set("G-DIALECT-002", Result.NA, "not asked for (--no-dialects)")
            return
        self.s.wait_for(
            lambda: self.game_msgs(page="dialect"),
            max(1.0, self.o.start_timeout - self.s.capture.now()),
        )
        self.s.pump(0.3)
        msgs = self.game_msgs(page="dialect")
        envelopes = [e for e in msgs if isinstance(e.data, dict) and "Name" in e.data]
        if not msgs:
            self.set("G-DIALECT-002", Result.NA, "no message with dialect=gamesglobal")
        elif not envelopes:
            self.set(
                "G-DIALECT-002",
                Result.NA,
                "the game ignores dialect=gamesglobal (speaks Appendix A)",
                msgs,
            )
        elif len(envelopes) != len(msgs):
            self.set("G-DIALECT-002", Result.FAIL, "Bridge API mixed with other forms", msgs)
        elif bad := [e for e in msgs if not e.ok]:
            self.set("G-DIALECT-002", Result.FAIL, bad[0].verdict, msgs)
        else:
            self.set(
                "G-DIALECT-002",
                Result.PASS,
                f"{len(msgs)} valid Bridge API envelopes, BRIDGE_API_READY first",
                msgs,
            )

    # ------------------------------------------------------------------ whole session

    def finish(self) -> None:
        msgs = self.game_msgs()
        self.finish_start(msgs)
        bad = [e for e in msgs if not e.ok]
        if not msgs:
            self.set("G-MSG-001", Result.NA, "no message")
        elif bad:
            self.set("G-MSG-001", Result.FAIL, f"{len(bad)} invalid: {bad[0].verdict}", bad)
        else:
            self.set("G-MSG-001", Result.PASS, f"{len(msgs)} messages, all valid", msgs[:3])
        self.finish_posts()
        self.finish_rounds(msgs)
        others = [e for e in msgs if isinstance(e.data, dict) and "Name" in e.data]
        if not msgs:
            self.set("G-DIALECT-001", Result.NA, "no message")
        elif others:
            self.set("G-DIALECT-001", Result.FAIL, "a Bridge API envelope in Appendix A", others)
        else:
            self.set("G-DIALECT-001", Result.PASS, "Appendix A {type, data} only", msgs[:3])
        if "G-AUTO-001" not in self.outcomes:
            self.finish_autoplay(msgs)

    def finish_start(self, msgs: list[Event]) -> None:
        if not msgs:
            self.set("G-LOAD-001", Result.FAIL, f"no message in {self.o.start_timeout:g} s")
            return
        self.set("G-LOAD-001", Result.PASS, f"first message after {msgs[0].t:.2f} s", msgs[:1])
        ready = of_type(msgs, "gameReady")
        if not ready:
            self.set(
                "G-START-001", Result.FAIL, f"no gameReady in {self.o.start_timeout:g} s", msgs
            )
            self.set("G-START-002", Result.NA, "no gameReady")
            return
        self.set("G-START-001", Result.PASS, f"gameReady after {ready[0].t:.2f} s", ready[:1])
        before = [e for e in msgs if e.t <= ready[0].t and e.ok]
        names = [e.type for e in before]
        problems = []
        if "roundStarted" in names:
            problems.append("roundStarted before gameReady")
        if (
            "onAppFrameReady" in names
            and "gameDataLoaded" in names
            and names.index("gameDataLoaded") < names.index("onAppFrameReady")
        ):
            problems.append("gameDataLoaded before onAppFrameReady")
        if "onAppFrameReady" in names and names.index("onAppFrameReady") > names.index("gameReady"):
            problems.append("onAppFrameReady after gameReady")
        percents = [e.data["data"]["percent"] for e in before if e.type == "loadProgress"]
        if any(b < a for a, b in itertools.pairwise(percents)):
            problems.append(f"loadProgress went down: {percents}")
        if problems:
            self.set("G-START-002", Result.FAIL, "; ".join(problems), before)
        else:
            self.set("G-START-002", Result.PASS, " -> ".join(str(n) for n in names), before)

    def finish_posts(self) -> None:
        posts = [
            e
            for e in self.s.capture.events
            if e.direction == "game_post" and e.transport == "window"
        ]
        wild = [e for e in posts if e.target == "*"]
        wrong = [e for e in posts if e.to != "self" and e.target not in ("*", self.home)]
        if wild:
            self.set("G-POST-001", Result.FAIL, f'{len(wild)} post(s) to "*"', wild)
        elif wrong:
            self.set("G-POST-001", Result.FAIL, f"posted to {wrong[0].target!r}", wrong)
        elif not posts and self.game_msgs():
            self.set(
                "G-POST-001",
                Result.WARN,
                "posts not observed (window.top.postMessage cannot be instrumented)",
            )
        elif not posts:
            self.set("G-POST-001", Result.NA, "the game made no window post; nothing to judge")
        else:
            self.set(
                "G-POST-001", Result.PASS, f"{len(posts)} posts, all to {self.home}", posts[:2]
            )

    def finish_rounds(self, msgs: list[Event]) -> None:
        open_round: Event | None = None
        unpaired: list[Event] = []
        last_balance: float | None = None
        inconsistent: list[Event] = []
        for e in msgs:
            if not e.ok:
                continue
            if e.type in ("onAppFrameReady", "hiziBridge.hello"):
                open_round, last_balance = None, None  # the game (re)started
            elif e.type == "roundStarted":
                if open_round is not None:
                    unpaired.append(e)
                open_round = e
                value = float(e.data["data"])
                if last_balance is not None and value > last_balance + 1e-9:
                    inconsistent.append(e)
                last_balance = value
            elif e.type == "roundEnded":
                if open_round is None:
                    unpaired.append(e)
                open_round = None
            elif e.type == "balance":
                last_balance = float(e.data["data"])
        rounds = of_type(msgs, "roundStarted", "roundEnded")
        if not rounds:
            self.set("G-ROUND-002", Result.NA, "no round in the session")
        elif unpaired:
            self.set(
                "G-ROUND-002",
                Result.FAIL,
                f"{unpaired[0].type} at {unpaired[0].t:.2f} s does not pair",
                unpaired,
            )
        else:
            self.set("G-ROUND-002", Result.PASS, f"{len(rounds) // 2} rounds, all paired", rounds)
        if not of_type(msgs, "roundStarted"):
            self.set("G-ROUND-003", Result.NA, "no round in the session")
        elif inconsistent:
            self.set(
                "G-ROUND-003",
                Result.FAIL,
                "roundStarted above the last reported balance",
                inconsistent,
            )
        else:
            self.set(
                "G-ROUND-003",
                Result.PASS,
                "balances consistent",
                of_type(msgs, "roundStarted", "balance"),
            )

    def finish_autoplay(self, msgs: list[Event]) -> None:
        auto = of_type(msgs, "autoplayStarted", "autoplayStopped")
        if not auto:
            self.set("G-AUTO-001", Result.NA, "stopAutoplay accepted; the game never autoplayed")
            return
        running = False
        for e in auto:
            if e.type == "autoplayStarted" and running:
                self.set("G-AUTO-001", Result.FAIL, "autoplayStarted twice", auto)
                return
            running = e.type == "autoplayStarted"
        if running:
            self.set("G-AUTO-001", Result.FAIL, "autoplayStarted without autoplayStopped", auto)
        else:
            self.set("G-AUTO-001", Result.PASS, "autoplay started and stopped", auto)


def _q(url: str) -> str:
    from urllib.parse import quote

    return quote(url, safe="")
