"""The command line of ``build.py``: build, dist, lock, serve, bench."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .common import ROOT, BuildError
from .dist import make_dist, measure, size_table, uncut_sizes
from .lock import lock
from .npm import make_npm
from .serve import ServerSpec, start_servers, stop_servers
from .site import build

DESCRIPTION = "Vendor Pyodide, PyScript and the wheels into build/site and serve it."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command")
    offline = argparse.ArgumentParser(add_help=False)
    offline.add_argument("--offline", action="store_true", help="use build/cache only")
    sub.add_parser("build", parents=[offline], help="vendor everything into build/site (default)")
    p_dist = sub.add_parser(
        "dist",
        parents=[offline],
        help="write dist/ (what one origin hosts) and build/npm (the npm package)",
    )
    p_dist.add_argument("--out", type=Path, default=None, help="default dist/")
    p_dist.add_argument(
        "--npm-out", type=Path, default=None, help="the npm package folder; default build/npm"
    )
    sub.add_parser("lock", help="re-download every pin and rewrite vendor.lock.json")
    p_serve = sub.add_parser(
        "serve", parents=[offline], help="build, then serve the lobby and game origins"
    )
    p_serve.add_argument("--lobby-port", type=int, default=8000)
    p_serve.add_argument("--game-port", type=int, default=8001)
    p_serve.add_argument("--verbose", action="store_true", help="log every request")
    p_bench = sub.add_parser(
        "bench", parents=[offline], help="browser benchmark; writes bench/results.json"
    )
    p_bench.add_argument("--quick", action="store_true", help="small N (CI smoke test)")
    p_bench.add_argument("--runs", type=int, default=None, help="page loads to take medians of")
    p_bench.add_argument("--out", type=Path, default=None, help="default bench/results.json")
    p_bench.add_argument("--site-dir", type=Path, default=None, help="default build/site")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "build"
    try:
        if command == "lock":
            lock()
        elif command == "bench":
            run_bench(args)
        elif command == "dist":
            result = make_dist(dist_dir=args.out, offline=args.offline)
            sizes = measure(result.dist_dir, result.manifest["files"])
            table = size_table(sizes, uncut_sizes(result), result.after_connected)
            print(table, flush=True)
            make_npm(dist_dir=result.dist_dir, out_dir=args.npm_out)
        elif command == "serve":
            serve(
                build(offline=args.offline).site_dir, args.lobby_port, args.game_port, args.verbose
            )
        else:
            build(offline=getattr(args, "offline", False))
        return 0
    except BuildError as exc:
        print(f"[build] ERROR: {exc}", file=sys.stderr)
        return 1


def serve(site_dir: Path, lobby_port: int, game_port: int, verbose: bool) -> None:
    servers = start_servers(
        site_dir,
        [ServerSpec("127.0.0.1", lobby_port), ServerSpec("localhost", game_port)],
        verbose=verbose,
    )
    lobby, game = servers
    print(f"lobby: {lobby.origin}/demo_lobby/", flush=True)
    print(f"game:  {game.origin}/demo_game/", flush=True)
    print("Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        stop_servers(servers)


def run_bench(args: argparse.Namespace) -> None:
    """``python build.py bench``: the runner lives in bench/browser_bench.py."""
    spec = importlib.util.spec_from_file_location(
        "hizi_browser_bench", ROOT / "bench" / "browser_bench.py"
    )
    if spec is None or spec.loader is None:
        raise BuildError("bench/browser_bench.py is missing")
    runner = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = runner  # dataclasses look their module up while it loads
    spec.loader.exec_module(runner)
    kwargs: dict[str, object] = {"quick": args.quick, "runs": args.runs, "offline": args.offline}
    if args.out is not None:
        kwargs["out"] = args.out
    if args.site_dir is not None:
        kwargs["site_dir"] = args.site_dir
    runner.run(sys.modules[__package__ or "buildtool"], **kwargs)
