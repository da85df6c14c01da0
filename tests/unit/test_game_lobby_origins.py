"""``GameBridge(lobby_origins=...)``: the Python API takes its lobby from the launch URL, checked.

The rules themselves are the shared vectors' (test_launch_vectors.py); here: which page values
the option reads, that a refused lobby stops the bridge before it exists (nothing posted), and
the option's own errors.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from bridge.browser.base import BrowserBridge
from bridge.browser.game import GameBridge
from bridge.compliance import UntrustedLobby
from bridge.core.errors import InvalidConfig

PATTERNS = ["https://*.casino.example", "http://127.0.0.1:*"]


class _Ancestors:
    def __init__(self, origins: list[str]) -> None:
        self.origins = origins
        self.length = len(origins)

    def item(self, i: int) -> str:
        return self.origins[i]


def _page(monkeypatch: pytest.MonkeyPatch, search: str, ancestors: list[str] | None) -> None:
    location = types.SimpleNamespace(search=search)
    if ancestors is not None:  # Firefox has no location.ancestorOrigins
        location.ancestorOrigins = _Ancestors(ancestors)  # type: ignore[attr-defined]
    js = types.ModuleType("js")
    js.location = location  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "js", js)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The bridges that got as far as their channel (none, when the lobby is refused)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(BrowserBridge, "__init__", lambda self, **kw: calls.append(kw))
    return calls


def test_an_allowed_lobby_that_frames_the_game_is_the_peer(
    opened: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _page(monkeypatch, "?lobby=https%3A%2F%2Fplay.casino.example", ["https://play.casino.example"])
    GameBridge(lobby_origins=PATTERNS)
    assert [c["peer_origin"] for c in opened] == ["https://play.casino.example"]
    assert opened[0]["allowed_origins"] is None  # the lobby alone is heard


@pytest.mark.parametrize(
    ("search", "ancestors", "text"),
    [
        ("?lobby=https%3A%2F%2Fevil.example", ["https://evil.example"], "not an allowed lobby"),
        ("?lobby=https%3A%2F%2Fplay.casino.example", ["https://evil.example"], "frames this game"),
        ("?mode=REAL", None, "missing"),
    ],
)
def test_a_refused_lobby_raises_before_the_bridge_exists(
    opened: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    search: str,
    ancestors: list[str] | None,
    text: str,
) -> None:
    _page(monkeypatch, search, ancestors)
    with pytest.raises(UntrustedLobby, match=text) as info:
        GameBridge(lobby_origins=PATTERNS)
    assert (info.value.param, info.value.code) == ("lobby", "untrusted_lobby")
    assert info.value.patterns == ("http://127.0.0.1:*", "https://*.casino.example")
    assert opened == []


def test_without_ancestor_origins_the_pattern_alone_decides(
    opened: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _page(monkeypatch, "?lobby=http%3A%2F%2F127.0.0.1%3A8000", None)
    GameBridge(lobby_origins=PATTERNS)
    assert opened[0]["peer_origin"] == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({}, "lobby_origins .* or lobby_origin .* is required"),
        ({"lobby_origin": "https://a.casino.example", "lobby_origins": PATTERNS}, "not both"),
        ({"lobby_origins": PATTERNS, "allowed_origins": ["https://x.example"]}, "allowed_origins"),
        ({"lobby_origins": "https://a.casino.example"}, "not one string"),
        ({"lobby_origins": ["https://*.example"]}, "too broad"),
        ({"lobby_origins": []}, "empty"),
    ],
)
def test_the_options_errors_are_invalid_config(
    opened: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    kwargs: dict[str, Any],
    text: str,
) -> None:
    _page(monkeypatch, "?lobby=https%3A%2F%2Fa.casino.example", None)
    with pytest.raises(InvalidConfig, match=text):
        GameBridge(**kwargs)
    assert opened == []


def test_an_exact_lobby_origin_is_used_as_given(
    opened: list[dict[str, Any]],
) -> None:
    GameBridge("https://a.casino.example", allowed_origins=["https://a.casino.example"])
    assert opened[0]["peer_origin"] == "https://a.casino.example"
