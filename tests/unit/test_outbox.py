"""One crossing per event: the engine's Python under CPython, with a stand-in engine kit.

While Python handles a call from the engine kit (an event, or the page's send / request /
query), posts, timer changes and emits are collected and returned as one outbox string
(``bridge.boundary``) for the kit to carry out; the kit's ``run`` is called directly only for
pieces produced outside such a call.
"""

from __future__ import annotations

import json
from typing import Any

from bridge.boundary import PageOp
from bridge.browser import engine

GAME = "https://games.hizi.example"
LOBBY = "https://casino.example.com"
RC = {"elapsedSeconds": 3600, "totalStaked": 120, "totalWon": 95.5, "netResult": -24.5,
      "currency": "EUR"}  # fmt: skip


class StubKit:
    """The engine kit's one method Python calls: ``run(outbox)``, recorded."""

    def __init__(self) -> None:
        self.runs: list[str] = []

    def run(self, out: str) -> None:
        self.runs.append(out)


def pieces(out: str) -> list[tuple[str, Any]]:
    result: list[tuple[str, Any]] = []
    for piece in out.split("\x00") if out else []:
        if piece[0] == "W":  # W<flag><target>U+0001<text>
            target, _, text = piece[2:].partition("\x01")
            result.append(("W" + piece[1], (target, json.loads(text))))
        elif piece[0] in "AC":
            result.append((piece[0], None))
        else:
            result.append((piece[0], json.loads(piece[1:])))
    return result


def open_handle(role: str, config: dict[str, Any]) -> tuple[Any, StubKit]:
    kit = StubKit()
    handle = engine.open_bridge(1, role, json.dumps(config), kit)
    assert not isinstance(handle, str), handle
    [(code, reply)] = pieces(kit.runs.pop())
    assert code == "r" and reply["key"] == 1
    return handle, kit


def open_pair() -> tuple[Any, Any]:
    """A lobby and a game, connected by hand through their outboxes."""
    lobby, _ = open_handle("lobby", {"gameOrigin": GAME})
    game, _ = open_handle("game", {"lobbyOrigin": LOBBY})
    assert lobby(PageOp.START, True) != ""
    [(_, (target, hello))] = [p for p in pieces(game(PageOp.START, True)) if p[0] == "W0"]
    assert target == LOBBY and hello["type"] == "hiziBridge.hello"
    out = pieces(lobby(PageOp.WINDOW, json.dumps(hello), True, GAME, False))
    [(_, (target, welcome))] = [p for p in out if p[0] == "W1"]  # with a new channel
    assert target == GAME
    out = pieces(game(PageOp.WINDOW, json.dumps(welcome), True, LOBBY, True))
    assert ("A", None) in out  # the game adopts the port that came with the welcome
    [ready] = [p[1] for p in out if p[0] in "Pp"]
    lobby(PageOp.PORT, json.dumps(ready), False)
    lobby(PageOp.SUBSCRIBE, json.dumps([["*"], False]))
    game(PageOp.SUBSCRIBE, json.dumps([["*"], False]))
    assert lobby._bridge.status == game._bridge.status == "connected"
    return lobby, game


def test_the_open_reply_gives_the_page_its_allow_list() -> None:
    kit = StubKit()
    config = {"gameOrigin": GAME, "allowedOrigins": [GAME, "https://*.cdn.example"]}
    engine.open_bridge(5, "lobby", json.dumps(config), kit)
    [(code, reply)] = pieces(kit.runs[0])
    assert code == "r"
    assert reply == {"key": 5, "ok": {"allowed": [GAME], "wildcards": True}}


def test_a_refused_config_answers_one_line_with_invalid_config() -> None:
    out = engine.open_bridge(2, "lobby", json.dumps({"gameOrigin": "*"}), StubKit())
    assert isinstance(out, str)
    [(code, reply)] = pieces(out)
    assert code == "r" and reply["key"] == 2
    assert reply["error"]["code"] == "invalid_config"
    assert "\n" not in reply["error"]["message"] and "Traceback" not in reply["error"]["message"]


