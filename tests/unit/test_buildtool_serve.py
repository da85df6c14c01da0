"""buildtool.serve: precompressed twins by Accept-Encoding, cache headers, extra headers."""

from __future__ import annotations

import gzip
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from buildtool.serve import IMMUTABLE, is_immutable, make_app  # noqa: E402

HASHED = "vendor/pyodide/python_stdlib_runtime.0123456789abcdef.zip"
PINNED = "vendor/pyodide/pyodide.asm.wasm"  # build/site: pinned, but under a fixed name
BODY = b"console.log('hizi');\n" * 200


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for rel in ("hizi-bridge.js", HASHED, PINNED, "vendor/manifest.json", "demo/index.html"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(BODY)
        path.with_name(path.name + ".br").write_bytes(brotli.compress(BODY))
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(BODY))
    return tmp_path


def _get(app: Any, path: str, **headers: str) -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, headers_: list[tuple[str, str]], *exc: Any) -> None:
        seen["status"], seen["headers"] = status, dict(headers_)

    body: Iterable[bytes] = app(environ, start_response)
    data = b"".join(body)
    getattr(body, "close", lambda: None)()
    return seen["status"], seen["headers"], data


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("", None), ("identity", None)],
)
def test_content_encoding_follows_accept_encoding(
    site: Path, accept: str, encoding: str | None
) -> None:
    status, headers, data = _get(make_app(site), "/hizi-bridge.js", accept_encoding=accept)
    assert status.startswith("200")
    assert headers.get("Content-Encoding") == encoding
    assert headers["Vary"] == "Accept-Encoding"
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress}.get(encoding or "", bytes)
    assert decoded(data) == BODY
    assert headers["Content-Type"].startswith("text/javascript")


def test_hashed_names_are_immutable(site: Path) -> None:
    _, headers, _ = _get(make_app(site), f"/{HASHED}", accept_encoding="br")
    # One year, as README documents (not WhiteNoise's ten-year default for immutable files).
    assert headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert headers["Content-Type"] == "application/zip"


@pytest.mark.parametrize(
    "path", ["/hizi-bridge.js", "/vendor/manifest.json", "/demo/", f"/{PINNED}"]
)
def test_entry_points_revalidate_with_an_etag(site: Path, path: str) -> None:
    app = make_app(site)
    status, headers, _ = _get(app, path)
    assert status.startswith("200")
    assert headers["Cache-Control"] == "no-cache"
    etag = headers["ETag"]
    status, headers, data = _get(app, path, if_none_match=etag)
    assert status.startswith("304") and data == b""


def test_extra_headers_and_not_found(site: Path) -> None:
    app = make_app(site, {"Content-Security-Policy": "default-src 'self'"})
    _, headers, _ = _get(app, "/vendor/manifest.json")
    assert headers["Content-Security-Policy"] == "default-src 'self'"
    status, headers, _ = _get(app, "/missing.js")
    assert status.startswith("404")
    assert headers["Content-Security-Policy"] == "default-src 'self'"


@pytest.mark.parametrize(
    ("url", "immutable"),
    [
        ("/vendor/wheels/pyc/0123456789abcdef/pydantic-2.14.4-py3-none-any.whl", True),
        ("/vendor/pyodide/hizi-lock.0123456789abcdef.json", True),
        ("/helper.0123456789abcdef.mjs", True),
        # build/site: unhashed names (a new pin reuses them), revalidated
        ("/vendor/pyodide/pyodide.asm.wasm", False),
        ("/vendor/pyodide/pyodide.mjs", False),
        ("/vendor/pyscript/core.js", False),
        ("/vendor/manifest.json", False),
        ("/vendor/pyodide/hizi-lock.json", False),
        ("/vendor/wheels/hizi_bridge-0.1.0-py3-none-any.whl", False),
        ("/hizi-bridge.js", False),
        ("/hizi-worker.js", False),
        ("/hizi-bridge-worker.mjs", False),
        ("/demo_lobby/index.html", False),
    ],
)
def test_cache_policy(url: str, immutable: bool) -> None:
    assert is_immutable(url) is immutable


def test_a_request_hook_hears_every_answer_with_its_status(site: Path) -> None:
    """What the WebKit tests read instead of request interception (tests/e2e/contract.py)."""
    import urllib.error
    import urllib.request

    from buildtool.serve import start_servers, stop_servers

    heard: list[tuple[str, str, int]] = []
    servers = start_servers(site, [("localhost", 0)], on_request=lambda *entry: heard.append(entry))
    try:
        origin = servers[0].origin
        with urllib.request.urlopen(f"{origin}/hizi-bridge.js?v=1") as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{origin}/missing.js")
    finally:
        stop_servers(servers)
    assert heard == [(origin, "/hizi-bridge.js?v=1", 200), (origin, "/missing.js", 404)]
