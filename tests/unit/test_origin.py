"""Tests for the origin allow-list (bridge.core.origin)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bridge.core.channel import Channel, ChannelConfig
from bridge.core.effects import Inbound
from bridge.core.messages import Role
from bridge.core.origin import (
    InvalidOriginPattern,
    OriginDecision,
    OriginPolicy,
    normalise_origin,
)

ALLOWED = [
    "https://casino.example.com",
    "https://games.example.org:8443",
    "https://*.wild.example.net",
    "https://bücher.example",
    "http://localhost:3000",
    "http://127.0.0.1:8080",
    "http://[::1]:8000",
]


@pytest.fixture(scope="module")
def policy() -> OriginPolicy:
    return OriginPolicy(ALLOWED)


# --- normalisation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://casino.example.com", "https://casino.example.com"),
        ("HTTPS://Casino.Example.COM", "https://casino.example.com"),
        ("https://casino.example.com:443", "https://casino.example.com"),
        ("http://localhost:80", "http://localhost"),
        ("http://localhost:443", "http://localhost:443"),
        ("https://a.com:80", "https://a.com:80"),
        ("https://a.com:0443", "https://a.com"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("https://BÜCHER.example", "https://xn--bcher-kva.example"),
        ("https://XN--BCHER-KVA.example", "https://xn--bcher-kva.example"),
        ("https://a。example.com", "https://a.example.com"),
        ("http://[::1]", "http://[::1]"),
        ("http://[0:0:0:0:0:0:0:1]:8000", "http://[::1]:8000"),
        ("https://[2001:DB8::1]:443", "https://[2001:db8::1]"),
        ("https://[::ffff:127.0.0.1]", "https://[::ffff:7f00:1]"),
        ("https://[1:0:0:2:0:0:0:3]", "https://[1:0:0:2::3]"),
        ("https://[1:2:3:4:5:6:7:8]", "https://[1:2:3:4:5:6:7:8]"),
        ("https://[1:0:2:3:4:5:6:7]", "https://[1:0:2:3:4:5:6:7]"),
        ("http://127.0.0.1", "http://127.0.0.1"),
        ("https://under_score.example.com", "https://under_score.example.com"),
    ],
)
def test_normalise_origin(raw: str, expected: str) -> None:
    assert normalise_origin(raw) == expected


@pytest.mark.parametrize(
    ("raw", "keyword"),
    [
        ("", "empty"),
        ("null", "opaque"),
        ("casino.example.com", "scheme://"),
        ("//casino.example.com", "scheme://"),
        ("ftp://casino.example.com", "scheme ftp"),
        ("wss://casino.example.com", "scheme wss"),
        ("https://", "missing host"),
        ("https://:443", "missing host"),
        ("https://casino.example.com/", "path"),
        ("https://casino.example.com/lobby", "path"),
        ("https://casino.example.com?x=1", "query"),
        ("https://casino.example.com#top", "fragment"),
        ("https://casino.example.com\\", "backslash"),
        ("https://user@casino.example.com", "userinfo"),
        ("https://user:pw@casino.example.com", "userinfo"),
        ("https://casino.example.com.", "dot"),
        ("https://casino..example.com", "internationalised"),
        ("https://casino.example.com:", "port"),
        ("https://casino.example.com:0", "port 0"),
        ("https://casino.example.com:65536", "port 65536"),
        ("https://casino.example.com:123456", "port"),
        ("https://casino.example.com:+443", "port"),
        ("https://casino.example.com:٤٤٣", "port"),
        ("https://casino.example.com:https", "port"),
        (" https://casino.example.com", "whitespace"),
        ("https://casino.example.com\n", "whitespace"),
        ("https://casino.exa\x00mple.com", "control"),
        ("https://exa%41mple.com", "characters not allowed"),
        ("https://exa!mple.com", "characters not allowed"),
        ("https://*.example.com", "'*'"),
        ("https://::1", "brackets"),
        ("https://[::1", "unterminated"),
        ("https://[::1]x", "after IPv6"),
        ("https://[::g]", "invalid IPv6"),
        ("https://[fe80::1%25eth0]", "zone"),
        ("http://127.1", "IPv4"),
        ("http://0x7f.0.0.1", "IPv4"),
        ("http://127.000.000.001", "IPv4"),
        ("https://example.123", "IPv4"),
        ("https://" + "a" * 64 + ".com", "internationalised"),
        ("https://" + ".".join(["a" * 60] * 5), "longer than 253"),
        ("https://" + "a" * 2000 + ".com", "longer than"),
        ("https://straße.example", "punycode"),
        ("https://-.casino.example", "starts or ends with '-'"),
        ("https://-a.casino.example", "starts or ends with '-'"),
        ("https://a-.casino.example", "starts or ends with '-'"),
        ("https://casino.example-", "starts or ends with '-'"),
    ],
)
def test_normalise_origin_rejects(raw: str, keyword: str) -> None:
    with pytest.raises(ValueError) as info:
        normalise_origin(raw)
    assert keyword in str(info.value)


def test_hyphens_inside_a_label_are_fine() -> None:
    assert normalise_origin("https://a-b.c--d.example") == "https://a-b.c--d.example"
    with pytest.raises(InvalidOriginPattern, match="'-'"):
        OriginPolicy(["https://*.-x.example"])


def test_normalise_origin_non_str() -> None:
    with pytest.raises(ValueError, match="not a string"):
        normalise_origin(b"https://a.com")  # type: ignore[arg-type]


# --- building the policy -----------------------------------------------------


def test_entries_are_normalised_and_deduplicated() -> None:
    policy = OriginPolicy(
        [
            "HTTPS://Casino.Example.com:443",
            "https://casino.example.com",
            "https://*.Example.NET",
            "https://bücher.example",
            "http://[0::1]:8000",
        ]
    )
    assert policy.entries == (
        "https://casino.example.com",
        "https://xn--bcher-kva.example",
        "http://[::1]:8000",
        "https://*.example.net",
    )
    assert "casino.example.com" in repr(policy)


def test_empty_allow_list_rejects_everything() -> None:
    policy = OriginPolicy([])
    assert policy.entries == ()
    decision = policy.check("https://casino.example.com")
    assert not decision
    assert "not in the allow-list" in decision.reason


def test_accepts_any_iterable() -> None:
    policy = OriginPolicy(o for o in ("https://a.example.com",))
    assert "https://a.example.com" in policy


def test_single_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="single str"):
        OriginPolicy("https://casino.example.com")


@pytest.mark.parametrize(
    ("entry", "keyword"),
    [
        ("*", "every origin"),
        ("null", "opaque"),
        ("", "empty"),
        ("casino.example.com", "scheme://"),
        ("https://casino.example.com/", "path"),
        ("https://casino.example.com/lobby", "path"),
        ("https://casino.example.com?x", "query"),
        ("https://casino.example.com#x", "fragment"),
        ("https://user@casino.example.com", "userinfo"),
        ("https://casino.example.com.", "dot"),
        ("https://casino.example.com:99999", "port"),
        ("ftp://casino.example.com", "scheme ftp"),
        ("http://casino.example.com", "non-loopback"),
        ("http://10.0.0.1", "non-loopback"),
        ("http://[::2]", "non-loopback"),
        ("http://[::ffff:127.0.0.1]", "non-loopback"),
        ("http://localhost.example.com", "non-loopback"),
        ("http://app.localhost", "non-loopback"),
        # wildcard shape
        ("https://a*.example.com", "left-most label"),
        ("https://*example.com", "left-most label"),
        ("https://*.*.example.com", "left-most label"),
        ("https://a.*.example.com", "left-most label"),
        ("https://*", "left-most label"),
        ("https://*.", "left-most label"),
        ("https://*.com", "too broad"),
        ("https://*.localhost", "too broad"),
        ("http://*.example.com", "https"),
        ("http://*.localhost", "https"),
        ("https://*.127.0.0.1", "not an IP"),
        ("https://*.[::1]", "IPv6"),
        ("https://*.example.com/", "path"),
    ],
)
def test_build_time_refusals(entry: str, keyword: str) -> None:
    with pytest.raises(InvalidOriginPattern) as info:
        OriginPolicy(["https://ok.example.com", entry])
    assert info.value.entry == entry
    assert keyword in info.value.reason
    assert repr(entry) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_non_str_entry_is_refused() -> None:
    with pytest.raises(InvalidOriginPattern, match="not a string"):
        OriginPolicy([None])  # type: ignore[list-item]


@pytest.mark.parametrize(
    "entry",
    [
        "http://localhost",
        "http://localhost:3000",
        "http://127.0.0.1",
        "http://127.255.0.9:8080",
        "http://[::1]",
        "http://[::1]:8000",
        "https://*.example.com",
        "https://*.a.example.com:8443",
        "https://*.co.uk",  # no public-suffix list: only single-label bases are refused
        "https://localhost",
        "https://192.0.2.1",
    ],
)
def test_build_time_accepts(entry: str) -> None:
    (normalised,) = OriginPolicy([entry]).entries
    if "*" in entry:
        assert normalised.startswith("https://*.")
    else:
        assert normalised == normalise_origin(entry)


# --- checking received origins -----------------------------------------------


@pytest.mark.parametrize(
    ("origin", "keyword"),
    [
        ("https://casino.example.com", "exact match https://casino.example.com"),
        ("HTTPS://CASINO.EXAMPLE.COM", "exact match"),
        ("https://casino.example.com:443", "exact match"),
        ("https://games.example.org:8443", "exact match https://games.example.org:8443"),
        ("https://xn--bcher-kva.example", "exact match https://xn--bcher-kva.example"),
        ("https://bücher.example", "exact match"),
        ("https://a.wild.example.net", "wildcard match https://*.wild.example.net"),
        ("https://a.b.wild.example.net", "wildcard match"),
        ("https://A.Wild.Example.Net:443", "wildcard match"),
        ("http://localhost:3000", "exact match http://localhost:3000"),
        ("http://127.0.0.1:8080", "exact match"),
        ("http://[::1]:8000", "exact match http://[::1]:8000"),
        ("http://[0:0::1]:8000", "exact match"),
    ],
)
def test_allowed(policy: OriginPolicy, origin: str, keyword: str) -> None:
    decision = policy.check(origin)
    assert decision.allowed, decision.reason
    assert decision
    assert keyword in decision.reason
    assert decision.origin == origin
    assert origin in policy


@pytest.mark.parametrize(
    ("origin", "keywords"),
    [
        # look-alikes
        ("https://casino.example.com.evil.net", ["casino.example.com.evil.net", "allow-list"]),
        ("https://evilcasino.example.com", ["evilcasino.example.com", "not in the allow-list"]),
        ("https://casino-example.com", ["not in the allow-list"]),
        ("https://xcasino.example.com", ["not in the allow-list"]),
        ("https://casino.example.co", ["not in the allow-list"]),
        ("https://casino.example.com.", ["dot"]),
        ("https://casino.example.com%2eevil.net", ["malformed"]),
        ("https://casino.example.com@evil.net", ["userinfo"]),
        ("https://evil.net#casino.example.com", ["fragment"]),
        ("https://evil.net/casino.example.com", ["path"]),
        ("https://casino.example.com/", ["path", "never send"]),
        # scheme and port
        ("http://casino.example.com", ["scheme http", "non-loopback"]),
        ("https://casino.example.com:8443", ["port 8443", "allowed 443"]),
        ("https://games.example.org", ["port 443", "allowed 8443"]),
        ("https://localhost:3000", ["scheme https", "allowed http"]),
        ("http://localhost:3001", ["port 3001", "allowed 3000"]),
        ("http://localhost", ["port 80", "allowed 3000"]),
        ("http://127.0.0.2:8080", ["127.0.0.2", "not in the allow-list"]),
        ("http://[::1]:8001", ["port 8001"]),
        ("http://[::ffff:127.0.0.1]:8000", ["non-loopback"]),
        ("wss://casino.example.com", ["scheme wss"]),
        # wildcard boundaries
        ("https://wild.example.net", ["subdomains only"]),
        ("https://awild.example.net", ["not in the allow-list"]),
        ("https://a.wild.example.net.evil.net", ["not in the allow-list"]),
        ("http://a.wild.example.net", ["scheme http", "non-loopback"]),
        ("https://a.wild.example.net:8443", ["port 8443", "allowed 443"]),
        ("https://*.wild.example.net", ["'*'"]),
        # opaque and junk
        ("null", ["opaque", "'null'", "sandboxed"]),
        ("", ["empty"]),
        ("about:blank", ["malformed"]),
        ("data:text/html,hi", ["malformed"]),
        ("file://", ["scheme file"]),
        ("*", ["malformed"]),
        ("https://-.wild.example.net", ["malformed", "'-'"]),
        ("https://a-.b.wild.example.net", ["malformed", "'-'"]),
        ("https://casino.example.com\r\nX-Evil: 1", ["control"]),
        ("https://casino.example.com ", ["whitespace"]),
    ],
)
def test_rejected(policy: OriginPolicy, origin: str, keywords: list[str]) -> None:
    decision = policy.check(origin)
    assert not decision.allowed
    assert not decision
    for keyword in keywords:
        assert keyword in decision.reason
    assert decision.origin == origin
    assert origin not in policy
    assert "\n" not in decision.reason


@pytest.mark.parametrize("value", [None, 42, b"https://casino.example.com", ["x"], object()])
def test_non_str_input(policy: OriginPolicy, value: object) -> None:
    decision = policy.check(value)
    assert not decision
    assert "origin is not a string" in decision.reason
    assert type(value).__name__ in decision.reason
    assert value not in policy


def test_decision_is_frozen() -> None:
    decision = OriginDecision(True, "x", "https://a.example.com")
    with pytest.raises(AttributeError):
        decision.allowed = False  # type: ignore[misc]


def test_fast_path_returns_cached_decision(policy: OriginPolicy) -> None:
    first = policy.check("https://casino.example.com")
    assert policy.check("https://casino.example.com") is first
    wild = policy.check("https://x.wild.example.net")
    assert policy.check("https://x.wild.example.net") is wild


def test_cache_is_bounded() -> None:
    policy = OriginPolicy(["https://*.example.com"])
    for i in range(5000):
        assert policy.check(f"https://n{i}.example.com")
    assert policy.cached_decisions <= 1024


# --- target_origin_for -------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("https://casino.example.com", "https://casino.example.com"),
        ("HTTPS://Casino.Example.com:443", "https://casino.example.com"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("https://a.wild.example.net", "https://a.wild.example.net"),
        ("http://[0::1]:8000", "http://[::1]:8000"),
    ],
)
def test_target_origin_for(policy: OriginPolicy, origin: str, expected: str) -> None:
    assert policy.target_origin_for(origin) == expected


@pytest.mark.parametrize(
    ("origin", "keyword"),
    [
        ("https://*.wild.example.net", "wildcard"),
        ("*", "wildcard"),
        ("https://evil.net", "not in the allow-list"),
        ("http://casino.example.com", "non-loopback"),
        ("null", "opaque"),
        ("https://casino.example.com/", "path"),
    ],
)
def test_target_origin_for_refuses(policy: OriginPolicy, origin: str, keyword: str) -> None:
    with pytest.raises(ValueError) as info:
        policy.target_origin_for(origin)
    assert keyword in str(info.value)


# --- property ----------------------------------------------------------------

_origin_like = st.builds(
    lambda scheme, host, port: f"{scheme}://{host}{port}",
    st.sampled_from(["https", "http", "HTTPS", "ftp", "", "null"]),
    st.text(min_size=0, max_size=40),
    st.sampled_from(["", ":443", ":80", ":8443", ":", ":x", "/", "?q", "#f"]),
)


@given(st.one_of(st.text(), _origin_like, st.none(), st.integers(), st.binary()))
def test_check_never_raises(value: object) -> None:
    policy = OriginPolicy(ALLOWED)
    decision = policy.check(value)
    assert isinstance(decision, OriginDecision)
    assert isinstance(decision.allowed, bool)
    assert isinstance(decision.reason, str) and decision.reason
    assert isinstance(decision.origin, str)
    if decision.allowed:
        assert isinstance(value, str)
        assert policy.target_origin_for(value) == normalise_origin(value)


# ---------------------------------------------------------------- look-alikes
# Origin look-alikes the browser suite cannot produce locally (no https, no real DNS).
#
# The e2e suite covers evil.localhost, 127.0.0.2, another port, sandboxed frames and data: URLs
# in Chromium; these are the scheme and host confusions an attacker on the internet would try.
GAME = "https://games.hizi.example"
LOOK_ALIKES = {
    "http://games.hizi.example": "scheme http",  # downgrade
    "https://games.hizi.example:8443": "port",
    "https://games.hizi.example.evil.com": "not in the allow-list",
    "https://evil-games.hizi.example": "not in the allow-list",
    "https://xn--games-hizi-example.com": "not in the allow-list",
    "https://games.hizi.example.": "malformed",  # trailing dot: another origin to browsers
    "https://games.hizi.example@evil.com": "malformed",
    "https://GAMES.hizi.example/": "malformed",
    "null": "opaque origin",
    "": "malformed",
    "file://": "malformed",
    "wss://games.hizi.example": "malformed",
}


@pytest.mark.parametrize(("origin", "why"), sorted(LOOK_ALIKES.items()))
def test_look_alikes_are_refused_with_a_reason(origin: str, why: str) -> None:
    decision = OriginPolicy([GAME]).check(origin)
    assert not decision.allowed
    assert why in decision.reason


def test_https_lobby_refuses_the_http_twin_and_counts_it() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME))
    lobby.start()
    for origin in LOOK_ALIKES:
        effects = lobby.receive(Inbound({"type": "gameReady"}, origin, from_peer=True))
        assert [type(e).__name__ for e in effects] == ["Rejected"]
    assert lobby.stats.rejected["origin"] == len(LOOK_ALIKES)
    assert lobby.stats.accepted == 0


def test_http_allowed_only_for_loopback() -> None:
    with pytest.raises(ValueError, match="http"):
        OriginPolicy(["http://games.hizi.example"])
    assert OriginPolicy(["http://localhost:8001"]).check("http://localhost:8001").allowed
    assert not OriginPolicy(["http://localhost:8001"]).check("https://localhost:8001").allowed


def test_a_hostname_may_hold_only_these_ascii_characters() -> None:
    # origin_parse spells the class as ASCII ranges (its compile is part of every boot);
    # every code point is judged as "any ASCII but letters, digits, - . _" would judge it.
    from bridge.core.origin_parse import _NOT_HOST_ASCII_RE

    allowed = set(string.ascii_letters + string.digits + "-._")
    wrong = [
        cp
        for cp in range(0x110000)
        if bool(_NOT_HOST_ASCII_RE.fullmatch(chr(cp))) != (cp < 0x80 and chr(cp) not in allowed)
    ]
    assert wrong == []
