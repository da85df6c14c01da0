"""THIRD-PARTY-NOTICES.txt: the licences of what dist/ (and so the npm package) redistributes.

dist/ ships Pyodide (MPL-2.0: its npm package carries no licence text, so the text is kept in
buildtool/licenses/, with where to get its source code, as MPL-2.0 section 3.2 asks), CPython
and its standard library inside Pyodide (the PSF licence; buildtool/licenses/ too), and the
wheels, whose licence files (``*.dist-info/licenses/*``) are copied from the wheels shipped.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .common import ROOT

NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"
LICENSES = Path(__file__).resolve().parent / "licenses"
RULE = "=" * 78
# What the wheels' metadata says is often an expression or nothing; these are their licences.
WHEEL_LICENSES = {
    "annotated-types": "MIT",
    "hizi-bridge": "MIT",
    "pydantic": "MIT",
    "pydantic-core": "MIT",
    "typing-extensions": "PSF-2.0",
    "typing-inspection": "MIT",
}


def wheel_license_texts(wheel: Path) -> list[tuple[str, str]]:
    """(member name, text) of each licence file in a wheel's dist-info."""
    with zipfile.ZipFile(wheel) as zf:
        return [
            (name, zf.read(name).decode("utf-8"))
            for name in sorted(zf.namelist())
            if ".dist-info/licenses/" in name and not name.endswith("/")
        ]


def _section(title: str, lines: Iterable[str], texts: Iterable[tuple[str, str]]) -> list[str]:
    out = [RULE, title, RULE, *lines, ""]
    for name, text in texts:
        out += [f"--- {name} ---", text.rstrip("\n"), ""]
    return out


def notices(pyodide: Mapping[str, Any], wheels: Mapping[str, tuple[str, Path]]) -> str:
    """The notices for Pyodide ``pyodide`` (the manifest's block) and ``wheels``: project
    name -> (version, path of the wheel shipped)."""
    version, python = pyodide["version"], pyodide.get("python") or "3"
    out = [
        "Third-party software in this runtime, with its licences.",
        "hizi-bridge itself is MIT-licensed (LICENSE). Each section names what the runtime",
        "holds, its licence, and where its source is.",
        "",
    ]
    out += _section(
        f"Pyodide {version} (pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm)",
        [
            "Licence: Mozilla Public License 2.0 (MPL-2.0), full text below.",
            f"Source code: https://github.com/pyodide/pyodide/tree/{version}",
            "Pyodide's own notices for the libraries it compiles in are in its source tree.",
        ],
        [("MPL-2.0", (LICENSES / "MPL-2.0.txt").read_text(encoding="utf-8"))],
    )
    out += _section(
        f"CPython {python} and its standard library (inside Pyodide; python_stdlib_runtime.*.zip)",
        [
            "Licence: the Python Software Foundation License Agreement (PSF-2.0), with the",
            "history of the earlier licences, as CPython's LICENSE file holds it, below.",
            "Source code: https://github.com/python/cpython",
        ],
        [("CPython LICENSE", (LICENSES / "CPython-LICENSE.txt").read_text(encoding="utf-8"))],
    )
    for name in sorted(wheels):
        wheel_version, path = wheels[name]
        texts = wheel_license_texts(path)
        if not texts and name == "hizi-bridge":
            texts = [("LICENSE", (ROOT / "LICENSE").read_text(encoding="utf-8"))]
        out += _section(
            f"{name} {wheel_version} (vendor/wheels/.../{path.name})",
            [
                f"Licence: {WHEEL_LICENSES.get(name, 'see the text below')}, as the wheel's",
                "licence file says (below).",
                f"Source code: https://pypi.org/project/{name}/{wheel_version}/",
            ],
            texts,
        )
    return "\n".join(out).rstrip("\n") + "\n"
