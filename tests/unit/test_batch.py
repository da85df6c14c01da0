"""Coalesced port frames (protocol version 2): a batch of texts in, one outbox out.

The kit posts the texts sent within one task as one array and the receiving kit hands them
to Python in one call; every text is still limit-checked, validated, counted and deduplicated
on its own, in order, and a bad one costs only itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bridge.boundary import CODES
from bridge.core.effects import Inbound, Transport
from bridge.core.messages import Role

from .fakes import FakeIO, make
from .node_js import needs_node, run_engine


def connected_lobby() -> tuple[Any, FakeIO]:
    lobby, io, _ = make(Role.LOBBY)
    lobby.start()
    hello = {
        "type": "hiziBridge.hello",
        "data": {"protocol": "hizi-bridge", "versions": [1, 2], "role": "game", "session": "g-1"},
    }
    lobby.receive(Inbound(hello, "https://games.hizi.example", from_peer=True))
    # Connected only once the game confirms the port (its id is far from the test's).
    ready = {"type": "hiziBridge.ready", "data": {"session": "g-1"}, "id": 9_000}
    lobby.receive_port(json.dumps(ready))
    assert lobby.mode == "bridge" and lobby.channel.version == 2
    return lobby, io


def port(text: str) -> Inbound:
    return Inbound(text, "", via=Transport.PORT)


def balance(i: int, msg_id: int) -> str:
    return json.dumps({"type": "balance", "data": i, "id": msg_id})


def test_a_batch_is_received_in_order_and_each_text_is_checked_on_its_own() -> None:
    lobby, _ = connected_lobby()
    got: list[Any] = []
    lobby.dispatcher.on("balance", lambda m: got.append(m.data))
    texts = [
        balance(0, 1),
        "{not json",  # malformed
        balance(1, 2),
        json.dumps({"type": "balance", "data": 1, "id": 2}),  # duplicate id
        json.dumps({"type": "spin", "id": 9}),  # wrong direction for a lobby
        json.dumps({"type": "balance", "data": "x" * 70_000, "id": 10}),  # oversize text
        json.dumps({"type": "balance", "data": [[[[[[[[[1]]]]]]]]], "id": 11}),  # too deep
        balance(2, 3),
    ]
    lobby.receive_batch([port(t) for t in texts])
    assert got == [0, 1, 2]
    stats = lobby.stats()
    assert stats["accepted_by_type"]["balance"] == 3
    assert stats["rejected_total"] == 5
    assert set(stats["rejected"]) >= {"malformed", "duplicate", "direction", "oversize"}


def test_an_unexpected_failure_in_one_text_does_not_cost_the_others() -> None:
    lobby, io = connected_lobby()
    real = lobby.channel.receive
    calls = {"n": 0}

    def flaky(inbound: Inbound) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("bug")
        return real(inbound)

    lobby.channel.receive = flaky  # type: ignore[method-assign]
    got: list[int] = []
    lobby.dispatcher.on("balance", lambda m: got.append(m.data))
    lobby.receive_batch([port(balance(i, i + 1)) for i in range(3)])
    assert got == [0, 2]
    assert lobby.counters["internal_errors"] == 1 and io.errors == ["receiving a batched message"]


PORT_STUB = r"""
const calls = [], posted = [], toPage = [];
let onPort = null;
const port = {
  addEventListener: (t, f) => { if (t === "message") onPort = f; }, removeEventListener() {},
  start() {}, close() { posted.push("closed"); }, postMessage(v) { posted.push(v); },
};
const adopt = (kit) => kit.receive([OP.WINDOW, 7, "{}", true, "https://x", true], [port]);
"""


@needs_node
def test_engine_kit_coalesces_port_posts_and_frames_inbound_batches(tmp_path: Path) -> None:
    got = run_engine(
        PORT_STUB
        + r"""
