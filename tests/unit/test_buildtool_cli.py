"""build.py's command line on a fresh clone: help and bad arguments before any venv or pip,
``serve``'s demo routes (its ports reach the demo pages) and one line for a port in use."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from buildtool import cli  # noqa: E402
from buildtool.common import BuildError  # noqa: E402
from buildtool.demo import demo_routes  # noqa: E402
from buildtool.serve import PortInUseError, start_servers, stop_servers  # noqa: E402


def _bare_python_env(tmp_path: Path) -> dict[str, str]:
    """A Python without the build packages: the interpreter's own, isolated from site dirs,
    and a venv path that must stay absent."""
    return {
        **os.environ,
        "HIZI_VENV": str(tmp_path / "venv-must-not-exist"),
        "PYTHONNOUSERSITE": "1",
    }


@pytest.mark.parametrize("argv", [["--help"], ["bench", "--help"], ["serve", "-h"]])
def test_help_prints_help_and_makes_no_venv(tmp_path: Path, argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-S", str(ROOT / "build.py"), *argv],
        env=_bare_python_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: build.py"), done.stdout
    assert done.stderr == ""  # no "[build] installing ..."
    assert not (tmp_path / "venv-must-not-exist").exists()


def test_a_bad_command_is_refused_before_any_install(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-S", str(ROOT / "build.py"), "frobnicate"],
        env=_bare_python_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in done.stderr
    assert "[build]" not in done.stderr
    assert not (tmp_path / "venv-must-not-exist").exists()


def test_bench_installs_what_it_imports() -> None:
    """bench needs pydantic (the bridge) and Playwright besides the build packages."""
    sys.path.insert(0, str(ROOT))
    import build as build_py

    reqs = build_py._requirements(build_py._groups("bench"))
    names = {r.split(">")[0].split("=")[0].split("[")[0] for r in reqs}
    assert {"hatchling", "brotli", "whitenoise", "pydantic", "playwright"} <= names
    assert {"pydantic", "playwright"}.isdisjoint(
        r.split(">")[0] for r in build_py._requirements(build_py._groups("build"))
    )


def _get(app: Any, path: str, query: str = "") -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body: Iterable[bytes] = app(environ, start)
    return seen["status"], seen["headers"], b"".join(body)


def _static(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"static " + environ["PATH_INFO"].encode()]


LOBBY, GAME = "http://127.0.0.1:8600", "http://localhost:8601"


def test_serve_json_names_the_origins_serve_runs() -> None:
    status, headers, body = _get(demo_routes(LOBBY, GAME)(_static), "/serve.json")
    assert status == "200 OK" and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"lobby": LOBBY, "game": GAME}


@pytest.mark.parametrize(
    ("path", "query", "location"),
    [
        ("/demo_lobby/", "", "/demo_lobby/?game=http%3A%2F%2Flocalhost%3A8601%2Fdemo_game%2F"),
        (
            "/demo_lobby/",
            "seed=7",
            "/demo_lobby/?seed=7&game=http%3A%2F%2Flocalhost%3A8601%2Fdemo_game%2F",
        ),
        (
            "/examples/js_lobby.html",
            "",
            "/examples/js_lobby.html?game=http%3A%2F%2Flocalhost%3A8601",
        ),
    ],
)
def test_a_lobby_page_without_game_gets_the_game_serve_runs(
    path: str, query: str, location: str
) -> None:
    status, headers, _ = _get(demo_routes(LOBBY, GAME)(_static), path, query)
    assert status == "302 Found"
    assert headers["Location"] == location


def test_a_lobby_page_with_game_and_other_pages_are_served_as_they_are() -> None:
    app = demo_routes(LOBBY, GAME)(_static)
    assert _get(app, "/demo_lobby/", "game=http://localhost:9/demo_game/")[2] == (
        b"static /demo_lobby/"
    )
    assert _get(app, "/demo_game/")[2] == b"static /demo_game/"


def test_a_port_in_use_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        with pytest.raises(PortInUseError) as raised:
            start_servers(tmp_path, [("127.0.0.1", port)])
        assert raised.value.port == port
        with pytest.raises(BuildError) as said:
            cli.serve(tmp_path, port, 0, verbose=False)
    finally:
        holder.close()
    message = str(said.value)
    assert "\n" not in message
    assert message.startswith(f"port {port} is in use")
    assert "python3 build.py serve --lobby-port" in message


def test_start_servers_wraps_each_origin(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("home")
    servers = start_servers(
        tmp_path, [cli.ServerSpec("127.0.0.1", 0, wrap=demo_routes(LOBBY, GAME))]
    )
    try:
        import urllib.request

        with urllib.request.urlopen(f"{servers[0].origin}/serve.json", timeout=10) as r:
            assert json.loads(r.read()) == {"lobby": LOBBY, "game": GAME}
    finally:
        stop_servers(servers)
