"""Precompressed ``.br`` / ``.gz`` twins, made once per content and kept in build/cache.

Servers (WhiteNoise in serve.py, or an operator's nginx ``brotli_static`` / ``gzip_static``)
pick the twin the browser accepts, so nothing is compressed per request and brotli can run at
its slowest, best setting (quality 11: ≈ 30 s for the 9.6 MB wasm, once).
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
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


def _cached(cache: Path, digest: str, suffix: str) -> Path:
    return cache / "compressed" / digest[:2] / f"{digest}{suffix}"


def _fill(path: Path, cached: Path, suffix: str) -> None:
    cached.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(cached, _encode(path.read_bytes(), suffix))


def write_twins(path: Path, cache: Path, digest: str | None = None) -> list[Path]:
    """Write ``path.br`` and ``path.gz`` beside ``path`` when they pay; remove stale ones."""
    digest = digest or sha256_file(path)
    written: list[Path] = []
    for suffix in TWIN_SUFFIXES:
        twin = path.with_name(path.name + suffix)
        cached = _cached(cache, digest, suffix)
        if not cached.is_file():
            _fill(path, cached, suffix)
        size = path.stat().st_size
        if cached.stat().st_size <= size * (1 - MIN_SAVING):
            write_bytes_atomic(twin, cached.read_bytes())
            written.append(twin)
        else:
            twin.unlink(missing_ok=True)
    return written


def write_all_twins(files: Iterable[Path], cache: Path) -> list[Path]:
    """``write_twins`` for every compressible file; the encodings the cache lacks are made
    first, on every core (brotli and zlib release the GIL; a fresh clone's first build spends
    ≈ 165 s single-threaded here), largest first so that the 9.6 MB wasm does not come last."""
    digests = {f: sha256_file(f) for f in files if compressible(f)}
    missing = [
        (f, _cached(cache, d, suffix), suffix)
        for f, d in digests.items()
        for suffix in TWIN_SUFFIXES
        if not _cached(cache, d, suffix).is_file()
    ]
    missing.sort(key=lambda job: job[0].stat().st_size, reverse=True)
    if missing:
        with ThreadPoolExecutor(max_workers=min(len(missing), os.cpu_count() or 1)) as pool:
            for done in [pool.submit(_fill, *job) for job in missing]:
                done.result()  # re-raises a failed encoding here
    return [t for f, d in digests.items() for t in write_twins(f, cache, d)]


def is_twin(path: Path) -> bool:
    return path.suffix in TWIN_SUFFIXES and path.with_suffix("").exists()


def remove_orphans(directory: Path) -> None:
    """Delete twins whose file is gone (a rebuilt hashed name), so none is served stale."""
    for suffix in TWIN_SUFFIXES:
        for twin in directory.rglob(f"*{suffix}"):
            if not twin.with_suffix("").exists():
                twin.unlink()
