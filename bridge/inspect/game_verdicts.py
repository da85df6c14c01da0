"""The game inspection's whole-session verdicts: start-up, valid messages, exact target origins,
paired rounds and consistent balances, one dialect, autoplay, judged over everything captured."""

from __future__ import annotations

import itertools

from .capture import Event, of_type
from .cases import Result
from .game_driver import GameDriver
from .game_strangers import STRANGER_LOBBY_PAGE


class SessionVerdicts(GameDriver):
    """The cases judged once the steps are over, from the whole capture."""

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
        # Where a stranger named itself the lobby, a post to it is G-ORIGIN-003's to judge.
        posts = [
            e
            for e in self.s.capture.events
            if e.direction == "game_post"
            and e.transport == "window"
            and e.page != STRANGER_LOBBY_PAGE
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
