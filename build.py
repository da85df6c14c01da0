#!/usr/bin/env python3
"""hizi-bridge's build, a thin entry to the ``buildtool`` package. Usage::

    python build.py [build]      # vendor everything into build/site (reuses build/cache)
    python build.py dist         # write dist/: what one origin hosts for the JS API
    python build.py lock         # re-download every pinned artefact and rewrite vendor.lock.json
    python build.py serve        # build, then serve the lobby and the game origins until Ctrl-C
    python build.py bench        # build, serve, benchmark in headless Chromium (bench/)

The build needs a few packages (pyproject.toml's build-system and ``build`` extra). When the
running Python lacks them, this script creates ``.venv`` (``HIZI_VENV``), installs them there
and runs itself again with that interpreter, so the two README commands work on a fresh clone.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NEEDED_MODULES = ("hatchling", "packaging", "brotli", "whitenoise")
_REEXEC = "HIZI_BUILD_BOOTSTRAPPED"


def _requirements() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        data = tomllib.load(f)
    extras = data["project"].get("optional-dependencies", {})
    return [*data["build-system"]["requires"], *extras.get("build", [])]


def _venv_has(python: Path) -> bool:
    """Whether the venv's interpreter satisfies the requirements (their versions included)."""
    if not python.exists():
        return False
    check = (
        "import sys\n"
        "from importlib.metadata import PackageNotFoundError, version\n"
        "from packaging.requirements import Requirement\n"
        "for line in sys.argv[1:]:\n"
        "    req = Requirement(line)\n"
        "    if req.marker is not None and not req.marker.evaluate():\n"
        "        continue\n"
        "    try:\n"
        "        found = version(req.name)\n"
        "    except PackageNotFoundError:\n"
        "        sys.exit(1)\n"
        "    if not req.specifier.contains(found, prereleases=True):\n"
        "        sys.exit(1)\n"
    )
    args = [str(python), "-c", check, *_requirements()]
    return subprocess.run(args, capture_output=True, check=False).returncode == 0


def _bootstrap() -> None:
    """Re-run in a virtual environment that has the build's dependencies, if these lack."""
    missing = [m for m in NEEDED_MODULES if importlib.util.find_spec(m) is None]
    if not missing:
        return
    if os.environ.get(_REEXEC):
        sys.exit(f"build.py: {', '.join(missing)} still missing after installing them")
    venv = ROOT / os.environ.get("HIZI_VENV", ".venv")
    python = venv / "bin" / "python"
    env = {**os.environ, _REEXEC: "1"}
    if _venv_has(python):  # already set up: no pip run on every call
        os.execve(python, [str(python), __file__, *sys.argv[1:]], env)
    print(f"[build] installing {', '.join(missing)} into {venv}", file=sys.stderr, flush=True)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, *_requirements()], check=True)
    os.execve(python, [str(python), __file__, *sys.argv[1:]], env)


if __name__ == "__main__":
    _bootstrap()
    sys.path.insert(0, str(ROOT))
    from buildtool import main

    sys.exit(main())
