"""Run the bridge's later paths on exactly what dist/ ships, under Node, and list what fails to
import.

dist/ cuts the standard library to what a boot imports and drops parts of the wheels
(buildtool/bytecode.py). A module that only a later path imports (compliance, another
dialect, the journal, error formatting) and that the cut lacks would fail with ImportError the
first time a player reaches it. This run boots the vendored Pyodide with dist's cut library and
dist's wheels (nothing else on sys.path but the test modules), imports every shipped bridge
module, then calls the unit tests of those paths (the plain and parametrized ones; those that
need fixtures are skipped) with a small stand-in for pytest. The result lists each
ImportError / LookupError (a missing codec) with the test that hit it, the imported modules,
and what ``bridge.later.LATER_MODULES`` import beyond a boot (with the file each came from).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from node_pyodide import BOOT_JS, boot_fields

# The unit tests whose paths run after connected: compliance, launch rules, dialects, the
# journal, the peer's lifecycle (state table, handshake, requests), the channel and its errors.
TEST_MODULES = (
    "tests.unit.test_dialects",
    "tests.unit.test_session_supervision",
    "tests.unit.test_settings_launch",
    "tests.unit.test_game_lobby_origins",
    "tests.unit.test_channel",
    "tests.unit.test_handshake",
    "tests.unit.test_requests",
    "tests.unit.test_outgoing",
    "tests.unit.test_outbox",
    "tests.unit.test_dedup",
    "tests.unit.test_decoding",
    "tests.unit.test_envelope",
    "tests.unit.test_state",
    "tests.unit.test_hub",
    "tests.unit.test_early_buffer",
    "tests.unit.test_loose",
    "tests.unit.test_messages",
    "tests.unit.test_wire",
    "tests.unit.test_limits",
    "tests.unit.test_config",
    "tests.unit.test_strict_json",
    "tests.unit.test_batch",
)

# A stand-in for the few pytest names the unit tests use (pytest itself needs modules the cut
# library rightly lacks).
PYTEST_STUB = r"""
import contextlib, math, re

class _Raises:
    def __init__(self, exc, match=None):
        self.exc, self.match, self.value = exc, match, None
    def __enter__(self):
        return self
    def __exit__(self, kind, value, tb):
        if kind is None:
            raise AssertionError(f"did not raise {self.exc}")
        if not issubclass(kind, self.exc):
            return False
        if self.match is not None and not re.search(self.match, str(value)):
            raise AssertionError(f"{value!r} does not match {self.match!r}")
        self.value = value
        return True

def raises(exc, *args, match=None, **kwargs):
    if args:
        with _Raises(exc, match):
            args[0](*args[1:], **kwargs)
        return None
    return _Raises(exc, match)

class approx:
    def __init__(self, expected, rel=1e-6, abs=1e-12):
        self.expected, self.rel, self.abs = expected, rel, abs
    def __eq__(self, other):
        return math.isclose(other, self.expected, rel_tol=self.rel, abs_tol=self.abs)

def fixture(*args, **kwargs):
    if args and callable(args[0]):
        args[0]._stub_fixture = True
        return args[0]
    def wrap(fn):
        fn._stub_fixture = True
        return fn
    return wrap

class _Mark:
    def parametrize(self, names, values, **kwargs):
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        def wrap(fn):
            fn.__dict__.setdefault("_stub_params", []).append((names, list(values)))
            return fn
        return wrap
    def __getattr__(self, name):
        def mark(*args, **kwargs):
            if len(args) == 1 and callable(args[0]) and not kwargs:
                return args[0]
            return lambda fn: fn
        return mark

mark = _Mark()

def skip(reason=""):
    raise _Skipped(reason)

class _Skipped(Exception):
    pass
