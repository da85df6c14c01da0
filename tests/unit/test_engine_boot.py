"""buildtool.engine_boot: which wheels go on sys.path and which Pyodide installs."""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from buildtool.engine_boot import engine_section, has_shared_library  # noqa: E402

INFO = {"abi_version": "2026_0", "arch": "wasm32", "python": "3.14.2"}


def _wheel(path: Path, name: str, *, requires: str = "", so: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n{requires}"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-1.0.dist-info/METADATA", meta)
        zf.writestr(f"{name}/__init__.pyc", b"bytecode")
        if so:
            zf.writestr(f"{name}/_core.cpython-314-wasm32-emscripten.so", b"\0asm")
    return path


def test_a_wheel_with_a_shared_library_is_installed_with_no_dependency(tmp_path: Path) -> None:
    vendor = tmp_path / "vendor"
    core = _wheel(
        vendor / "wheels/pyc/aa/core-1.0-cp314-wasm32.whl",
        "core",
        requires="Requires-Dist: ext\n",
        so=True,
    )
    ext = _wheel(vendor / "wheels/pyc/bb/ext-1.0-py3-none-any.whl", "ext")
    section = engine_section({"core": core, "ext": ext}, vendor, INFO)
    assert section["packages"] == ["core"]
    entry = section["lock"]["packages"]["core"]
    # ext is on sys.path already: Pyodide must not install it a second time.
    assert entry["depends"] == []
    assert entry["file_name"] == "wheels/pyc/aa/core-1.0-cp314-wasm32.whl"
    assert entry["sha256"] == hashlib.sha256(core.read_bytes()).hexdigest()
    assert entry["imports"] == ["core"]
    assert section["lock"]["info"] == INFO
    assert section["zips"] == [
        {
            "name": "ext",
            "version": "1.0",
            "file": "wheels/pyc/bb/ext-1.0-py3-none-any.whl",
            "sha256": hashlib.sha256(ext.read_bytes()).hexdigest(),
        }
    ]


def test_has_shared_library(tmp_path: Path) -> None:
    assert has_shared_library(_wheel(tmp_path / "a.whl", "a", so=True))
    assert not has_shared_library(_wheel(tmp_path / "b.whl", "b"))
