"""One crossing per event: the adapter's outbox, under CPython with a stand-in kit.

While Python handles a call from JavaScript (a kit event, or the JS API's send /
request), port posts and emits are collected and returned as one string for the kit
to run; any other DOM call first runs what was collected, so the order never changes.
"""

from __future__ import annotations

import json
import sys
import types
from typing import Any

import pytest

GAME = "https://games.hizi.example"
LOBBY = "https://casino.example.com"
RC = {"elapsedSeconds": 3600, "totalStaked": 120, "totalWon": 95.5, "netResult": -24.5,
      "currency": "EUR"}  # fmt: skip


class FakeKit:
    """Records what the adapter asks of the DOM half, in order."""

    def __init__(self, iframe: Any, py: Any) -> None:
        self.py = py
        self.calls: list[tuple[Any, ...]] = []
        self.sink: Any = None

    def postPort(self, text: str, batch: bool) -> None:
        self.calls.append(("postPort", text, batch))

    def run(self, out: str) -> None:
        self.calls.append(("run", out))

    def setSink(self, fn: Any) -> None:
        self.sink = fn

    def postWindow(self, text: str, origin: str, transfer: bool) -> None:
        self.calls.append(("postWindow", text, transfer))

    def adoptPort(self) -> bool:
        self.calls.append(("adoptPort",))
        return True

    def closePort(self) -> None:
        self.calls.append(("closePort",))

    def schedule(self, ms: float) -> None:
        self.calls.append(("schedule", ms))

    def peerLoaded(self) -> bool:
        return True

    def start(self) -> None:
        pass

    def close(self) -> None:
        self.calls.append(("close",))

    def counters(self) -> str:
        return json.dumps({"early_replayed": 0, "early_overflow": 0, "io_errors": 2})

    def fastRejected(self) -> str:
        return json.dumps({"origin": 0, "source": 0})

    def targets(self) -> str:
        return "[]"


class FakeProxy:
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def __call__(self, *args: Any) -> Any:
        return self.fn(*args)

    def destroy(self) -> None:
        self.fn = None


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Any:
    """bridge.browser with stand-ins for the pyodide modules and the kit."""
    code = types.ModuleType("pyodide.code")
    code.run_js = lambda src: None  # type: ignore[attr-defined]
    ffi = types.ModuleType("pyodide.ffi")
    ffi.create_proxy = FakeProxy  # type: ignore[attr-defined]
    modules = {"pyodide": types.ModuleType("pyodide"), "pyodide.code": code, "pyodide.ffi": ffi}
    for name, mod in modules.items():
        monkeypatch.setitem(sys.modules, name, mod)
    import importlib

    adapter = importlib.import_module("bridge.browser.adapter")
    monkeypatch.setattr(adapter, "_make_kit", FakeKit)
    return importlib.import_module("bridge.browser.jsapi")


def pieces(out: str) -> list[tuple[str, Any]]:
    return [(p[0], json.loads(p[1:])) for p in out.split("\x00")] if out else []


def open_pair(jsapi: Any) -> tuple[Any, Any]:
    """A lobby and a game handle, connected through their stand-in kits by hand."""
    lobby = jsapi.open_bridge("lobby", json.dumps({"gameOrigin": GAME, "journal": False}), None, 1)
    game = jsapi.open_bridge("game", json.dumps({"lobbyOrigin": LOBBY, "journal": False}), None)
    lk, gk = lobby.kit, game.kit
    hello = next(c for c in gk.calls if c[0] == "postWindow")[1]
    lk.py("w", hello, True, GAME, True, False)
    welcome = next(c for c in lk.calls if c[0] == "postWindow" and c[2])[1]
    out = gk.py("w", welcome, True, LOBBY, True, True)
    [ready] = [text for code, text in ((p[0], p[1:]) for p in out.split("\x00")) if code in "pP"]
    assert lobby._bridge.status == "handshaking"  # until the game confirms the port
    lk.py("p", ready, False, "", False, False)
    assert lobby._bridge.status == game._bridge.status == "connected"
    lk.calls.clear()
    gk.calls.clear()
    return lobby, game


