"""What ``build.py``'s commands do: build, dist, lock, serve, bench, screenshots."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .args import parser as _parser
from .common import ROOT, BuildError
from .demo import demo_routes
from .dist import (
    ENTRY_SCRIPT,
    make_dist,
    measure,
    size_table,
    subresource_integrity,
    uncut_sizes,
)
from .lock import lock
from .npm import make_npm
from .screenshots import refresh
from .serve import PortInUseError, ServerSpec, start_servers, stop_servers
from .site import build


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
            print(script_tag(result.dist_dir), flush=True)
        elif command == "screenshots":
            refresh(build(offline=args.offline).site_dir, args.out)
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


def script_tag(dist_dir: Path) -> str:
    """What the README's script-tag snippet needs: the entry script's integrity value."""
    sri = subresource_integrity(dist_dir / ENTRY_SCRIPT)
    return (
        f"Subresource Integrity of {ENTRY_SCRIPT} (this build; a new version changes it):\n"
        f'  <script src="/hizi-bridge/{ENTRY_SCRIPT}" integrity="{sri}"></script>'
    )


def serve(site_dir: Path, lobby_port: int, game_port: int, verbose: bool) -> None:
    lobby_origin, game_origin = f"http://127.0.0.1:{lobby_port}", f"http://localhost:{game_port}"
    wrap = demo_routes(lobby_origin, game_origin)
    try:
        servers = start_servers(
            site_dir,
            [
                ServerSpec("127.0.0.1", lobby_port, wrap=wrap),
                ServerSpec("localhost", game_port, wrap=wrap),
            ],
            verbose=verbose,
        )
    except PortInUseError as exc:
        others = f"--lobby-port {lobby_port + 600} --game-port {game_port + 600}"
        raise BuildError(
            f"port {exc.port} is in use (another `build.py serve`?): stop what holds it, "
            f"or choose free ports: python3 build.py serve {others}"
        ) from exc
    lobby, game = servers
    print(f"home:  {lobby.origin}/ (the demo, the examples, the docs)", flush=True)
    print(f"lobby: {lobby.origin}/demo_lobby/", flush=True)
    print(f"game:  {game.origin}/demo_game/ (embedded by the lobby)", flush=True)
    print("Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        stop_servers(servers)


def run_bench(args: argparse.Namespace) -> None:
    """``python build.py bench``: the runners live in bench/browser_bench.py and (with
    ``--cpu-throttle``) bench/throttle_bench.py."""
    name = "throttle_bench" if args.cpu_throttle else "browser_bench"
    spec = importlib.util.spec_from_file_location(f"hizi_{name}", ROOT / "bench" / f"{name}.py")
    if spec is None or spec.loader is None:
        raise BuildError(f"bench/{name}.py is missing")
    runner = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = runner  # dataclasses look their module up while it loads
    spec.loader.exec_module(runner)
    kwargs: dict[str, object] = {"offline": args.offline}
    if args.cpu_throttle:
        kwargs["rates"] = args.cpu_throttle
    else:
        kwargs.update(quick=args.quick, runs=args.runs)
    if args.out is not None:
        kwargs["out"] = args.out
    if args.site_dir is not None:
        kwargs["site_dir"] = args.site_dir
    runner.run(sys.modules[__package__ or "buildtool"], **kwargs)
