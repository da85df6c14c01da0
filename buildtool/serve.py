"""Static servers for the site (and dist/): WhiteNoise on wsgiref, one thread per request.

WhiteNoise does the HTTP work: it picks the ``.br`` / ``.gz`` twin the browser accepts (with
``Vary: Accept-Encoding``), sends ETags and answers ``If-None-Match`` with 304, and serves
``index.html`` for a folder. This module only decides the cache policy and adds per-origin
headers (e.g. a Content-Security-Policy for the e2e tests).
"""

from __future__ import annotations

import errno
import re
import socketserver
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from whitenoise import WhiteNoise

MIME_TYPES: dict[str, str] = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".json": "application/json",
    ".html": "text/html",
    ".css": "text/css",
    ".map": "application/json",
    ".toml": "text/plain",
    ".py": "text/x-python",
    ".md": "text/plain",  # shown, not downloaded (the root page links the docs)
    ".svg": "image/svg+xml",
}
# One year: the value README documents; hashed names never change, so never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # cache, but ask (If-None-Match) before each use
# A content hash in a name or a folder: python_stdlib.<16 hex>.zip, wheels/pyc/<16 hex>/...
HASHED = re.compile(r"(?:^|[./-])[0-9a-f]{16}(?:[./]|$)")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Told of every request a server answered: (origin, path with query, HTTP status code).
RequestHook = Callable[[str, str, int], None]


def is_immutable(url: str) -> bool:
    """Whether a URL path may be cached for a year without asking again: hashed names only.

    Everything else is revalidated (ETag, 304), including build/site's unhashed /vendor/
    files: a new pin in vendor.lock.json rebuilds them under the same names, and an
    immutable copy would keep the old runtime in browsers next to the new manifest.
    """
    return HASHED.search(url) is not None


def cache_control(url: str) -> str:
    return IMMUTABLE if is_immutable(url) else REVALIDATE


def _cache_headers(headers: Any, path: str, url: str) -> None:
    # WhiteNoise's own immutable policy sends ten years (its max_age "forever"): set ours.
    headers["Cache-Control"] = cache_control(url)


def _not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    body = b"404 Not Found\n"
    start_response(
        "404 Not Found",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
    )
    return [body]


def make_app(directory: Path, extra_headers: Mapping[str, str] | None = None) -> WSGIApp:
    """A WSGI app serving ``directory`` with precompressed twins and the cache policy."""
    static = WhiteNoise(
        _not_found,
        root=str(directory),
        # Files appear while it runs (a rebuild, the e2e hostile pages): look them up per
        # request instead of indexing them once at start.
        autorefresh=True,
        max_age=None,
        allow_all_origins=False,
        mimetypes=MIME_TYPES,
        index_file=True,
        add_headers_function=_cache_headers,
    )
    extra = list((extra_headers or {}).items())
    if not extra:
        return static  # type: ignore[no-any-return]

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            return start_response(status, [*headers, *extra], *exc)

        return static(environ, start)  # type: ignore[no-any-return]

    return app


class _Handler(WSGIRequestHandler):
    verbose = False

    def log_message(self, format: str, *args: Any) -> None:
        if self.verbose:
            super().log_message(format, *args)


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the browser went away (navigation, test teardown)
        super().handle_error(request, client_address)


@dataclass(frozen=True)
class ServerSpec:
    """``host`` is the name used in the origin; the socket binds to ``bind``."""

    host: str
    port: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)
    bind: str = "127.0.0.1"
    # Wraps the static app of this origin (``build.py serve``: the demo's routes, demo.py).
    wrap: Callable[[WSGIApp], WSGIApp] | None = None


class PortInUseError(OSError):
    """A port another process holds; ``port`` says which."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(errno.EADDRINUSE, f"{host}:{port} is in use")
        self.host = host
        self.port = port


@dataclass
class SiteServer:
    spec: ServerSpec
    httpd: WSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def origin(self) -> str:
        return f"http://{self.spec.host}:{self.port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


SpecLike = ServerSpec | tuple[str, int] | tuple[str, int, Mapping[str, str]]


def _logged(app: WSGIApp, spec: ServerSpec, on_request: RequestHook) -> WSGIApp:
    """``app``, telling ``on_request`` of each request once its status is known."""

    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        port = environ.get("SERVER_PORT", "")

        def start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            on_request(f"http://{spec.host}:{port}", path, int(status.split()[0]))
            return start_response(status, headers, *exc)

        return app(environ, start)

    return logged


def start_servers(
    site_dir: Path | str,
    specs: Iterable[SpecLike],
    *,
    verbose: bool = False,
    on_request: RequestHook | None = None,
) -> list[SiteServer]:
    """Serve ``site_dir`` once per spec, each in a daemon thread. Port 0 picks a free port.

    ``on_request(origin, path, status)`` is called for every request answered (the e2e tests
    check from it what an engine without request interception fetched).
    """
    servers: list[SiteServer] = []
    directory = Path(site_dir).resolve()
    handler = type("Handler", (_Handler,), {"verbose": verbose})
    try:
        for raw in specs:
            spec = raw if isinstance(raw, ServerSpec) else ServerSpec(*raw)
            app = make_app(directory, spec.headers)
            if spec.wrap is not None:
                app = spec.wrap(app)
            if on_request is not None:
                app = _logged(app, spec, on_request)
            try:
                httpd = make_server(spec.bind, spec.port, app, _Server, handler)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise PortInUseError(spec.host, spec.port) from exc
                raise
            thread = threading.Thread(
                target=httpd.serve_forever, name=f"site-{spec.host}:{spec.port}", daemon=True
            )
            thread.start()
            servers.append(SiteServer(spec, httpd, thread))
    except BaseException:
        stop_servers(servers)
        raise
    return servers


def stop_servers(servers: Iterable[SiteServer]) -> None:
    for server in servers:
        server.stop()
