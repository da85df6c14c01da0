#!/usr/bin/env python3
"""hizi-bridge's build, a thin entry to the ``buildtool`` package. Usage::

    python build.py [build]      # vendor everything into build/site (reuses build/cache)
    python build.py dist         # write dist/: what one origin hosts for the JS API
    python build.py lock         # re-download every pinned artefact and rewrite vendor.lock.json
    python build.py serve        # build, then serve the lobby and the game origins until Ctrl-C
    python build.py bench        # build, serve, benchmark in headless Chromium (bench/)
    python build.py screenshots  # refresh docs/img/demo.png and the demo game's inspector report

The build needs a few packages (pyproject.toml's build-system and ``build`` extra; ``bench``
and ``screenshots`` also the project's dependencies and the ``inspect`` extra). When the running
Python lacks them, this script creates ``.venv`` (``HIZI_VENV``), installs them there and runs
itself again with that interpreter, so every documented command works on a fresh clone.
``--help`` and bad arguments are answered first, before any of that.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent
NEEDED_MODULES = ("hatchling", "packaging", "brotli", "whitenoise")
# Importable names of what buildtool/args.py's COMMAND_NEEDS groups install.
GROUP_MODULES = {"dependencies": ("pydantic", "pydantic_core"), "inspect": ("playwright",)}
_REEXEC = "HIZI_BUILD_BOOTSTRAPPED"


def _load_args() -> ModuleType:
    """buildtool/args.py, loaded by path: it needs nothing the bootstrap would install."""
    path = ROOT / "buildtool" / "args.py"
    spec = importlib.util.spec_from_file_location("_hizi_build_args", path)
    if spec is None or spec.loader is None:
        sys.exit("build.py: buildtool/args.py is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _groups(command: str | None) -> tuple[str, ...]:
    needs: dict[str, tuple[str, ...]] = _load_args().COMMAND_NEEDS
    return needs.get(command or "build", ())


def _requirements(groups: tuple[str, ...] = ()) -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        data = tomllib.load(f)
    project = data["project"]
    extras = project.get("optional-dependencies", {})
    reqs = [*data["build-system"]["requires"], *extras.get("build", [])]
    for group in groups:
        reqs += project.get("dependencies", []) if group == "dependencies" else extras[group]
    return reqs


def _venv_has(python: Path, groups: tuple[str, ...]) -> bool:
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
    args = [str(python), "-c", check, *_requirements(groups)]
    return subprocess.run(args, capture_output=True, check=False).returncode == 0


def _bootstrap(groups: tuple[str, ...]) -> None:
    """Re-run in a virtual environment that has the command's dependencies, if these lack."""
    needed = [*NEEDED_MODULES, *(m for g in groups for m in GROUP_MODULES[g])]
    missing = [m for m in needed if importlib.util.find_spec(m) is None]
    if not missing:
        return
    if os.environ.get(_REEXEC):
        sys.exit(f"build.py: {', '.join(missing)} still missing after installing them")
    venv = ROOT / os.environ.get("HIZI_VENV", ".venv")
    python = venv / "bin" / "python"
    env = {**os.environ, _REEXEC: "1"}
    if _venv_has(python, groups):  # already set up: no pip run on every call
        os.execve(python, [str(python), __file__, *sys.argv[1:]], env)
    print(f"[build] installing {', '.join(missing)} into {venv}", file=sys.stderr, flush=True)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, *_requirements(groups)], check=True)
    os.execve(python, [str(python), __file__, *sys.argv[1:]], env)


if __name__ == "__main__":
    # Help, and a refusal of bad arguments, come before any venv or pip (argparse exits).
    parsed: argparse.Namespace = _load_args().parser().parse_args()
    _bootstrap(_groups(parsed.command))
    sys.path.insert(0, str(ROOT))
    from buildtool import main

    sys.exit(main())
