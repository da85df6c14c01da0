"""One crossing per event: the engine's Python under CPython, with a stand-in engine kit.

While Python handles a call from the engine kit (an event, or the page's send / request /
query), posts, timer changes and emits are collected and returned as one outbox string
(``bridge.boundary``) for the kit to carry out; the kit's ``run`` is called directly only for
pieces produced outside such a call.
"""

from __future__ import annotations

import json
from typing import Any

from bridge.boundary import CODES
from bridge.browser import engine

from .fakes import GAME_ORIGIN as GAME
from .fakes import LOBBY_ORIGIN as LOBBY
from .fakes import StubKit, open_handle, pieces

RC = {"elapsedSeconds": 3600, "totalStaked": 120, "totalWon": 95.5, "netResult": -24.5,
      "currency": "EUR"}  # fmt: skip


def open_pair() -> tuple[Any, Any, StubKit, StubKit]:
    """A lobby and a game, connected by hand through their outboxes; their kits."""
    lobby, lobby_kit = open_handle("lobby", {"gameOrigin": GAME})
    game, game_kit = open_handle("game", {"lobbyOrigin": LOBBY})
    assert lobby(CODES["start"], True) != ""
    [(_, (target, hello))] = [p for p in pieces(game(CODES["start"], True)) if p[0] == "window"]
    assert target == LOBBY and hello["type"] == "hiziBridge.hello"
    out = pieces(lobby(CODES["window"], json.dumps(hello), True, GAME, False))
    [(_, (target, welcome))] = [p for p in out if p[0] == "window_new_port"]  # with a new channel
    assert target == GAME
    out = pieces(game(CODES["window"], json.dumps(welcome), True, LOBBY, True))
    assert ("adopt_port", None) in out  # the game adopts the port that came with the welcome
    [ready] = [p[1] for p in out if p[0].startswith("port")]
    lobby(CODES["port"], json.dumps(ready), False)
    assert lobby.bridge.status == game.bridge.status == "connected"
    return lobby, game, lobby_kit, game_kit


def test_the_open_reply_gives_the_page_its_allow_list() -> None:
    kit = StubKit()
    config = {"gameOrigin": GAME, "allowedOrigins": [GAME, "https://*.cdn.example"]}
    engine.open_bridge(5, "lobby", json.dumps(config), kit)
    [(code, reply)] = pieces(kit.runs[0])
    assert code == "reply"
    assert reply == {"key": 5, "ok": {"allowed": [GAME], "wildcards": True}}


def test_a_refused_config_answers_one_line_with_invalid_config() -> None:
    out = engine.open_bridge(2, "lobby", json.dumps({"gameOrigin": "*"}), StubKit())
    assert isinstance(out, str)
    [(code, reply)] = pieces(out)
    assert code == "reply" and reply["key"] == 2
    assert reply["error"]["code"] == "invalid_config"
    assert "\n" not in reply["error"]["message"] and "Traceback" not in reply["error"]["message"]


def test_a_round_trip_crosses_once_per_event() -> None:
    lobby, game, lk, gk = open_pair()
    lk.runs.clear()
    gk.runs.clear()
    out = lobby(CODES["request"], 7, "realityCheck", json.dumps(RC), -1)
    # A person answers a reality check: no timer by default.
    [(code, request)] = pieces(out)
    assert code == "port_batched" and request["type"] == "realityCheck" and request["data"] == RC
    out = game(CODES["port"], out.split("\x00")[0][1:], False)
    assert pieces(out) == [("message", {"type": "realityCheck", "data": RC})]
    out = game(CODES["send"], 8, "realityCheckAnswer", '{"choice": "continue"}')
    [(code, answer)] = pieces(out)
    assert code == "port_batched" and answer["re"] == request["id"]
    out = lobby(CODES["port"], out[1:], False)
    reply = {"type": "realityCheckAnswer", "data": {"choice": "continue"}}
    assert pieces(out) == [("message", reply), ("reply", {"key": 7, "ok": reply})]
    out = lobby(CODES["request"], 8, "pause", "", -1)
    [(code, pause), (timer, ms)] = pieces(out)
    assert code == "port_batched" and pause["type"] == "pause"
    assert timer == "timer" and 10_000 <= ms <= 10_002  # the request's timer, after its post
    game(CODES["port"], out.split("\x00")[0][1:], False)
    out = lobby(CODES["port"], game(CODES["send"], 9, "gamePaused", "")[1:], False)
    paused = {"type": "gamePaused"}
    # Nothing pending any more, but the timer is left to fire once: no clearTimeout here.
    assert pieces(out) == [("message", paused), ("reply", {"key": 8, "ok": paused})]
    # Nothing crossed into JS on its own in the whole round trip.
    assert lk.runs == gk.runs == []