def test_a_round_trip_crosses_once_per_event(browser: Any) -> None:
    lobby, game = open_pair(browser)
    lk, gk = lobby.kit, game.kit
    out = lobby("q", json.dumps(RC), "realityCheck", 7, None)
    # A person answers a reality check: no timer by default.
    [(code, request)] = pieces(out)
    assert code == "P" and request["type"] == "realityCheck" and request["data"] == RC
    # The game's event returns its emit; nothing was called in the kit meanwhile.
    out = gk.py("p", out.split("\x00")[0][1:], False, "", False, False)
    assert pieces(out) == [("m", {"type": "realityCheck", "data": RC})]
    out = game("s", '{"choice": "continue"}', "realityCheckAnswer")
    [(code, answer)] = pieces(out)
    assert code == "P" and answer["re"] == request["id"]
    out = lk.py("p", out[1:], False, "", False, False)
    reply = {"type": "realityCheckAnswer", "data": {"choice": "continue"}}
    assert pieces(out) == [("m", reply), ("r", {"key": 7, "ok": reply})]
    out = lobby("q", "null", "pause", 8, None)
    [(code, pause), (timer, ms)] = pieces(out)
    assert code == "P" and pause["type"] == "pause"
    assert timer == "T" and 10_000 <= ms <= 10_002  # the request's timer, after its post
    gk.py("p", out.split("\x00")[0][1:], False, "", False, False)
    out = game("s", "null", "gamePaused")
    out = lk.py("p", out[1:], False, "", False, False)
    paused = {"type": "gamePaused"}
    # Nothing pending any more, but the timer is left to fire once: no clearTimeout here.
    assert pieces(out) == [("m", paused), ("r", {"key": 8, "ok": paused})]
    # No post, emit or timer crossed into JS on its own in the whole round trip.
    assert lk.calls == gk.calls == []


def test_a_batch_answers_with_one_outbox_in_order(browser: Any) -> None:
    lobby, _ = open_pair(browser)
    # (ids above the game's own: its ready took id 1)
    texts = [json.dumps({"type": "balance", "data": i, "id": i + 100}) for i in range(3)]
    out = lobby.kit.py("b", "\x00".join([*texts, "nope"]), False, "", False, False)
    assert pieces(out) == [("m", {"type": "balance", "data": i}) for i in range(3)]
    stats = lobby._bridge.stats()
    assert stats["rejected"]["malformed"] == 1 and stats["rejected_total"] == 1
    assert stats["io_errors"] == 2  # the kit's failed posts are added to Python's count


def test_a_failed_send_answers_with_an_error_and_posts_nothing(browser: Any) -> None:
    lobby, _ = open_pair(browser)
    for data, type_name in [('{"on": 1}', "turbo"), ("null", "noSuchType"), ("null", "balance")]:
        out = lobby("s", data, type_name)
        assert out[0] == "\x01"
        assert json.loads(out[1:])["error"]["code"] == "invalid_outbound"
    assert lobby.kit.calls == []
    assert pieces(lobby("s", "null", "spin"))[0][1]["type"] == "spin"


def test_outside_a_call_posts_and_emits_go_out_at_once(browser: Any) -> None:
    lobby, _ = open_pair(browser)
    lobby._bridge.send("pause")  # the Python API, not inside a JS call
    [(name, text, batch)] = lobby.kit.calls
    assert name == "postPort" and json.loads(text)["type"] == "pause" and batch is True
    lobby._adapter.emit('s{"status": "x"}')
    assert lobby.kit.calls[-1] == ("run", 's{"status": "x"}')


def test_a_dom_call_first_runs_what_was_collected(browser: Any) -> None:
    lobby, _ = open_pair(browser)
    adapter = lobby._adapter
    began = adapter.begin()
    assert began and not adapter.begin()  # nested: the outer call owns the outbox
    adapter.post_port('{"a":1}')
    adapter.emit('m{"b":2}')
    adapter.close_port()
    adapter.post_port('{"c":3}')
    assert lobby.kit.calls == [("run", 'P{"a":1}\x00m{"b":2}'), ("closePort",)]
    assert adapter.end(False) == ""
    assert adapter.end(began) == 'P{"c":3}'
    assert adapter.end(adapter.begin()) == ""


def test_closing_inside_an_event_posts_the_bye_first(browser: Any) -> None:
    lobby, _ = open_pair(browser)
    lobby._bridge.on("balance", lambda m: lobby._bridge.close("done"))
    text = json.dumps({"type": "balance", "data": 1, "id": 100})
    lobby.kit.py("p", text, False, "", False, False)
    names = [c[0] for c in lobby.kit.calls]
    assert names[:2] == ["run", "closePort"] and "close" in names
    [bye] = [p for p in lobby.kit.calls[0][1].split("\x00") if p[0] == "P"]
    assert json.loads(bye[1:])["type"] == "hiziBridge.bye"
    assert lobby._bridge.stats()["io_errors"] == 2  # only the stand-in kit's own count
