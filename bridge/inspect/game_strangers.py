"""The game inspection's stranger steps: a stranger frame beside the game (G-ORIGIN-001), a
stranger that frames the game naming the real lobby (G-ORIGIN-002), and one that frames it
naming itself in the lobby parameter (G-ORIGIN-003)."""

from __future__ import annotations

from urllib.parse import quote

from .capture import STRANGER, Event, of_type
from .cases import Result
from .game_driver import TO_STRANGER_LOBBY, GameDriver
from .game_messages import REACTIONS, STRANGER_LOBBY_MESSAGES, STRANGER_MESSAGES
from .origins import STRANGER_LOBBY
from .session import with_query

STRANGER_LOBBY_PAGE = "stranger-lobby"  # the inspection's page name for G-ORIGIN-003
STRANGER_PAGE = f"{STRANGER_LOBBY}/stranger.html"


class StrangerSteps(GameDriver):
    """The steps where a third origin tries to reach the game."""

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
        started = bool(self.framed_posts())
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
        elif not started and not self.framed_posts():
            # A game that checks who frames it (location.ancestorOrigins) does not start there.
            self.set(
                "G-ORIGIN-002",
                Result.PASS,
                "the game framed by a stranger posted nothing at all (it did not start there)",
            )
        else:
            self.set("G-ORIGIN-002", Result.PASS, "no attempt to answer", self.framed_posts(t))

    boot_s = 0.0  # how long the game took to first talk in the harness lobby
    stranger_opened: float | None = None

    def open_stranger_lobby(self) -> None:
        """G-ORIGIN-003's page: a stranger framing the game with ?lobby=<the stranger>."""
        believer = with_query(self.url, **{self.o.lobby_param: STRANGER_LOBBY})
        self.s.open(STRANGER_LOBBY_PAGE, f"{STRANGER_PAGE}?frame={quote(believer, safe='')}")
        self.stranger_opened = self.s.capture.now()

    def step_stranger_lobby(self) -> None:
        """G-ORIGIN-003: a stranger frames the game with ?lobby=<the stranger>. A game that
        believes the parameter talks to it (and obeys it); one that checks it against its
        studio's lobbies says nothing. It gets as long to start there as it took in the harness
        lobby, plus a handshake timeout and a second, before its silence counts."""
        assert self.stranger_opened is not None
        page = next(p for p, n in self.s.names.items() if n == STRANGER_LOBBY_PAGE)
        loaded = self.s.wait_for(
            lambda: page.evaluate("() => strangerLoaded"),
            max(1.0, self.o.start_timeout - (self.s.capture.now() - self.stranger_opened)),
        )
        settle = self.stranger_opened + min(self.boot_s + 2.0, self.o.start_timeout)
        self.s.wait_for(
            lambda: (
                self.s.capture.now() >= settle
                or any(e.direction == TO_STRANGER_LOBBY for e in self.s.capture.events)
            ),
            max(0.0, settle - self.s.capture.now()),
        )
        t = self.s.capture.now()
        page.evaluate(
            "([m, o]) => strangerSend(m, 'child', o)",
            [STRANGER_LOBBY_MESSAGES, self.game_origin],
        )
        self.s.pump(self.o.quiet)
        talked = [e for e in self.s.capture.events if e.direction == TO_STRANGER_LOBBY]
        asked = [
            e
            for e in self.s.capture.since(t)
            if e.page == STRANGER_LOBBY_PAGE and e.direction == STRANGER
        ]
        # A game that hears the stranger but posts to its own lobby obeys all the same: its
        # answers are posted (and dropped by the browser, whose target origin is not the
        # stranger's), so its attempted posts after the stranger's commands are judged too.
        answered = of_type(
            [
                e
                for e in self.s.capture.since(t)
                if e.page == STRANGER_LOBBY_PAGE and e.direction == "game_post"
            ],
            *REACTIONS,
        )
        param = f"?{self.o.lobby_param}={STRANGER_LOBBY}"
        if answered and not talked:
            types = ", ".join(sorted({e.type or "?" for e in answered}))
            self.set(
                "G-ORIGIN-003",
                Result.FAIL,
                f"the game heard the stranger that {param} named and obeyed it ({types}), "
                f"though it posted its answers to {answered[0].target!r} (which the browser "
                "dropped)",
                answered,
            )
        elif talked:
            obeyed = of_type([e for e in talked if e.t >= t], *REACTIONS, "balance")
            types = ", ".join(sorted({e.type or "?" for e in talked}))
            what = (
                f"and obeyed it ({', '.join(sorted({e.type or '?' for e in obeyed}))})"
                if obeyed
                else "(it did not obey its commands)"
            )
            self.set(
                "G-ORIGIN-003",
                Result.FAIL,
                f"the game believed {param}: it posted {len(talked)} message(s) to that "
                f"stranger ({types}) {what}",
                talked,
            )
        elif not loaded:
            self.set("G-ORIGIN-003", Result.NA, "the stranger's page did not frame the game")
        else:
            self.set(
                "G-ORIGIN-003",
                Result.PASS,
                f"framed with {param}: nothing posted to the stranger, none of its "
                f"{len(STRANGER_LOBBY_MESSAGES)} messages answered",
                asked,
            )
