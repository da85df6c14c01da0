"""The game inspection's driver: its options, where each captured message belongs, and the
helpers every step uses to send the game messages and wait for its answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bridge.core.dialects import GamesGlobal
from bridge.core.messages import Direction, Role

from .capture import GAME_TO_LOBBY, LOBBY_TO_GAME, STRANGER, Event, classify, evidence, of_type
from .cases import CASES, Outcome, Result
from .origins import STRANGER_LOBBY, RoutedOrigin, serve_pages
from .serve import Harness, HarnessServer
from .session import Session, with_query

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# What the game posted that the stranger lobby (G-ORIGIN-003) received.
TO_STRANGER_LOBBY = "to_stranger_lobby"


@dataclass
class GameOptions:
    lobby_param: str = "lobby"
    lobby_origin: str | None = None  # present the harness lobby from this origin (routed)
    start_timeout: float = 30.0
    round_timeout: float = 10.0
    reply_timeout: float = 5.0
    quiet: float = 1.5  # how long the game must stay silent to count as "did not act"
    rc_click: str | None = None  # a selector in the game frame to click after a realityCheck
    dialects: bool = True
    reload: bool = True


class GameDriver:
    """State and helpers shared by the steps (``GameInspection`` puts them in order)."""

    def __init__(self, browser: Browser, harness: Harness, url: str, options: GameOptions) -> None:
        self.o = options
        self.harness = harness
        # The lobby the game is framed by: the harness server, or an origin the game allows
        # (--lobby-origin) served by request routing; G-ORIGIN-003's stranger is routed too.
        self.lobby: HarnessServer | RoutedOrigin = (
            RoutedOrigin(options.lobby_origin) if options.lobby_origin else harness.home
        )
        self.home = self.lobby.origin
        self.given_url = url  # the report names what the user gave, not the harness's port
        self.url = with_query(url, **{options.lobby_param: self.home})
        self.s = Session(browser, harness, self.url)
        self.game_origin = self.s.target_origin
        if options.lobby_origin:
            serve_pages(self.s.context, self.home)
        serve_pages(self.s.context, STRANGER_LOBBY)
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
        elif e.kind == "in" and e.frame_origin == STRANGER_LOBBY and e.origin == self.game_origin:
            e.direction = TO_STRANGER_LOBBY
            classify(e, Direction.GAME_TO_LOBBY)
        elif e.kind == "post" and e.frame_origin == STRANGER_LOBBY:
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
