"""The modules a JS-API boot does not import before ``connected`` (issue #19).

``bridge.browser.engine`` (the JS API's worker) imports what connecting needs and nothing of
these: each is imported when first used, or at creation when its option is given (a lobby's
``compliance``; ``dialect: "rubyplay"`` its dialect; ``"auto"`` every candidate, before the
first message). ``stats().later_modules_loaded`` lists those a bridge's runtime has loaded.
tests/unit/test_lazy_imports.py checks a default boot imports none of them, and the build
(buildtool/bytecode.py) imports them after the engine when it records what dist/ must ship,
so a later path never meets an ImportError.
"""

from __future__ import annotations

import sys

LATER_MODULES: tuple[str, ...] = (
    "bridge.compliance",  # the package: settings, launch, session, reality check, supervisor
    "bridge.browser.supervision",
    "bridge.core.journal",
    "bridge.core.dialects.gamesglobal",
    "bridge.core.dialects.rubyplay",
    "bridge.core.dialects.io155",
    "bridge.core.dialects.auto",
)


def later_modules_loaded() -> list[str]:
    """The ``LATER_MODULES`` imported so far in this interpreter."""
    return [name for name in LATER_MODULES if name in sys.modules]
