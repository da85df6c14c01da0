#!/usr/bin/env python3
"""Vendor Pyodide, PyScript and the wheels into ``build/site`` and serve it on two origins.

Stdlib only. Usage::

    python build.py [build]      # vendor everything into build/site (reuses build/cache)
    python build.py lock         # re-download every pinned artefact and rewrite vendor.lock.json
    python build.py serve        # build, then serve the lobby and the game origins until Ctrl-C
    python build.py bench        # build, serve, benchmark in headless Chromium (bench/)

Every downloaded artefact (npm tarballs, wheels) is pinned in ``vendor.lock.json`` with its
sha256; a mismatch stops the build. Downloads go through ``npm pack`` and ``pip download`` by
package name, never through a hard-coded registry host.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import http.server
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parent
LOCK_FILE_NAME = "vendor.lock.json"
LOCK_FORMAT = 1

PYODIDE_ABI = "2026_0"
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
TRIMMED_LOCK_NAME = "hizi-lock.json"
OWN_PROJECT = "hizi-bridge"
OWN_IMPORTS = ("bridge",)

# Pins. Change a pin here, then run ``python build.py lock`` and commit vendor.lock.json.
NPM_PINS: dict[str, str] = {
    "pyodide": "314.0.7",
    "@pyscript/core": "0.7.31",
    "penpal": "7.0.6",  # benchmark baseline only (bench/pages); never loaded by the bridge
}
WASM_PLATFORM = f"pyemscripten_{PYODIDE_ABI}_wasm32"
WASM_PIP_ARGS = (
    "--only-binary=:all:",
    "--platform",
    WASM_PLATFORM,
    "--python-version",
    "3.14",
    "--implementation",
    "cp",
    "--abi",
    "cp314",
)
WHEEL_PINS: dict[str, str] = {
    "pydantic": "2.14.4",
    "pydantic-core": "2.50.5",
    "typing-extensions": "4.16.0",
    "annotated-types": "0.8.0",
    "typing-inspection": "0.4.5",
}
WASM_WHEELS = frozenset({"pydantic-core"})

# Files under vendor/ that change from one build to the next (never cached as immutable).
MUTABLE_VENDOR_FILES = frozenset({TRIMMED_LOCK_NAME, "manifest.json", "pyscript.json"})

STATIC_DIRS = ("demo_lobby", "demo_game", "examples")
# Extra static trees copied under another name: source (relative to the repo) -> site path.
STATIC_MOUNTS = {"bench/pages": "bench"}
PENPAL_FILES = ("penpal.min.js",)


class BuildError(RuntimeError):
    """A build step failed; the message says what to do."""


def log(msg: str) -> None:
    print(f"[build] {msg}", file=sys.stderr, flush=True)


def warn(msg: str) -> None:
    print(f"[build] WARNING: {msg}", file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_text_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a concurrent reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def copy_atomic(src: Path, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    shutil.copy2(src, tmp)
    os.replace(tmp, dst)


def canonical_name(name: str) -> str:
    """PEP 503 normalised project name."""
    out = name.lower()
    for ch in "_.":
        out = out.replace(ch, "-")
    while "--" in out:
        out = out.replace("--", "-")
    return out


def _run(cmd: Sequence[str], cwd: Path | None = None) -> str:
    proc = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BuildError(
            f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return proc.stdout


# --------------------------------------------------------------------------------------------
# Lock file
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Artefact:
    """One pinned download: an npm tarball or a wheel."""

    kind: str  # "npm" or "wheel"
    name: str
    version: str
    file: str
    sha256: str

    def to_json(self) -> dict[str, str]:
        return {"version": self.version, "file": self.file, "sha256": self.sha256}


@dataclass
class Lock:
    npm: dict[str, Artefact] = field(default_factory=dict)
    wheels: dict[str, Artefact] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": LOCK_FORMAT,
            "comment": "Generated by `python build.py lock`. Pins and sha256 of every download.",
            "wasm_platform": WASM_PLATFORM,
            "npm": {k: v.to_json() for k, v in sorted(self.npm.items())},
            "wheels": {k: v.to_json() for k, v in sorted(self.wheels.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Lock:
        if data.get("format") != LOCK_FORMAT:
            raise BuildError(f"{LOCK_FILE_NAME}: unsupported format {data.get('format')!r}")
        lock = cls()
        for kind, target in (("npm", lock.npm), ("wheel", lock.wheels)):
            section: Mapping[str, Mapping[str, str]] = data["npm" if kind == "npm" else "wheels"]
            for name, entry in section.items():
                target[name] = Artefact(
                    kind=kind,
                    name=name,
                    version=entry["version"],
                    file=entry["file"],
                    sha256=entry["sha256"],
                )
        return lock


def read_lock(root: Path = ROOT) -> Lock:
    path = root / LOCK_FILE_NAME
    if not path.exists():
        raise BuildError(f"{path} is missing: run `python build.py lock` and commit it")
    lock = Lock.from_json(json.loads(path.read_text(encoding="utf-8")))
    pins = {("npm", k): v for k, v in NPM_PINS.items()}
    pins.update({("wheel", k): v for k, v in WHEEL_PINS.items()})
    locked = {("npm", a.name): a.version for a in lock.npm.values()}
    locked.update({("wheel", a.name): a.version for a in lock.wheels.values()})
    if pins != locked:
        raise BuildError(
            f"{LOCK_FILE_NAME} does not match the pins in build.py "
            f"(pins {sorted(pins.items())}, lock {sorted(locked.items())}): "
            "run `python build.py lock` and commit the result"
        )
    return lock


def write_lock(lock: Lock, root: Path = ROOT) -> Path:
    path = root / LOCK_FILE_NAME
    path.write_text(json.dumps(lock.to_json(), indent=2) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Downloads (npm pack / pip download), with a hash-checked cache
# --------------------------------------------------------------------------------------------


def _npm_pack(name: str, version: str, dest: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm is not on PATH; it is needed to fetch pyodide and @pyscript/core")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        _run([npm, "pack", "--json", f"{name}@{version}", "--pack-destination", tmp], Path(tmp))
        # Take the file name from disk: older npm versions report scoped names unflattened.
        produced = [p for p in Path(tmp).iterdir() if p.suffix == ".tgz"]
        if len(produced) != 1:
            raise BuildError(f"npm pack {name}@{version} produced {produced}")
        target = dest / produced[0].name
        os.replace(produced[0], target)
    return target


def _pip_download(name: str, version: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--no-cache-dir",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            tmp,
        ]
        if name in WASM_WHEELS:
            cmd.extend(WASM_PIP_ARGS)
        cmd.append(f"{name}=={version}")
        _run(cmd)
        produced = [p for p in Path(tmp).iterdir() if p.suffix == ".whl"]
        if len(produced) != 1:
            raise BuildError(f"pip download {name}=={version} produced {produced}")
        target = dest / produced[0].name
        os.replace(produced[0], target)
    return target


def _download(kind: str, name: str, version: str, cache_dir: Path) -> Path:
    if kind == "npm":
        return _npm_pack(name, version, cache_dir / "npm")
    return _pip_download(name, version, cache_dir / "wheels")


def fetch(artefact: Artefact, cache_dir: Path, *, offline: bool = False) -> Path:
    """Return the cached file for ``artefact``, downloading it if needed; verify its sha256."""
    sub = "npm" if artefact.kind == "npm" else "wheels"
    path = cache_dir / sub / artefact.file
    if path.exists():
        if sha256_file(path) == artefact.sha256:
            return path
        warn(f"cached {path} has the wrong sha256; downloading it again")
        path.unlink()
    if offline:
        raise BuildError(f"{artefact.file} is not in {cache_dir} and offline mode is on")
    log(f"downloading {artefact.name} {artefact.version}")
    got = _download(artefact.kind, artefact.name, artefact.version, cache_dir)
    if got.name != artefact.file:
        raise BuildError(
            f"downloading {artefact.name} {artefact.version} gave {got.name}, but "
            f"{LOCK_FILE_NAME} expects {artefact.file}: run `python build.py lock` if the "
            "change is intended"
        )
    digest = sha256_file(got)
    if digest != artefact.sha256:
        rejected = got.with_name(got.name + ".rejected")
        os.replace(got, rejected)
        raise BuildError(
            f"SHA256 MISMATCH for {artefact.file} ({artefact.name} {artefact.version}):\n"
            f"  expected {artefact.sha256} (from {LOCK_FILE_NAME})\n"
            f"  got      {digest}\n"
            "The downloaded file is not the one that was locked. Do not update the lock unless "
            f"you know why the artefact changed (`python build.py lock`). Kept as {rejected}."
        )
    return got


def lock(root: Path = ROOT, cache_dir: Path | None = None) -> Lock:
    """Download every pinned artefact afresh and rewrite vendor.lock.json."""
    cache = cache_dir or root / "build" / "cache"
    new = Lock()
    for name, version in NPM_PINS.items():
        log(f"npm pack {name}@{version}")
        path = _download("npm", name, version, cache)
        new.npm[name] = Artefact("npm", name, version, path.name, sha256_file(path))
    for name, version in WHEEL_PINS.items():
        log(f"pip download {name}=={version}")
        path = _download("wheel", name, version, cache)
        new.wheels[name] = Artefact("wheel", name, version, path.name, sha256_file(path))
    out = write_lock(new, root)
    log(f"wrote {out}")
    return new


# --------------------------------------------------------------------------------------------
# Build steps
# --------------------------------------------------------------------------------------------


def _extract_members(tgz: Path, prefix: str, dest: Path, names: Iterable[str] | None) -> list[str]:
    """Extract files under ``prefix`` (flattened relative to it) from an npm tarball."""
    wanted = set(names) if names is not None else None
    dest.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith(prefix):
                continue
            rel = member.name[len(prefix) :]
            if "/" in rel or rel.startswith(".") or not rel:
                continue
            if wanted is not None and rel not in wanted:
                continue
            if wanted is None and rel.endswith(".map"):
                continue
            src = tar.extractfile(member)
            if src is None:
                continue
            with src, (dest / rel).open("wb") as out:
                shutil.copyfileobj(src, out)
            written.append(rel)
    if wanted is not None and (missing := wanted - set(written)):
        raise BuildError(f"{tgz.name} lacks {sorted(missing)} under {prefix}")
    return sorted(written)


def _stamp_ok(stamp: Path, digest: str, files: Iterable[Path]) -> bool:
    try:
        return stamp.read_text(encoding="utf-8").strip() == digest and all(
            p.exists() for p in files
        )
    except OSError:
        return False


def _vendor_tarball(
    art: Artefact,
    cache: Path,
    dest: Path,
    prefix: str,
    names: Sequence[str] | None,
    required: Sequence[str],
    *,
    offline: bool,
) -> None:
    """Unpack ``prefix`` of an npm tarball into ``dest``, unless ``dest`` already holds it."""
    tgz = fetch(art, cache, offline=offline)
    stamp = dest / ".source-sha256"
    if _stamp_ok(stamp, art.sha256, (dest / f for f in required)):
        return
    if dest.exists():
        shutil.rmtree(dest)
    files = _extract_members(tgz, prefix, dest, names)
    missing = [f for f in required if f not in files]
    if missing:
        raise BuildError(f"{tgz.name}: {', '.join(missing)} missing under {prefix}")
    stamp.write_text(art.sha256, encoding="utf-8")


def vendor_npm(lock_: Lock, cache: Path, vendor: Path, *, offline: bool) -> None:
    npm = lock_.npm
    _vendor_tarball(
        npm["pyodide"],
        cache,
        vendor / "pyodide",
        "package/",
        PYODIDE_FILES,
        PYODIDE_FILES,
        offline=offline,
    )
    _vendor_tarball(
        npm["@pyscript/core"],
        cache,
        vendor / "pyscript",
        "package/dist/",
        None,
        ("core.js", "core.css"),
        offline=offline,
    )
    _vendor_tarball(
        npm["penpal"],
        cache,
        vendor / "penpal",
        "package/dist/",
        PENPAL_FILES,
        PENPAL_FILES,
        offline=offline,
    )


def _wheel_metadata(whl: Path) -> dict[str, Any]:
    """Name, version, top-level imports and unconditional requirements of a wheel."""
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
        meta_name = next(
            (n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")), None
        )
        if meta_name is None:
            raise BuildError(f"{whl.name}: no .dist-info/METADATA")
        meta = zf.read(meta_name).decode("utf-8")
    headers: dict[str, list[str]] = {}
    for line in meta.split("\n\n", 1)[0].splitlines():
        if ":" in line and not line.startswith((" ", "\t")):
            key, _, value = line.partition(":")
            headers.setdefault(key.strip().lower(), []).append(value.strip())
    requires: list[str] = []
    for req in headers.get("requires-dist", []):
        spec, _, marker = req.partition(";")
        if "extra" in marker:
            continue
        if marker.strip():
            warn(f"{whl.name}: ignoring conditional requirement {req!r}")
            continue
        raw = spec.strip()
        end = next((i for i, ch in enumerate(raw) if ch in " <>=!~[(;"), len(raw))
        requires.append(canonical_name(raw[:end]))
    imports: set[str] = set()
    for n in names:
        top = n.split("/", 1)[0]
        if top.endswith((".dist-info", ".data")):
            continue
        if "/" in n:
            imports.add(top)
        elif n.endswith(".py"):
            imports.add(n[:-3])
    return {
        "name": headers["name"][0],
        "version": headers["version"][0],
        "imports": sorted(imports),
        "requires": requires,
    }


def build_own_wheel(root: Path, out_dir: Path) -> Path | None:
    """Build hizi-bridge's pure wheel into ``out_dir``; None (with a warning) if bridge/ is absent.

    The project is staged in a temporary directory (pyproject.toml, README.md, bridge/) so that a
    missing README does not stop the build and stray files in the work tree stay out.
    """
    if not (root / "bridge" / "__init__.py").exists():
        warn("bridge/__init__.py does not exist yet: skipping the hizi-bridge wheel")
        return None
    with tempfile.TemporaryDirectory(prefix="hizi-wheel-") as tmp:
        stage = Path(tmp) / "src"
        stage.mkdir()
        shutil.copy2(root / "pyproject.toml", stage / "pyproject.toml")
        readme = root / "README.md"
        if readme.exists():
            shutil.copy2(readme, stage / "README.md")
        else:
            warn("README.md is missing; building the wheel with a placeholder README")
            (stage / "README.md").write_text("# hizi-bridge\n", encoding="utf-8")
        for extra in ("LICENSE", "LICENSE.txt", "LICENSE.md"):
            if (root / extra).exists():
                shutil.copy2(root / extra, stage / extra)
        shutil.copytree(
            root / "bridge",
            stage / "bridge",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"),
        )
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--disable-pip-version-check",
            "--no-deps",
            "-q",
            "-w",
            str(Path(tmp) / "dist"),
        ]
        if importlib.util.find_spec("hatchling") is not None:
            cmd.append("--no-build-isolation")
        cmd.append(str(stage))
        _run(cmd)
        built = list((Path(tmp) / "dist").glob("hizi_bridge-*.whl"))
        if len(built) != 1:
            raise BuildError(f"pip wheel produced {built}")
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / built[0].name
        copy_atomic(built[0], target)
    return target


def _lock_entry(whl: Path, vendor: Path, meta: Mapping[str, Any], known: set[str]) -> Any:
    return {
        "name": meta["name"],
        "version": meta["version"],
        # Relative to the lock file, which lives in vendor/pyodide/.
        "file_name": f"../{whl.relative_to(vendor).as_posix()}",
        "install_dir": "site",
        "sha256": sha256_file(whl),
        "package_type": "package",
        "imports": meta["imports"],
        "depends": [d for d in meta["requires"] if d in known],
        "unvendored_tests": False,
    }


# Bytecode for the browser. Pyodide imports the pure-Python files of a wheel from source, with
# sys.dont_write_bytecode set, so every page load compiles pydantic, typing-extensions and the
# bridge again (≈ 0.5 s per frame here). The build compiles them once, with the vendored
# Pyodide under Node, and ships wheels that carry ``__pycache__/*.cpython-3XY.pyc`` beside each
# source file (unchecked-hash pycs: never re-validated, so extraction mtimes do not matter).
# The sources stay in the wheel (tracebacks, inspect); another Python ignores the pycs.
# Bump PYC_RECIPE when the way these wheels are made changes: they are served as immutable.
PYC_RECIPE = "2"
STDLIB_KEY = "python-stdlib"  # never a project name (no such wheel is vendored)
_PYC_COMPILER = r"""
import { loadPyodide } from %(module)s;
// The environment hizi-bridge.js boots with (pydantic plugins off), so the set of stdlib
// modules recorded below is the browser's.
const pyodide = await loadPyodide({
  indexURL: %(index)s, env: { PYDANTIC_DISABLE_PLUGINS: "__all__" },
});
pyodide.FS.mkdirTree("/work");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: %(root)s }, "/work");
pyodide.runPython(`
import os, py_compile, sys
# zipimport keeps a pyc's co_filename: give stdlib code the path a source import would.
stdlib = next(p for p in sys.path if p.endswith(".zip"))
count, failed = 0, []
for base, _dirs, files in os.walk("/work"):
    for name in files:
        if name.endswith(".py"):
            src = os.path.join(base, name)
            top, _, rel = os.path.relpath(src, "/work").partition("/")
            dfile = f"{stdlib}/{rel}" if top == %(stdlib_key)s else rel
            try:
                py_compile.compile(src, doraise=True, dfile=dfile,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                count += 1
            except py_compile.PyCompileError:
                failed.append(src)  # left as source; the import compiles (or fails) as before
print(sys.implementation.cache_tag, count, len(failed))
`);
// Which standard-library modules a boot imports: install the wheels as the browser does and
// import what boot() imports. Only those get bytecode in the served stdlib zip.
const fail = (msg) => { throw new Error(msg); };
await pyodide.loadPackage(%(wheels)s, { messageCallback() {}, errorCallback: fail });
pyodide.runPython(`
import json, sys
%(imports)s
zip_prefix = next(p for p in sys.path if p.endswith(".zip")) + "/"
print(json.dumps(sorted(
    m.__file__[len(zip_prefix):] for m in list(sys.modules.values())
    if (getattr(m, "__file__", None) or "").startswith(zip_prefix)
)))
`);
"""


def _py_members(whl: Path) -> list[str]:
    with zipfile.ZipFile(whl) as zf:
        return [
            n
            for n in zf.namelist()
            if n.endswith(".py") and not n.split("/", 1)[0].endswith((".dist-info", ".data"))
        ]


def _source_key(whl: Path, pyodide_version: str) -> str:
    """What the compiled wheel depends on: the wheel's bytes except its zip metadata."""
    digest = hashlib.sha256(f"{PYC_RECIPE}\0{pyodide_version}\0".encode())
    with zipfile.ZipFile(whl) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            digest.update(info.filename.encode() + b"\0")
            digest.update(hashlib.sha256(zf.read(info)).digest())
    return digest.hexdigest()[:32]


