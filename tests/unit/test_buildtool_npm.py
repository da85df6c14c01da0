"""buildtool.npm: the npm package folder (package.json, ES module entry, declarations)."""

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


def _dist_with(tmp_path: Path, script: str) -> Path:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "hizi-bridge.js").write_text(script)
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
