"""The manifest's ``engine`` section: how the JS API's engine boots the wheels.

A pure-Python wheel goes on ``sys.path`` as it is (``zipimport`` reads its members in place;
the cuts for the JS API are stored zips with ``<module>.pyc`` beside where the source was, the
layout a sourceless import looks for). Only a wheel with a shared library (pydantic-core) goes
through Pyodide's installer, which loads the library; its lock entry depends on nothing, since
what it requires (typing-extensions) is on ``sys.path`` already. Pyodide's installer unpacks
every member through Python: the five pure wheels took ≈ 150 ms a frame under Node here, the
zips' mount ≈ 2 ms (docs/performance.md, "Wheels on sys.path").

Shape (every path relative to ``vendor/``)::

    {"packages": ["pydantic-core"],            # loadPyodide's packages
     "lock": {"info": {...}, "packages": {...}},  # loadPyodide's lockFileContents
     "zips": [{"name", "version", "file", "sha256"}, ...]}  # fetched, checked, on sys.path
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .common import sha256_file
from .vendor import wheel_metadata

SHARED_LIBRARY_SUFFIX = ".so"


def has_shared_library(whl: Path) -> bool:
    """True if the wheel holds a shared library (it must be installed, not put on sys.path)."""
    with zipfile.ZipFile(whl) as zf:
        return any(n.endswith(SHARED_LIBRARY_SUFFIX) for n in zf.namelist())


def engine_section(
    wheels: Mapping[str, Path], vendor: Path, lock_info: Mapping[str, Any]
) -> dict[str, Any]:
    """The ``engine`` section for ``wheels`` (project name -> served file under ``vendor``)."""
    packages: dict[str, Any] = {}
    zips: list[dict[str, str]] = []
    for key in sorted(wheels):
        whl = wheels[key]
        meta = wheel_metadata(whl)
        rel = os.path.relpath(whl, vendor).replace(os.sep, "/")
        if not has_shared_library(whl):
            zips.append(
                {"name": key, "version": meta.version, "file": rel, "sha256": sha256_file(whl)}
            )
            continue
        packages[key] = {
            "name": meta.name,
            "version": meta.version,
            # Resolved against loadPyodide's packageBaseUrl, which the engine sets to vendor/.
            "file_name": rel,
            "install_dir": "site",
            "sha256": sha256_file(whl),
            "package_type": "package",
            "imports": meta.imports,
            "depends": [],
            "unvendored_tests": False,
        }
    return {
        "packages": sorted(packages),
        "lock": {"info": dict(lock_info), "packages": packages},
        "zips": zips,
    }