def _add_pycs(
    archive: Path, tree: Path, cache_tag: str, dest: Path, *, only: set[str] | None = None
) -> None:
    """Write ``dest``: ``archive`` plus the pycs compiled under ``tree`` (of ``only`` if given).

    A wheel gets ``__pycache__/<name>.<tag>.pyc`` entries, listed in its RECORD; the standard
    library zip gets ``<name>.pyc`` beside each source, the layout zipimport looks for.
    """
    wheel = archive.suffix == ".whl"
    stamp = (1980, 1, 1, 0, 0, 0)
    extra: list[tuple[str, bytes]] = []
    for member in _py_members(archive):
        if only is not None and member not in only:
            continue
        folder, _, name = member.rpartition("/")
        pyc = tree / f"{folder}/__pycache__/{name[:-3]}.{cache_tag}.pyc".lstrip("/")
        if pyc.is_file():
            rel = pyc.relative_to(tree).as_posix() if wheel else f"{member[:-3]}.pyc"
            extra.append((rel, pyc.read_bytes()))
    tmp = dest.with_name(dest.name + ".tmp")
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        records = [
            n for n in src.namelist() if n.count("/") == 1 and n.endswith(".dist-info/RECORD")
        ]
        for info in src.infolist():
            data = src.read(info)
            if wheel and info.filename in records[:1]:
                lines = [data.decode("utf-8").rstrip("\n")]
                for rel, blob in extra:
                    b64 = base64.urlsafe_b64encode(hashlib.sha256(blob).digest()).rstrip(b"=")
                    lines.append(f"{rel},sha256={b64.decode()},{len(blob)}")
                data = ("\n".join(lines) + "\n").encode("utf-8")
            out.writestr(info, data)
        for rel, blob in extra:
            out.writestr(zipfile.ZipInfo(rel, stamp), blob, zipfile.ZIP_DEFLATED)
    os.replace(tmp, dest)


