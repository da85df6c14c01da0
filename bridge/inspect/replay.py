"""``replay PATH --against game|lobby URL``: play one recorded side against a live peer and
report where the peer's messages diverge from the recording.

Against a game, the harness lobby sends the recorded lobby -> game messages (and redoes the
recorded player clicks); against a lobby, the conformance game (``game.html?manual``) sends
the recorded game -> lobby messages. Before each recorded message the replay waits until the
live peer has sent as many messages as it had by then in the recording (``--pace fast``), and
with ``--pace recorded`` also the recorded gap; so a slow peer is never raced. The peer's
messages are compared in order, type and data; handshake (``hiziBridge.*``) messages are left
out, since whether a handshake happens depends on the peer, not on the session.
Messages a stranger sent in the recording are not replayed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import record
from .capture import Event
from .serve import Harness

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def _key(wire: Any) -> str:
    return json.dumps(wire, sort_keys=True, separators=(",", ":"))


def _is_control(type_name: object) -> bool:
    return isinstance(type_name, str) and type_name.startswith("hiziBridge.")


def run_replay(browser: Browser, harness: Harness, args: argparse.Namespace) -> int:
    rows = record.read(args.path)
    play_dir, expect_dir = (
        ("lobby_to_game", "game_to_lobby")
        if args.against == "game"
        else ("game_to_lobby", "lobby_to_game")
    )
    expected = [r for r in rows if r["direction"] == expect_dir and not _is_control(r.get("type"))]
    played = [r for r in rows if r["direction"] in (play_dir, "player")]
    if args.against == "game":
        from .game import GameInspection, GameOptions

        options = GameOptions(lobby_param=args.lobby_param, lobby_origin=args.lobby_origin)
        gi = GameInspection(browser, harness, args.url, options)
        session = gi.s
        session.open("main", f"{gi.lobby.url('lobby.html')}?target={_quote(gi.url)}")

        def live() -> list[Event]:
            return [e for e in gi.game_msgs() if not _is_control(e.type)]

        def play(row: dict[str, Any]) -> None:
            if row["direction"] == "player":
                gi.click(str(row["click"]), session.capture.now())
            else:
                gi.send(row["wire"])

        target = gi.url
    else:
        from .lobby import LobbyInspection, LobbyOptions

        li = LobbyInspection(
            browser,
            harness,
            args.url,
            LobbyOptions(lobby_param=args.lobby_param, game_param=args.game_param),
        )
        li.game_url = harness.home.url("game.html") + "?manual=1"
        li.url = li.url.split("?")[0] + "?" + f"{args.game_param}={_quote(li.game_url)}"
        session = li.s
        session.open("main", li.url)
        session.wait_for(li.find_game, args.timeout, step=0.1)

        def live() -> list[Event]:
            return [e for e in li.to_game() if not _is_control(e.type)]

        def play(row: dict[str, Any]) -> None:
            if row["direction"] == "game_to_lobby":
                li.game_send(row["wire"])

        target = li.url

    divergences: list[dict[str, Any]] = []
    timeout = args.timeout
    started = time.monotonic()
    first_t = float(played[0]["t"]) if played else 0.0
    for row in played:
        due = sum(1 for r in expected if float(r["t"]) < float(row["t"]))
        if not session.wait_for(_at_least(live, due), timeout):
            timeout = 2.0  # diverged already: do not wait the full timeout at every step
        if args.pace == "recorded":
            wait = (float(row["t"]) - first_t) - (time.monotonic() - started)
            if wait > 0:
                session.pump(wait)
        play(row)
    session.wait_for(lambda: len(live()) >= len(expected), timeout)
    session.pump(1.0)  # anything extra the peer still sends
    got = live()
    for i in range(max(len(expected), len(got))):
        want = expected[i] if i < len(expected) else None
        have = got[i] if i < len(got) else None
        want_key = _key(want["wire"]) if want else None
        have_key = _key(have.data) if have and have.text is not None else None
        if want_key != have_key:
            divergences.append(
                {
                    "index": i,
                    "recorded_t": want["t"] if want else None,
                    "live_t": round(have.t, 3) if have else None,
                    "expected": want["wire"] if want else None,
                    "got": (have.data if have.text is not None else have.repr) if have else None,
                }
            )
    session.close()
    result = {
        "target": target,
        "against": args.against,
        "recording": str(args.path),
        "replayed": len(played),
        "expected": len(expected),
        "received": len(got),
        "divergences": divergences,
    }
    print(f"hizi-inspect replay {args.path} against {args.against} {target}")
    print(
        f"  replayed {len(played)} messages; expected {len(expected)} from the peer, "
        f"received {len(got)}"
    )
    for d in divergences[:20]:
        print(f"  DIVERGED at #{d['index']}: expected {d['expected']} got {d['got']}")
    if not divergences:
        print("  no divergence")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    sys.stdout.flush()
    return 1 if divergences else 0


def _at_least(live: Callable[[], list[Event]], count: int) -> Callable[[], bool]:
    return lambda: len(live()) >= count


def _quote(url: str) -> str:
    from urllib.parse import quote

    return quote(url, safe="")
