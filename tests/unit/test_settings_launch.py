"""Appendix C settings and the launch URL: errors name the setting / parameter; lobby checked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bridge.compliance.launch import LaunchError, LaunchMode, build_game_url, read_launch
from bridge.compliance.settings import GameSettings, SettingsError, cents_to_amount

ALLOWED = ["https://*.casino.example", "http://127.0.0.1:8000"]


def test_defaults_and_wire_names() -> None:
    settings = GameSettings()
    assert settings.rc_enabled is False  # Appendix C's one stated default
    assert settings.to_wire() == {}
    custom = GameSettings.parse(
        {"rcEnabled": True, "rcInterval": 60_000, "historyURL": "https://c.example/h",
         "displayRTP": True, "minStake": 10, "maxStake": 500_00}
    )  # fmt: skip
    assert custom.to_wire() == {
        "rcEnabled": True,
        "rcInterval": 60_000,
        "historyURL": "https://c.example/h",
        "displayRTP": True,
        "minStake": 10,
        "maxStake": 500_00,
    }
    assert custom.min_stake_amount == 0.1 and custom.max_stake_amount == 500.0
    assert GameSettings.parse(custom.to_wire()) == custom
    assert cents_to_amount(1234) == 12.34


@pytest.mark.parametrize(
    ("raw", "names", "text"),
    [
        ({"rcEnabled": True}, ("rcInterval",), "required when rcEnabled"),
        ({"rcEnabled": True, "rcInterval": 500}, ("rcInterval",), "must be >= 1000 ms"),
        ({"minSpinTime": 10**9}, ("minSpinTime",), "must be <= 86400000 ms"),
        ({"historyURL": "https://user:pw@x.example/h"}, ("historyURL",), "credentials"),
        ({"homeURL": "https://user@x.example"}, ("homeURL",), "credentials"),
        ({"topupURL": "http://a:b@x.example:8/?q"}, ("topupURL",), "credentials"),
        ({"rcInterval": 60.5}, ("rcInterval",), "integer"),
        ({"minStake": 1.5}, ("minStake",), "1/100 of the currency unit"),
        ({"maxExposure": -1}, ("maxExposure",), "greater than or equal to 0"),
        ({"minStake": 500, "maxStake": 100}, ("minStake",), "must not exceed maxStake"),
        ({"turboEnabled": "false"}, ("turboEnabled",), "true or false"),
        ({"homeURL": "javascript:alert(1)"}, ("homeURL",), "absolute http(s) URL"),
        ({"homeURL": "https://x.example/\ufeff"}, ("homeURL",), "invisible characters"),
        ('{"minStake": 1, "minStake": 2}', ("minStake",), "given more than once"),
        ('{"minStake": NaN}', ("settings",), "not valid JSON"),
        ('{"loadMsg": "\\ud800"}', ("settings",), "lone surrogate"),
        ('{"loadMsg": ' + "[" * 2000 + "]" * 2000 + "}", ("settings",), "nested deeper than 16"),
        ({"rcenabled": True}, ("rcenabled",), "not an Appendix C setting"),
        ({"forceOrientation": "sideways"}, ("forceOrientation",), "portrait"),
        ({"turboEnabled": 1, "stopEnabled": None}, ("turboEnabled", "stopEnabled"), ""),
        ("{not json", ("settings",), "not valid JSON"),
        ([1, 2], ("settings",), "JSON object"),
    ],
)
def test_bad_settings_name_the_setting(raw: object, names: tuple[str, ...], text: str) -> None:
    with pytest.raises(SettingsError) as info:
        GameSettings.parse(raw)
    assert info.value.settings == names
    assert str(info.value).startswith(names[0] + ":")
    assert text in str(info.value)


def _launch(**overrides: object) -> str:
    args: dict[str, object] = {
        "mode": LaunchMode.REAL,
        "language": "en",
        "currency": "EUR",
        "lobby_origin": "https://WWW.casino.example:443",
        "settings": GameSettings(rc_enabled=True, rc_interval=60_000, turbo_enabled=False),
        "extra": {"dialect": "appendix_a"},
    }
    args.update(overrides)
    return build_game_url("https://games.example/slot/?seed=3", **args)  # type: ignore[arg-type]


def test_the_lobby_builds_and_the_game_reads_the_same_launch() -> None:
    url = _launch()
    query = parse_qs(urlsplit(url).query)
    assert query["lobby"] == ["https://www.casino.example"]  # normalised
    assert query["seed"] == ["3"] and query["dialect"] == ["appendix_a"]
    params = read_launch(url, ALLOWED)
    assert params.mode is LaunchMode.REAL
    assert params.lobby == "https://www.casino.example"
    assert params.settings.turbo_enabled is False and params.settings.rc_interval == 60_000
    assert read_launch(urlsplit(url).query, ALLOWED) == params  # location.search works too
    assert "settings" not in _launch(settings=None)


@pytest.mark.parametrize(
    ("mutate", "param", "text"),
    [
        (lambda u: u.replace("www.casino.example", "evil.example"), "lobby", "not an allowed"),
        (lambda u: u.replace("www.casino.example", "casino.example"), "lobby", "subdomains"),
        (lambda u: u.replace("https%3A%2F%2Fwww", "http%3A%2F%2Fwww"), "lobby", "http"),
        (lambda u: u + "&lobby=https%3A%2F%2Fa.casino.example", "lobby", "more than once"),
        (lambda u: u.replace("lobby=", "x="), "lobby", "missing"),
        (lambda u: u.replace("mode=REAL", "mode=FUN"), "mode", "REAL"),
        (lambda u: u.replace("currency=EUR", "currency=EUD"), "currency", "ISO 4217"),
        (lambda u: u.replace("language=en", "language=English"), "language", "pattern"),
        (lambda u: u.replace("60000", "5"), "settings", "rcInterval"),
        (lambda u: u + "&z=" + "a" * 9000, "query", "longer"),
    ],
)
def test_bad_launch_parameters_name_the_parameter(mutate: object, param: str, text: str) -> None:
    with pytest.raises(LaunchError) as info:
        read_launch(mutate(_launch()), ALLOWED)  # type: ignore[operator]
    assert info.value.param == param
    assert text in str(info.value)


def test_a_hand_written_query_with_an_unencoded_lobby_is_read() -> None:
    query = "?mode=HISTORY&language=pt-BR&currency=BRL&lobby=https://www.casino.example"
    params = read_launch(query, ALLOWED)
    assert (params.mode, params.language, params.lobby) == (
        LaunchMode.HISTORY,
        "pt-BR",
        "https://www.casino.example",
    )
    assert params.settings.to_wire() == {}


def test_a_wildcard_lobby_parameter_is_refused() -> None:
    url = _launch().replace("www.casino.example", "%2A.casino.example")
    with pytest.raises(LaunchError, match="lobby"):
        read_launch(url, ALLOWED)


def test_a_query_that_is_not_text_is_a_launch_error() -> None:
    with pytest.raises(LaunchError) as info:
        read_launch(None, ALLOWED)  # type: ignore[arg-type]
    assert info.value.param == "query"


def test_a_bad_allow_list_is_a_launch_error() -> None:
    with pytest.raises(LaunchError) as info:
        read_launch(_launch(), ["*"])
    assert info.value.param == "allowed_lobbies"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"lobby_origin": "https://casino.example/path"}, "lobby"),
        ({"mode": "PLAY"}, "mode"),
        ({"currency": "eur"}, "currency"),
        ({"extra": {"lobby": "https://evil.example"}}, "lobby"),
    ],
)
def test_build_refuses_bad_parameters(kwargs: dict[str, object], param: str) -> None:
    with pytest.raises(LaunchError) as info:
        _launch(**kwargs)
    assert info.value.param == param


def test_urls_with_an_at_sign_outside_the_authority_are_settings() -> None:
    settings = GameSettings.parse({"historyURL": "https://x.example/h/@me?u=a@b#c@d"})
    assert settings.history_url == "https://x.example/h/@me?u=a@b#c@d"


@pytest.mark.parametrize(
    "origin", ["http://casino.example", "http://www.casino.example:8080", "http://10.0.0.1"]
)
def test_build_refuses_a_lobby_origin_read_launch_would_refuse(origin: str) -> None:
    with pytest.raises(LaunchError) as info:
        _launch(lobby_origin=origin)
    assert info.value.param == "lobby" and "http" in str(info.value)


def test_build_takes_a_loopback_http_lobby_that_read_launch_takes() -> None:
    url = _launch(lobby_origin="http://127.0.0.1:8000")
    assert read_launch(url, ALLOWED).lobby == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "lobby", ["https://-.casino.example", "https://a-.casino.example", "https://-a.casino.example"]
)
def test_a_lobby_host_label_may_not_start_or_end_with_a_hyphen(lobby: str) -> None:
    query = f"?mode=REAL&language=en&currency=EUR&lobby={lobby}"
    with pytest.raises(LaunchError) as info:
        read_launch(query, ALLOWED)
    assert info.value.param == "lobby" and "'-'" in str(info.value)


def test_build_refuses_a_non_http_game_url() -> None:
    with pytest.raises(LaunchError) as info:
        build_game_url("javascript:alert(1)", mode="DEMO", language="en", currency="EUR",
                       lobby_origin="https://a.casino.example")  # fmt: skip
    assert info.value.param == "game_url"
