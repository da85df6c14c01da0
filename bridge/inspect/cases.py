"""The case registry: every check the inspector runs, with a stable id, a title and what it checks.

Ids never change meaning once published (a CI job may pin them); new checks get new ids.
``docs/inspect.md`` lists the same table (a unit test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Result(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    NA = "n/a"


@dataclass(frozen=True)
class Case:
    id: str
    mode: str  # "game" | "lobby"
    title: str
    checks: str
    # The wire the case is judged in: a game run in a studio dialect (--dialect) has its own
    # cases, and the Appendix A run has its own.
    dialect: str = "appendix_a"


@dataclass
class Outcome:
    """One case's result in one inspection, with its evidence (messages, with times)."""

    case: Case
    result: Result
    detail: str
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "title": self.case.title,
            "result": self.result.value,
            "detail": self.detail,
            "evidence": self.evidence,
        }


_ALL: list[Case] = [
    # ---- game mode
    Case(
        "G-LOAD-001",
        "game",
        "The game talks after loading",
        "The framed game posts at least one message to the lobby within the start-up "
        "timeout (--start-timeout).",
    ),
    Case(
        "G-START-001",
        "game",
        "The game sends gameReady",
        "gameReady arrives within the start-up timeout.",
    ),
    Case(
        "G-START-002",
        "game",
        "Start-up order",
        "onAppFrameReady (if sent) comes before gameDataLoaded and gameReady; loadProgress "
        "never goes down; no roundStarted before gameReady.",
    ),
    Case(
        "G-MSG-001",
        "game",
        "Every message is valid",
        "Every message the game posts to the lobby parses with bridge.core as a game -> lobby "
        "(or handshake) message of the dialect in use: known type, strict schema, size limits.",
    ),
    Case(
        "G-POST-001",
        "game",
        'Posts name the lobby\'s exact origin, never "*"',
        "postMessage is instrumented in every frame of the game's origin; every window post "
        "must name the harness lobby's origin as targetOrigin.",
    ),
    Case(
        "G-ROUND-001",
        "game",
        "spin plays a round",
        "After spin the game sends roundStarted and then roundEnded within --round-timeout.",
    ),
    Case(
        "G-ROUND-002",
        "game",
        "Rounds are paired",
        "Over the whole session every roundEnded closes an open roundStarted and no round "
        "starts while one is open.",
    ),
    Case(
        "G-ROUND-003",
        "game",
        "Balances are consistent",
        "Every balance is >= 0 and each roundStarted's balance (after the stake) is not above "
        "the last balance the game reported.",
    ),
    Case(
        "G-PAUSE-001",
        "game",
        "pause is acknowledged",
        "pause is answered with gamePaused and resume with gameResumed (extensions: a "
        "missing answer is a warning).",
    ),
    Case(
        "G-PAUSE-002",
        "game",
        "A paused game does not play",
        "A spin sent while paused starts no round.",
    ),
    Case(
        "G-PAUSE-003",
        "game",
        "The game plays again after resume",
        "After resume, spin plays a round again.",
    ),
    Case(
        "G-RC-001",
        "game",
        "A reality check is answered in time",
        "realityCheck is answered with realityCheckAnswer within --reply-timeout; an answer "
        "after the timeout fails (the lobby has given up by then); no answer at all is a "
        "warning (a plain Appendix A game does not know the extension; a game that waits for "
        "the player can be answered with --rc-click).",
    ),
    Case(
        "G-CTRL-001",
        "game",
        "Appendix A controls are accepted",
        "stop, clearCookies, stakeUp, stakeDown, updateBalance and showHelp cause no page "
        "error and the game still plays a round afterwards.",
    ),
    Case(
        "G-TURBO-001",
        "game",
        "Turbo on and off",
        "turbo true, a round, turbo false: no page error and the round is complete.",
    ),
    Case(
        "G-AUDIO-001",
        "game",
        "setAudio is obeyed consistently",
        "setAudio false / true cause no page error; any audioToggle the game sends in "
        "response reports the state asked for (muted = not audio).",
    ),
    Case(
        "G-AUTO-001",
        "game",
        "Autoplay start and stop pair up",
        "stopAutoplay causes no page error; every autoplayStarted is followed by an "
        "autoplayStopped (n/a when the game never autoplays).",
    ),
    Case(
        "G-EXT-001",
        "game",
        "Issue #12 extensions do no harm",
        "toggleAudio and toggleTurbo (twice each), showAutoplay, hideHelp, promoInfo, "
        "freeRounds (used up), showError (canContinue) and continue cause no page error "
        "(a fail); a game that obeys or ignores them still plays a round afterwards (a "
        "warning otherwise: a plain Appendix A game does not know them).",
    ),
    Case(
        "G-EXT-002",
        "game",
        "setStake is answered with stakeChanged",
        "setStake 2 and then 1 are each answered with stakeChanged within --reply-timeout "
        "(the game may pick its nearest stake); no answer is a warning (an extension a plain "
        "Appendix A game does not know); only a page error fails.",
    ),
    Case(
        "G-JUNK-001",
        "game",
        "Junk from the lobby's origin is ignored",
        "Non-objects, unknown and mis-cased types, wrong shapes and an oversized string cause "
        "no page error, no message that acts on them, and the game still plays.",
    ),
    Case(
        "G-ORIGIN-001",
        "game",
        "Messages from a stranger frame are ignored",
        "A frame of a third origin inside the lobby posts pause, spin, realityCheck and "
        "close to the game: the game must not answer, must not act, and must still play "
        "when the real lobby spins.",
    ),
    Case(
        "G-ORIGIN-002",
        "game",
        "A stranger that frames the game cannot drive it",
        "A page of a third origin frames the game (with the lobby parameter pointing at the "
        "harness) and posts spin, pause, realityCheck and close: the game must not try to "
        "answer any of them.",
    ),
    Case(
        "G-ORIGIN-003",
        "game",
        "A stranger that names itself the lobby gets nothing",
        "A page of a third origin (served by request routing, an origin no studio allows) "
        "frames the game with the lobby parameter set to its own origin and posts spin, "
        "pause, resume, updateBalance, realityCheck and close: the game must post nothing to "
        "it, and must not answer its commands even with posts to its own lobby (which the "
        "browser drops). Check "
        "the parameter against the studio's lobby origins: HiziBridge.game({ lobbyOrigins }).",
    ),
    Case(
        "G-RELOAD-001",
        "game",
        "reload restarts the game",
        "After reload the game starts again and sends gameReady (a warning when it does not).",
    ),
    Case(
        "G-DIALECT-001",
        "game",
        "The game speaks one dialect (appendix_a)",
        "Every message of the main session is in Appendix A's {type, data} form (plus the "
        "hizi-bridge handshake), never mixed with another dialect.",
    ),
    Case(
        "G-DIALECT-002",
        "game",
        "gamesglobal dialect",
        "Launched with dialect=gamesglobal, the game speaks GamesGlobal's Bridge API: "
        "valid envelopes, BRIDGE_API_READY first (n/a when the game ignores the parameter).",
    ),
    # ---- game mode, a studio dialect (--dialect rubyplay | 155io)
    Case(
        "G-RUBY-001",
        "game",
        "The game speaks RubyPlay only",
        "Launched with dialect=rubyplay, the game talks within the start-up timeout and "
        "every message it posts is a valid "
        "rp.g2w.<name> message (known name, strict envelope, integer amounts in the "
        "currency's minor unit), with the same sender and lang throughout; no Appendix A or "
        "hizi-bridge handshake mixed in.",
        "rubyplay",
    ),
    Case(
        "G-RUBY-002",
        "game",
        "The game sends gameStarted",
        "rp.g2w.gameStarted arrives within the start-up timeout; loadingEnded, if sent, comes "
        "before it and no paid round starts before it.",
        "rubyplay",
    ),
    Case(
        "G-RUBY-003",
        "game",
        "refreshBalance is answered",
        "After rp.w2g.refreshBalance the game sends rp.g2w.balanceUpdate within "
        "--reply-timeout (a warning when not: RubyPlay's stored docs do not say it must).",
        "rubyplay",
    ),
    Case(
        "G-RUBY-004",
        "game",
        "Paid rounds are paired",
        "Every paidRoundEnded closes an open paidRoundStarted and no paid round starts while "
        "one is open (n/a when no round was played: RubyPlay has no spin command).",
        "rubyplay",
    ),
    Case(
        "G-MARBLES-001",
        "game",
        "The game speaks 155.io only",
        "Launched with dialect=155io, the game talks within the start-up timeout and every "
        "message it posts is a 155.io envelope "
        "(source marbles-game-widget, version 1, a payload object, a timestamp); a type "
        "outside the assumed event table is a warning (the stored docs lack the table), "
        "anything else invalid a failure.",
        "155io",
    ),
    Case(
        "G-MARBLES-002",
        "game",
        "refresh-balance is answered",
        "After refresh-balance the game sends balance-updated within --reply-timeout (a "
        "warning when not: the event's name is assumed).",
        "155io",
    ),
    Case(
        "G-MARBLES-003",
        "game",
        "The documented commands do no harm",
        "mute-audio (both ways), set-audio-volume, open-game-history and close-panels cause no "
        "page error, and the game still answers refresh-balance afterwards (a warning when "
        "it does not).",
        "155io",
    ),
    # ---- lobby mode
    Case(
        "L-LOAD-001",
        "lobby",
        "The lobby frames the game",
        "Given the conformance game's URL in its launch parameter (--game-param), the lobby "
        "loads it in an iframe.",
    ),
    Case(
        "L-LOAD-002",
        "lobby",
        "The lobby tells the game its origin",
        "The game URL carries the lobby parameter (--lobby-param) equal to the lobby's own "
        "origin (a warning otherwise: the game cannot know where to post).",
    ),
    Case(
        "L-START-001",
        "lobby",
        "The lobby takes the game's start-up",
        "onAppFrameReady, loadProgress, gameDataLoaded, balance and gameReady from the game "
        "cause no page error in the lobby.",
    ),
    Case(
        "L-MSG-001",
        "lobby",
        "Every message to the game is valid",
        "Every message the lobby posts to the game parses with bridge.core as a lobby -> game "
        "(or handshake) message.",
    ),
    Case(
        "L-POST-001",
        "lobby",
        'Posts name the game\'s exact origin, never "*"',
        "postMessage is instrumented in every frame of the lobby's origin; every window post "
        "to the game must name the game's origin.",
    ),
    Case(
        "L-REQ-001",
        "lobby",
        "The lobby answers the game's requests",
        "The game's rounds, cashier and historyRequest cause no page error; closeRequest is "
        "answered (close sent or the game removed; a warning when nothing visible happens).",
    ),
    Case(
        "L-ORIGIN-001",
        "lobby",
        "Messages from a stranger frame are refused",
        "A frame of a third origin inside the lobby posts game messages (closeRequest, "
        "gameReady, roundStarted, a handshake hello): the lobby must not answer it, must not "
        "remove or navigate the game, and must not pass anything on to the game.",
    ),
    Case(
        "L-RELOAD-001",
        "lobby",
        "The lobby survives a game reload",
        "The game reloads itself and starts again: no page error, the lobby keeps the frame, "
        "and its messages to the game stay valid.",
    ),
]

CASES: dict[str, Case] = {case.id: case for case in _ALL}


def cases_for(mode: str, dialect: str | None = None) -> list[Case]:
    """The cases of ``mode``; with ``dialect``, only those of that wire."""
    return [c for c in _ALL if c.mode == mode and (dialect is None or c.dialect == dialect)]


def summary(outcomes: list[Outcome]) -> dict[str, int]:
    counts = {result.value: 0 for result in Result}
    for outcome in outcomes:
        counts[outcome.result.value] += 1
    return counts
