"""``python build.py dist``: exactly what one origin hosts for the JS API, hashed, twinned.

Layout (paths relative to dist/; ``<h>`` is the first 16 hex digits of a sha256)::

    hizi-bridge.js                       script-tag entry (fixed name, revalidated)
    THIRD-PARTY-NOTICES.txt              the licences of Pyodide, CPython and the wheels
    <name>.<h>.js / .mjs                 every other bridge/static script; *worker* entries
                                         keep their name (a Worker URL is an entry point)
    vendor/manifest.json                 fixed name, revalidated: maps everything below
    vendor/pyodide/<h>/pyodide.mjs       the Pyodide runtime: pyodide.mjs loads its siblings
                   .../pyodide.asm.mjs   by fixed names, so the folder carries the hash
                   .../pyodide.asm.wasm
    vendor/pyodide/python_stdlib_runtime.<h>.zip   the stdlib cut to the bridge's imports
    vendor/wheels/pyc/<h>/<wheel>.whl    the wheels with bytecode (named as PyPI names them);
                                         ours is the JS API's cut: bytecode only, no
                                         inspector, contract, schema or static files

plus a ``.br`` and a ``.gz`` twin of each file that compresses. Left out on purpose: PyScript,
Penpal, demos, bench pages, the plain wheels, the full standard library and every Pyodide lock
file (the engine's lock, for the one wheel Pyodide installs, travels in the manifest's
``engine`` section: buildtool/engine_boot.py).
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import compress
from .bytecode import OWN_PROJECT
from .common import ROOT, BuildError, log, sha256_file, write_text_atomic
from .engine_boot import engine_section
from .notices import NOTICES_NAME, notices
from .site import BuildResult, build, trimmed_lock

ENTRY_SCRIPT = "hizi-bridge.js"
# Scripts a page names by a fixed URL: the script tag, and worker entries (new Worker(url)).
ENTRY_PATTERNS = (ENTRY_SCRIPT, "*worker*.js", "*worker*.mjs")
STATIC_SUFFIXES = (".js", ".mjs")
PYODIDE_RUNTIME = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
MANIFEST_NAME = "manifest.json"
HASH_LEN = 16


@dataclass
class DistResult:
    dist_dir: Path
    manifest: dict[str, Any]
    files: list[Path]  # every file written, twins included
    # Each file dist/ ships cut for the JS API (relative to dist/) -> the site's file it was
    # cut from (the compiled wheel or standard library a PyScript page loads).
    uncut: dict[str, Path] = field(default_factory=dict)
    # Files fetched only after connected (none yet: every shipped file is part of a boot).
    after_connected: frozenset[str] = frozenset()


def subresource_integrity(path: Path) -> str:
    """The Subresource Integrity value of a file (``sha384-<base64>``), for ``integrity=``."""
    digest = hashlib.sha384(path.read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LEN]


def hashed_name(name: str, digest: str) -> str:
    """``name.js`` -> ``name.<digest>.js`` (the hash sits before the last suffix)."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def is_entry(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in ENTRY_PATTERNS)


def _copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


def _static_scripts(root: Path, dist: Path) -> dict[str, str]:
    """Copy every .js/.mjs of bridge/static; logical name -> path in dist/."""
    static = root / "bridge" / "static"
    out: dict[str, str] = {}
    for src in sorted(static.iterdir()):
        if not src.is_file() or src.suffix not in STATIC_SUFFIXES:
            continue
        digest = content_hash(src.read_bytes())
        name = src.name if is_entry(src.name) else hashed_name(src.name, digest)
        _copy(src, dist / name)
        out[src.name] = name
    if ENTRY_SCRIPT not in out:
        raise BuildError(f"bridge/static/{ENTRY_SCRIPT} is missing")
    return out


# hizi-bridge.js imports Pyodide while it fetches the manifest (a guess that saves a round
# trip on every boot); in dist/ the runtime sits in a hashed folder, so the entry script's
# guess is rewritten to that folder (the script is an entry point: never cached as immutable).
PYODIDE_GUESS = 'const DEFAULT_PYODIDE_MODULE = "pyodide/pyodide.mjs";'


def _point_at_runtime(entry: Path, module: str) -> None:
    text = entry.read_text(encoding="utf-8")
    if PYODIDE_GUESS not in text:
        raise BuildError(f"{entry.name}: no {PYODIDE_GUESS!r} to point at {module}")
    entry.write_text(
        text.replace(PYODIDE_GUESS, f"const DEFAULT_PYODIDE_MODULE = {json.dumps(module)};"),
        encoding="utf-8",
    )


