"""Origin allow-list for inbound post messages and outbound ``targetOrigin``.

``OriginPolicy`` is an exact allow-list (with optional ``https://*.domain`` entries) that
explains every refusal; origins are read by the strict normaliser of
``bridge.core.origin_parse``, so comparison is plain string equality on the serialisations
browsers put in ``event.origin``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .origin_parse import (
    ANY_PORT,
    InvalidOriginPattern,
    ParsedOrigin,
    normalise_origin,
    parse_origin,
    show,
    suggest_origin,
)

__all__ = [
    "InvalidOriginPattern",
    "OriginDecision",
    "OriginPolicy",
    "normalise_origin",
    "suggest_origin",
]

# Bounded so wildcard matches on ever-new subdomains cannot grow memory without limit.
_MAX_CACHED_DECISIONS: Final = 1024


@dataclass(frozen=True, slots=True)
class OriginDecision:
    """Outcome of :meth:`OriginPolicy.check`; truthy iff allowed."""

    allowed: bool
    reason: str
    origin: str

    def __bool__(self) -> bool:
        return self.allowed


class OriginPolicy:
    """An immutable allow-list of origins, with optional ``https://*.domain`` entries."""

    __slots__ = ("_any_port", "_by_host", "_cache", "_entries", "_exact", "_wildcards")

    def __init__(self, allowed: Iterable[str]) -> None:
        if isinstance(allowed, str):
            # Iterating a str would yield single characters, each a confusing error.
            raise TypeError("allowed must be an iterable of origin strings, not a single str")
        exact: dict[str, ParsedOrigin] = {}
        wildcards: dict[str, ParsedOrigin] = {}
        for entry in allowed:
            parsed = self._parse_entry(entry)
            target = wildcards if parsed.wildcard else exact
            target.setdefault(parsed.serialise(), parsed)
        self._entries: tuple[str, ...] = (*exact, *wildcards)
        self._exact: frozenset[str] = frozenset(e for e, p in exact.items() if p.port != ANY_PORT)
        # Loopback entries with an open port (``http://localhost:*``): (scheme, host).
        self._any_port: frozenset[tuple[str, str]] = frozenset(
            (p.scheme, p.host) for p in exact.values() if p.port == ANY_PORT
        )
        self._wildcards: tuple[tuple[str, ParsedOrigin], ...] = tuple(
            ("." + w.host, w) for w in wildcards.values()
        )
        # Exact entries by host, to explain near misses (other scheme or port).
        self._by_host: dict[str, list[ParsedOrigin]] = {}
        for parsed in exact.values():
            self._by_host.setdefault(parsed.host, []).append(parsed)
        # Raw origin string -> positive decision; browsers send the normalised form,
        # so the common case is a single dict lookup.
        self._cache: dict[str, OriginDecision] = {
            e: OriginDecision(True, f"exact match {e}", e) for e in self._exact
        }

    @staticmethod
    def _parse_entry(entry: object) -> ParsedOrigin:
        if not isinstance(entry, str):
            raise InvalidOriginPattern(entry, "entry is not a string")
        if entry == "*":
            raise InvalidOriginPattern(entry, "'*' would allow every origin")
        if entry == "null":
            raise InvalidOriginPattern(
                entry,
                "'null' is the opaque origin shared by every sandboxed frame, data: URL "
                "and file: page, so it identifies no one",
            )
        try:
            parsed = parse_origin(entry, allow_wildcard=True)
        except ValueError as exc:
            raise InvalidOriginPattern(entry, str(exc)) from None
        if parsed.scheme == "http" and not parsed.is_loopback:
            raise InvalidOriginPattern(
                entry,
                f"scheme http not allowed for non-loopback host {parsed.host}; use https "
                "(http is only for localhost, 127.0.0.0/8 and [::1])",
            )
        return parsed

    @property
    def entries(self) -> tuple[str, ...]:
        """Normalised entries, exact ones first, duplicates removed."""
        return self._entries

    @property
    def cached_decisions(self) -> int:
        """How many positive decisions are remembered (at most 1024, so wildcard matches on
        ever-new subdomains cannot grow memory without limit)."""
        return len(self._cache)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._entries)!r})"

    def __contains__(self, origin: object) -> bool:
        return self.check(origin).allowed

    def check(self, origin: object) -> OriginDecision:
        """Decide whether ``origin`` (an ``event.origin``) is allowed. Never raises."""
        if not isinstance(origin, str):
            return OriginDecision(
                False, f"origin is not a string (got {type(origin).__name__})", show(origin)
            )
        hit = self._cache.get(origin)
        if hit is not None:
            return hit
        decision = self._decide(origin)
        if decision.allowed and len(self._cache) < _MAX_CACHED_DECISIONS:
            self._cache[origin] = decision
        return decision

    def _decide(self, origin: str) -> OriginDecision:
        def reject(reason: str) -> OriginDecision:
            return OriginDecision(False, reason, origin)

        if origin == "null":
            return reject("opaque origin 'null' (sandboxed frame, data: URL or file: page)")
        try:
            parsed = parse_origin(origin)
        except ValueError as exc:
            return reject(f"malformed origin {show(origin)}: {exc}")
        if parsed.scheme == "http" and not parsed.is_loopback:
            return reject(f"scheme http not allowed for non-loopback host {parsed.host}")

        normal = parsed.serialise()
        if normal in self._exact:
            return OriginDecision(True, f"exact match {normal}", origin)
        if (parsed.scheme, parsed.host) in self._any_port:
            return OriginDecision(
                True, f"loopback match {parsed.scheme}://{parsed.host}:* (any port)", origin
            )
        candidates = list(self._by_host.get(parsed.host, ()))
        for suffix, pattern in self._wildcards:
            if parsed.host.endswith(suffix):
                if parsed.scheme == pattern.scheme and parsed.port == pattern.port:
                    return OriginDecision(True, f"wildcard match {pattern.serialise()}", origin)
                candidates.append(pattern)
        return reject(self._explain_miss(parsed, candidates))

    def _explain_miss(self, parsed: ParsedOrigin, candidates: list[ParsedOrigin]) -> str:
        host = parsed.host
        if not candidates:
            for _, pattern in self._wildcards:
                if pattern.host == host:
                    return (
                        f"host {host} is not in the allow-list "
                        f"({pattern.serialise()} matches subdomains only)"
                    )
            return f"host {host} is not in the allow-list"
        same_scheme = [c for c in candidates if c.scheme == parsed.scheme]
        if not same_scheme:
            schemes = ", ".join(sorted({c.scheme for c in candidates}))
            return f"scheme {parsed.scheme} differs from allowed {schemes} for host {host}"
        ports = ", ".join(str(p) for p in sorted({c.port for c in same_scheme}))
        return f"port {parsed.port} differs from allowed {ports} for host {host}"

    def target_origin_for(self, origin: str) -> str:
        """Return the exact ``targetOrigin`` to post to ``origin``.

        Raises ``ValueError`` if ``origin`` is a wildcard pattern (``postMessage``
        would need one concrete origin) or is not allowed by this policy.
        """
        if isinstance(origin, str) and "*" in origin:
            raise ValueError(
                f"{show(origin)} is a wildcard pattern; postMessage needs one concrete "
                "origin as targetOrigin (and '*' would broadcast to any origin)"
            )
        decision = self.check(origin)
        if not decision.allowed:
            raise ValueError(f"cannot target {decision.origin}: {decision.reason}")
        return parse_origin(origin).serialise()
