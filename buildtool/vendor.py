"""Unpack the pinned npm tarballs, read wheel metadata, and build hizi-bridge's own wheel."""

from __future__ import annotations

import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder
from packaging.metadata import Metadata
from packaging.utils import NormalizedName, canonicalize_name

from .common import BuildError, copy_atomic, warn
from .lock import Artefact, Lock, fetch

PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
PENPAL_FILES = ("penpal.min.js",)


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
    pyodide, pyscript = vendor / "pyodide", vendor / "pyscript"
    _vendor_tarball(
        npm["pyodide"], cache, pyodide, "package/", PYODIDE_FILES, PYODIDE_FILES, offline=offline
    )
    core = ("core.js", "core.css")
    _vendor_tarball(
        npm["@pyscript/core"], cache, pyscript, "package/dist/", None, core, offline=offline
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


@dataclass(frozen=True)
class WheelInfo:
    """What the trimmed Pyodide lock needs to know about a wheel."""

    name: str
    version: str
    imports: list[str]
    requires: list[NormalizedName]


def wheel_metadata(whl: Path) -> WheelInfo:
    """Name, version, top-level imports and unconditional requirements of a wheel."""
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
        meta_name = next(
            (n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")), None
        )
        if meta_name is None:
            raise BuildError(f"{whl.name}: no .dist-info/METADATA")
        meta = Metadata.from_email(zf.read(meta_name), validate=False)
    requires: list[NormalizedName] = []
    for req in meta.requires_dist or []:
        marker = str(req.marker or "")
        if "extra" in marker:
            continue
        if marker:
            # Pyodide's lock has no markers: a conditional dependency would be always or never.
            warn(f"{whl.name}: ignoring conditional requirement {str(req)!r}")
            continue
        requires.append(canonicalize_name(req.name))
    imports: set[str] = set()
    for n in names:
        top = n.split("/", 1)[0]
        if top.endswith((".dist-info", ".data")):
            continue
        if "/" in n:
            imports.add(top)
        elif n.endswith(".py"):
            imports.add(n[:-3])
    return WheelInfo(str(meta.name), str(meta.version), sorted(imports), requires)


def build_own_wheel(root: Path, out_dir: Path) -> Path | None:
    """Build hizi-bridge's pure wheel with hatchling; None (with a warning) without bridge/.

    The project is staged in a temporary directory (pyproject.toml, README.md, LICENSE,
    bridge/) so that stray files in the work tree (caches, editor files) stay out.
    """
    if not (root / "bridge" / "__init__.py").exists():
        warn("bridge/__init__.py does not exist yet: skipping the hizi-bridge wheel")
        return None
    with tempfile.TemporaryDirectory(prefix="hizi-wheel-") as tmp:
        stage = Path(tmp) / "src"
        stage.mkdir()
        shutil.copy2(root / "pyproject.toml", stage / "pyproject.toml")
        for extra in ("README.md", "LICENSE"):
            if (root / extra).exists():
                shutil.copy2(root / extra, stage / extra)
            else:
                warn(f"{extra} is missing; the wheel gets a placeholder")
                (stage / extra).write_text("hizi-bridge\n", encoding="utf-8")
        shutil.copytree(
            root / "bridge",
            stage / "bridge",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"),
        )
        built = list(WheelBuilder(str(stage)).build(directory=str(Path(tmp) / "dist")))
        if len(built) != 1:
            raise BuildError(f"hatchling built {built}")
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / Path(built[0]).name
        copy_atomic(Path(built[0]), target)
    return target