const kit = makeEngineKit(7, (msg) => toPage.push(msg));
kit.bind((op, a) => { calls.push([op, a]); return op === OP.WINDOW ? "A" : ""; });
adopt(kit);
(async () => {
  kit.run('B{"a":1}'); kit.run('B{"a":2}'); kit.run('B{"a":3}');
  const before = posted.length;
  await Promise.resolve();
  kit.run('B{"b":1}');
  await Promise.resolve();
  kit.run('P{"c":1}');                   // unbatched (version 1 peer): posted at once
  kit.run('B{"d":1}'); kit.run('B{"d":2}');
  kit.run("X");                          // flushes what is queued before closing
  const n = posted.length;
  adopt(kit);
  for (let i = 0; i < 600; i += 1) kit.run("B{}");
  await Promise.resolve();
  const overflow = posted.splice(n).map((v) => (Array.isArray(v) ? v.length : v));
  onPort({ data: ['{"x":1}', '{"x":2}'] });
  onPort({ data: '{"y":1}' });
  onPort({ data: ['{"z":1}', 5] });       // not all strings: the old path (malformed array)
  onPort({ data: new Array(513).fill("{}") }); // too long a batch: the old path
  onPort({ data: [] });
  out({ before, posted, overflow, calls: calls.filter((c) => c[0] !== OP.WINDOW) });
})();
""",
        tmp_path,
    )
    assert got["before"] == 1  # the first post of a task goes out at once
    assert got["posted"] == [
        '{"a":1}',
        ['{"a":2}', '{"a":3}'],
        '{"b":1}',
        '{"c":1}',
        '{"d":1}',
        '{"d":2}',  # flushed by the close, before it
        "closed",
    ]
    assert got["overflow"] == ["{}", 512, 87]  # never more than 512 texts in one frame
    calls = got["calls"]
    assert calls[0] == [CODES["batch"], '{"x":1}\x00{"x":2}']
    assert calls[1] == [CODES["port"], '{"y":1}']
    assert calls[2][0] == CODES["port"] and json.loads(calls[2][1]) == ['{"z":1}', 5]
    assert calls[3][0] == CODES["port"] and len(json.loads(calls[3][1])) == 513
    assert calls[4] == [CODES["port"], "[]"]


@needs_node
def test_engine_kit_runs_an_outbox_in_order_and_hands_the_page_its_part_at_once(
    tmp_path: Path,
) -> None:
    got = run_engine(
        PORT_STUB
        + r"""
const kit = makeEngineKit(3, (msg, transfer) => toPage.push([msg, transfer ? transfer.length : 0]));
kit.bind((op) => {
  if (op === OP.WINDOW) return "A";
  if (op === OP.CLOSE) {
    return 'P{"type":"hiziBridge.bye"}\u0000X\u0000T-1\u0000S{"status":"closed"}';
  }
  return 'B{"n":1}\u0000M{"type":"x"}\u0000B{"n":2}\u0000S{"status":"connected"}';
});
kit.run('P{"early":1}'); // no port yet: counted, not thrown
adopt(kit);
(async () => {
  onPort({ data: '{"type":"a"}' });
  await Promise.resolve();
  kit.run('W1https://game.example\u0001{"type":"hiziBridge.welcome"}'); // a new channel
  const afterWelcome = posted.slice();
  kit.receive([OP.CLOSE, 3, 9, "done"]);
  out({ toPage, afterWelcome, counters: kit.counters() });
})();
""",
        tmp_path,
    )
    assert got["counters"]["engine_io_errors"] == 1  # the post before any port
    assert got["counters"]["port_listeners"] == 0 and got["counters"]["proxies"] == 0
    # Port posts in the order Python returned them (the second coalesced, flushed at the
    # microtask); the page's pieces in one carrier message, in order.
    assert got["afterWelcome"] == ['{"n":1}', '{"n":2}', "closed"]  # the welcome's new port
    page = got["toPage"]
    # Decoded here, once: the page gets values, never text to parse or split.
    out = 1  # bridge.boundary ENGINE_OPS "out"
    assert page[0] == [[out, 3, ["M", {"type": "x"}, "S", {"status": "connected"}]], 0]
    # The welcome travels to the page with the other end of the new channel.
    welcome = {
        "newPort": True,
        "targetOrigin": "https://game.example",
        "value": {"type": "hiziBridge.welcome"},
    }
    assert page[1] == [[out, 3, ["W", welcome]], 1]
    assert page[2] == [[out, 3, ["S", {"status": "closed"}]], 0]
    # The kit answers the close itself, with what it still holds: nothing.
    assert page[3][0][2] == [
        "R",
        {"key": 9, "ok": {"port_listeners": 0, "timers": 0, "proxies": 0}},
    ]


def test_stats_name_the_package_and_protocol_versions() -> None:
    import bridge
    from bridge.core.messages import PROTOCOL_VERSIONS

    fresh, _, _ = make(Role.LOBBY)
    before = fresh.stats()
    assert before["package_version"] == bridge.__version__
    assert before["protocol_versions"] == list(PROTOCOL_VERSIONS) == [1, 2]
    assert before["protocol_version"] is None  # no handshake yet
    lobby, _ = connected_lobby()
    assert lobby.stats()["protocol_version"] == 2
    json.dumps(lobby.stats())  # crosses to the page as JSON
