"""buildtool.dist on a fake build: hashed names, twins, manifest, and what stays out."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from buildtool.dist import (  # noqa: E402
    DistResult,
    hashed_name,
    make_dist,
    subresource_integrity,
)
from buildtool.site import BuildResult  # noqa: E402

TEXT = b"export const hizi = 'bridge';\n" * 300  # compresses well: gets twins
RUNTIME_STDLIB = "pyodide/python_stdlib_runtime.0123456789abcdef.zip"
HASH = re.compile(r"[0-9a-f]{16}")


def _wheel(path: Path, name: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            f"{name}-1.0.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
        )
        zf.writestr(f"{name}/__init__.py", "x = 1\n" * 100)
        zf.writestr(f"{name}-1.0.dist-info/licenses/LICENSE", f"MIT License, {name}'s authors\n")


def _fake_build(tmp: Path) -> tuple[Path, BuildResult]:
    root = tmp / "repo"
    static = root / "bridge" / "static"
    static.mkdir(parents=True)
    for name in ("hizi-bridge.js", "helper.mjs", "hizi-worker.js", "hizi-bridge.d.ts"):
        (static / name).write_bytes(TEXT + name.encode())
    with (static / "hizi-bridge.js").open("a") as entry:
        entry.write('\nconst DEFAULT_PYODIDE_MODULE = "pyodide/pyodide.mjs"; // the guess\n')
        entry.write("const EMBEDDED_MANIFEST = null;\n")
    (static / "favicon.svg").write_text("<svg/>")
    vendor = tmp / "site" / "vendor"
    pyodide = vendor / "pyodide"
    pyodide.mkdir(parents=True)
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        (pyodide / name).write_bytes(TEXT + name.encode())
    (vendor / RUNTIME_STDLIB).write_bytes(TEXT)
    (vendor / "pyodide/python_stdlib.fedcba9876543210.zip").write_bytes(TEXT + b"full")
    lock = {"info": {"abi_version": "2026_0", "python": "3.14.0"}, "packages": {}}
    (pyodide / "pyodide-lock.json").write_text(json.dumps(lock))
    (vendor / "pyscript").mkdir()
    (vendor / "pyscript" / "core.js").write_bytes(TEXT)
    (vendor / "penpal").mkdir()
    (vendor / "penpal" / "penpal.min.js").write_bytes(TEXT)
    _wheel(vendor / "wheels" / "pyc" / "00000000000000aa" / "alpha-1.0-py3-none-any.whl", "alpha")
    _wheel(vendor / "wheels" / "alpha-1.0-py3-none-any.whl", "alpha")  # plain: stays out
    manifest: dict[str, Any] = {
        "format": 1,
        "version": "0.1.0",
        "pyodide": {
            "version": "314.0.7",
            "python": "3.14.0",
            "abi_version": "2026_0",
            "module": "pyodide/pyodide.mjs",
            "index": "pyodide/",
            "lock": "pyodide/hizi-lock.json",
            "stdlib": "pyodide/python_stdlib.fedcba9876543210.zip",
            "runtime_stdlib": RUNTIME_STDLIB,
        },
        "pyscript": {"config": "pyscript.json"},
        "wheels": [
            {
                "name": "alpha",
                "version": "1.0",
                "file": "wheels/pyc/00000000000000aa/alpha-1.0-py3-none-any.whl",
                "sha256": "-",
            }
        ],
        "packages": ["alpha"],
        "bridge_wheel": None,
    }
    return root, BuildResult(tmp / "site", manifest, 0.0)


@pytest.fixture
def dist(tmp_path: Path) -> DistResult:
    root, built = _fake_build(tmp_path)
    return make_dist(root, dist_dir=tmp_path / "dist", built=built, cache_dir=tmp_path / "cache")


def _rel(result: DistResult) -> set[str]:
    return {p.relative_to(result.dist_dir).as_posix() for p in result.files}


def test_hashed_name() -> None:
    assert hashed_name("helper.mjs", "0123456789abcdef") == "helper.0123456789abcdef.mjs"


def test_every_file_but_the_entry_points_has_a_hash(dist: DistResult) -> None:
    listed = dist.manifest["files"]
    entries = {"hizi-bridge.js", "hizi-worker.js", "vendor/manifest.json"}
    assert entries <= set(listed)
    for rel in set(listed) - entries:
        assert HASH.search(rel), rel
    # Every file a page may load is listed; the licence notices sit beside them, unlisted.
    unlisted = {p for p in _rel(dist) if not p.endswith((".br", ".gz"))} - set(listed)
    assert unlisted == {"THIRD-PARTY-NOTICES.txt"}
    assert dist.manifest["static"]["helper.mjs"].startswith("helper.")
    assert dist.manifest["static"]["hizi-bridge.js"] == "hizi-bridge.js"
    assert (dist.dist_dir / dist.manifest["static"]["helper.mjs"]).is_file()
    # The entry script imports Pyodide from the hashed runtime folder, not the site's path.
    entry = (dist.dist_dir / "hizi-bridge.js").read_text()
    assert f'DEFAULT_PYODIDE_MODULE = "{dist.manifest["pyodide"]["module"]}"' in entry
    # ... and carries what the engine reads of the manifest (no round trip before the boot).
    embedded = entry.split("const EMBEDDED_MANIFEST = ", 1)[1].split(";\n", 1)[0]
    assert json.loads(embedded) == {
        k: dist.manifest[k]
        for k in ("format", "version", "pyodide", "packages", "wheels", "engine")
    }


def test_compressible_files_have_br_and_gz_twins(dist: DistResult) -> None:
    files = _rel(dist)
    for rel in dist.manifest["files"]:
        assert f"{rel}.br" in files and f"{rel}.gz" in files, rel


def test_manifest_points_at_the_runtime_and_the_cut_stdlib(dist: DistResult) -> None:
    vendor = dist.dist_dir / "vendor"
    py = dist.manifest["pyodide"]
    index = py["index"]
    assert re.fullmatch(r"pyodide/[0-9a-f]{16}/", index)
    assert py["module"] == f"{index}pyodide.mjs"
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"):
        assert (vendor / index / name).is_file()
    assert py["runtime_stdlib"] == py["stdlib"] == RUNTIME_STDLIB
    assert dist.manifest["pyscript"] is None
    on_disk = json.loads((vendor / "manifest.json").read_text())
    assert on_disk == dist.manifest
    # No lock file: the engine's travels in the manifest (engine_boot.py).
    assert py["lock"] is None
    assert not list(vendor.rglob("*lock*"))


def test_nothing_the_js_api_never_loads(dist: DistResult) -> None:
    files = _rel(dist)
    assert not [f for f in files if "pyscript" in f or "penpal" in f]
    assert not [f for f in files if f.endswith(".d.ts") or f.endswith(".svg")]
    assert not [f for f in files if "python_stdlib." in f or "pyodide-lock" in f]
    assert [f for f in files if f.endswith(".whl")] == [
        "vendor/wheels/pyc/00000000000000aa/alpha-1.0-py3-none-any.whl"
    ]


def test_notices_hold_every_licence_the_runtime_redistributes(dist: DistResult) -> None:
    text = (dist.dist_dir / "THIRD-PARTY-NOTICES.txt").read_text()
    assert "Pyodide 314.0.7" in text and "Mozilla Public License Version 2.0" in text
    assert "https://github.com/pyodide/pyodide/tree/314.0.7" in text  # MPL-2.0 3.2: the source
    assert "CPython 3.14.0" in text and "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in text
    # Each wheel's own licence file, copied from the wheel shipped.
    assert "alpha 1.0" in text and "MIT License, alpha's authors" in text


def test_subresource_integrity_is_the_sha384_of_the_entry_script(dist: DistResult) -> None:
    entry = dist.dist_dir / "hizi-bridge.js"
    expected = base64.b64encode(hashlib.sha384(entry.read_bytes()).digest()).decode()
    assert subresource_integrity(entry) == f"sha384-{expected}"


def test_the_engine_puts_the_pure_wheels_on_sys_path_from_dist(dist: DistResult) -> None:
    engine = dist.manifest["engine"]
    vendor = dist.dist_dir / "vendor"
    # alpha has no shared library: a zip on sys.path, checked against its own bytes.
    assert engine["packages"] == [] and engine["lock"]["packages"] == {}
    [zip_] = engine["zips"]
    assert zip_["file"] == "wheels/pyc/00000000000000aa/alpha-1.0-py3-none-any.whl"
    assert zip_["sha256"] == hashlib.sha256((vendor / zip_["file"]).read_bytes()).hexdigest()
    assert engine["lock"]["info"]["abi_version"] == "2026_0"
