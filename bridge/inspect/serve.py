"""The harness origins: the inspector's own pages, served from this package on local ports.

Two servers of the same folder give two more origins than the target's: the harness (the
lobby that frames a game, or the game a lobby frames) and a stranger (a third origin that
must be ignored). Ports are picked free; both bind to loopback only.
"""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAGES = Path(__file__).resolve().parent / "pages"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        # The harness must never be served stale from a cache between two inspections.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser closing a connection early is not the inspector's problem


@dataclass
class HarnessServer:
    host: str
    httpd: _Server
    thread: threading.Thread

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}"

    def url(self, page: str) -> str:
        return f"{self.origin}/{page}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def start(host: str, directory: Path = PAGES) -> HarnessServer:
    """Serve ``directory`` on ``host`` (a loopback name) and a free port, in a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name=f"inspect-{host}", daemon=True)
    thread.start()
    return HarnessServer(host, httpd, thread)


@dataclass
class Harness:
    """The harness origin and the stranger origin of one inspector run."""

    home: HarnessServer
    stranger: HarnessServer

    def stop(self) -> None:
        self.home.stop()
        self.stranger.stop()


def start_harness() -> Harness:
    # Two hosts that are both loopback: 127.0.0.1 and localhost:<other port> are two origins
    # whatever the target's origin is, because the ports differ.
    return Harness(start("127.0.0.1"), start("localhost"))