def test_every_delivered_message_crosses_and_journal_entries_only_on_demand() -> None:
    # The page's handlers are the page's alone: Python keeps no copy of which types it has.
    lobby, game, _, _ = open_pair()
    for type_name, data in [("roundEnded", ""), ("balance", "5")]:
        out = game(CODES["send"], 1, type_name, data)
        out = lobby(CODES["port"], out[1:], False)
        assert [p[1]["type"] for p in pieces(out) if p[0] == "message"] == [type_name]
    lobby(CODES["journal"], True)
    out = pieces(lobby(CODES["port"], game(CODES["send"], 2, "balance", "6")[1:], False))
    assert [c for c, _ in out] == ["journal", "message"]
    lobby(CODES["journal"], False)
    out = pieces(lobby(CODES["port"], game(CODES["send"], 3, "balance", "7")[1:], False))
    assert [c for c, _ in out] == ["message"]


def test_the_page_sides_refusal_is_counted_and_journaled_once() -> None:
    lobby, *_ = open_pair()
    lobby(CODES["journal"], True)
    [(code, entry)] = pieces(lobby(CODES["refused"], "origin", "https://evil.example"))
    assert code == "journal" and entry["reason"] == "origin" and entry["status"] == "rejected"
    out = lobby(CODES["query"], 4, "stats", json.dumps({"fast_rejected": {"origin": 5}}))
    [(_, reply)] = pieces(out)
    assert reply["ok"]["rejected"]["origin"] == 6 and reply["ok"]["rejected_fast"] == {"origin": 5}


def test_a_batch_answers_with_one_outbox_in_order() -> None:
    lobby, *_ = open_pair()
    texts = [json.dumps({"type": "balance", "data": i, "id": i + 101}) for i in range(3)]
    out = lobby(CODES["batch"], "\x00".join([*texts, "nope"]))
    assert pieces(out) == [("message", {"type": "balance", "data": i}) for i in range(3)]
    out = lobby(CODES["query"], 4, "stats", json.dumps({"engine_io_errors": 2}))
    [(_, reply)] = pieces(out)
    stats = reply["ok"]
    assert stats["rejected"]["malformed"] == 1 and stats["rejected_total"] == 1
    assert stats["io_errors"] == 2  # the kit's failed posts are added to Python's count


def test_a_failed_send_answers_with_an_error_reply_and_posts_nothing() -> None:
    lobby, *_ = open_pair()
    for data, type_name in [('{"on": 1}', "turbo"), ("null", "noSuchType"), ("", "balance")]:
        [(code, reply)] = pieces(lobby(CODES["send"], 3, type_name, data))
        assert code == "reply" and reply["key"] == 3
        assert reply["error"]["code"] == "invalid_outbound"
    [(code, spin)] = pieces(lobby(CODES["send"], 4, "spin", ""))
    assert code == "port_batched" and spin["type"] == "spin"


def test_outside_a_call_pieces_go_to_the_kit_at_once() -> None:
    lobby, _, kit, _ = open_pair()
    kit.runs.clear()
    lobby.bridge.send("pause")  # not inside a call from the kit
    [(code, pause)] = pieces(kit.runs.pop())
    assert code == "port_batched" and pause["type"] == "pause"


def test_closing_inside_an_event_posts_the_bye_first() -> None:
    lobby, *_ = open_pair()
    lobby.bridge.on("balance", lambda m: lobby.bridge.close("done"))
    out = pieces(lobby(CODES["port"], json.dumps({"type": "balance", "data": 1, "id": 101}), False))
    codes = [c for c, _ in out]
    bye = codes.index("port") if "port" in codes else codes.index("port_batched")
    assert out[bye][1]["type"] == "hiziBridge.bye"
    assert codes.index("close_port") > bye  # the port closes after the bye went out on it
    assert ("status", {"status": "closed", "mode": "bridge", "reason": "done"}) in [
        (c, {k: v for k, v in p.items() if k != "code"}) for c, p in out if c == "status"
    ]


def test_close_cancels_pending_requests_in_the_same_outbox() -> None:
    lobby, *_ = open_pair()
    lobby(CODES["request"], 11, "pause", "", 5000)
    out = pieces(lobby(CODES["close"], 12, "bye"))
    replies = [p for c, p in out if c == "reply"]
    assert replies == [
        {"key": 11, "error": {**replies[0]["error"], "code": "cancelled"}},
    ]
