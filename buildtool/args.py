"""The command line of ``build.py`` (argparse only).

No import beyond the standard library and no relative import: build.py loads this file by
path to answer ``--help`` and to refuse bad arguments before it creates a virtual
environment or runs pip (the rest of buildtool needs the build packages).
"""

from __future__ import annotations

import argparse
from pathlib import Path

DESCRIPTION = "Vendor Pyodide, PyScript and the wheels into build/site and serve it."
DEFAULT_LOBBY_PORT = 8000
DEFAULT_GAME_PORT = 8001
# What a command needs besides the build packages: pyproject.toml's project dependencies
# ("dependencies") and optional-dependency extras by name. The benchmark imports the bridge
# (pydantic) and drives Chromium with Playwright (the "inspect" extra).
COMMAND_NEEDS: dict[str, tuple[str, ...]] = {
    "bench": ("dependencies", "inspect"),
    "screenshots": ("dependencies", "inspect"),
}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION)
    sub = root.add_subparsers(dest="command")
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
    p_serve.add_argument("--lobby-port", type=int, default=DEFAULT_LOBBY_PORT)
    p_serve.add_argument("--game-port", type=int, default=DEFAULT_GAME_PORT)
    p_serve.add_argument("--verbose", action="store_true", help="log every request")
    p_bench = sub.add_parser(
        "bench",
        parents=[offline],
        help="browser benchmark; writes build/bench/results.json",
    )
    p_bench.add_argument("--quick", action="store_true", help="small N (CI smoke test)")
    p_bench.add_argument("--runs", type=int, default=None, help="page loads to take medians of")
    p_bench.add_argument(
        "--out",
        type=Path,
        default=None,
        help="default build/bench/results.json (bench/results.json is the recorded run)",
    )
    p_bench.add_argument("--site-dir", type=Path, default=None, help="default build/site")
    p_bench.add_argument(
        "--cpu-throttle",
        type=_rates,
        default=None,
        metavar="RATES",
        help="only the slow-device section at these CPU slowdowns, e.g. 4,6 "
        "(bench/throttle_bench.py; writes build/bench/throttle.json)",
    )
    p_shots = sub.add_parser(
        "screenshots",
        parents=[offline],
        help="refresh docs/img/demo.png and the inspector's report of the demo game",
    )
    p_shots.add_argument(
        "--out", type=Path, default=None, help="folder for the files; default docs/"
    )
    return root


def _rates(text: str) -> list[float]:
    """``--cpu-throttle``: comma-separated slowdowns, each above 1 (e.g. ``4,6``)."""
    try:
        rates = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not rates or any(r <= 1 for r in rates):
        raise argparse.ArgumentTypeError(f"each rate must be above 1, e.g. 4,6 (got {text!r})")
    return rates
