"""Micro-benchmark of the protocol core under CPython: cost per message of each step.

    python bench/core_bench.py [--n 20000]

Prints microseconds per message for parsing + validating wire values (as objects
and as JSON text) and for a full channel receive on the MessagePort path.
Figures only, no pass/fail: the browser figures live in the browser benchmark.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bridge import dump_json, parse
from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig
from bridge.core.effects import Inbound, Transport
from bridge.core.messages import Role

SAMPLES = {
    "spin (no data)": m.Spin.example,
    "roundStarted (number)": m.RoundStarted.example,
    "realityCheck (6 fields)": m.RealityCheck.example,
    "error (enum + text)": m.GameError.example,
}


def per_call_us(fn: Callable[[], object], n: int, repeats: int = 5) -> float:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(runs)


def connected_lobby() -> Channel:
    lobby = Channel(ChannelConfig(Role.LOBBY, "https://games.example"))
    lobby.start()
    hello = json.loads(json.dumps(m.Hello.example))
    lobby.receive(Inbound(hello, "https://games.example", from_peer=True))
    return lobby


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    n = parser.parse_args().n
    print(f"hizi-bridge core, CPython {sys.version.split()[0]}, median of 5 x {n} calls")
    print(f"{'message':28} {'parse(obj)':>11} {'parse(json)':>12} {'dump_json':>10} {'receive':>9}")
    for label, example in SAMPLES.items():
        text = json.dumps(example)
        message = parse(example)
        lobby = connected_lobby()
        counter = iter(range(1, 10**9))

        def receive(
            lobby: Channel = lobby, text: str = text, counter: Iterator[int] = counter
        ) -> object:
            wire = text[:-1] + f',"id":{next(counter)}}}'
            return lobby.receive(Inbound(wire, via=Transport.PORT))

        direction_ok = example["type"] in {c.type_name() for c in m.GAME_TO_LOBBY}
        row = [
            per_call_us(lambda e=example: parse(e), n),
            per_call_us(lambda t=text: parse(t), n),
            per_call_us(lambda msg=message: dump_json(msg), n),
        ]
        recv = f"{per_call_us(receive, n):9.1f}" if direction_ok else f"{'-':>9}"
        print(f"{label:28} {row[0]:11.1f} {row[1]:12.1f} {row[2]:10.1f} {recv}")
    print("(µs per message; 'receive' = MessagePort text -> checks -> typed Deliver)")


if __name__ == "__main__":
    main()
