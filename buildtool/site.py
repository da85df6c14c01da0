"""``python build.py``: vendor the runtime and wheels into build/site beside the demos.

Layout of the site (both origins serve the same tree)::

    index.html home.js home.css         home/: the root page (the demo, examples, docs)
    README.md docs/                     the docs, served as text
    hizi-bridge.js  favicon.svg ...     bridge/static/ (the JS API looks for vendor/ beside it)
    vendor/manifest.json                what the JS API boots (see MANIFEST_FORMAT)
    vendor/pyodide/                     Pyodide runtime, trimmed lock, compiled stdlib zips
    vendor/wheels/pyc/<sha16>/*.whl     the wheels with bytecode, one folder per content
    vendor/wheels/*.whl                 the plain wheels (PyScript pages may use either)
    vendor/pyscript/ vendor/penpal/     PyScript (demo pages), Penpal (benchmark only)
    demo_lobby/ demo_game/ examples/ bench/
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from . import compress
from .bytecode import OWN_PROJECT, RUNTIME_STDLIB_KEY, STDLIB_KEY, precompile, runtime_key
from .common import ROOT, BuildError, copy_atomic, log, sha256_file, write_text_atomic
from .engine_boot import engine_section
from .lock import PYODIDE_ABI, Lock, fetch, read_lock
from .vendor import WheelInfo, build_own_wheel, vendor_npm, wheel_metadata

TRIMMED_LOCK_NAME = "hizi-lock.json"
MANIFEST_FORMAT = 1
STATIC_DIRS = ("demo_lobby", "demo_game", "examples")
# Extra static trees copied under another name: source (relative to the repo) -> site path.
STATIC_MOUNTS = {"bench/pages": "bench", "docs": "docs"}
# Files copied into the site's root: the root page and README (its links go to docs/).
ROOT_FILES = ("home/index.html", "home/home.js", "home/home.css", "README.md")
PAGE_CONFIG_NAME = "pyscript.page.json"


@dataclass
class BuildResult:
    site_dir: Path
    manifest: dict[str, Any]
    seconds: float


def package_version(root: Path = ROOT) -> str:
    """``bridge.__version__`` read from the source, as hatchling does ([tool.hatch.version])."""
    for line in (root / "bridge" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise BuildError("bridge/__init__.py defines no __version__")


def _served_copy(src: Path, dst: Path) -> Path:
    if not dst.exists():
        dst.parent.mkdir(parents=True, exist_ok=True)
        copy_atomic(src, dst)
    return dst


def _hashed_zip(src: Path, folder: Path, stem: str) -> Path:
    """Copy ``src`` to ``folder/<stem>.<sha16>.zip`` (served as immutable); drop older ones."""
    dst = _served_copy(src, folder / f"{stem}.{sha256_file(src)[:16]}.zip")
    for old in folder.glob(f"{stem}.*.zip"):
        if old != dst:
            old.unlink()
    return dst


def _vendor_wheels(
    root: Path, lock_: Lock, cache: Path, wheels_dir: Path, *, offline: bool
) -> tuple[dict[str, Path], bool]:
    """Copy the pinned wheels and build ours into ``wheels_dir``; (paths by name, ours built)."""
    wheels_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, art in lock_.wheels.items():
        src = fetch(art, cache, offline=offline)
        dst = wheels_dir / src.name
        if not dst.exists() or sha256_file(dst) != art.sha256:
            copy_atomic(src, dst)
        paths[canonicalize_name(name)] = dst
    own = build_own_wheel(root, wheels_dir)
    if own is not None:
        paths[OWN_PROJECT] = own
    keep = {p.name for p in paths.values()}
    for stale in wheels_dir.glob("*.whl"):
        if stale.name not in keep:
            stale.unlink()
    return paths, own is not None


def _place_compiled(
    compiled: Mapping[str, Path],
    plain: dict[str, Path],
    wheels_dir: Path,
    extra: Mapping[str, Path],
) -> dict[str, Path]:
    """Serve each compiled wheel from a folder named by its own sha256.

    The files are served as immutable and the lock's integrity hash must match, so new bytes
    (another recipe) must never reuse a URL a browser may have cached. The folder, not the
    file, carries the hash because Pyodide parses the wheel's file name. ``extra`` (the wheels
    cut for the JS API, by project) is placed the same way; their served paths are returned.
    """
    pyc_root = wheels_dir / "pyc"
    served: set[Path] = set()
    placed: dict[str, Path] = {}
    for key, path in extra.items():
        placed[key] = _served_copy(path, pyc_root / sha256_file(path)[:16] / path.name)
        served.add(placed[key].parent)
    for key, path in compiled.items():
        if path != plain[key]:
            plain[key] = _served_copy(path, pyc_root / sha256_file(path)[:16] / path.name)
            served.add(plain[key].parent)
    for old in pyc_root.iterdir() if pyc_root.is_dir() else []:
        if old.is_dir() and old not in served:
            shutil.rmtree(old)
    return placed


def _lock_entry(whl: Path, base: Path, meta: WheelInfo, known: set[str]) -> dict[str, Any]:
    return {
        "name": meta.name,
        "version": meta.version,
        # Pyodide resolves it against the lock file's URL.
        "file_name": os.path.relpath(whl, base).replace(os.sep, "/"),
        "install_dir": "site",
        "sha256": sha256_file(whl),
        "package_type": "package",
        "imports": meta.imports,
        "depends": [d for d in meta.requires if d in known],
        "unvendored_tests": False,
    }


def trimmed_lock(
    original: Mapping[str, Any], wheels: Mapping[str, Path], base: Path
) -> dict[str, Any]:
    """Pyodide's lock with only our wheels, each ``file_name`` relative to ``base``."""
    info = dict(original["info"])
    if info.get("abi_version") != PYODIDE_ABI:
        raise BuildError(
            f"pyodide-lock.json has abi_version {info.get('abi_version')!r}, "
            f"the wheels are built for {PYODIDE_ABI!r}"
        )
    known = set(wheels)
    metas = {key: wheel_metadata(path) for key, path in wheels.items()}
    for key, meta in metas.items():
        if canonicalize_name(meta.name) != key:
            raise BuildError(f"{wheels[key].name} says it is {meta.name!r}, not {key!r}")
        missing = [r for r in meta.requires if r not in known]
        if missing and key != OWN_PROJECT:
            raise BuildError(f"{key} requires {missing}, which are not vendored")
    packages = {key: _lock_entry(wheels[key], base, metas[key], known) for key in sorted(wheels)}
    return {"info": info, "packages": packages}


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
    pyodide_dir = vendor / "pyodide"
    lock_ = read_lock(root)
    vendor_npm(lock_, cache, vendor, offline=offline)
    wheels_dir = vendor / "wheels"
    wheel_paths, has_own = _vendor_wheels(root, lock_, cache, wheels_dir, offline=offline)

    # The browser gets the same archives with bytecode added and stored (bytecode.py).
    pyodide_version = lock_.npm["pyodide"].version
    stdlib = pyodide_dir / "python_stdlib.zip"
    compiled = precompile({**wheel_paths, STDLIB_KEY: stdlib}, pyodide_dir, pyodide_version, cache)
    # Pyodide's standard library with bytecode (loadPyodide's stdLibURL), full for PyScript
    # pages, and cut to the bridge's imports for the JS API. Immutable, so hashed names.
    stdlib_pyc = compiled.pop(STDLIB_KEY)
    runtime_pyc = compiled.pop(RUNTIME_STDLIB_KEY, None)
    stdlib_served = runtime_served = None
    if stdlib_pyc != stdlib:
        stdlib_served = _hashed_zip(stdlib_pyc, pyodide_dir, "python_stdlib")
    if runtime_pyc is not None:
        runtime_served = _hashed_zip(runtime_pyc, pyodide_dir, "python_stdlib_runtime")
    cuts = {k: compiled.pop(runtime_key(k)) for k in wheel_paths if runtime_key(k) in compiled}
    runtime_wheels = _place_compiled(compiled, wheel_paths, wheels_dir, cuts)

    original = json.loads((pyodide_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
    trimmed = trimmed_lock(original, wheel_paths, pyodide_dir)
    write_text_atomic(pyodide_dir / TRIMMED_LOCK_NAME, json.dumps(trimmed, indent=2) + "\n")

    def rel(path: Path | None) -> str | None:
        return path.relative_to(vendor).as_posix() if path is not None else None

    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "version": package_version(root),
        "pyodide": {
            "version": pyodide_version,
            "python": trimmed["info"].get("python"),
            "abi_version": trimmed["info"]["abi_version"],
            "module": "pyodide/pyodide.mjs",
            "index": "pyodide/",
            "lock": f"pyodide/{TRIMMED_LOCK_NAME}",
            # None when the build could not compile: Pyodide's own zip is used.
            "stdlib": rel(stdlib_served),
            # The JS API's cut (bytecode.py); prefer it where no user Python runs.
            "runtime_stdlib": rel(runtime_served),
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
                "version": trimmed["packages"][key]["version"],
                "file": rel(wheel_paths[key]),
                "sha256": trimmed["packages"][key]["sha256"],
            }
            for key in sorted(wheel_paths)
        ],
        "packages": [OWN_PROJECT] if has_own else ["pydantic"],
        "bridge_wheel": rel(wheel_paths[OWN_PROJECT]) if has_own else None,
        # Our wheel for the JS API (bytecode only, no inspector, schema or static files);
        # dist/ ships it in place of bridge_wheel. None when the build could not compile.
        "runtime_bridge_wheel": rel(runtime_wheels.get(OWN_PROJECT)),
        # Every wheel cut for the JS API (bytecode.runtime_wheel); dist/ ships these.
        "runtime_wheels": {k: rel(p) for k, p in sorted(runtime_wheels.items())},
        # How the JS API's engine boots them (engine_boot.py): the cuts where the build made
        # them, as dist/ does.
        "engine": engine_section(
            {k: runtime_wheels.get(k, p) for k, p in wheel_paths.items()}, vendor, trimmed["info"]
        ),
    }
    write_text_atomic(vendor / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    # A ready-made PyScript config with relative URLs. PyScript resolves them against the
    # page, not the config, so these are relative to the site root (a page beside
    # hizi-bridge.js); pages in a folder get a rebased copy (write_page_configs).
    pyscript_config = {
        "interpreter": "vendor/pyodide/pyodide.mjs",
        "packages_cache": "passthrough",
        "packages": [f"vendor/{w['file']}" for w in manifest["wheels"]],
    }
    write_text_atomic(vendor / "pyscript.json", json.dumps(pyscript_config, indent=2) + "\n")

    copy_static(root, site)
    write_page_configs(site, pyscript_config)
    compress.remove_orphans(site)
    twins = compress.write_all_twins(_site_files(site), cache)
    seconds = time.perf_counter() - t0
    log(f"site ready in {site} ({seconds:.2f} s, {len(twins)} precompressed twins)")
    return BuildResult(site_dir=site, manifest=manifest, seconds=seconds)


def _site_files(site: Path) -> list[Path]:
    return [
        p
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and not compress.is_twin(p)
    ]


def copy_static(root: Path, site: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    mounts = {name: name for name in STATIC_DIRS} | STATIC_MOUNTS
    for src_rel, dst_rel in mounts.items():
        src, dst = root / src_rel, site / dst_rel
        if dst.exists():
            shutil.rmtree(dst)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore)
    for rel in ROOT_FILES:
        if (root / rel).is_file():
            shutil.copy2(root / rel, site / Path(rel).name)
    static = root / "bridge" / "static"
    for item in static.iterdir() if static.is_dir() else []:
        if item.name.startswith(".") or item.name == "__pycache__":
            continue
        target = site / item.name
        if item.is_dir():
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(item, target, ignore=ignore)
        else:
            shutil.copy2(item, target)


def rebase_config(config: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """``config`` (URLs relative to the site root) with ``prefix`` (the way there) prepended."""
    out = dict(config)
    out["interpreter"] = prefix + str(config["interpreter"])
    out["packages"] = [prefix + str(p) for p in config.get("packages", [])]
    return out


def write_page_configs(site: Path, base: Mapping[str, Any]) -> list[Path]:
    """Write ``pyscript.json`` next to every ``pyscript.page.json`` in the static dirs.

    The result is the vendored config (interpreter, passthrough, wheel URLs) rebased to the
    page's folder, plus the page's own keys, e.g. ``"files"``; ``"packages"`` lists are
    joined. Pages thus never hard-code wheel file names, which change with every pin.
    """
    written: list[Path] = []
    for name in STATIC_DIRS:
        extra_path = site / name / PAGE_CONFIG_NAME
        if not extra_path.is_file():
            continue
        prefix = os.path.relpath(site, extra_path.parent).replace(os.sep, "/") + "/"
        rebased = rebase_config(base, prefix)
        extra = json.loads(extra_path.read_text(encoding="utf-8"))
        merged = {**rebased, **extra}
        merged["packages"] = [*rebased["packages"], *extra.get("packages", [])]
        out = extra_path.with_name("pyscript.json")
        out.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
        written.append(out)
    return written