# The engine reads these keys of the manifest; dist/ writes them into the entry script (which
# is revalidated, as the manifest is), so a boot needs no manifest round trip.
EMBEDDED_MANIFEST = "const EMBEDDED_MANIFEST = null;"
EMBEDDED_KEYS = ("format", "version", "pyodide", "packages", "wheels", "engine")


def _embed_manifest(entry: Path, manifest: dict[str, Any]) -> None:
    text = entry.read_text(encoding="utf-8")
    if EMBEDDED_MANIFEST not in text:
        raise BuildError(f"{entry.name}: no {EMBEDDED_MANIFEST!r} to embed the manifest in")
    embedded = json.dumps({k: manifest[k] for k in EMBEDDED_KEYS}, separators=(",", ":"))
    text = text.replace(EMBEDDED_MANIFEST, f"const EMBEDDED_MANIFEST = {embedded};")
    entry.write_text(text, encoding="utf-8")


def _pyodide_runtime(site_pyodide: Path, vendor: Path) -> str:
    """Copy the runtime into a folder named by the hash of its files; its path in vendor/."""
    digest = hashlib.sha256()
    for name in PYODIDE_RUNTIME:
        digest.update(name.encode() + b"\0" + bytes.fromhex(sha256_file(site_pyodide / name)))
    folder = f"pyodide/{digest.hexdigest()[:HASH_LEN]}/"
    for name in PYODIDE_RUNTIME:
        _copy(site_pyodide / name, vendor / folder / name)
    return folder


