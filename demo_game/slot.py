"""Pure slot maths for the demo game: seeded RNG, reels, paytable, wallet.

No browser imports, so it runs (and is unit-tested) under CPython as well as in
PyScript. Money is kept in integer cents so a long autoplay never drifts; the
bridge messages carry major units (``cents / 100``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Final

DEFAULT_SEED: Final = 20240601
DEFAULT_BALANCE_CENTS: Final = 100_00
STAKES_CENTS: Final = (10, 20, 50, 100, 200, 500, 1000)
DEFAULT_STAKE_INDEX: Final = 3  # 1.00

# Symbol id -> (glyph shown on the reel, name). Glyphs are in DejaVu Sans: the demo must not
# depend on an emoji font, which headless machines often lack.
SYMBOLS: Final[dict[str, tuple[str, str]]] = {
    "seven": ("7", "Seven"),
    "bar": ("BAR", "Bar"),
    "crown": ("\u265b", "Crown"),
    "star": ("\u2605", "Star"),
    "diamond": ("\u2666", "Diamond"),
    "clover": ("\u2663", "Clover"),
}

# One strip per reel; rarer symbols appear fewer times. The three strips are equal so the
# paytable below is easy to check by hand.
_STRIP: Final = (
    "clover", "diamond", "star", "clover", "crown", "diamond", "clover", "bar",
    "star", "diamond", "clover", "seven", "diamond", "star", "clover", "crown",
)  # fmt: skip
REELS: Final[tuple[tuple[str, ...], ...]] = (_STRIP, _STRIP, _STRIP)

# Three of a kind: multiplier of the stake.
PAYTABLE: Final[dict[str, int]] = {
    "seven": 150,
    "bar": 80,
    "crown": 40,
    "star": 20,
    "diamond": 10,
    "clover": 5,
}
# Exactly two clovers anywhere pay double the stake (frequent small wins keep the demo lively;
# the whole table returns about 97.8 %).
TWO_CLOVERS_MULTIPLIER: Final = 2


class Mulberry32:
    """A tiny, well-known 32-bit PRNG: same numbers on every Python, easy to port to JS.

    Demo only. A real game draws outcomes on its server with a certified RNG.
    """

    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFF

    def next_u32(self) -> int:
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return (t ^ (t >> 14)) & 0xFFFFFFFF

    def below(self, n: int) -> int:
        """A number in ``range(n)`` (modulo bias is negligible for reel lengths)."""
        if n <= 0:
            raise ValueError("n must be positive")
        return self.next_u32() % n


def parse_seed(raw: str | None) -> int:
    """The seed from a ``?seed=`` query value; the default for missing or invalid input."""
    if raw is None or not raw.strip():
        return DEFAULT_SEED
    try:
        return int(raw.strip(), 0) & 0xFFFFFFFF
    except ValueError:
        return DEFAULT_SEED


def evaluate(symbols: tuple[str, ...], stake_cents: int) -> int:
    """The win in cents for the symbols on the pay line."""
    if len(set(symbols)) == 1:
        return PAYTABLE[symbols[0]] * stake_cents
    if Counter(symbols)["clover"] == 2:
        return TWO_CLOVERS_MULTIPLIER * stake_cents
    return 0


def return_to_player() -> float:
    """Exact RTP of the paytable over every reel combination (for the help dialog)."""
    total = 0
    combos = 0
    for a in REELS[0]:
        for b in REELS[1]:
            for c in REELS[2]:
                total += evaluate((a, b, c), 1)
                combos += 1
    return total / combos


class InsufficientFunds(Exception):
    """The stake is larger than the balance; the lobby should open its cashier."""


@dataclass(frozen=True, slots=True)
class SpinResult:
    stops: tuple[int, ...]
    symbols: tuple[str, ...]
    stake_cents: int
    win_cents: int
    balance_after_stake_cents: int
    balance_cents: int

    @property
    def is_win(self) -> bool:
        return self.win_cents > 0


@dataclass
class Slot:
    """The wallet and reels of one demo session."""

    seed: int = DEFAULT_SEED
    balance_cents: int = DEFAULT_BALANCE_CENTS
    stake_index: int = DEFAULT_STAKE_INDEX
    rounds: int = 0
    rng: Mulberry32 = field(init=False)

    def __post_init__(self) -> None:
        self.rng = Mulberry32(self.seed)

    @property
    def stake_cents(self) -> int:
        return STAKES_CENTS[self.stake_index]

    def stake_up(self) -> bool:
        """One step up; False when already at the top."""
        if self.stake_index + 1 >= len(STAKES_CENTS):
            return False
        self.stake_index += 1
        return True

    def stake_down(self) -> bool:
        if self.stake_index == 0:
            return False
        self.stake_index -= 1
        return True

    def set_stake_near(self, cents: int) -> int:
        """Select the offered stake nearest ``cents`` (the lower one on a tie); return it."""
        self.stake_index = min(
            range(len(STAKES_CENTS)), key=lambda i: (abs(STAKES_CENTS[i] - cents), i)
        )
        return self.stake_cents

    def can_afford(self) -> bool:
        return self.stake_cents <= self.balance_cents

    def spin(self) -> SpinResult:
        """Take the stake, draw the stops and pay the win."""
        stake = self.stake_cents
        if stake > self.balance_cents:
            raise InsufficientFunds(f"stake {stake} > balance {self.balance_cents}")
        self.balance_cents -= stake
        after_stake = self.balance_cents
        stops = tuple(self.rng.below(len(reel)) for reel in REELS)
        symbols = tuple(reel[s] for reel, s in zip(REELS, stops, strict=True))
        win = evaluate(symbols, stake)
        self.balance_cents += win
        self.rounds += 1
        return SpinResult(stops, symbols, stake, win, after_stake, self.balance_cents)

    def deposit(self, cents: int) -> None:
        """Demo stand-in for a server-side balance change (``updateBalance``)."""
        if cents < 0:
            raise ValueError("deposit must be positive")
        self.balance_cents += cents


def to_major(cents: int) -> float:
    """Cents to the major-unit number the bridge messages carry."""
    return round(cents / 100, 2)


def format_money(cents: int, currency: str = "EUR") -> str:
    return f"{cents / 100:,.2f} {currency}"


def paytable_rows() -> list[tuple[str, str, int]]:
    """(glyph, name, multiplier) for the help dialog, best first."""
    return [(SYMBOLS[s][0], SYMBOLS[s][1], m) for s, m in PAYTABLE.items()]
