"""Game mode: the target game in the harness lobby, driven with raw Appendix A messages.

The harness lobby never says the hizi-bridge hello, so a hizi-bridge game falls back to plain
``{type, data}`` after its handshake timeout (1 s by default), exactly as with any plain lobby.
Steps send messages and wait for answers; ``finish`` turns the whole capture into outcomes.
The parts: ``game_driver`` (options, capture routing, sending and waiting), ``game_messages``
(what is sent), ``game_play`` and ``game_strangers`` (the steps), ``game_verdicts`` (the
whole-session cases); this module puts them in order and writes the report.
"""

from __future__ import annotations

from .capture import GAME_TO_LOBBY, LOBBY_TO_GAME, STRANGER
from .cases import CASES, Outcome, Result
from .game_driver import GameDriver, GameOptions
from .game_messages import ISSUE_12_EXTENSIONS, SET_STAKES
from .game_play import RC_HINT, PlaySteps
from .game_strangers import StrangerSteps
from .game_verdicts import SessionVerdicts
from .session import Report, with_query

__all__ = [
    "ISSUE_12_EXTENSIONS",
    "RC_HINT",
    "SET_STAKES",
    "STEPS",
    "GameDriver",
    "GameInspection",
    "GameOptions",
]

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


class GameInspection(PlaySteps, StrangerSteps, SessionVerdicts):
    """One game inspection: the steps in order, then the whole-session verdicts."""

    def run(self) -> Report:
        s = self.s
        page = s.open("main", f"{self.lobby.url('lobby.html')}?target={_q(self.url)}")
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
            s.open("dialect", f"{self.lobby.url('lobby.html')}?target={_q(dialect_url)}")
        s.main = page
        self.boot_s = ready_s or 0.0
        if self.game_msgs():
            s.pump(0.3)
            for step in STEPS:
                getattr(self, step)()
        # G-ORIGIN-003's stranger boots one more copy of the game: only once the steps that time
        # the game's answers are over, so it cannot slow them down.
        self.open_stranger_lobby()
        self.step_stranger_lobby()
        self.step_dialect()
        self.finish()
        if not self.game_msgs():
            self.notes.append(
                f"the game never talked to the harness lobby at {self.home}: if it checks "
                f"?{self.o.lobby_param}= against its studio's lobby origins, present the lobby "
                "from one of them with --lobby-origin (e.g. https://play.casino.example)"
            )
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


def _q(url: str) -> str:
    from urllib.parse import quote

    return quote(url, safe="")
