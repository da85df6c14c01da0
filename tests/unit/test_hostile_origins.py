"""Origin look-alikes the browser suite cannot produce locally (no https, no real DNS).

The e2e suite covers evil.localhost, 127.0.0.2, another port, sandboxed frames and data: URLs
in Chromium; these are the scheme and host confusions an attacker on the internet would try.
"""

from __future__ import annotations

import pytest

from bridge.core.channel import Channel, ChannelConfig
from bridge.core.effects import Inbound
from bridge.core.messages import Role
from bridge.core.origin import OriginPolicy

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
