"""Precompressed ``.br`` / ``.gz`` twins, made once per content and kept in build/cache.

Servers (WhiteNoise in serve.py, or an operator's nginx ``brotli_static`` / ``gzip_static``)
pick the twin the browser accepts, so nothing is compressed per request and brotli can run at
its slowest, best setting (quality 11: ≈ 30 s for the 9.6 MB wasm, once).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

import brotli

from .common import sha256_file, write_bytes_atomic

# Text, wasm and (stored) zips shrink; images other than svg are already compressed.
COMPRESSIBLE_SUFFIXES = frozenset(
    {".js", ".mjs", ".wasm", ".json", ".css", ".html", ".svg", ".py", ".zip", ".whl", ".ts"}
)
TWIN_SUFFIXES = (".br", ".gz")
# A twin must save at least this share of the bytes to be worth a second file and a Vary.
MIN_SAVING = 0.05


def compressible(path: Path) -> bool:
    return path.suffix in COMPRESSIBLE_SUFFIXES


def _encode(data: bytes, suffix: str) -> bytes:
    if suffix == ".br":
        return bytes(brotli.compress(data, quality=11))
    return gzip.compress(data, compresslevel=9, mtime=0)  # mtime 0: same bytes every build


def encoded_size(data: bytes, suffix: str) -> int:
    return len(_encode(data, suffix))


def write_twins(path: Path, cache: Path) -> list[Path]:
    """Write ``path.br`` and ``path.gz`` beside ``path`` when they pay; remove stale ones."""
    digest = sha256_file(path)
    written: list[Path] = []
    data: bytes | None = None
    for suffix in TWIN_SUFFIXES:
        twin = path.with_name(path.name + suffix)
        cached = cache / "compressed" / digest[:2] / f"{digest}{suffix}"
        if not cached.is_file():
            data = path.read_bytes() if data is None else data
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(cached, _encode(data, suffix))
        size = path.stat().st_size
        if cached.stat().st_size <= size * (1 - MIN_SAVING):
            write_bytes_atomic(twin, cached.read_bytes())
            written.append(twin)
        else:
            twin.unlink(missing_ok=True)
    return written


def write_all_twins(files: Iterable[Path], cache: Path) -> list[Path]:
    return [t for f in files if compressible(f) for t in write_twins(f, cache)]


def is_twin(path: Path) -> bool:
    return path.suffix in TWIN_SUFFIXES and path.with_suffix("").exists()


def remove_orphans(directory: Path) -> None:
    """Delete twins whose file is gone (a rebuilt hashed name), so none is served stale."""
    for suffix in TWIN_SUFFIXES:
        for twin in directory.rglob(f"*{suffix}"):
            if not twin.with_suffix("").exists():
                twin.unlink()
