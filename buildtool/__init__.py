"""hizi-bridge's build: vendoring at pinned sha256s, bytecode, the demo site, dist/, servers.

Modules by concern: ``lock`` (pins, vendor.lock.json, downloads), ``vendor`` (npm tarballs,
wheel metadata, our own wheel), ``bytecode`` (pycs and the cut standard library, compiled by
the vendored Pyodide under Node), ``site`` (build/site), ``compress`` (.br/.gz twins),
``dist`` (dist/), ``npm`` (build/npm, the npm package), ``serve`` (WhiteNoise servers),
``cli`` (``python build.py ...``).
The names below are what the tests and the benchmark runner use.
"""

from __future__ import annotations

from .cli import main
from .common import ROOT, BuildError
from .dist import DistResult, make_dist
from .lock import Artefact, Lock, fetch, lock, read_lock
from .npm import make_npm
from .serve import ServerSpec, SiteServer, make_app, start_servers, stop_servers
from .site import BuildResult, build

__all__ = [
    "ROOT",
    "Artefact",
    "BuildError",
    "BuildResult",
    "DistResult",
    "Lock",
    "ServerSpec",
    "SiteServer",
    "build",
    "fetch",
    "lock",
    "main",
    "make_app",
    "make_dist",
    "make_npm",
    "read_lock",
    "start_servers",
    "stop_servers",
]
