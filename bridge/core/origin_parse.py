"""Reading an origin: the one strict normaliser behind ``OriginPolicy`` (bridge.core.origin).

Both the configured entries and every received ``event.origin`` go through it, so comparison
is plain string equality on ASCII serialisations, the same form browsers put in
``event.origin``. Anything that is not exactly an origin (paths, userinfo, odd hosts) is
refused rather than "fixed", because lenient parsing is where look-alike bypasses come from.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final, NamedTuple

__all__ = [
    "ANY_PORT",
    "InvalidOriginPattern",
    "ParsedOrigin",
    "normalise_origin",
    "parse_origin",
    "show",
    "suggest_origin",
]

_DEFAULT_PORTS: Final = {"https": 443, "http": 80}
# Real origins are < 300 chars; the cap bounds the work an attacker can cause per message.
_MAX_ORIGIN_LEN: Final = 1024
_MAX_HOST_LEN: Final = 253

_SCHEME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*", re.ASCII)
_PORT_RE: Final = re.compile(r"[0-9]{1,5}", re.ASCII)
_LABEL_RE: Final = re.compile(r"[a-z0-9_\-]+", re.ASCII)
# An ASCII character a hostname may not hold (non-ASCII ones are IDNA's to judge): every
# ASCII character but letters, digits, "-", "." and "_". Spelled as ASCII ranges, not as the
# negation of a class holding \x80-\U0010ffff, whose compile walks 65,000 code points in
# Python (≈ 20 ms of the boot under Pyodide).
_NOT_HOST_ASCII_RE: Final = re.compile(r"[\x00-\x2c/\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]")
_HEX_RE: Final = re.compile(r"0[xX][0-9A-Fa-f]*", re.ASCII)
# Whitespace and C0/C1 controls: browsers never emit them, and they invite log injection.
_BAD_CHARS_RE: Final = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
# Invisible characters, Unicode's Default_Ignorable_Code_Point (soft hyphen, combining
# grapheme joiner, zero-width space, bidi marks and controls, word joiner, variation
# selectors, BOM, tags ...), and U+180E: IDNA maps most of them away, so
# "play\u200b.casino.example" would read as play.casino.example; an origin is refused rather
# than fixed. ZWNJ and ZWJ have their own refusal (_IDNA_DEVIATIONS).
_INVISIBLE_RE: Final = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
INVISIBLE_WHY: Final = (
    "contains an invisible character (zero-width, bidi control, variation selector, BOM...)"
)
# IDNA2003 (the stdlib codec) maps these away, browsers (UTS #46 non-transitional) keep
# them, so the two would serialise the same name differently.
_IDNA_DEVIATIONS: Final = frozenset("\u00df\u03c2\u200c\u200d")
_LOOPBACK_V4: Final = ipaddress.IPv4Network("127.0.0.0/8")
_LOOPBACK_V6: Final = ipaddress.IPv6Address("::1")
# ``http://localhost:*``: a loopback entry whose port is left open, for development servers
# that pick a free port. Never for any other host (a port does not make a remote host ours).
ANY_PORT: Final = 0


class InvalidOriginPattern(ValueError):
    """An allow-list entry that cannot be used safely."""

    def __init__(self, entry: object, reason: str) -> None:
        self.entry = entry
        self.reason = reason
        super().__init__(f"invalid allow-list entry {show(entry)}: {reason}")


class ParsedOrigin(NamedTuple):
    scheme: str
    host: str  # ASCII, lower-case; IPv6 in brackets; wildcard base without "*."
    port: int  # effective port, default filled in; ANY_PORT for a loopback ``:*`` entry
    kind: str  # "domain" | "ipv4" | "ipv6"
    wildcard: bool

    def serialise(self) -> str:
        host = f"*.{self.host}" if self.wildcard else self.host
        if self.port == ANY_PORT:
            return f"{self.scheme}://{host}:*"
        if self.port == _DEFAULT_PORTS[self.scheme]:
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        if self.kind == "domain":
            return self.host == "localhost"
        if self.kind == "ipv4":
            return ipaddress.IPv4Address(self.host) in _LOOPBACK_V4
        return ipaddress.IPv6Address(self.host[1:-1]) == _LOOPBACK_V6


def show(value: object, limit: int = 80) -> str:
    """repr() for untrusted values in messages: quoted, escaped, bounded."""
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    text = repr(value[:limit])
    return text + "…" if len(value) > limit else text


def _serialise_ipv6(addr: ipaddress.IPv6Address) -> str:
    # Hand-rolled because str(IPv6Address) changed for IPv4-mapped addresses in
    # Python 3.13; this follows the WHATWG URL serialiser, which browsers use.
    packed = addr.packed
    pieces = [int.from_bytes(packed[i : i + 2], "big") for i in range(0, 16, 2)]
    best_start, best_len, i = -1, 1, 0
    while i < 8:
        if pieces[i] == 0:
            j = i
            while j < 8 and pieces[j] == 0:
                j += 1
            if j - i > best_len:
                best_start, best_len = i, j - i
            i = j
        else:
            i += 1
    hexes = [f"{p:x}" for p in pieces]
    if best_start < 0:
        return ":".join(hexes)
    head = ":".join(hexes[:best_start])
    tail = ":".join(hexes[best_start + best_len :])
    return f"{head}::{tail}"


def _parse_domain(raw: str) -> str:
    if _IDNA_DEVIATIONS.intersection(raw):
        raise ValueError(
            f"host {show(raw)} contains ß, ς, ZWJ or ZWNJ, which browsers and IDNA2003 "
            "encode differently; give the punycode (xn--) form instead"
        )
    if not raw.isascii() and _NOT_HOST_ASCII_RE.search(raw):
        # Before IDNA, which would let "%" through to the label check while a browser's URL
        # parser (and so the JS API's reader) refuses it outright: one message for both.
        raise ValueError(f"host {show(raw)} contains characters not allowed in a hostname")
    try:
        # The codec applies nameprep (incl. case folding) to non-ASCII labels only.
        host = raw.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"host {show(raw)} is not a valid internationalised domain name") from None
    if host.endswith("."):
        raise ValueError(
            f"host {show(host)} ends with a dot, which browsers treat as a different "
            "origin from the name without it"
        )
    if len(host) > _MAX_HOST_LEN:
        raise ValueError(f"host is longer than {_MAX_HOST_LEN} characters")
    labels = host.split(".")
    for label in labels:
        if not _LABEL_RE.fullmatch(label):
            raise ValueError(f"host {show(host)} contains characters not allowed in a hostname")
        if label.startswith("-") or label.endswith("-"):
            raise ValueError(
                f"host {show(host)} has a label that starts or ends with '-', "
                "which a hostname may not"
            )
    return host


def _parse_host(raw: str) -> tuple[str, str]:
    """Return (normalised host, kind)."""
    if raw.startswith("["):
        if not raw.endswith("]"):
            raise ValueError("unterminated IPv6 literal")
        inner = raw[1:-1]
        if "%" in inner:
            raise ValueError("IPv6 zone identifiers are not allowed in origins")
        try:
            addr = ipaddress.IPv6Address(inner)
        except ValueError:
            raise ValueError(f"invalid IPv6 address {show(inner)}") from None
        return f"[{_serialise_ipv6(addr)}]", "ipv6"
    if ":" in raw:
        raise ValueError("IPv6 addresses must be in brackets")
    last = raw.rstrip(".").rsplit(".", 1)[-1]
    # WHATWG: a host whose last label is numeric is parsed as IPv4, never as a domain.
    if last and ((last.isascii() and last.isdigit()) or _HEX_RE.fullmatch(last)):
        try:
            return str(ipaddress.IPv4Address(raw)), "ipv4"
        except ValueError:
            raise ValueError(
                f"host {show(raw)} is not a canonical dotted-quad IPv4 address"
            ) from None
    return _parse_domain(raw), "domain"


def parse_origin(value: str, *, allow_wildcard: bool = False) -> ParsedOrigin:
    """Parse a serialised origin strictly; raise ValueError with the reason."""
    if not value:
        raise ValueError("empty origin")
    if len(value) > _MAX_ORIGIN_LEN:
        raise ValueError(f"longer than {_MAX_ORIGIN_LEN} characters")
    if _BAD_CHARS_RE.search(value):
        raise ValueError("contains whitespace or control characters")
    if _INVISIBLE_RE.search(value):
        raise ValueError(INVISIBLE_WHY)
    scheme, sep, rest = value.partition("://")
    if not sep or not _SCHEME_RE.fullmatch(scheme):
        raise ValueError("not of the form scheme://host[:port]")
    scheme = scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"scheme {scheme} not supported (only https, or http for loopback)")
    # Checked in this order so "/?#" report the first offending part, as a URL parser would.
    for char in rest:
        if char == "/":
            raise ValueError("has a path (even a single '/'); browsers never send one in an origin")
        if char == "?":
            raise ValueError("has a query; an origin is only scheme://host[:port]")
        if char == "#":
            raise ValueError("has a fragment; an origin is only scheme://host[:port]")
        if char == "\\":
            raise ValueError("contains a backslash, which URL parsers read as '/'")
    if "@" in rest:
        raise ValueError("has userinfo (user@host); an origin never carries credentials")

    if rest.startswith("["):
        close = rest.find("]")
        host_raw, port_part = (rest, "") if close < 0 else (rest[: close + 1], rest[close + 1 :])
        if port_part and not port_part.startswith(":"):
            raise ValueError("unexpected characters after IPv6 literal")
        port_raw: str | None = port_part[1:] if port_part else None
    elif rest.count(":") > 1:
        raise ValueError("IPv6 addresses must be in brackets")
    else:
        host_raw, colon, port_str = rest.partition(":")
        port_raw = port_str if colon else None

    if port_raw is None:
        port = _DEFAULT_PORTS[scheme]
    elif port_raw == "*" and allow_wildcard:
        port = ANY_PORT
    else:
        if not _PORT_RE.fullmatch(port_raw):
            raise ValueError(f"port {show(port_raw)} is not a number from 1 to 65535")
        port = int(port_raw)
        if not 1 <= port <= 65535:
            raise ValueError(f"port {port} is not a number from 1 to 65535")

    if not host_raw:
        raise ValueError("missing host")
    wildcard = False
    if "*" in host_raw:
        if not allow_wildcard:
            raise ValueError("'*' is not allowed in an origin")
        base_raw = host_raw[2:] if host_raw.startswith("*.") else ""
        if not base_raw or "*" in base_raw:
            raise ValueError(
                "'*' must be the whole left-most label, once, followed by a domain "
                "(like https://*.example.com)"
            )
        if scheme != "https":
            raise ValueError("wildcard entries must use https")
        host_raw, wildcard = base_raw, True

    host, kind = _parse_host(host_raw)
    parsed = ParsedOrigin(scheme, host, port, kind, wildcard)
    if port == ANY_PORT and (wildcard or not parsed.is_loopback):
        raise ValueError(
            "a port wildcard (':*') is only for a loopback host (localhost, 127.0.0.0/8, "
            "[::1]), for development; name the port of any other origin"
        )
    if wildcard:
        if kind != "domain":
            raise ValueError("a wildcard base must be a domain name, not an IP address")
        if host.count(".") < 1:
            raise ValueError(
                f"wildcard is too broad: *.{host} needs at least two labels after '*.' "
                "(like *.example.com)"
            )
    return parsed


def normalise_origin(value: str) -> str:
    """Return the canonical ASCII serialisation of an http(s) origin.

    Scheme and host are lower-cased, the host is IDNA-encoded, a default port is
    dropped and IPv6 literals are compressed. Raises ``ValueError`` saying why
    ``value`` is not a well-formed origin.
    """
    if not isinstance(value, str):
        raise ValueError("origin is not a string")
    if value == "null":
        raise ValueError("'null' is an opaque origin and has no normal form")
    return parse_origin(value).serialise()


def suggest_origin(value: object) -> str | None:
    """The origin ``value`` most likely meant, for an error message; None if unclear.

    ``"http://localhost:8001/"`` and ``"https://games.example/slot/?x=1"`` give their
    ``scheme://host[:port]``; a value that is already an origin, or that has no usable
    origin in it, gives None.
    """
    if not isinstance(value, str) or "*" in value or len(value) > _MAX_ORIGIN_LEN:
        return None
    scheme, sep, rest = value.strip().partition("://")
    if not sep:
        return None
    authority = re.split(r"[/?#\\]", rest, maxsplit=1)[0].rpartition("@")[2]
    try:
        suggestion = normalise_origin(f"{scheme}://{authority}")
    except ValueError:
        return None
    return None if suggestion == value else suggestion