def make_dist(
    root: Path = ROOT,
    *,
    dist_dir: Path | None = None,
    built: BuildResult | None = None,
    cache_dir: Path | None = None,
    offline: bool = False,
) -> DistResult:
    """Build (unless ``built`` is given) and write dist/ from the site's vendored files."""
    built = built or build(root, cache_dir=cache_dir, offline=offline)
    cache = cache_dir or root / "build" / "cache"
    dist = dist_dir or root / "dist"
    site_vendor = built.site_dir / "vendor"
    site_manifest = built.manifest
    runtime_stdlib = site_manifest["pyodide"]["runtime_stdlib"]
    if runtime_stdlib is None:
        raise BuildError("dist needs the compiled, cut standard library: install node")
    if dist.exists():
        shutil.rmtree(dist)
    vendor = dist / "vendor"

    static = _static_scripts(root, dist)
    index = _pyodide_runtime(site_vendor / "pyodide", vendor)
    _point_at_runtime(dist / static[ENTRY_SCRIPT], f"{index}pyodide.mjs")
    stdlib = _copy(site_vendor / runtime_stdlib, vendor / runtime_stdlib).relative_to(vendor)
    wheels = {w["name"]: dict(w) for w in site_manifest["wheels"]}
    uncut = {f"vendor/{stdlib.as_posix()}": site_vendor / site_manifest["pyodide"]["stdlib"]}
    if site_manifest["pyodide"]["stdlib"] is None:
        uncut.clear()
    runtime_wheels = dict(site_manifest.get("runtime_wheels") or {})
    if site_manifest.get("runtime_bridge_wheel") is not None:
        runtime_wheels.setdefault(OWN_PROJECT, site_manifest["runtime_bridge_wheel"])
    for name, cut in runtime_wheels.items():
        uncut[f"vendor/{cut}"] = site_vendor / wheels[name]["file"]
        wheels[name]["file"] = cut
    for wheel in wheels.values():
        if not wheel["file"].startswith("wheels/pyc/"):
            raise BuildError(f"{wheel['file']}: dist ships only the wheels with bytecode")
        _copy(site_vendor / wheel["file"], vendor / wheel["file"])
    # The trimmed lock checks the wheels' names and requirements; the engine's own lock (the
    # wheel with a shared library only) travels in the manifest, so no lock file is shipped.
    original = json.loads((site_vendor / "pyodide" / "pyodide-lock.json").read_text("utf-8"))
    paths = {name: vendor / w["file"] for name, w in wheels.items()}
    lock = trimmed_lock(original, paths, vendor / "pyodide")
    for name, wheel in wheels.items():
        wheel["sha256"] = lock["packages"][name]["sha256"]

    manifest: dict[str, Any] = {
        "format": site_manifest["format"],
        "version": site_manifest["version"],
        "pyodide": {
            **site_manifest["pyodide"],
            "module": f"{index}pyodide.mjs",
            "index": index,
            "lock": None,
            # dist/ serves no PyScript page: the only standard library is the cut one.
            "stdlib": stdlib.as_posix(),
            "runtime_stdlib": stdlib.as_posix(),
        },
        "pyscript": None,
        "wheels": [wheels[name] for name in sorted(wheels)],
        "packages": site_manifest["packages"],
        "bridge_wheel": wheels[OWN_PROJECT]["file"] if OWN_PROJECT in wheels else None,
        "engine": engine_section(paths, vendor, lock["info"]),
        # Logical name in bridge/static -> file in dist/ (relative to dist/, not vendor/).
        "static": static,
    }
    files = sorted(p for p in dist.rglob("*") if p.is_file())
    manifest["files"] = [p.relative_to(dist).as_posix() for p in files] + [
        f"vendor/{MANIFEST_NAME}"
    ]
    write_text_atomic(vendor / MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n")
    files.append(vendor / MANIFEST_NAME)
    _embed_manifest(dist / static[ENTRY_SCRIPT], manifest)
    twins = compress.write_all_twins(files, cache)
    # Beside the runtime for whoever redistributes it; no page loads it, so it is not in
    # manifest.files (nor in the bytes per origin that `build.py dist` prints).
    shipped = {name: (w["version"], vendor / w["file"]) for name, w in wheels.items()}
    write_text_atomic(dist / NOTICES_NAME, notices(site_manifest["pyodide"], shipped))
    log(f"dist ready in {dist}: {len(files)} files, {len(twins)} precompressed twins")
    return DistResult(dist, manifest, sorted([*files, *twins, dist / NOTICES_NAME]), uncut)


@dataclass(frozen=True)
class FileSize:
    path: str
    raw: int
    gzip: int | None
    brotli: int | None


def measure(directory: Path, paths: Iterable[str]) -> list[FileSize]:
    """Bytes of each file raw and as its twins (compressed now where a twin is missing)."""
    out: list[FileSize] = []
    for rel in paths:
        path = directory / rel
        data = path.read_bytes()
        sizes: dict[str, int | None] = {}
        for suffix in compress.TWIN_SUFFIXES:
            twin = path.with_name(path.name + suffix)
            if twin.is_file():
                sizes[suffix] = twin.stat().st_size
            elif compress.compressible(path):
                sizes[suffix] = compress.encoded_size(data, suffix)
            else:
                sizes[suffix] = None
        out.append(FileSize(rel, len(data), sizes[".gz"], sizes[".br"]))
    return out


def _wire(size: FileSize) -> tuple[int, int]:
    """(gzip, brotli) on the wire: the twin when it is smaller, else the file itself."""
    gz = size.gzip if size.gzip is not None and size.gzip < size.raw else size.raw
    br = size.brotli if size.brotli is not None and size.brotli < size.raw else size.raw
    return gz, br


def size_table(
    sizes: Iterable[FileSize],
    uncut: dict[str, FileSize] | None = None,
    after_connected: frozenset[str] = frozenset(),
) -> str:
    """Markdown table: raw and on the wire (brotli, the smaller twin a browser takes).

    ``uncut`` (dist path -> the size of the file it was cut from) adds what each cut saved
    with brotli; ``after_connected`` marks the files a boot does not fetch before connected.
    """
    uncut = uncut or {}
    rows = [
        "| file | raw | gzip | brotli | brotli before the cut | saved | loads |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    total = [0, 0, 0, 0]
    for s in sizes:
        wire_gz, wire_br = _wire(s)
        before = _wire(uncut[s.path])[1] if s.path in uncut else wire_br
        total = [total[0] + s.raw, total[1] + wire_gz, total[2] + wire_br, total[3] + before]
        saved = f"{before - wire_br:,}" if s.path in uncut else ""
        when = "after connected" if s.path in after_connected else "boot"
        rows.append(
            f"| {s.path} | {s.raw:,} | {wire_gz:,} | {wire_br:,} | {before:,} | {saved} | {when} |"
        )
    rows.append(
        f"| **total** | **{total[0]:,}** | **{total[1]:,}** | **{total[2]:,}** | "
        f"**{total[3]:,}** | **{total[3] - total[2]:,}** | |"
    )
    return "\n".join(rows)


def uncut_sizes(result: DistResult) -> dict[str, FileSize]:
    """The size of each cut file's source in the site, by the cut file's dist path."""
    out: dict[str, FileSize] = {}
    for rel, src in result.uncut.items():
        out[rel] = measure(src.parent, [src.name])[0]
    return out
