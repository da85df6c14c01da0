"""The counters of one bridge, assembled in one place (``Driver.stats`` and so ``stats()`` of
both APIs): the channel's, the driver's, the page side's refusals, and what the JavaScript
halves tallied themselves and handed over (read-only values; see ``bridge.boundary``'s
ownership table)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from . import __version__
from .core.validators import unbuilt
from .later import later_modules_loaded

if TYPE_CHECKING:
    from .hub import Driver


def bridge_stats(driver: Driver, page: Mapping[str, Any]) -> dict[str, Any]:
    """Every counter of the bridge, assembled here and nowhere else.

    ``page``: what the JavaScript halves tallied themselves (from ``hizi-bridge.js``,
    read-only values they hand over): ``early_replayed`` / ``early_overflow`` (the early
    buffer), ``fast_rejected`` (repeats of a (reason, origin) the page already reported:
    counted there without crossing; ``rejected`` and ``rejected_total`` then hold every
    rejection, ``rejected_fast`` the part counted on the page), ``target_origins``,
    ``page_io_errors`` / ``engine_io_errors`` (posts that failed), ``handler_errors``
    (the page's handlers that threw), and for the JS API ``boot_ms`` and ``runtime``.
    """

    out = driver.channel.stats.to_dict()
    out.update(driver.counters)
    fast = {str(k): int(v) for k, v in dict(page.get("fast_rejected") or {}).items()}
    rejected = {str(k): int(v) for k, v in cast(dict[str, int], out["rejected"]).items()}
    for reason, n in (*driver.refusals.items(), *fast.items()):
        rejected[reason] = rejected.get(reason, 0) + n
    out["rejected"] = rejected
    out["rejected_total"] = sum(rejected.values())
    out["rejected_fast"] = fast
    out["early_replayed"] = int(page.get("early_replayed") or 0)
    out["early_overflow"] = int(page.get("early_overflow") or 0)
    out["target_origins"] = list(page.get("target_origins") or [])
    out["io_errors"] = (
        driver.counters["io_errors"]
        + int(page.get("page_io_errors") or 0)
        + int(page.get("engine_io_errors") or 0)
    )
    out["handler_errors"] = driver.dispatcher.handler_errors + int(page.get("handler_errors") or 0)
    out["pending_requests"] = driver.channel.pending_requests
    out["status"] = driver.status
    out["mode"] = driver.mode
    # Which hizi-bridge this is, the protocol versions it offers in a handshake and the one
    # the handshake chose (None before it, and with a plain Appendix A peer).
    out["package_version"] = __version__
    out["protocol_versions"] = list(driver.channel.config.versions)
    out["protocol_version"] = driver.channel.version
    # Which of the modules a boot leaves for later this runtime has imported (bridge.later).
    out["later_modules_loaded"] = later_modules_loaded()
    # Catalog models whose validator is still to be built (bridge.core.validators): the JS
    # API's engine builds them in its idle tasks once a bridge connects, so this falls to 0.
    out["validators_unbuilt"] = len(unbuilt())
    if driver.auto is not None:  # dialect "auto": what it picked, per document
        out["dialect"] = driver.auto.stats()
    for key in ("boot_ms", "runtime"):  # the JS API's runtime, as the page knows it
        if key in page:
            out[key] = page[key]
    return out
