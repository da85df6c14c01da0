"""The Python of one round trip under Pyodide (Node), against the bench floor's, one process.

    python build.py build && python bench/engine_round_trip.py [SITE ...] [--n 2000]
        [--source CHECKOUT ...]

For each site/ or dist/ given (default build/site), boots its vendored Pyodide, standard
library and wheels under Node, wires two JS-API engine handles (a lobby and a game, as
``tests/unit/fakes.open_handle`` makes them, the outboxes carried by hand) and times the
engine's four calls of a ``realityCheck`` round trip (the lobby's request, the game's port
message, its answer, the lobby's port message) beside the browser bench's floor
(``bench/pages/bench.js`` ``FLOOR_PY``: parse, validate and dump per hop, four calls), in
alternating blocks. Prints one JSON line per tree: µs per round trip (median of the blocks)
and their ratio. No browser, no hops: what the protocol's Python costs above the validation it
cannot avoid, steadier than the browser bench on a shared machine. ``--source`` (one per
tree, in order) imports ``bridge`` from a checkout's source instead of the tree's wheel (its
other wheels stay): two work trees compared without building either. Figures only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from node_pyodide import BOOT_JS, boot_fields, run

ROUND_TRIP_PY = r"""
import json, time
from pydantic_core import from_json
from bridge.browser import engine
from bridge.core.messages import BY_TYPE
from bridge.core.wire import dump_json

SEP, FIELD = "\x00", "\x01"

class Kit:
    def run(self, out):
        pass

L, G = "https://lobby.example", "https://games.example"
lobby = engine.open_bridge(1, "lobby", json.dumps({"gameOrigin": G}), Kit())
game = engine.open_bridge(1, "game", json.dumps({"lobbyOrigin": L}), Kit())

def route(out, to, origin):
    back = lobby if to is game else game
    back_origin = G if to is game else L
    for piece in out.split(SEP) if out else []:
        code, rest = piece[0], piece[1:]
        if code == "W":
            target, text = rest[1:].split(FIELD, 1)
            route(to(3, text, True, origin, rest[0] == "1"), back, back_origin)
        elif code in "BP":
            route(to(11, rest, True), back, back_origin)

route(lobby(2, False), game, L)
route(game(2, True), lobby, G)
assert lobby._driver.status == game._driver.status == "connected"

RC = json.dumps({"elapsedSeconds": 3600, "totalStaked": 120, "totalWon": 95.5,
                 "netResult": -24.5, "currency": "EUR"})
ANSWER = json.dumps({"choice": "continue"})
keys = iter(range(10, 10**9))

def port_text(out):
    return next(p for p in out.split(SEP) if p[0] in "BP")[1:]

def bridge_round_trip():
    request = port_text(lobby(7, next(keys), "realityCheck", RC, -1))
    assert game(11, request, True)[0] == "M"
    answer = port_text(game(6, next(keys), "realityCheckAnswer", ANSWER))
    assert '"ok":' in lobby(11, answer, True)

def inbound(text):
    d = from_json(text)
    d.pop("id", None)
    d.pop("re", None)
    return dump_json(BY_TYPE[d["type"]].__pydantic_validator__.validate_python(d))

def outbound(type_name, data_json, msg_id):
    wire = {"type": type_name, "data": from_json(data_json)}
    message = BY_TYPE[type_name].__pydantic_validator__.validate_python(wire)
    return dump_json(message)[:-1] + ',"id":%d}' % msg_id

def floor_round_trip():
    inbound(outbound("realityCheck", RC, 5))
    inbound(outbound("realityCheckAnswer", ANSWER, 6)[:-1] + ',"re":5}')

def run(n, blocks):
    times = {"bridge": [], "floor": []}
    for fn in (bridge_round_trip, floor_round_trip):
        for _ in range(100):
            fn()
    for _ in range(blocks):
        for name, fn in (("bridge", bridge_round_trip), ("floor", floor_round_trip)):
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            times[name].append((time.perf_counter() - t0) / n * 1e6)
    # (the cut standard library has no statistics module)
    bridge = sorted(times["bridge"])[blocks // 2]
    floor = sorted(times["floor"])[blocks // 2]
    return json.dumps({"bridge_us": round(bridge, 1), "floor_us": round(floor, 1),
                       "ratio": round(bridge / floor, 2)})
"""

SCRIPT = (
    BOOT_JS
    + r"""
const source = %(source)s;
if (source !== null) {
  pyodide.FS.mkdirTree("/checkout");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: source }, "/checkout");
  pyodide.runPython("import sys\nsys.path.insert(0, '/checkout')\nimport bridge\n" +
    "assert bridge.__file__.startswith('/checkout/'), bridge.__file__");
}
pyodide.runPython(%(code)s);
console.log(pyodide.runPython(`run(${%(n)d}, ${%(blocks)d})`));
"""
)


def script_for(tree: Path, n: int, blocks: int, source: Path | None = None) -> str:
    return SCRIPT % {
        **boot_fields(tree),
        "code": json.dumps(ROUND_TRIP_PY),
        "n": n,
        "blocks": blocks,
        "source": json.dumps(None if source is None else str(source.resolve())),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", type=Path, default=[Path("build/site")])
    parser.add_argument("--n", type=int, default=2000, help="round trips per block")
    parser.add_argument("--blocks", type=int, default=5, help="alternating blocks per tree")
    parser.add_argument(
        "--source", type=Path, action="append", default=[], help="a checkout, per tree"
    )
    args = parser.parse_args()
    if args.source and len(args.source) != len(args.trees):
        parser.error("give one --source per tree")
    for i, tree in enumerate(args.trees):
        source = args.source[i] if args.source else None
        returncode, out, err = run(script_for(tree, args.n, args.blocks, source))
        if returncode != 0:
            which = tree if source is None else f"{tree} with --source {source}"
            print(f"engine_round_trip: {which}: {err[-2000:]}", file=sys.stderr)
            return 1
        figures = json.loads(out.strip().splitlines()[-1])
        label = {"tree": str(tree)} if source is None else {"source": str(source)}
        print(json.dumps({**label, **figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
