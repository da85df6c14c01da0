"""The version is defined once (bridge.__version__); the JS API reports the same one."""

from __future__ import annotations

import re
from pathlib import Path

import bridge

STATIC = Path(__file__).resolve().parents[2] / "bridge" / "static"


def test_js_api_version_is_the_package_version() -> None:
    source = (STATIC / "hizi-bridge.js").read_text()
    found = re.findall(r'^const VERSION = "([^"]+)";', source, re.M)
    assert found == [bridge.__version__]
