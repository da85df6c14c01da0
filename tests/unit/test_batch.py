"""Coalesced port frames (protocol version 2): a batch of texts in, one outbox out.

The kit posts the texts sent within one task as one array and the receiving kit hands them
to Python in one call; every text is still limit-checked, validated, counted and deduplicated
on its own, in order, and a bad one costs only itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from bridge.browser.kit import kit_source
from bridge.core.effects import Inbound, Transport
from bridge.core.messages import Role

from .test_hub import FakeIO, make


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
    lobby, _ = connected_lobby()
    errors: list[str] = []
    lobby._report = lambda where, exc: errors.append(where)
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
    assert lobby.counters["internal_errors"] == 1 and errors == ["receiving a batched message"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_kit_coalesces_port_posts_and_frames_inbound_batches() -> None:
    kit = kit_source()
    script = r"""
const calls = [];
let onWin = null;
globalThis.window = {
  addEventListener: (t, f) => { onWin = f; }, removeEventListener() {}, parent: {},
};
const py = (kind, text) => { if (kind === "o") return true; calls.push([kind, text]); };
const posted = [];
let onPort = null;
const port = {
  addEventListener: (t, f) => { onPort = f; }, removeEventListener() {}, start() {},
  close() { posted.push("closed"); }, postMessage(v) { posted.push(v); },
};
const kit = (KIT)(null, py);
kit.start();
onWin({ data: "{}", origin: "https://x", source: window.parent, ports: [port] });
"""
    # adoptPort only works inside the window event: call it from the py callback.
    script = script.replace(
        'const py = (kind, text) => { if (kind === "o") return true; calls.push([kind, text]); };',
        "let kitRef = null;\n"
        'const py = (kind, text) => { if (kind === "o") return true; '
        'if (kind === "w") kitRef.adoptPort(); calls.push([kind, text]); };',
    ).replace("kit.start();", "kitRef = kit;\nkit.start();")
    script += r"""
(async () => {
  kit.postPort('{"a":1}', true);
  kit.postPort('{"a":2}', true);
  kit.postPort('{"a":3}', true);
  const before = posted.length;
  await Promise.resolve();
  kit.postPort('{"b":1}', true);
  await Promise.resolve();
  kit.postPort('{"c":1}', false);       // unbatched (version 1 peer): posted at once
  kit.postPort('{"d":1}', true);
  kit.postPort('{"d":2}', true);
  kit.closePort();                       // flushes what is queued before closing
  const n = posted.length;
  onWin({ data: "{}", origin: "https://x", source: window.parent, ports: [port] }); // re-adopt
  for (let i = 0; i < 600; i += 1) kit.postPort("{}", true);
  await Promise.resolve();
  const overflow = posted.splice(n).map((v) => (Array.isArray(v) ? v.length : v));
  onPort({ data: ['{"x":1}', '{"x":2}'] });
  onPort({ data: '{"y":1}' });
  onPort({ data: ['{"z":1}', 5] });       // not all strings: the old path (malformed array)
  onPort({ data: new Array(513).fill("{}") }); // too long a batch: the old path
  onPort({ data: [] });
  console.log(JSON.stringify({ before, posted, overflow, calls: calls.filter(c => c[0] !== "w") }));
})();
"""
    out = subprocess.run(
        ["node", "-e", script.replace("(KIT)", kit)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    got = json.loads(out.stdout)
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
    assert calls[0] == ["b", '{"x":1}\x00{"x":2}']
    assert calls[1] == ["p", '{"y":1}']
    assert calls[2][0] == "p" and json.loads(calls[2][1]) == ['{"z":1}', 5]
    assert calls[3][0] == "p" and len(json.loads(calls[3][1])) == 513
    assert calls[4] == ["p", "[]"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_kit_runs_the_outbox_an_event_returns_in_order() -> None:
    script = r"""
const posted = [], sunk = [];
let onWin = null, onPort = null;
globalThis.window = {
  addEventListener: (t, f) => { onWin = f; }, removeEventListener() {}, parent: {},
};
const port = {
  addEventListener: (t, f) => { onPort = f; }, removeEventListener() {}, start() {},
  close() { posted.push("closed"); }, postMessage(v) { posted.push(v); },
};
let kitRef = null;
const py = (kind, text) => {
  if (kind === "o") return true;
  if (kind === "w") { kitRef.adoptPort(); return ""; }
  if (text.includes("close")) return 'm{"type":"closed-by-handler"}\u0000P{"late":1}';
  return 'P{"n":1}\u0000m{"type":"x"}\u0000P{"n":2}\u0000s{"status":"connected"}';
};
const kit = (KIT)(null, py);
kitRef = kit;
kit.setSink((code, text) => {
  sunk.push([code, text]);
  if (text.includes("closed-by-handler")) kit.close();
});
kit.run('p{"early":1}'); // no port yet: counted, not thrown
kit.start();
onWin({ data: "{}", origin: "https://x", source: window.parent, ports: [port] });
(async () => {
  onPort({ data: '{"type":"a"}' });
  await Promise.resolve();
  onPort({ data: '{"type":"close"}' });
  console.log(JSON.stringify({ sunk, posted, counters: JSON.parse(kit.counters()) }));
})();
"""
    out = subprocess.run(
        ["node", "-e", script.replace("(KIT)", kit_source())],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["counters"]["io_errors"] == 1  # the post before any port
    # Posts and emits in the order Python returned them; the second post of the task is
    # coalesced (a frame of one, flushed at the microtask).
    assert got["sunk"] == [
        ["m", '{"type":"x"}'],
        ["s", '{"status":"connected"}'],
        ["m", '{"type":"closed-by-handler"}'],
    ]
    # A handler that closed the bridge stops the rest of its outbox: no late post.
    assert got["posted"] == ['{"n":1}', '{"n":2}', "closed"]
