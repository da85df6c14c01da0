"""Session tracker, reality-check scheduler and inactivity monitor on an injected clock."""

from __future__ import annotations

import pytest

from bridge.compliance import (
    CloseGame,
    GameSettings,
    InactivityCleared,
    InactivityMonitor,
    OpenHistory,
    RealityCheckScheduler,
    SessionTracker,
    ShowRealityCheck,
    Supervisor,
    WarnInactive,
)
from bridge.compliance.reality_check import RcState
from bridge.core import messages as m


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms


def started(balance: float | None) -> m.RoundStarted:
    return m.RoundStarted.__pydantic_validator__.validate_python(  # type: ignore[no-any-return]
        {"type": "roundStarted", "data": balance}, context={m.PLAIN_PEER: True}
    )


def ended(**fields: float) -> m.RoundEnded:
    return m.RoundEnded(data=m.RoundEndedData(**fields)) if fields else m.RoundEnded()


RC = GameSettings(rc_enabled=True, rc_interval=60_000, history_url="https://c.example/history")


# ---------------------------------------------------------------- tracker


def test_tracker_derives_stake_and_win_from_balances() -> None:
    clock = Clock()
    t = SessionTracker("EUR", clock)
    t.observe(m.Balance(data=100.0))
    t.observe(started(99.0))  # stake 1
    assert t.in_round
    t.observe(m.Balance(data=104.0))  # win 5
    t.observe(ended())
    t.observe(started(102.0))  # stake 2 from 104
    t.observe(ended())  # no win
    clock.advance(90_000)
    f = t.figures()
    assert (f.rounds, f.total_staked, f.total_won, f.net_result) == (2, 3.0, 5.0, 2.0)
    assert f.elapsed_ms == 90_000 and f.balance == 102.0 and not f.in_round
    assert f.rounds_incomplete == 0


def test_tracker_prefers_the_extension_fields() -> None:
    t = SessionTracker("EUR", Clock())
    t.observe(m.Balance(data=100.0))
    t.observe(started(99.0))
    t.observe(m.Balance(data=150.0))  # e.g. a deposit shown mid-round: not a win
    t.observe(ended(stake=1.0, win=0.5, balance=149.5))
    f = t.figures()
    assert (f.total_staked, f.total_won, f.balance) == (1.0, 0.5, 149.5)


def test_tracker_counts_rounds_it_cannot_price() -> None:
    t = SessionTracker("EUR", Clock())
    t.observe(started(None))  # a plain game's bare roundStarted
    t.observe(ended())
    t.observe(started(10.0))  # no balance before it: stake unknown, win known (0)
    t.observe(ended())
    f = t.figures()
    assert (f.rounds, f.rounds_incomplete, f.total_staked, f.total_won) == (2, 2, 0.0, 0.0)


def test_a_lost_round_end_is_closed_by_the_next_start() -> None:
    t = SessionTracker("EUR", Clock())
    t.observe(m.Balance(data=10.0))
    t.observe(started(9.0))
    t.observe(m.Balance(data=12.0))
    t.observe(started(11.0))  # the first round's roundEnded never came
    t.observe(ended())
    f = t.figures()
    assert (f.rounds, f.total_staked, f.total_won) == (2, 2.0, 3.0)


def test_tracker_sums_without_float_noise_and_restarts() -> None:
    clock = Clock()
    t = SessionTracker("EUR", clock)
    for _ in range(10):
        t.observe(ended())  # a round end without a start adds nothing
        t.observe(started(None))
        t.observe(ended(stake=0.1, win=0.2))
    f = t.figures()
    assert (f.total_staked, f.total_won, f.net_result) == (1.0, 2.0, 1.0)
    clock.advance(5)
    t.restart()
    assert t.figures().rounds == 0 and t.figures().elapsed_ms == 0


# ---------------------------------------------------------------- reality check


def _scheduler(settings: GameSettings = RC) -> tuple[Clock, SessionTracker, RealityCheckScheduler]:
    clock = Clock()
    tracker = SessionTracker("EUR", clock)
    return clock, tracker, RealityCheckScheduler(settings, tracker, clock)


def test_off_unless_enabled() -> None:
    clock, _, rc = _scheduler(GameSettings())
    clock.advance(10**9)
    assert rc.poll() == [] and rc.state is RcState.OFF and rc.next_deadline() is None
    assert rc.remaining_ms() is None