def precompile(
    archives: Mapping[str, Path], pyodide_dir: Path, pyodide_version: str, cache: Path
) -> dict[str, Path]:
    """Return ``archives`` with bytecode added (copies under ``cache``); the input on failure.

    Keys are project names (wheels) or ``STDLIB_KEY`` (Pyodide's python_stdlib.zip). Needs
    ``node``; without it, or if compiling fails, the build warns and the browser keeps
    compiling the sources itself (slower boot, same behaviour).
    """
    out: dict[str, Path] = {}
    todo: dict[str, Path] = {}
    keys = {key: _source_key(path, pyodide_version) for key, path in archives.items()}
    if STDLIB_KEY in keys:  # its bytecode covers the modules the wheels import: key on them too
        keys[STDLIB_KEY] = hashlib.sha256("\0".join(sorted(keys.values())).encode()).hexdigest()
    for key, path in archives.items():
        target = cache / "pyc" / keys[key][:32] / path.name
        out[key] = target
        if not target.is_file() and _py_members(path):
            todo[key] = path
        elif not target.is_file():
            out[key] = path
    if not todo:
        return out
    node = shutil.which("node")
    if node is None:
        warn("node not found: Python files are served without bytecode (slower browser boot)")
        return dict(archives)
    with tempfile.TemporaryDirectory(prefix="hizi-pyc-") as tmp:
        root = Path(tmp)
        for key, path in todo.items():
            with zipfile.ZipFile(path) as zf:
                zf.extractall(root / key, members=_py_members(path))
        wheels = [str(p.resolve()) for k, p in archives.items() if k != STDLIB_KEY]
        imports = "import bridge.browser.engine" if OWN_PROJECT in archives else "import pydantic"
        script = _PYC_COMPILER % {
            "module": json.dumps((pyodide_dir / "pyodide.mjs").resolve().as_uri()),
            "index": json.dumps(str(pyodide_dir.resolve()) + "/"),
            "root": json.dumps(str(root)),
            "wheels": json.dumps(wheels),
            "imports": imports,
            "stdlib_key": json.dumps(STDLIB_KEY),
        }
        try:
            proc = subprocess.run(
                [node, "--input-type=module", "-e", script],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            warn(f"compiling to bytecode failed ({exc}): serving sources only")
            return dict(archives)
        lines = proc.stdout.strip().splitlines()
        tag = lines[0].split()[:1] if lines else []
        if proc.returncode != 0 or len(lines) != 2 or not tag or not tag[0].startswith("cpython-"):
            warn(f"compiling to bytecode failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")
            return dict(archives)
        used = set(json.loads(lines[1]))
        for key, path in todo.items():
            out[key].parent.mkdir(parents=True, exist_ok=True)
            only = used if key == STDLIB_KEY else None
            _add_pycs(path, root / key, tag[0], out[key], only=only)
    log(f"compiled {len(todo)} archive(s) for {tag[0]}; the boot imports {len(used)} stdlib files")
    return out


@dataclass
class BuildResult:
    site_dir: Path
    manifest: dict[str, Any]
    seconds: float


def build(
    root: Path = ROOT,
    *,
    site_dir: Path | None = None,
    cache_dir: Path | None = None,
    offline: bool = False,
) -> BuildResult:
    """Vendor everything into ``site_dir`` (default build/site) and return the manifest."""
    t0 = time.perf_counter()
    site = site_dir or root / "build" / "site"
    cache = cache_dir or root / "build" / "cache"
    vendor = site / "vendor"
    lock_ = read_lock(root)

    vendor_npm(lock_, cache, vendor, offline=offline)

    wheels_dir = vendor / "wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    wheel_paths: dict[str, Path] = {}
    for name, art in lock_.wheels.items():
        src = fetch(art, cache, offline=offline)
        dst = wheels_dir / src.name
        if not dst.exists() or sha256_file(dst) != art.sha256:
            copy_atomic(src, dst)
        wheel_paths[canonical_name(name)] = dst
    own = build_own_wheel(root, wheels_dir)
    if own is not None:
        wheel_paths[OWN_PROJECT] = own
    keep = {p.name for p in wheel_paths.values()}
    for stale in wheels_dir.glob("*.whl"):
        if stale.name not in keep:
            stale.unlink()
    # The browser gets the same wheels with bytecode added (see precompile()).
    pyodide_version = lock_.npm["pyodide"].version
    stdlib = vendor / "pyodide" / "python_stdlib.zip"
    compiled = precompile(
        {**wheel_paths, STDLIB_KEY: stdlib}, vendor / "pyodide", pyodide_version, cache
    )
    # Pyodide's standard library with bytecode beside the sources (loadPyodide's stdLibURL).
    # Served as immutable, so its name carries its hash (its pycs follow the wheels' imports).
    stdlib_pyc = compiled.pop(STDLIB_KEY)
    stdlib_served: Path | None = None
    if stdlib_pyc != stdlib:
        stdlib_served = stdlib.with_name(f"python_stdlib.{sha256_file(stdlib_pyc)[:16]}.zip")
        if not stdlib_served.exists():
            copy_atomic(stdlib_pyc, stdlib_served)
    for old_zip in stdlib.parent.glob("python_stdlib.*.zip"):
        if old_zip != stdlib_served:
            old_zip.unlink()
    # Each compiled wheel sits in a folder named by its own sha256: the files are served as
    # immutable and the lock's integrity hash must match, so new bytes (another zlib, another
    # recipe) must never reuse a URL a browser may have cached.
    pyc_root = wheels_dir / "pyc"
    served: set[Path] = set()
    for key, path in compiled.items():
        if path != wheel_paths[key]:
            dst = pyc_root / sha256_file(path)[:16] / path.name
            if not dst.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                copy_atomic(path, dst)
            wheel_paths[key] = dst
            served.add(dst.parent)
    for old in [*wheels_dir.glob("pyc-*"), *(pyc_root.iterdir() if pyc_root.is_dir() else [])]:
        if old.is_dir() and old not in served:
            shutil.rmtree(old)

    # Trimmed Pyodide lock: only our wheels, resolved relative to the lock file.
    original = json.loads((vendor / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    info = dict(original["info"])
    if info.get("abi_version") != PYODIDE_ABI:
        raise BuildError(
            f"pyodide-lock.json has abi_version {info.get('abi_version')!r}, "
            f"the wheels are built for {PYODIDE_ABI!r}"
        )
    known = set(wheel_paths)
    metas = {key: _wheel_metadata(path) for key, path in wheel_paths.items()}
    for key, meta in metas.items():
        if canonical_name(meta["name"]) != key:
            raise BuildError(f"{wheel_paths[key].name} says it is {meta['name']!r}, not {key!r}")
        missing = [r for r in meta["requires"] if r not in known]
        if missing and key != OWN_PROJECT:
            raise BuildError(f"{key} requires {missing}, which are not vendored")
    packages = {
        key: _lock_entry(wheel_paths[key], vendor, metas[key], known) for key in sorted(wheel_paths)
    }
    trimmed = {"info": info, "packages": packages}
    write_text_atomic(vendor / "pyodide" / TRIMMED_LOCK_NAME, json.dumps(trimmed, indent=2) + "\n")

    top_level = [OWN_PROJECT] if own is not None else ["pydantic"]
    manifest: dict[str, Any] = {
        "format": 1,
        "pyodide": {
            "version": lock_.npm["pyodide"].version,
            "python": info.get("python"),
            "abi_version": info["abi_version"],
            "module": "pyodide/pyodide.mjs",
            "index": "pyodide/",
            "lock": f"pyodide/{TRIMMED_LOCK_NAME}",
            # None when the build could not compile it: Pyodide's own zip is used.
            "stdlib": f"pyodide/{stdlib_served.name}" if stdlib_served else None,
        },
        "pyscript": {
            "version": lock_.npm["@pyscript/core"].version,
            "core_js": "pyscript/core.js",
            "core_css": "pyscript/core.css",
            "config": "pyscript.json",
        },
        "wheels": [
            {
                "name": key,
                "version": metas[key]["version"],
                "file": wheel_paths[key].relative_to(vendor).as_posix(),
                "sha256": packages[key]["sha256"],
            }
            for key in sorted(wheel_paths)
        ],
        "packages": top_level,
        "bridge_wheel": (
            wheel_paths[OWN_PROJECT].relative_to(vendor).as_posix() if own is not None else None
        ),
    }
    write_text_atomic(vendor / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    # A ready-made PyScript config. Paths are absolute from the site root, which is the same on
    # both origins, because PyScript resolves config paths against the page, not the config.
    pyscript_config = {
        "interpreter": "/vendor/pyodide/pyodide.mjs",
        "packages_cache": "passthrough",
        "packages": [f"/vendor/{w['file']}" for w in manifest["wheels"]],
    }
    write_text_atomic(vendor / "pyscript.json", json.dumps(pyscript_config, indent=2) + "\n")

    copy_static(root, site)
    write_page_configs(site, pyscript_config)
    seconds = time.perf_counter() - t0
    log(f"site ready in {site} ({seconds:.2f} s)")
    return BuildResult(site_dir=site, manifest=manifest, seconds=seconds)


def copy_static(root: Path, site: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in STATIC_DIRS:
        src = root / name
        dst = site / name
        if dst.exists():
            shutil.rmtree(dst)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore)
    for src_rel, dst_rel in STATIC_MOUNTS.items():
        src, dst = root / src_rel, site / dst_rel
        if dst.exists():
            shutil.rmtree(dst)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore)
    static = root / "bridge" / "static"
    if static.is_dir():
        for item in static.iterdir():
            if item.name.startswith(".") or item.name == "__pycache__":
                continue
            target = site / item.name
            if item.is_dir():
                if target.exists():
                    shutil.rmtree(target)
                shutil.copytree(item, target, ignore=ignore)
            else:
                shutil.copy2(item, target)


PAGE_CONFIG_NAME = "pyscript.page.json"


def write_page_configs(site: Path, base: Mapping[str, Any]) -> list[Path]:
    """Write ``pyscript.json`` next to every ``pyscript.page.json`` in the static dirs.

    The result is the vendored config (interpreter, passthrough, wheel URLs) plus the page's own
    keys, e.g. ``"files"``; ``"packages"`` lists are joined. Pages thus never hard-code wheel file
    names, which change with every pin.
    """
    written: list[Path] = []
    for name in STATIC_DIRS:
        extra_path = site / name / PAGE_CONFIG_NAME
        if not extra_path.is_file():
            continue
        extra = json.loads(extra_path.read_text(encoding="utf-8"))
        merged = {**base, **extra}
        merged["packages"] = [*base.get("packages", []), *extra.get("packages", [])]
        out = extra_path.with_name("pyscript.json")
        out.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
        written.append(out)
    return written


# --------------------------------------------------------------------------------------------
# Static server
# --------------------------------------------------------------------------------------------

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
    ".svg": "image/svg+xml",
}
IMMUTABLE = "public, max-age=31536000, immutable"


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with fixed MIME types, cache headers and optional extra headers."""

    protocol_version = "HTTP/1.1"  # keep-alive; every response has a Content-Length
    extra_headers: ClassVar[Mapping[str, str]] = {}
    verbose: ClassVar[bool] = False

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        name = path.rsplit("/", 1)[-1]
        mutable = name in MUTABLE_VENDOR_FILES or name.startswith("hizi_bridge-")
        if path.startswith("/vendor/") and not mutable:
            self.send_header("Cache-Control", IMMUTABLE)
        else:
            self.send_header("Cache-Control", "no-cache")
        for key, value in self.extra_headers.items():
            self.send_header(key, value)
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        ext = os.path.splitext(os.fspath(path))[1].lower()
        return MIME_TYPES.get(ext) or super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:
        if self.verbose:
            super().log_message(format, *args)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


@dataclass(frozen=True)
class ServerSpec:
    """``host`` is the name used in the origin; the socket binds to ``bind``."""

    host: str
    port: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)
    bind: str = "127.0.0.1"


@dataclass
class SiteServer:
    spec: ServerSpec
    httpd: http.server.ThreadingHTTPServer
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


def start_servers(
    site_dir: Path | str, specs: Iterable[SpecLike], *, verbose: bool = False
) -> list[SiteServer]:
    """Serve ``site_dir`` once per spec, each in a daemon thread. Port 0 picks a free port."""
    servers: list[SiteServer] = []
    directory = str(Path(site_dir).resolve())
    try:
        for raw in specs:
            spec = raw if isinstance(raw, ServerSpec) else ServerSpec(*raw)
            handler_cls = type(
                "BoundSiteHandler",
                (SiteHandler,),
                {"extra_headers": dict(spec.headers), "verbose": verbose},
            )
            handler = functools.partial(handler_cls, directory=directory)
            httpd = _Server((spec.bind, spec.port), handler)
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


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    sub = parser.add_subparsers(dest="command")
    p_build = sub.add_parser("build", help="vendor everything into build/site (default)")
    p_build.add_argument("--offline", action="store_true", help="use build/cache only")
    sub.add_parser("lock", help="re-download every pin and rewrite vendor.lock.json")
    p_serve = sub.add_parser("serve", help="build, then serve the lobby and game origins")
    p_serve.add_argument("--lobby-port", type=int, default=8000)
    p_serve.add_argument("--game-port", type=int, default=8001)
    p_serve.add_argument("--offline", action="store_true", help="use build/cache only")
    p_serve.add_argument("--verbose", action="store_true", help="log every request")
    p_bench = sub.add_parser("bench", help="browser benchmark; writes bench/results.json")
    p_bench.add_argument("--quick", action="store_true", help="small N (CI smoke test)")
    p_bench.add_argument("--runs", type=int, default=None, help="page loads to take medians of")
    p_bench.add_argument("--out", type=Path, default=None, help="default bench/results.json")
    p_bench.add_argument("--site-dir", type=Path, default=None, help="default build/site")
    p_bench.add_argument("--offline", action="store_true", help="use build/cache only")
    args = parser.parse_args(argv)
    command = args.command or "build"
    try:
        if command == "lock":
            lock()
            return 0
        if command == "bench":
            return run_bench(args)
        result = build(offline=getattr(args, "offline", False))
        if command == "build":
            return 0
        servers = start_servers(
            result.site_dir,
            [
                ServerSpec("127.0.0.1", args.lobby_port),
                ServerSpec("localhost", args.game_port),
            ],
            verbose=args.verbose,
        )
        lobby, game = servers
        print(f"lobby: {lobby.origin}/demo_lobby/", flush=True)
        print(f"game:  {game.origin}/demo_game/", flush=True)
        print("Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopping", flush=True)
        finally:
            stop_servers(servers)
        return 0
    except BuildError as exc:
        print(f"[build] ERROR: {exc}", file=sys.stderr)
        return 1


def run_bench(args: argparse.Namespace) -> int:
    """``python build.py bench``: the runner lives in bench/browser_bench.py."""
    spec = importlib.util.spec_from_file_location(
        "hizi_browser_bench", ROOT / "bench" / "browser_bench.py"
    )
    if spec is None or spec.loader is None:
        raise BuildError("bench/browser_bench.py is missing")
    runner = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = runner  # dataclasses look their module up while it loads
    spec.loader.exec_module(runner)
    kwargs: dict[str, Any] = {"quick": args.quick, "runs": args.runs, "offline": args.offline}
    if args.out is not None:
        kwargs["out"] = args.out
    if args.site_dir is not None:
        kwargs["site_dir"] = args.site_dir
    runner.run(sys.modules[__name__], **kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
