"""bridge.core.config: a ChannelConfig the channel cannot use is refused in one line that
says what to write."""

from __future__ import annotations

import pytest

from bridge.core.channel import Channel, ChannelConfig
from bridge.core.errors import (
    InvalidConfig,
)
from bridge.core.messages import Role


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"peer_origin": "http://localhost:8001/"},
            "game origin 'http://localhost:8001/' is refused: has a path (even a single '/'); "
            "browsers never send one in an origin; write 'http://localhost:8001' instead",
        ),
        (
            {"peer_origin": "https://games.example/slot/index.html"},
            "write 'https://games.example' instead",
        ),
        (
            {"peer_origin": "https://a.example", "allowed_origins": ["https://b.example/"]},
            "allowed origin 'https://b.example/' is refused: has a path",
        ),
        (
            {"peer_origin": "https://a.example", "allowed_origins": ["https://b.example"]},
            "game origin 'https://a.example' is not among the allowed origins "
            "['https://b.example']; add it to them",
        ),
        ({"peer_origin": "*"}, "game origin '*' is refused: '*' would allow every origin"),
    ],
)
def test_config_errors_are_one_line_and_say_what_to_write(
    kwargs: dict[str, object], expected: str
) -> None:
    with pytest.raises(InvalidConfig) as info:
        Channel(ChannelConfig(Role.LOBBY, **kwargs))  # type: ignore[arg-type]
    message = str(info.value)
    assert expected in message and "\n" not in message
    assert info.value.code == "invalid_config" and isinstance(info.value, ValueError)


def test_wildcard_peer_origin_is_refused() -> None:
    with pytest.raises(ValueError):
        Channel(ChannelConfig(Role.LOBBY, "*"))
    with pytest.raises(ValueError):
        Channel(
            ChannelConfig(
                Role.GAME, "https://*.casino.example", allowed_origins=["https://*.casino.example"]
            )
        )


def test_the_policy_and_first_target_of_a_config() -> None:
    from bridge.core.config import ChannelConfig as Config
    from bridge.core.config import check_origins

    config = Config(
        Role.LOBBY, "https://A.games.example", allowed_origins=["https://*.games.example"]
    )
    policy, target = check_origins(config)
    assert target == "https://a.games.example" and policy.entries == ("https://*.games.example",)
    assert Config(Role.GAME, "https://a.example").effective_handshake_timeout_ms() == 1000
    assert Config(Role.LOBBY, "https://a.example").effective_handshake_timeout_ms() == 30_000