def test_due_after_the_interval_with_the_figures() -> None:
    clock, tracker, rc = _scheduler()
    assert rc.next_deadline() == clock.now + 60_000
    tracker.observe(m.Balance(data=100.0))
    tracker.observe(started(98.0))
    tracker.observe(ended(win=0.5))
    clock.advance(59_999)
    assert rc.poll() == []
    assert rc.remaining_ms() == 1
    clock.advance(1)
    [action] = rc.poll()
    assert isinstance(action, ShowRealityCheck)
    assert action.data == m.RealityCheckData(
        elapsed_seconds=60.0, total_staked=2.0, total_won=0.5, net_result=-1.5,
        currency="EUR", rounds=1, history_url="https://c.example/history",
    )  # fmt: skip
    assert rc.state is RcState.SHOWING and rc.checks == 1


def test_never_inside_a_round_waits_for_round_ended() -> None:
    clock, tracker, rc = _scheduler()
    tracker.observe(started(5.0))
    clock.advance(120_000)
    assert rc.poll() == [] and rc.state is RcState.DUE
    clock.advance(30_000)
    assert rc.poll() == []  # still in the round
    tracker.observe(ended())
    [action] = rc.round_ended()
    assert isinstance(action, ShowRealityCheck)
    assert action.data.elapsed_seconds == 150.0


def test_without_win_loss_the_check_carries_time_only() -> None:
    settings = RC.model_copy(update={"rc_display_win_loss": False})
    clock, tracker, rc = _scheduler(settings)
    tracker.observe(m.Balance(data=100.0))
    tracker.observe(started(90.0))
    tracker.observe(ended())
    clock.advance(60_000)
    [action] = rc.poll()
    assert isinstance(action, ShowRealityCheck)
    data = action.data
    assert data.total_staked is data.total_won is data.net_result is None
    assert not data.shows_win_loss and data.rounds == 1


def test_clock_is_held_while_the_dialog_is_open() -> None:
    clock, _, rc = _scheduler()
    clock.advance(60_000)
    assert len(rc.poll()) == 1
    clock.advance(10 * 60_000)  # the player reads for ten minutes
    assert rc.poll() == [] and rc.next_deadline() is None and rc.remaining_ms() == 0
    assert rc.answered("continue") == []
    assert rc.next_deadline() == clock.now + 60_000  # a full interval from the answer
    clock.advance(59_999)
    assert rc.poll() == []
    clock.advance(1)
    assert len(rc.poll()) == 1 and rc.checks == 2


def test_quit_closes_the_game_and_stops_checking() -> None:
    clock, _, rc = _scheduler()
    clock.advance(60_000)
    rc.poll()
    assert rc.answered(m.RealityCheckChoice.QUIT) == [
        CloseGame("the player quit at the reality check")
    ]
    clock.advance(10**7)
    assert rc.poll() == [] and rc.state is RcState.OFF


def test_history_opens_history_url_and_play_goes_on() -> None:
    clock, _, rc = _scheduler()
    clock.advance(60_000)
    rc.poll()
    assert rc.answered("history") == [OpenHistory("https://c.example/history")]
    assert rc.state is RcState.COUNTING
    no_url = RC.model_copy(update={"history_url": None})
    clock, _, rc = _scheduler(no_url)
    clock.advance(60_000)
    rc.poll()
    assert rc.answered("history") == [] and rc.state is RcState.COUNTING


def test_answers_nobody_asked_for_do_nothing_and_bad_ones_raise() -> None:
    clock, _, rc = _scheduler()
    assert rc.answered("quit") == [] and rc.state is RcState.COUNTING
    clock.advance(60_000)
    rc.poll()
    with pytest.raises(ValueError):
        rc.answered("maybe")
    assert rc.state is RcState.SHOWING


def test_a_failed_check_counts_again_from_now() -> None:
    clock, _, rc = _scheduler()
    clock.advance(60_000)
    rc.poll()
    clock.advance(5_000)
    assert rc.failed() == []
    assert rc.next_deadline() == clock.now + 60_000


def test_reconfigure_restarts_or_stops_the_interval() -> None:
    clock, _, rc = _scheduler(GameSettings())
    rc.configure(RC.model_copy(update={"rc_interval": 2_000}))
    clock.advance(2_000)
    assert len(rc.poll()) == 1
    rc.configure(GameSettings())  # while showing: the open check stays open
    assert rc.state is RcState.SHOWING
    rc.answered("continue")
    assert rc.state is RcState.OFF


