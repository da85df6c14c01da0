"""``hizi-inspect`` / ``python -m bridge.inspect``: argument parsing and the run of each target.

Exit codes: 0 when no case failed, 1 when one did, 2 when a target could not be loaded (or
the browser could not start).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .session import Report


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hizi-inspect",
        description="Conformance checks for a hizi game or lobby, in headless Chromium.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def outputs(q: argparse.ArgumentParser) -> None:
        q.add_argument("--json", type=Path, help="write the cases and summary as JSON")
        q.add_argument("--junit", type=Path, help="write a JUnit XML report (for CI)")
        q.add_argument("--html", type=Path, help="write the self-contained HTML report")
        q.add_argument("--record", type=Path, help="write every message as JSON lines")
        q.add_argument("--quiet", action="store_true", help="no terminal summary")
        q.add_argument(
            "--lobby-param",
            default="lobby",
            help="query parameter that tells a game its lobby's origin (lobby)",
        )
        q.add_argument(
            "--start-timeout", type=float, default=30.0, help="seconds for the target to start (30)"
        )
        q.add_argument(
            "--reply-timeout",
            type=float,
            default=5.0,
            help="seconds for an answer to pause, resume, realityCheck (5)",
        )
        q.add_argument(
            "--round-timeout",
            type=float,
            default=10.0,
            help="seconds for a round to start and to end (10)",
        )
        q.add_argument(
            "--quiet-time",
            type=float,
            default=1.5,
            help="seconds of silence that count as 'did not act' (1.5)",
        )

    def lobby_origin(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--lobby-origin",
            type=_lobby_origin,
            metavar="ORIGIN",
            help="present the harness lobby from ORIGIN, an origin the game allows (e.g. "
            "https://play.casino.example), served by request routing in the browser; "
            "default: the harness's own http://127.0.0.1:<port>",
        )

    game = sub.add_parser("game", help="inspect a game: URL is the game page")
    game.add_argument("url", nargs="+", help="game URL(s); several share one browser")
    game.add_argument(
        "--rc-click",
        metavar="SELECTOR",
        help="click this element in the game after a realityCheck (the player)",
    )
    game.add_argument("--no-dialects", action="store_true", help="skip the gamesglobal launch")
    game.add_argument(
        "--dialect",
        choices=("rubyplay", "155io"),
        help="judge the game on a studio's wire instead (its own G-RUBY / G-MARBLES cases)",
    )
    game.add_argument(
        "--currency",
        default="EUR",
        help="ISO 4217 code the game is launched with in --dialect (EUR): RubyPlay's amounts "
        "are minor units of it",
    )
    lobby_origin(game)
    game.add_argument("--no-reload", action="store_true", help="do not send reload")
    outputs(game)

    lobby = sub.add_parser("lobby", help="inspect a lobby: URL is the lobby page")
    lobby.add_argument("url", nargs="+", help="lobby URL(s); several share one browser")
    lobby.add_argument(
        "--game-param",
        default="game",
        help="query parameter the lobby takes the game URL from (game)",
    )
    outputs(lobby)

    replay = sub.add_parser("replay", help="play one side of a --record file against a peer")
    replay.add_argument("path", type=Path, help="a file written by --record")
    replay.add_argument(
        "--against", choices=("game", "lobby"), required=True, help="the live peer's role"
    )
    replay.add_argument("url", help="the live peer's URL")
    replay.add_argument(
        "--pace",
        choices=("recorded", "fast"),
        default="fast",
        help="wait the recorded gaps, or only for the peer's recorded answers",
    )
    replay.add_argument("--json", type=Path, help="write the divergences as JSON")
    replay.add_argument("--lobby-param", default="lobby")
    lobby_origin(replay)
    replay.add_argument("--game-param", default="game")
    replay.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for each recorded answer (30)"
    )
    return p


def _lobby_origin(value: str) -> str:
    from .origins import lobby_origin

    try:
        return lobby_origin(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} cannot be a lobby origin: {exc}") from None


def _indexed(path: Path | None, index: int, total: int) -> Path | None:
    """With several targets, report-1.json, report-2.json, ...: one file per target."""
    if path is None or total == 1:
        return path
    return path.with_name(f"{path.stem}-{index + 1}{path.suffix}")


def _write(report: Report, args: argparse.Namespace, index: int, total: int) -> None:
    from . import record, report_html
    from .report import terminal, write_json, write_junit

    if not args.quiet:
        terminal(report, sys.stdout)
    if path := _indexed(args.json, index, total):
        write_json(report, path)
    if path := _indexed(args.junit, index, total):
        write_junit(report, path)
    if path := _indexed(args.html, index, total):
        report_html.write(report, path)
    if path := _indexed(args.record, index, total):
        record.write(report, path)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .browser import MissingPlaywright, launch, start_playwright
    from .serve import start_harness

    try:
        playwright = start_playwright()
    except MissingPlaywright as exc:
        print(f"hizi-inspect: {exc}", file=sys.stderr)
        return 2
    harness = start_harness()
    try:
        browser = launch(playwright)
        if args.command == "replay":
            from .replay import run_replay

            return run_replay(browser, harness, args)
        codes = []
        for i, url in enumerate(args.url):
            report = _inspect(browser, harness, url, args)
            _write(report, args, i, len(args.url))
            codes.append(report.exit_code)
        return 2 if 2 in codes else max(codes)
    finally:
        harness.stop()
        playwright.stop()


def _inspect(browser: object, harness: object, url: str, args: argparse.Namespace) -> Report:
    from typing import Any, cast

    if args.command == "game" and args.dialect:
        from .studio import StudioInspection, StudioOptions

        studio = StudioOptions(
            dialect=args.dialect,
            currency=args.currency,
            lobby_param=args.lobby_param,
            start_timeout=args.start_timeout,
            reply_timeout=args.reply_timeout,
        )
        return StudioInspection(cast(Any, browser), cast(Any, harness), url, studio).run()
    if args.command == "game":
        from .game import GameInspection, GameOptions

        options = GameOptions(
            lobby_param=args.lobby_param,
            lobby_origin=args.lobby_origin,
            start_timeout=args.start_timeout,
            round_timeout=args.round_timeout,
            reply_timeout=args.reply_timeout,
            quiet=args.quiet_time,
            rc_click=args.rc_click,
            dialects=not args.no_dialects,
            reload=not args.no_reload,
        )
        return GameInspection(cast(Any, browser), cast(Any, harness), url, options).run()
    from .lobby import LobbyInspection, LobbyOptions

    lobby_options = LobbyOptions(
        lobby_param=args.lobby_param,
        game_param=args.game_param,
        start_timeout=args.start_timeout,
        reply_timeout=args.reply_timeout,
        quiet=args.quiet_time,
    )
    return LobbyInspection(cast(Any, browser), cast(Any, harness), url, lobby_options).run()
