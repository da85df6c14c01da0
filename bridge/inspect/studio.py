"""Game mode in a studio dialect (``--dialect rubyplay | 155io``): the harness lobby plays the
studio's wrapper, speaking the studio's wire, and the game is judged on that wire alone.

The game is launched with ``?dialect=<name>&currency=<code>`` (the hizi-bridge convention; a
studio's own game ignores the parameters and speaks its wire anyway). What it posts is decoded
with the same dialect the bridge uses (``bridge.core.dialects``); what the harness sends is
that dialect's encoding of catalog messages, so the inspector and the bridge never disagree on
a wire form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bridge.core import messages as m
from bridge.core.dialects import Dialect, make_dialect
from bridge.core.messages import Direction, Role

from .capture import GAME_TO_LOBBY, LOBBY_TO_GAME, Event, classify, evidence, of_type
from .cases import CASES, Outcome, Result, cases_for
from .game import _q
from .serve import Harness
from .session import Report, Session, with_query

if TYPE_CHECKING:
    from playwright.sync_api import Browser

STUDIO_DIALECTS = ("rubyplay", "155io")
_UNKNOWN = "unknown_type"


@dataclass
class StudioOptions:
    dialect: str
    currency: str = "EUR"
    lobby_param: str = "lobby"
    start_timeout: float = 30.0
    reply_timeout: float = 5.0


class StudioInspection:
    def __init__(
        self, browser: Browser, harness: Harness, url: str, options: StudioOptions
    ) -> None:
        if options.dialect not in STUDIO_DIALECTS:
            raise ValueError(f"--dialect: one of {', '.join(STUDIO_DIALECTS)}")
        self.o = options
        self.harness = harness
        self.home = harness.home.origin
        self.given_url = url
        self.url = with_query(
            url,
            **{options.lobby_param: self.home},
            dialect=options.dialect,
            currency=options.currency,
        )
        self.s = Session(browser, harness, self.url)
        self.game_origin = self.s.target_origin
        self.reader: Dialect = self._dialect()  # decodes what the game posts
        self.writer: Dialect = self._dialect()  # encodes what the harness sends
        self.outcomes: dict[str, Outcome] = {}
        self.s.capture.on_event = self.route

    def _dialect(self) -> Dialect:
        return make_dialect(self.o.dialect, Role.LOBBY, currency=self.o.currency)

    def route(self, e: Event) -> None:
        if e.kind == "in" and e.frame_origin == self.home and e.origin == self.game_origin:
            e.direction = GAME_TO_LOBBY
            classify(e, Direction.GAME_TO_LOBBY, self.reader)
        elif e.kind == "post" and e.frame_origin == self.home and e.to == "child":
            e.direction = LOBBY_TO_GAME
            e.verdict = "ok"
        else:
            e.direction = "other"

    def game_msgs(self, since: float = 0.0) -> list[Event]:
        return [e for e in self.s.capture.events if e.direction == GAME_TO_LOBBY and e.t >= since]

    def set(self, case_id: str, result: Result, detail: str, ev: list[Event] | None = None) -> None:
        self.outcomes[case_id] = Outcome(CASES[case_id], result, detail, evidence(ev or []))

    def send(self, *messages: m.Message) -> float:
        t = self.s.capture.now()
        assert self.s.main is not None
        for message in messages:
            self.s.main.evaluate("(w) => harnessSend(w)", self.writer.encode(message))
        return t

    def answered(self, since: float, type_name: str) -> Event | None:
        def found() -> Event | None:
            hits = of_type(self.game_msgs(since), type_name)
            return hits[0] if hits else None

        self.s.wait_for(found, self.o.reply_timeout)
        return found()

    # ------------------------------------------------------------------ run

    def run(self) -> Report:
        s = self.s
        page = s.open("main", f"{self.harness.home.url('lobby.html')}?target={_q(self.url)}")
        s.main = page
        first = s.wait_for(lambda: self.game_msgs() or s.load_error, self.o.start_timeout)
        loaded = bool(first) and not s.load_error
        if not loaded and not page.evaluate("() => harnessLoads"):
            return self.report(loaded=False, error=s.load_error or "the game page did not load")
        steps: dict[str, Callable[[], None]] = {"rubyplay": self.rubyplay, "155io": self.marbles}
        if self.game_msgs():
            s.pump(0.3)
            steps[self.o.dialect]()
        else:  # a silent game must not pass: the "speaks" case fails
            first_case = "G-RUBY-001" if self.o.dialect == "rubyplay" else "G-MARBLES-001"
            self.set(first_case, Result.FAIL, f"no message in {self.o.start_timeout:g} s")
        return self.report(loaded=True)

    def report(self, *, loaded: bool, error: str = "") -> Report:
        order = cases_for("game", self.o.dialect)
        outcomes = [
            self.outcomes.get(c.id) or Outcome(c, Result.NA, "not run: the game never talked")
            for c in order
        ]
        report = Report(
            target=self.given_url,
            mode="game",
            outcomes=outcomes,
            events=[
                e for e in self.s.capture.events if e.direction in (GAME_TO_LOBBY, LOBBY_TO_GAME)
            ],
            loaded=loaded,
            load_error=error,
            duration_s=self.s.capture.now(),
            notes=[f"dialect {self.o.dialect}, currency {self.o.currency}"],
        )
        self.s.close()
        return report

    # ------------------------------------------------------------------ RubyPlay

    def rubyplay(self) -> None:
        self.s.wait_for(lambda: of_type(self.game_msgs(), "gameReady"), self.o.start_timeout)
        t = self.send(m.UpdateBalance())
        answer = self.answered(t, "balance")
        self.s.pump(0.3)
        msgs = self.game_msgs()
        self._speaks_only("G-RUBY-001", msgs, "RubyPlay", strict=True)
        started = of_type(msgs, "gameReady")
        if not started:
            self.set(
                "G-RUBY-002", Result.FAIL, f"no gameStarted in {self.o.start_timeout:g} s", msgs
            )
        else:
            before = [e.type for e in msgs if e.ok and e.t <= started[0].t]
            if "roundStarted" in before:
                self.set("G-RUBY-002", Result.FAIL, "a paid round started before gameStarted", msgs)
            elif "loadProgress" in [e.type for e in msgs if e.ok and e.t > started[0].t]:
                self.set("G-RUBY-002", Result.FAIL, "loadingEnded after gameStarted", msgs)
            else:
                self.set(
                    "G-RUBY-002",
                    Result.PASS,
                    f"gameStarted after {started[0].t:.2f} s",
                    started[:1],
                )
        if answer is None:
            self.set(
                "G-RUBY-003",
                Result.WARN,
                f"no balanceUpdate within {self.o.reply_timeout:g} s",
                self.game_msgs(t),
            )
        else:
            self.set(
                "G-RUBY-003", Result.PASS, f"balanceUpdate {answer.t - t:.2f} s later", [answer]
            )
        self._rounds_paired(msgs)

    def _rounds_paired(self, msgs: list[Event]) -> None:
        rounds = of_type(msgs, "roundStarted", "roundEnded")
        if not rounds:
            self.set("G-RUBY-004", Result.NA, "no paid round (RubyPlay has no spin command)")
            return
        open_round = False
        for e in rounds:
            if (e.type == "roundStarted") == open_round:
                what = (
                    "a paid round started while one was open"
                    if open_round
                    else "paidRoundEnded without a round"
                )
                self.set("G-RUBY-004", Result.FAIL, what, rounds)
                return
            open_round = e.type == "roundStarted"
        self.set("G-RUBY-004", Result.PASS, f"{len(rounds)} round messages, paired", rounds)

    # ------------------------------------------------------------------ 155.io

    def marbles(self) -> None:
        t = self.send(m.UpdateBalance())
        answer = self.answered(t, "balance")
        if answer is None:
            self.set(
                "G-MARBLES-002",
                Result.WARN,
                f"no balance-updated within {self.o.reply_timeout:g} s",
                self.game_msgs(t),
            )
        else:
            self.set(
                "G-MARBLES-002",
                Result.PASS,
                f"balance-updated {answer.t - t:.2f} s later",
                [answer],
            )
        t = self.send(
            m.SetAudio(data=False),
            m.SetAudio(data=True),
            m.SetVolume(data=m.SetVolumeData(volume=0.5)),
            m.ShowHistory(),
            m.ClosePanels(),
            m.UpdateBalance(),
        )
        again = self.answered(t, "balance")
        errors = self.s.capture.errors_since(t, "main")
        if errors:
            self.set(
                "G-MARBLES-003", Result.FAIL, f"page error: {errors[0]}"[:300], self.game_msgs(t)
            )
        elif again is None:
            self.set(
                "G-MARBLES-003",
                Result.WARN,
                "no balance-updated after the commands",
                self.game_msgs(t),
            )
        else:
            self.set(
                "G-MARBLES-003",
                Result.PASS,
                "five commands, no page error, still answering",
                [again],
            )
        self.s.pump(0.3)
        self._speaks_only("G-MARBLES-001", self.game_msgs(), "155.io", strict=False)

    # ------------------------------------------------------------------ both

    def _speaks_only(self, case_id: str, msgs: list[Event], studio: str, *, strict: bool) -> None:
        """``strict``: an unknown type fails (the studio's table is known); otherwise it warns."""
        if not msgs:
            self.set(case_id, Result.NA, "no message")
            return
        bad = [e for e in msgs if not e.ok]
        unknown = [e for e in bad if e.verdict.startswith(_UNKNOWN)]
        invalid = [e for e in bad if not e.verdict.startswith(_UNKNOWN)]
        senders = {
            (e.data.get("sender"), e.data.get("lang"))
            for e in msgs
            if e.ok and isinstance(e.data, dict) and "sender" in e.data
        }
        if invalid or (strict and unknown):
            first = (invalid or unknown)[0]
            self.set(
                case_id,
                Result.FAIL,
                f"{len(invalid or unknown)} not {studio}: {first.verdict}"[:300],
                invalid or unknown,
            )
        elif len(senders) > 1:
            self.set(
                case_id,
                Result.FAIL,
                f"sender / lang changed: {sorted(map(str, senders))}"[:300],
                msgs,
            )
        elif unknown:
            self.set(
                case_id,
                Result.WARN,
                f"{len(unknown)} of a type outside the assumed table: {unknown[0].type}",
                unknown,
            )
        else:
            self.set(case_id, Result.PASS, f"{len(msgs)} messages, all valid {studio}", msgs[:3])
