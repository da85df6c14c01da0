"""Pure logic of the demo pages (slot maths, lobby session accounting) under CPython."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path) -> ModuleType:
    # The demo dirs are not packages (PyScript puts the files next to main.py), so load by path.
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


slot = _load("demo_slot", ROOT / "demo_game" / "slot.py")
panel = _load("demo_panel", ROOT / "demo_lobby" / "panel.py")


# --- slot -------------------------------------------------------------------------------------


def test_mulberry32_known_values() -> None:
    # Reference values of mulberry32(1) from the common JS implementation (run under node).
    rng = slot.Mulberry32(1)
    assert [rng.next_u32() for _ in range(3)] == [2693262067, 11749833, 2265367787]


def test_same_seed_same_game() -> None:
    a, b = slot.Slot(seed=7), slot.Slot(seed=7)
    assert [a.spin().stops for _ in range(50)] == [b.spin().stops for _ in range(50)]
    c, d = slot.Slot(seed=7), slot.Slot(seed=8)
    assert [c.spin().stops for _ in range(20)] != [d.spin().stops for _ in range(20)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, slot.DEFAULT_SEED), ("", slot.DEFAULT_SEED), ("42", 42), ("0x10", 16),
     ("nope", slot.DEFAULT_SEED), (str(2**32 + 5), 5)],
)  # fmt: skip
def test_parse_seed(raw: str | None, expected: int) -> None:
    assert slot.parse_seed(raw) == expected


def test_evaluate_paytable() -> None:
    assert slot.evaluate(("seven",) * 3, 100) == 150 * 100
    assert slot.evaluate(("clover", "star", "clover"), 50) == 100
    assert slot.evaluate(("clover", "clover", "clover"), 10) == 50
    assert slot.evaluate(("star", "crown", "bar"), 100) == 0


def test_rtp_is_fair_for_a_demo() -> None:
    assert 0.9 < slot.return_to_player() < 1.0


def test_spin_accounting_conserves_money() -> None:
    s = slot.Slot(seed=3)
    start = s.balance_cents
    staked = won = 0
    for _ in range(200):
        if not s.can_afford():
            break
        r = s.spin()
        assert r.balance_after_stake_cents == r.balance_cents - r.win_cents
        staked += r.stake_cents
        won += r.win_cents
    assert s.balance_cents == start - staked + won


def test_insufficient_funds() -> None:
    s = slot.Slot(balance_cents=50)
    assert not s.can_afford()
    with pytest.raises(slot.InsufficientFunds):
        s.spin()
    assert s.balance_cents == 50


def test_stake_steps_are_bounded() -> None:
    s = slot.Slot()
    while s.stake_up():
        pass
    assert s.stake_cents == slot.STAKES_CENTS[-1]
    while s.stake_down():
        pass
    assert s.stake_cents == slot.STAKES_CENTS[0]


@pytest.mark.parametrize(
    ("cents", "picked"), [(0, 10), (30, 20), (35, 20), (160, 200), (10**9, 1000)]
)
def test_set_stake_picks_the_nearest_offered(cents: int, picked: int) -> None:
    s = slot.Slot()
    assert s.set_stake_near(cents) == picked == s.stake_cents


def test_money_helpers() -> None:
    assert slot.to_major(12345) == 123.45
    assert slot.format_money(123456) == "1,234.56 EUR"
    assert slot.paytable_rows()[0] == ("7", "Seven", 150)


# --- lobby settings panel --------------------------------------------------------------------

FORM = {
    "rcEnabled": True,
    "rcInterval": "3",
    "rcDisplayWinLoss": False,
    "turboEnabled": False,
    "autoplayEnabled": True,
    "minSpinTime": "6.5",
    "historyURL": " https://casino.example/history ",
    "inactivity": "120",
    "inactivityWarn": "30",
}


def test_panel_gives_appendix_c_settings_in_their_units() -> None:
    got = panel.settings_from_form(FORM)
    assert got.game.to_wire() == {
        "rcEnabled": True,
        "rcInterval": 3000,
        "rcDisplayWinLoss": False,
        "historyURL": "https://casino.example/history",
        "turboEnabled": False,
        "minSpinTime": 6500,
    }
    assert (got.inactivity_limit_ms, got.inactivity_warn_ms) == (120_000, 30_000)
    off = panel.settings_from_form({**FORM, "inactivity": "", "rcEnabled": False})
    assert off.inactivity_limit_ms is None and not off.game.rc_enabled


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"rcInterval": ""}, "rcInterval"),  # required when enabled
        ({"rcInterval": "0.5"}, "rcInterval"),  # below Appendix C's sane minimum (1 s)
        ({"rcInterval": "soon"}, "rcInterval"),
        ({"minSpinTime": "-1"}, "minSpinTime"),
        ({"historyURL": "ftp://x"}, "historyURL"),
        ({"inactivityWarn": "120"}, "inactivityWarn"),
    ],
)
def test_panel_errors_name_the_setting(change: dict[str, str], name: str) -> None:
    with pytest.raises(panel.SettingsError) as info:
        panel.settings_from_form({**FORM, **change})
    assert info.value.settings == (name,)


@pytest.mark.parametrize(
    ("change", "name", "text"),
    [
        ({"rcInterval": "0.5"}, "rcInterval", "must be at least 1 s (got 0.5 s)"),
        ({"rcInterval": "0.1"}, "rcInterval", "at least 1 s"),
        ({"rcInterval": "100000"}, "rcInterval", "must be at most 86400 s"),
        ({"minSpinTime": "90000"}, "minSpinTime", "at most 86400 s"),
    ],
)
def test_panel_errors_are_in_the_unit_of_the_field(
    change: dict[str, str], name: str, text: str
) -> None:
    with pytest.raises(panel.SettingsError) as info:
        panel.settings_from_form({**FORM, **change})
    assert info.value.settings == (name,)
    assert text in str(info.value) and " ms" not in str(info.value)


def test_bad_initial_settings_start_the_lobby_with_defaults_and_say_why() -> None:
    got, refused = panel.initial_settings({**FORM, "rcInterval": "0.1"})
    assert got == panel.DEFAULT_PANEL and got.game.to_wire() == {}
    assert refused is not None and refused.startswith("rcInterval: ")
    assert "default settings" in refused
    good, none = panel.initial_settings(FORM)
    assert none is None and good == panel.settings_from_form(FORM)


@pytest.mark.parametrize(("secs", "text"), [(0, "0:00"), (65, "1:05"), (3723, "1:02:03")])
def test_format_duration(secs: float, text: str) -> None:
    assert panel.format_duration(secs) == text


def test_parse_game_url() -> None:
    default = "http://localhost:8001/demo_game/"
    assert panel.parse_game_url(None, default) == (default, "http://localhost:8001")
    assert panel.parse_game_url("https://g.example:444/x?y=1", default) == (
        "https://g.example:444/x?y=1",
        "https://g.example:444",
    )
    for bad in ("javascript:alert(1)", "/relative", "http://u@evil.example/"):
        assert panel.parse_game_url(bad, default)[1] == "http://localhost:8001"