def test_a_round_trip_crosses_once_per_event() -> None:
    lobby, game = open_pair()
    lk, gk = lobby._adapter._run.__self__, game._adapter._run.__self__
    lk.runs.clear()
    gk.runs.clear()
    out = lobby(PageOp.REQUEST, 7, "realityCheck", json.dumps(RC), -1)
    # A person answers a reality check: no timer by default.
    [(code, request)] = pieces(out)
    assert code == "P" and request["type"] == "realityCheck" and request["data"] == RC
    out = game(PageOp.PORT, out.split("\x00")[0][1:], False)
    assert pieces(out) == [("m", {"type": "realityCheck", "data": RC})]
    out = game(PageOp.SEND, 8, "realityCheckAnswer", '{"choice": "continue"}')
    [(code, answer)] = pieces(out)
    assert code == "P" and answer["re"] == request["id"]
    out = lobby(PageOp.PORT, out[1:], False)
    reply = {"type": "realityCheckAnswer", "data": {"choice": "continue"}}
    assert pieces(out) == [("m", reply), ("r", {"key": 7, "ok": reply})]
    out = lobby(PageOp.REQUEST, 8, "pause", "", -1)
    [(code, pause), (timer, ms)] = pieces(out)
    assert code == "P" and pause["type"] == "pause"
    assert timer == "T" and 10_000 <= ms <= 10_002  # the request's timer, after its post
    game(PageOp.PORT, out.split("\x00")[0][1:], False)
    out = lobby(PageOp.PORT, game(PageOp.SEND, 9, "gamePaused", "")[1:], False)
    paused = {"type": "gamePaused"}
    # Nothing pending any more, but the timer is left to fire once: no clearTimeout here.
    assert pieces(out) == [("m", paused), ("r", {"key": 8, "ok": paused})]
    # Nothing crossed into JS on its own in the whole round trip.
    assert lk.runs == gk.runs == []


def test_only_subscribed_types_cross_to_the_page() -> None:
    lobby, game = open_pair()
    lobby(PageOp.SUBSCRIBE, json.dumps([["balance"], False]))
    for type_name, data in [("roundEnded", ""), ("balance", "5")]:
        out = game(PageOp.SEND, 1, type_name, data)
        out = lobby(PageOp.PORT, out[1:], False)
        assert [p[1]["type"] for p in pieces(out) if p[0] == "m"] == (
            ["balance"] if type_name == "balance" else []
        )
    stats = json.loads(json.dumps(lobby._bridge.protocol_stats()))
    assert stats["accepted_by_type"]["roundEnded"] == 1  # delivered, just not to the page


def test_a_batch_answers_with_one_outbox_in_order() -> None:
    lobby, _ = open_pair()
    texts = [json.dumps({"type": "balance", "data": i, "id": i + 101}) for i in range(3)]
    out = lobby(PageOp.BATCH, "\x00".join([*texts, "nope"]))
    assert pieces(out) == [("m", {"type": "balance", "data": i}) for i in range(3)]
    out = lobby(PageOp.QUERY, 4, "stats", json.dumps({"engine_io_errors": 2}))
    [(_, reply)] = pieces(out)
    stats = reply["ok"]
    assert stats["rejected"]["malformed"] == 1 and stats["rejected_total"] == 1
    assert stats["io_errors"] == 2  # the kit's failed posts are added to Python's count


def test_a_failed_send_answers_with_an_error_reply_and_posts_nothing() -> None:
    lobby, _ = open_pair()
    for data, type_name in [('{"on": 1}', "turbo"), ("null", "noSuchType"), ("", "balance")]:
        [(code, reply)] = pieces(lobby(PageOp.SEND, 3, type_name, data))
        assert code == "r" and reply["key"] == 3
        assert reply["error"]["code"] == "invalid_outbound"
    [(code, spin)] = pieces(lobby(PageOp.SEND, 4, "spin", ""))
    assert code == "P" and spin["type"] == "spin"


def test_outside_a_call_pieces_go_to_the_kit_at_once() -> None:
    lobby, _ = open_pair()
    kit = lobby._adapter._run.__self__
    kit.runs.clear()
    lobby._bridge.send("pause")  # not inside a call from the kit
    [(code, pause)] = pieces(kit.runs.pop())
    assert code == "P" and pause["type"] == "pause"


def test_closing_inside_an_event_posts_the_bye_first() -> None:
    lobby, _ = open_pair()
    lobby._bridge.on("balance", lambda m: lobby._bridge.close("done"))
    out = pieces(lobby(PageOp.PORT, json.dumps({"type": "balance", "data": 1, "id": 101}), False))
    codes = [c for c, _ in out]
    bye = codes.index("p") if "p" in codes else codes.index("P")
    assert out[bye][1]["type"] == "hiziBridge.bye"
    assert codes.index("C") > bye  # the port closes after the bye went out on it
    assert ("s", {"status": "closed", "mode": "bridge", "reason": "done"}) in [
        (c, {k: v for k, v in p.items() if k != "code"}) for c, p in out if c == "s"
    ]


def test_close_cancels_pending_requests_in_the_same_outbox() -> None:
    lobby, _ = open_pair()
    lobby(PageOp.REQUEST, 11, "pause", "", 5000)
    out = pieces(lobby(PageOp.CLOSE, 12, "bye"))
    replies = [p for c, p in out if c == "r"]
    assert replies == [
        {"key": 11, "error": {**replies[0]["error"], "code": "cancelled"}},
    ]