"""

RUNNER = r"""
# Only what the cut library holds (no pkgutil, for one): the runner must not need more.
import importlib, inspect, itertools, json, os, sys, traceback
sys.path.insert(0, "/t")
import bridge
missing, skipped, ran, failed = [], [], 0, []
# What the modules a boot leaves for after connected import beyond the boot, and from which
# file: the build records them too (buildtool/bytecode.py), so each is shipped as bytecode.
import bridge.browser.engine
from bridge.later import LATER_MODULES
booted = set(sys.modules)
for name in LATER_MODULES:
    try:
        importlib.import_module(name)
    except (ImportError, LookupError) as exc:
        missing.append({"where": f"import {name} (after the engine)", "error": repr(exc)})
later_deps = {n: getattr(sys.modules[n], "__file__", None) or "" for n in sorted(sys.modules)
              if n not in booted and n.split(".")[0] != "bridge"}
# The bridge is a zip on sys.path (the engine's way): its members, as module names.
import zipfile
archive = os.path.dirname(bridge.__path__[0])
shipped = {
    os.path.splitext(name)[0].replace("/", ".")
    for name in zipfile.ZipFile(archive).namelist()
    if name.startswith("bridge/") and name.endswith((".py", ".pyc"))
}
for name in sorted({n.removesuffix(".__init__") for n in shipped}):
    try:
        importlib.import_module(name)
    except (ImportError, LookupError) as exc:
        missing.append({"where": f"import {name}", "error": repr(exc)})

def cases(fn):
    params = fn.__dict__.get("_stub_params", [])
    sets = []
    for names, values in params:
        sets.append([dict(zip(names, v if len(names) > 1 else (v,))) for v in values])
    for combo in itertools.product(*sets):
        merged = {}
        for part in combo:
            merged.update(part)
        yield merged

for name in json.loads(TEST_MODULES_JSON):
    try:
        mod = importlib.import_module(name)
    except Exception as exc:  # a test module may need what only tests need
        skipped.append({"module": name, "error": repr(exc)})
        continue
    for attr, fn in sorted(vars(mod).items()):
        if not attr.startswith("test_") or not inspect.isfunction(fn):
            continue
        for kwargs in cases(fn):
            wanted = set(inspect.signature(fn).parameters)
            if wanted != set(kwargs):
                continue  # needs fixtures
            ran += 1
            try:
                fn(**kwargs)
            except (ImportError, LookupError) as exc:
                missing.append({"where": f"{name}.{attr}", "error": repr(exc),
                                "trace": traceback.format_exc()[-1500:]})
            except BaseException as exc:  # the stand-in is not pytest: noted, not judged
                failed.append(f"{name}.{attr}: {exc!r}"[:300])
print(json.dumps({"missing": missing, "skipped": skipped, "ran": ran, "failed": failed,
                  "modules": sorted(sys.modules), "later_deps": later_deps}))
"""

# After bench/node_pyodide.py's BOOT_JS (the engine's way: pure wheels as zips on sys.path).
NODE_SCRIPT = r"""
pyodide.FS.mkdirTree("/t/tests");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: %(tests)s }, "/t/tests");
pyodide.FS.writeFile("/t/pytest.py", %(stub)s);
pyodide.globals.set("TEST_MODULES_JSON", %(modules)s);
pyodide.runPython(%(runner)s);
"""


def run_on_dist(dist: Path, tests_dir: Path) -> dict[str, Any]:
    """Boot dist's own files under Node, run the later paths; the runner's JSON report."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is needed to run the bridge on dist's files")
    script = (BOOT_JS + NODE_SCRIPT) % {
        **boot_fields(dist),
        "tests": json.dumps(str(tests_dir.resolve())),
        "stub": json.dumps(PYTEST_STUB),
        "modules": json.dumps(json.dumps(TEST_MODULES)),
        "runner": json.dumps(RUNNER),
    }
    proc = subprocess.run(
        [node, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"the run on dist failed: {(proc.stderr or proc.stdout)[-3000:]}")
    report: dict[str, Any] = json.loads(lines[-1])
    return report
