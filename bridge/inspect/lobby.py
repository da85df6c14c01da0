"""Lobby mode: the target lobby with the inspector's conformance game (pages/game.html) in its
iframe, given through the lobby's launch parameter (``--game-param``, ``?game=`` by default).

The conformance game is a plain Appendix A game that also answers the extensions' requests;
the inspector makes it talk (``gameSend``) and reads what the lobby posts back.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

from bridge.core.messages import Direction

from .capture import GAME_TO_LOBBY, LOBBY_TO_GAME, Event, classify, evidence, of_type
from .cases import CASES, Outcome, Result
from .serve import Harness
from .session import Report, Session, with_query

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame

LOBBY_POST = "lobby_post"  # a post the lobby's own frame made (L-MSG-001, L-POST-001)
STRANGER_MESSAGES: list[dict[str, Any]] = [
    {
        "type": "hiziBridge.hello",
        "data": {"protocol": "hizi-bridge", "versions": [1], "role": "game", "session": "x-1"},
    },
    {"type": "onAppFrameReady"},
    {"type": "gameReady"},
    {"type": "roundStarted", "data": 5},
    {"type": "roundEnded"},
    {"type": "cashier"},
    {"type": "closeRequest"},
]


@dataclass
class LobbyOptions:
    lobby_param: str = "lobby"
    game_param: str = "game"
    start_timeout: float = 30.0
    reply_timeout: float = 5.0
    quiet: float = 1.5


class LobbyInspection:
    def __init__(self, browser: Browser, harness: Harness, url: str, options: LobbyOptions) -> None:
        self.o = options
        self.harness = harness
        self.home = harness.home.origin
        self.game_url = harness.home.url("game.html")
        self.given_url = url  # the report names what the user gave, not the harness's port
        self.url = with_query(url, **{options.game_param: self.game_url})
        self.s = Session(browser, harness, self.url)
        self.s.target_is_top = True
        self.lobby_origin = self.s.target_origin
        self.outcomes: dict[str, Outcome] = {}
        self.s.capture.on_event = self.route
        self.game: Frame | None = None

    def route(self, e: Event) -> None:
        in_game = e.frame_origin == self.home and e.kind != "" and e.page == "main"
        if e.kind == "in" and in_game and e.origin == self.lobby_origin:
            e.direction = LOBBY_TO_GAME
            classify(e, Direction.LOBBY_TO_GAME)
        elif e.kind == "post" and in_game and e.to == "parent":
            e.direction = GAME_TO_LOBBY
            classify(e, Direction.GAME_TO_LOBBY)
        elif e.kind == "in" and e.frame_origin == self.harness.stranger.origin:
            e.direction = "lobby_to_stranger" if e.origin == self.lobby_origin else "other"
        elif e.kind == "post" and e.frame_origin == self.harness.stranger.origin:
            e.direction = "stranger"
            classify(e, Direction.GAME_TO_LOBBY)
        elif e.kind == "post" and e.frame_origin == self.lobby_origin:
            e.direction = LOBBY_POST
            classify(e, Direction.LOBBY_TO_GAME)
        else:
            e.direction = "other"

    def set(self, case_id: str, result: Result, detail: str, ev: list[Event] | None = None) -> None:
        self.outcomes[case_id] = Outcome(CASES[case_id], result, detail, evidence(ev or []))

    def to_game(self, since: float = 0.0) -> list[Event]:
        return [e for e in self.s.capture.events if e.direction == LOBBY_TO_GAME and e.t >= since]

    def find_game(self) -> Frame | None:
        assert self.s.main is not None
        for frame in self.s.main.frames:
            if frame.url.startswith(self.game_url) and not frame.is_detached():
                return frame
        return None

    def game_send(self, *messages: Any) -> float:
        t = self.s.capture.now()
        frame = self.find_game()
        if frame is not None:
            frame.evaluate("(m) => gameSend(m)", list(messages))
        return t

    # ------------------------------------------------------------------ run

    def run(self) -> Report:
        s = self.s
        try:
            s.open("main", self.url)
        except Exception as exc:
            s.load_error = s.load_error or str(exc).splitlines()[0]
        if s.load_error:
            return self.report(loaded=False, error=s.load_error)
        s.wait_for(self.find_game, self.o.start_timeout, step=0.1)
        self.game = self.find_game()
        if self.game is None:
            self.set(
                "L-LOAD-001",
                Result.FAIL,
                f"no iframe with {self.game_url} after {self.o.start_timeout:g} s "
                f"(is ?{self.o.game_param}= the lobby's launch parameter?)",
            )
            return self.report(loaded=True)
        self.set("L-LOAD-001", Result.PASS, f"framed {self.game.url}")
        given = parse_qs(urlsplit(self.game.url).query).get(self.o.lobby_param, [""])[0]
        if given == self.lobby_origin:
            self.set("L-LOAD-002", Result.PASS, f"?{self.o.lobby_param}={given}")
        else:
            self.set(
                "L-LOAD-002",
                Result.WARN,
                f"?{self.o.lobby_param}={given!r}, expected {self.lobby_origin!r}",
            )
        # The game has started up. A lobby that still boots a runtime (Pyodide) may answer
        # later: wait up to the reply timeout for its first message to the game. Many lobbies
        # never say anything to a plain game on their own, so silence is not a failure and
        # costs no more than the reply timeout.
        s.wait_for(self.to_game, self.o.reply_timeout, step=0.1)
        s.pump(self.o.quiet)
        errors = s.capture.errors_since(0)
        start = [e for e in s.capture.events if e.direction in (GAME_TO_LOBBY, LOBBY_TO_GAME)]
        if errors:
            self.set("L-START-001", Result.FAIL, "page error: " + errors[0], start)
        else:
            self.set("L-START-001", Result.PASS, "start-up taken without error", start)
        self.step_stranger()
        self.step_reload()
        self.step_requests()
        self.finish()
        return self.report(loaded=True)

    def report(self, *, loaded: bool, error: str = "") -> Report:
        outcomes = [
            self.outcomes.get(c.id)
            or Outcome(c, Result.NA, "not run: the lobby did not frame the game")
            for c in CASES.values()
            if c.mode == "lobby"
        ]
        report = Report(
            target=self.given_url,
            mode="lobby",
            outcomes=outcomes,
            events=[
                e
                for e in self.s.capture.events
                if e.direction in (GAME_TO_LOBBY, LOBBY_TO_GAME, "stranger", "lobby_to_stranger")
            ],
            loaded=loaded,
            load_error=error,
            duration_s=self.s.capture.now(),
        )
        self.s.close()
        return report

    # ------------------------------------------------------------------ steps

    def game_intact(self, url: str) -> bool:
        frame = self.find_game()
        return frame is not None and frame.url == url

    def step_stranger(self) -> None:
        main = self.s.main
        assert main is not None and self.game is not None
        url_before = self.game.url
        src = self.harness.stranger.url("stranger.html")
        main.evaluate(
            """(src) => new Promise((resolve) => {
                const f = document.createElement("iframe");
                f.addEventListener("load", () => resolve(true), { once: true });
                f.style.cssText = "width:1px;height:1px;border:0";
                f.src = src;
                document.body.appendChild(f);
            })""",
            src,
        )
        stranger = next(f for f in main.frames if f.url.startswith(self.harness.stranger.origin))
        t = self.s.capture.now()
        stranger.evaluate(
            "([m, o]) => strangerSend(m, 'parent', o)", [STRANGER_MESSAGES, self.lobby_origin]
        )
        self.s.pump(self.o.quiet)
        since = self.s.capture.since(t)
        answered = [e for e in since if e.direction == "lobby_to_stranger"]
        acted = of_type(self.to_game(t), "close")
        ev = [e for e in since if e.direction != "other"]
        if answered:
            self.set("L-ORIGIN-001", Result.FAIL, "the lobby answered the stranger", answered)
        elif not self.game_intact(url_before):
            self.set(
                "L-ORIGIN-001",
                Result.FAIL,
                "the lobby removed or navigated the game after a stranger's closeRequest",
                ev,
            )
        elif acted:
            self.set("L-ORIGIN-001", Result.FAIL, "the lobby sent close to the game", acted)
        else:
            self.set("L-ORIGIN-001", Result.PASS, "stranger refused: no answer, no action", ev)
        main.evaluate(
            "(o) => { for (const f of document.querySelectorAll('iframe'))"
            " if (f.src.startsWith(o)) f.remove(); }",
            self.harness.stranger.origin,
        )
        self.game = self.find_game()

    def step_reload(self) -> None:
        frame = self.find_game()
        if frame is None:
            self.set("L-RELOAD-001", Result.NA, "the game is gone")
            return
        t = self.s.capture.now()
        with contextlib.suppress(Exception):
            frame.evaluate("() => { setTimeout(gameReload, 0); }")
        came_back = self.s.wait_for(
            lambda: of_type(
                [e for e in self.s.capture.since(t) if e.direction == GAME_TO_LOBBY], "gameReady"
            ),
            10.0,
        )
        self.s.pump(self.o.quiet)
        errors = self.s.capture.errors_since(t)
        ev = [e for e in self.s.capture.since(t) if e.direction in (GAME_TO_LOBBY, LOBBY_TO_GAME)]
        if not came_back or self.find_game() is None:
            self.set("L-RELOAD-001", Result.FAIL, "the game did not come back after a reload", ev)
        elif errors:
            self.set("L-RELOAD-001", Result.FAIL, "page error: " + errors[0], ev)
        else:
            self.set("L-RELOAD-001", Result.PASS, "the game restarted; no error", ev)

    def step_requests(self) -> None:
        frame = self.find_game()
        if frame is None:
            self.set("L-REQ-001", Result.NA, "the game is gone")
            return
        url = frame.url
        t = self.game_send(
            {"type": "roundStarted", "data": 98},
            {"type": "balance", "data": 98},
            {"type": "roundEnded"},
            {"type": "cashier"},
            {"type": "historyRequest"},
        )
        self.s.pump(0.5)
        t_close = self.game_send({"type": "closeRequest"})
        self.s.wait_for(
            lambda: of_type(self.to_game(t_close), "close") or not self.game_intact(url),
            self.o.quiet * 2,
        )
        errors = self.s.capture.errors_since(t)
        ev = [e for e in self.s.capture.since(t) if e.direction in (GAME_TO_LOBBY, LOBBY_TO_GAME)]
        if errors:
            self.set("L-REQ-001", Result.FAIL, "page error: " + errors[0], ev)
        elif of_type(self.to_game(t_close), "close"):
            self.set("L-REQ-001", Result.PASS, "closeRequest answered with close", ev)
        elif not self.game_intact(url):
            self.set("L-REQ-001", Result.PASS, "closeRequest: the lobby removed the game", ev)
        else:
            self.set(
                "L-REQ-001",
                Result.WARN,
                "no visible answer to closeRequest (the lobby may show its own dialog)",
                ev,
            )

    # ------------------------------------------------------------------ whole session

    def lobby_posts(self) -> list[Event]:
        """The window posts the lobby made toward the game's frame, whether or not the browser
        delivered them (a post with a wrong target origin, or one made while the frame held
        another document, is dropped: the game never receives it, but the lobby made it)."""
        return [
            e
            for e in self.s.capture.events
            if e.direction == LOBBY_POST and e.transport == "window" and e.to == "child"
        ]

    def finish(self) -> None:
        posted, received = self.lobby_posts(), self.to_game()
        # What the lobby posted is what it is answerable for; what the game received is the
        # same messages once delivered (all of them when posts could not be observed).
        sent = posted or received
        bad = [e for e in sent if not e.ok]
        seen = f"{len(posted)} posted to the game, {len(received)} received by it"
        if not sent:
            self.set("L-MSG-001", Result.NA, "the lobby sent the game nothing")
        elif bad:
            self.set(
                "L-MSG-001", Result.FAIL, f"{len(bad)} invalid ({seen}): {bad[0].verdict}", bad
            )
        else:
            self.set("L-MSG-001", Result.PASS, f"{seen}, all valid", sent[:3])
        posts = [
            e
            for e in self.s.capture.events
            if e.direction == LOBBY_POST and e.transport == "window"
        ]
        wild = [e for e in posts if e.target == "*"]
        wrong = [e for e in posts if e.to == "child" and e.target not in ("*", self.home)]
        if wild:
            self.set("L-POST-001", Result.FAIL, f'{len(wild)} post(s) to "*"', wild)
        elif wrong:
            self.set("L-POST-001", Result.FAIL, f"posted to {wrong[0].target!r}", wrong)
        elif not posts:
            self.set("L-POST-001", Result.NA, "the lobby made no window post; nothing to judge")
        else:
            self.set("L-POST-001", Result.PASS, f"{len(posts)} window posts checked", posts[:2])


def _q(url: str) -> str:
    return quote(url, safe="")
