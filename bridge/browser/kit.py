"""Where the adapter's JavaScript half lives: one copy, in the packaged hizi-bridge.js.

hizi-bridge.js defines the kit at load (a static script, so a page under a strict CSP
needs no ``'unsafe-eval'``). A page that runs the bridge without that script tag
compiles the same source, cut from the packaged file between its markers. Pure
Python, so the tests read the very source the browser runs.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

KIT_BEGIN = "/* kit:begin */\n"
KIT_END = "\n/* kit:end */"


@cache
def kit_source() -> str:
    script = resources.files("bridge").joinpath("static/hizi-bridge.js")
    text = script.read_text(encoding="utf-8")
    return text.split(KIT_BEGIN, 1)[1].split(KIT_END, 1)[0]
