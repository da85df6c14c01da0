"""Every command README.md gives works on a fresh clone: each one is parsed here (the build's
and the inspector's own argument parsers accept it) and is run by a named test or by CI. A
command README gains without a line in COVERAGE fails this test, so none goes untested."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bridge.inspect.cli import _parser as inspect_parser  # noqa: E402
from buildtool.args import parser as build_parser  # noqa: E402

README = ROOT / "README.md"
COMMAND = re.compile(r"^(python3? |\.venv/bin/|bash \.ci|npx |npm |pip |hizi-inspect|cd )")
# Command pattern -> (file that runs it, a string that file holds where it does).
COVERAGE: list[tuple[str, str, str]] = [
    (r"^bash \.ci/run\b", ".ci/run", 'exec "$PY" -m pytest -q'),
    (r"^python3? build\.py serve\b", "tests/e2e/test_first_hour.py", "demo_routes"),
    (r"^python3? build\.py serve\b", "tests/unit/test_buildtool_cli.py", "cli.serve("),
    (r"^python3? build\.py bench\b", "tests/e2e/test_bench_smoke.py", '"bench"'),
    (r"^python3? build\.py dist\b", "tests/e2e/conftest.py", "make_npm"),
    (r"^python3? build\.py --help$", "tests/unit/test_buildtool_cli.py", '["--help"]'),
    (r"^python3? build\.py$", "tests/e2e/conftest.py", "build_module.build(ROOT"),
    (r"^python3? build\.py lock$", "tests/unit/test_readme_commands.py", "parse only: network"),
    (r"^python3? build\.py screenshots$", "tests/unit/test_readme_commands.py", "parse only: docs"),
    (r"(cd build/npm && npm pack)", "tests/e2e/conftest.py", '"pack", "--json"'),
    (r"^(npm|npx|cd my-lobby)", "tests/e2e/test_npm_operator.py", "readme_steps()"),
    (r"^python3 -m venv ", "tests/unit/test_readme_commands.py", "def test_pip_install"),
    (r"^pip install ", "tests/unit/test_readme_commands.py", "def test_pip_install"),
    (r"bridge\.inspect|^hizi-inspect", "tests/e2e/test_inspect.py", '"-m", "bridge.inspect"'),
    (r"bridge\.contract", "tests/unit/test_contract.py", 'contract.main(["--check"])'),
    (r"-m pytest", ".ci/run", "-m pytest -q"),
    (r"bench/core_bench\.py", "tests/unit/test_readme_commands.py", "core_bench"),
    (r"bench/engine_round_trip\.py", "tests/e2e/test_bench_smoke.py", "engine_round_trip.py"),
]
# `build.py lock` re-downloads every pin (CI has the cache) and `build.py screenshots` rewrites
# tracked files under docs/: CI checks that they parse; they were run by hand.


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    found: list[str] = []
    for lang, body in re.findall(r"```(\w+)\n(.*?)```", text, re.S):
        if lang == "sh":
            joined = re.sub(r"\\\n\s*", " ", body)
            found += [line.split("  #")[0].strip() for line in joined.splitlines()]
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    found += [c for c in re.findall(r"`([^`\n]+)`", prose) if COMMAND.match(c)]
    return sorted({c for c in found if c and COMMAND.match(c)})


def test_readme_lists_the_commands_this_test_knows() -> None:
    commands = readme_commands()
    assert "python3 build.py serve" in commands and "bash .ci/run" in commands
    uncovered = [c for c in commands if not any(re.search(p, c) for p, _, _ in COVERAGE)]
    assert uncovered == [], f"README commands no test runs (add them to COVERAGE): {uncovered}"
    for _, rel, witness in COVERAGE:
        assert witness in (ROOT / rel).read_text(encoding="utf-8"), (rel, witness)


@pytest.mark.parametrize(
    "command", [c for c in readme_commands() if re.match(r"python3? build\.py", c)]
)
def test_build_py_accepts_every_readme_command(command: str) -> None:
    argv = shlex.split(command.split("&&")[0])[2:]
    if argv == ["--help"]:
        return  # run for real in test_buildtool_cli.py
    args = build_parser().parse_args(argv)
    assert args.command in (None, "build", "dist", "lock", "serve", "bench", "screenshots")


@pytest.mark.parametrize(
    "command", [c for c in readme_commands() if re.search(r"bridge\.inspect |^hizi-inspect ", c)]
)
def test_the_inspector_accepts_every_readme_command(command: str) -> None:
    for part in command.split("&&"):
        words = shlex.split(part)
        start = words.index("bridge.inspect") + 1 if "bridge.inspect" in words else 1
        if len(words) > start and words[start] != "...":  # "..." stands for any arguments
            inspect_parser().parse_args(words[start:])


def test_pip_install_dot_and_its_inspect_extra_give_hizi_inspect(tmp_path: Path) -> None:
    """`pip install .` / `pip install '.[inspect]'` from the clone: pip builds the wheel
    (hatchling, here the venv's, offline), whose `hizi-inspect` script and `inspect` extra
    (Playwright) are what README promises."""
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "-q"]
    done = subprocess.run(
        [*pip, "--no-deps", "--no-build-isolation", ".", "-w", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("hizi_bridge-*-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        entry_points = zf.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
        metadata = zf.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "hizi-inspect = bridge.inspect.cli:main" in entry_points
    assert "Requires-Dist: playwright>=1.50; extra == 'inspect'" in metadata
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["hizi-inspect"] == "bridge.inspect.cli:main"
    assert any(r.startswith("playwright") for r in project["optional-dependencies"]["inspect"])
    assert project["dependencies"] == ["pydantic>=2.12"]
    text = README.read_text(encoding="utf-8")
    assert "pip install .  " in text and "pip install '.[inspect]'" in text


def test_core_bench_runs_under_cpython() -> None:
    """`.venv/bin/python bench/core_bench.py` (the core's micro-benchmark) runs, small N."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "core_bench.py"), "--n", "20"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("hizi-bridge core, CPython")
