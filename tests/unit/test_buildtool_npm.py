"""buildtool.npm: the npm package folder (package.json, ES module entry, declarations, the
runtime it carries), and in Node its command (copy-runtime) and its Vite plugin's hooks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import bridge  # noqa: E402
from buildtool.common import BuildError  # noqa: E402
from buildtool.npm import make_npm  # noqa: E402

from .node_js import needs_node  # noqa: E402


def _dist_with(tmp_path: Path, script: str, version: str = bridge.__version__) -> Path:
    """A stand-in dist/: the entry script, a manifest, notices and one hashed runtime file."""
    dist = tmp_path / "dist"
    (dist / "vendor" / "pyodide" / "0123456789abcdef").mkdir(parents=True)
    (dist / "hizi-bridge.js").write_text(script)
    files = ["hizi-bridge.js", "vendor/pyodide/0123456789abcdef/pyodide.mjs"]
    (dist / files[1]).write_text("export {};\n")
    (dist / "THIRD-PARTY-NOTICES.txt").write_text("Pyodide: MPL-2.0\n")
    manifest = {"version": version, "files": [*files, "vendor/manifest.json"]}
    (dist / "vendor" / "manifest.json").write_text(json.dumps(manifest))
    return dist


def test_package_json_points_at_files_it_ships(tmp_path: Path) -> None:
    source = (ROOT / "bridge" / "static" / "hizi-bridge.js").read_text()
    out = make_npm(ROOT, dist_dir=_dist_with(tmp_path, source), out_dir=tmp_path / "npm")
    package = json.loads((out / "package.json").read_text())
    assert package["name"] == "hizi-bridge" and package["version"] == bridge.__version__
    targets = [package["module"], package["browser"], package["types"]]
    for entry in package["exports"].values():
        targets += [entry] if isinstance(entry, str) else list(entry.values())
    for target in targets:
        assert (out / target).is_file(), target
        shipped = ["package.json", *package["files"]]  # npm always packs package.json
        assert any(target.removeprefix("./").startswith(f) for f in shipped), target
    assert package["exports"]["."]["types"] == package["types"]
    assert list(package["exports"]["."]) == ["types", "default"]  # types first, as TS needs
    # hizi-bridge.d.ts imports "../schema/messages": the layout keeps that path.
    api = (out / "types" / "static" / "hizi-bridge.d.ts").read_text()
    assert 'from "../schema/messages"' in api
    assert (out / "types" / "schema" / "messages.d.ts").is_file()
    assert (out / "LICENSE").read_text() == (ROOT / "LICENSE").read_text()
    assert json.dumps(bridge.__version__) in (out / "hizi-bridge.mjs").read_text()
    # The runtime of the same version, as dist/ holds it, and its licence notices.
    assert (out / "runtime" / "vendor" / "pyodide" / "0123456789abcdef" / "pyodide.mjs").is_file()
    assert (out / "THIRD-PARTY-NOTICES.txt").read_text() == "Pyodide: MPL-2.0\n"
    assert package["bin"] == {"hizi-bridge": "./bin/hizi-bridge.mjs"}
    assert (out / "bin" / "hizi-bridge.mjs").stat().st_mode & 0o111


def test_a_runtime_of_another_version_is_refused(tmp_path: Path) -> None:
    source = (ROOT / "bridge" / "static" / "hizi-bridge.js").read_text()
    dist = _dist_with(tmp_path, source, version="0.0.0-other")
    with pytest.raises(BuildError, match=r"runtime 0\.0\.0-other"):
        make_npm(ROOT, dist_dir=dist, out_dir=tmp_path / "npm")


def test_a_script_of_another_version_is_refused(tmp_path: Path) -> None:
    dist = _dist_with(tmp_path, '  const VERSION = "0.0.0-other";\n')
    with pytest.raises(BuildError, match="VERSION"):
        make_npm(ROOT, dist_dir=dist, out_dir=tmp_path / "npm")


@needs_node
def test_module_entry_imports_off_a_page_and_rejects_typed(tmp_path: Path) -> None:
    source = (ROOT / "bridge" / "static" / "hizi-bridge.js").read_text()
    out = make_npm(ROOT, dist_dir=_dist_with(tmp_path, source), out_dir=tmp_path / "npm")
    program = tmp_path / "probe.mjs"
    program.write_text(
        f"import * as hizi from {json.dumps((out / 'hizi-bridge.mjs').as_uri())};\n"
        "const err = await hizi.lobby({}).then(() => null, (e) => e);\n"
        "console.log(JSON.stringify({ version: hizi.version, code: err && err.code,\n"
        "  typed: err instanceof hizi.HiziBridgeError, keys: Object.keys(hizi).sort() }));\n"
    )
    node = shutil.which("node") or "node"
    done = subprocess.run([node, str(program)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["version"] == bridge.__version__
    assert result["code"] == "invalid_config" and result["typed"] is True
    assert {"lobby", "game", "readLaunch", "HiziBridgeError", "version"} <= set(result["keys"])


def _node(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node") or "node"
    return subprocess.run([node, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@needs_node
def test_copy_runtime_copies_replaces_its_own_and_refuses_a_foreign_folder(
    tmp_path: Path,
) -> None:
    source = (ROOT / "bridge" / "static" / "hizi-bridge.js").read_text()
    out = make_npm(ROOT, dist_dir=_dist_with(tmp_path, source), out_dir=tmp_path / "npm")
    cli = str(out / "bin" / "hizi-bridge.mjs")
    app = tmp_path / "app"
    app.mkdir()
    done = _node([cli, "copy-runtime", "public/hizi-bridge"], app)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"hizi-bridge {bridge.__version__}: copied the runtime (3 files")
    copied = app / "public" / "hizi-bridge"
    assert (copied / "vendor" / "pyodide" / "0123456789abcdef" / "pyodide.mjs").is_file()
    assert (copied / "THIRD-PARTY-NOTICES.txt").is_file()
    (copied / "stale.0000000000000000.js").write_text("old")  # from an earlier version
    assert _node([cli, "copy-runtime", "public/hizi-bridge"], app).returncode == 0
    assert not (copied / "stale.0000000000000000.js").exists()
    (app / "public" / "mine").mkdir()
    (app / "public" / "mine" / "logo.svg").write_text("<svg/>")
    refused = _node([cli, "copy-runtime", "public/mine"], app)
    assert refused.returncode == 2
    assert "not empty and holds no hizi-bridge runtime" in refused.stderr
    assert (app / "public" / "mine" / "logo.svg").read_text() == "<svg/>"
    usage = _node([cli, "--help"], app)
    assert usage.returncode == 0 and usage.stdout.startswith("usage: hizi-bridge copy-runtime")
    assert _node([cli, "copy-runtime"], app).returncode == 2


@needs_node
def test_vite_plugin_sets_assets_url_under_base_and_copies_the_runtime(tmp_path: Path) -> None:
    source = (ROOT / "bridge" / "static" / "hizi-bridge.js").read_text()
    out = make_npm(ROOT, dist_dir=_dist_with(tmp_path, source), out_dir=tmp_path / "npm")
    entry = out / "hizi-bridge.mjs"
    out_dir = json.dumps(str(tmp_path / "out"))
    copied = json.dumps(str(tmp_path / "out" / "rt" / "vendor" / "manifest.json"))
    program = tmp_path / "plugin.mjs"
    program.write_text(
        f"import hiziBridge from {json.dumps((out / 'vite.mjs').as_uri())};\n"
        "import { readFileSync, existsSync } from 'node:fs';\n"
        "const plugin = hiziBridge({ path: 'rt' });\n"
        "const config = plugin.config();\n"
        f"plugin.configResolved({{ base: '/app/', build: {{ outDir: {out_dir} }} }});\n"
        f"const code = readFileSync({json.dumps(str(entry))}, 'utf8');\n"
        f"const done = plugin.transform(code, {json.dumps(str(entry))});\n"
        f"const other = plugin.transform(code, {json.dumps(str(tmp_path / 'main.mjs'))});\n"
        "plugin.writeBundle({});\n"
        "console.log(JSON.stringify({ name: plugin.name, exclude: config.optimizeDeps.exclude,\n"
        "  set: done.code.includes('const PLUGIN_ASSETS_URL = \"/app/rt/\";'),\n"
        "  other: other === undefined,\n"
        f"  copied: existsSync({copied}) }}));\n"
    )
    done = _node([str(program)], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "name": "hizi-bridge",
        "exclude": ["hizi-bridge"],
        "set": True,
        "other": True,
        "copied": True,
    }
