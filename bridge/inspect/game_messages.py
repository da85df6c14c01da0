"""What the game inspection sends: the reality check, the strangers' messages, junk, issue #12's
extensions, and what counts as a game acting on a message."""

from __future__ import annotations

from typing import Any

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
# G-ORIGIN-003: what a stranger lobby asks of a game that believed its ?lobby=: play, pause, a
# balance, a reality check, its close.
STRANGER_LOBBY_MESSAGES: list[dict[str, Any]] = [
    {"type": "spin"},
    {"type": "pause"},
    {"type": "resume"},
    {"type": "updateBalance"},
    {"type": "realityCheck", "data": RC_DATA},
    {"type": "spin"},
    {"type": "close", "data": {"reason": "stranger"}},
]
