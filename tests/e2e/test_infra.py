"""The e2e infrastructure itself: static server headers and the non-local network guard."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from playwright.sync_api import Browser

from .conftest import BrowserLog, E2ESite, ServerSpecLike

pytestmark = pytest.mark.e2e


def _head(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.status == 200
        return {k.lower(): v for k, v in resp.headers.items()}


@pytest.mark.parametrize(
    ("path", "mime", "immutable"),
    [
        # Unhashed names in build/site are revalidated (a new pin reuses them).
        ("vendor/pyodide/pyodide.mjs", "text/javascript", False),
        ("vendor/pyodide/pyodide.asm.wasm", "application/wasm", False),
        ("vendor/pyodide/python_stdlib.zip", "application/zip", False),
        ("vendor/pyscript/core.js", "text/javascript", False),
        ("vendor/manifest.json", "application/json", False),
        ("vendor/pyodide/hizi-lock.json", "application/json", False),
        ("examples/boot_probe.html", "text/html", False),
    ],
)
def test_mime_and_cache_headers(e2e_site: E2ESite, path: str, mime: str, immutable: bool) -> None:
    for origin in (e2e_site.lobby_origin, e2e_site.game_origin):
        headers = _head(f"{origin}/{path}")
        assert headers["content-type"].split(";")[0] == mime
        cache = headers["cache-control"]
        assert ("immutable" in cache) is immutable, cache
        if not immutable:
            assert cache == "no-cache"


def test_wheels_served_as_zip(e2e_site: E2ESite) -> None:
    for wheel in e2e_site.manifest["wheels"]:
        headers = _head(e2e_site.game_url(f"vendor/{wheel['file']}"))
        assert headers["content-type"] == "application/zip"


def test_extra_headers(
    start_site_servers: Callable[[Iterable[ServerSpecLike]], list[Any]],
) -> None:
    csp = "default-src 'self'"
    (server,) = start_site_servers([("127.0.0.1", 0, {"Content-Security-Policy": csp})])
    headers = _head(f"{server.origin}/vendor/manifest.json")
    assert headers["content-security-policy"] == csp


def test_network_guard_blocks_and_records(browser: Browser, e2e_site: E2ESite) -> None:
    log = BrowserLog()
    context = browser.new_context()
    try:
        log.guard(context)
        page = context.new_page()
        page.goto(e2e_site.lobby_url("vendor/manifest.json"))
        outcome = page.evaluate(
            """async (url) => {
                try { await fetch(url); return "fetched"; } catch (e) { return "failed"; }
            }""",
            "http://cdn.example.invalid/pyodide.mjs",
        )
    finally:
        context.close()
    assert outcome == "failed"
    assert log.blocked == ["http://cdn.example.invalid/pyodide.mjs"]
    assert any(u.endswith("/vendor/manifest.json") for u in log.requests)


def test_fetch_checks_sha256(build_module: ModuleType, tmp_path: Path) -> None:
    good = b"good wheel bytes"
    art = build_module.Artefact(
        "wheel", "x", "1", "x-1-py3-none-any.whl", hashlib.sha256(good).hexdigest()
    )
    cached = tmp_path / "wheels" / art.file
    cached.parent.mkdir()
    cached.write_bytes(good)
    assert build_module.fetch(art, tmp_path, offline=True) == cached
    cached.write_bytes(b"tampered")
    with pytest.raises(build_module.BuildError):
        build_module.fetch(art, tmp_path, offline=True)


def test_trimmed_lock_matches_vendored_wheels(e2e_site: E2ESite) -> None:
    vendor = e2e_site.site_dir / "vendor"
    lock = json.loads((vendor / "pyodide" / "hizi-lock.json").read_text())
    assert lock["info"]["abi_version"] == "2026_0"
    manifest_files = {w["file"] for w in e2e_site.manifest["wheels"]}
    assert len(lock["packages"]) == len(manifest_files)
    for key, entry in lock["packages"].items():
        wheel = (vendor / "pyodide" / entry["file_name"]).resolve()
        assert wheel.is_file(), entry
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() == entry["sha256"]
        assert wheel.relative_to(vendor.resolve()).as_posix() in manifest_files
        assert all(dep in lock["packages"] for dep in entry["depends"]), key
    config = json.loads((vendor / "pyscript.json").read_text())
    assert config["packages_cache"] == "passthrough"
    # Relative (to the site root: PyScript resolves them against the page), so the site can
    # be mounted under any path.
    assert config["interpreter"] == "vendor/pyodide/pyodide.mjs"
    assert sorted(config["packages"]) == sorted(f"vendor/{f}" for f in manifest_files)


def test_bridge_wheel_is_pure_and_needs_only_pydantic(e2e_site: E2ESite) -> None:
    """The wheel the browser loads is what pip and micropip install anywhere."""
    import zipfile

    wheel = e2e_site.site_dir / "vendor" / e2e_site.manifest["bridge_wheel"]
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(meta_name).decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert [r for r in requires if "extra ==" not in r] == ["Requires-Dist: pydantic>=2.12"]
    assert "bridge/core/channel.py" in names and "bridge/static/hizi-bridge.js" in names
    assert not any(n.startswith("tests/") for n in names)


def test_wheels_carry_bytecode_for_pyodide(e2e_site: E2ESite) -> None:
    """Served wheels carry unchecked-hash pycs, listed in RECORD, stored (not deflated).

    Our wheel has one for every .py; a third-party wheel for the modules a boot imports
    (buildtool/bytecode.py), so at least for its top-level package.
    """
    import zipfile

    for wheel in e2e_site.manifest["wheels"]:
        path = e2e_site.site_dir / "vendor" / wheel["file"]
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            record = next(n for n in names if n.endswith(".dist-info/RECORD"))
            listed = {line.split(",", 1)[0] for line in zf.read(record).decode().splitlines()}
            sources = [n for n in names if n.endswith(".py") and ".dist-info/" not in n]
            assert sources, path.name
            assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
            ours = wheel["name"] == "hizi-bridge"
            compiled = 0
            for src in sources:
                folder, _, name = src.rpartition("/")
                pyc = f"{folder}/__pycache__/{name[:-3]}.cpython-314.pyc".lstrip("/")
                if not ours and pyc not in names:
                    assert not src.endswith("/__init__.py") or src.count("/") > 1, (path, src)
                    continue
                compiled += 1
                assert pyc in names, (path.name, pyc)
                assert pyc in listed, (path.name, pyc)
                flags = int.from_bytes(zf.read(pyc)[4:8], "little")
                assert flags == 0b01, (pyc, flags)  # hash-based, not checked against the source
            assert compiled, path.name