# ---------------------------------------------------------------- inactivity


def test_warns_then_closes() -> None:
    clock = Clock()
    mon = InactivityMonitor(limit_ms=60_000, warn_ms=10_000, clock=clock)
    assert mon.next_deadline() == clock.now + 50_000
    clock.advance(49_999)
    assert mon.poll() == []
    clock.advance(1)
    assert mon.poll() == [WarnInactive(10_000)]
    assert mon.poll() == []  # warned once
    assert mon.next_deadline() == clock.now + 10_000
    clock.advance(10_000)
    assert mon.poll() == [CloseGame("inactivity")]
    assert mon.poll() == [] and mon.next_deadline() is None
    assert mon.observe(m.PlayerActivity()) == []  # closed for good


def test_activity_clears_the_warning_and_starts_over() -> None:
    clock = Clock()
    mon = InactivityMonitor(60_000, 10_000, clock)
    clock.advance(55_000)
    assert mon.poll() == [WarnInactive(5_000)]
    assert mon.observe(m.Balance(data=1.0)) == []  # not activity
    assert mon.observe(m.PlayerActivity()) == [InactivityCleared()]
    assert mon.idle_ms() == 0
    clock.advance(49_000)
    assert mon.poll() == []


@pytest.mark.parametrize(
    "message",
    [m.PlayerActivity(), m.RoundEnded(), m.StakeChanged(data=m.StakeChangedData(stake=1.0)),
     m.AutoplayStarted(), m.RealityCheckAnswer(data=m.RealityCheckAnswerData(choice="continue")),
     m.CloseRequest(), m.HistoryRequest(), m.RoundStarted(data=3.0)],
)  # fmt: skip
def test_what_counts_as_activity(message: m.Message) -> None:
    clock = Clock()
    mon = InactivityMonitor(1_000, 0, clock)
    clock.advance(900)
    mon.observe(message)
    clock.advance(900)
    assert mon.poll() == []


def test_without_a_warning_it_just_closes() -> None:
    clock = Clock()
    mon = InactivityMonitor(1_000, 0, clock)
    assert mon.next_deadline() == clock.now + 1_000
    clock.advance(1_000)
    assert mon.poll() == [CloseGame("inactivity")]


@pytest.mark.parametrize(("limit", "warn"), [(0, 0), (1_000, 1_000), (1_000, -1), (-5, 0)])
def test_bad_limits_raise(limit: float, warn: float) -> None:
    with pytest.raises(ValueError, match="warn_ms < limit_ms"):
        InactivityMonitor(limit, warn, Clock())


# ---------------------------------------------------------------- supervisor


def test_supervisor_runs_all_three_from_the_game_messages() -> None:
    clock = Clock()
    sup = Supervisor(RC, currency="EUR", clock=clock, inactivity_limit_ms=300_000,
                     inactivity_warn_ms=60_000)  # fmt: skip
    assert sup.next_deadline() == clock.now + 60_000
    assert sup.observe(m.Balance(data=10.0)) == []
    sup.observe(started(9.0))
    clock.advance(61_000)
    assert sup.poll() == []  # due, but inside the round
    [show] = sup.observe(ended(win=3.0))
    assert isinstance(show, ShowRealityCheck) and show.data.net_result == 2.0
    answer = m.RealityCheckAnswer(data=m.RealityCheckAnswerData(choice="history"))
    assert sup.observe(answer) == [OpenHistory("https://c.example/history")]
    assert sup.answered("history") == []  # the same answer again: already applied
    clock.advance(240_000)
    assert sup.poll() == [ShowRealityCheck(sup.reality_check.check_data()), WarnInactive(60_000)]
    assert sup.check_failed() == []
    clock.advance(60_000)
    assert CloseGame("inactivity") in sup.poll()


def test_supervisor_without_inactivity_and_reconfigured() -> None:
    clock = Clock()
    sup = Supervisor(GameSettings(), currency="EUR", clock=clock)
    assert sup.next_deadline() is None and sup.inactivity is None
    sup.configure(RC)
    sup.set_inactivity(10_000, 0)
    assert sup.next_deadline() == clock.now + 10_000
    sup.set_inactivity(None)
    assert sup.next_deadline() == clock.now + 60_000
