"""The Python bridges' named helpers: one per message, and one rule for request-like ones."""

from __future__ import annotations

import asyncio
import gc
import inspect
from typing import Any

import pytest

from bridge.browser import helpers
from bridge.core import messages as m
from bridge.core.errors import RequestTimeout

ARGS: dict[str, tuple[Any, ...]] = {
    "turbo": (True,),
    "set_audio": (False,),
    "reality_check": (m.RealityCheckData(elapsed_seconds=1, currency="EUR"),),
    "set_stake": (2.0,),
    "show_error": ("expired",),
    "free_rounds": (m.FreeRoundsData.model_validate(m.FreeRounds.example["data"]),),
    "promo_info": (m.PromoInfoData(title="race"),),
    "load_progress": (40,),
    "round_started": (99.0,),
    "balance": (101.5,),
    "audio_toggle": (True,),
    "error": ("network", "lost"),
    "reality_check_answer": ("continue",),
    "stake_changed": (2.0,),
    "free_rounds_finished": (3.4,),
    "set_volume": (0.5,),
    "dialog_changed": ("rules",),
    "system_popup": ("SESSION_EXPIRED",),
}
KWARGS: dict[str, dict[str, Any]] = {
    "show_error": {"can_continue": False},
    "error": {"fatal": False},
    "dialog_changed": {"open": True},
    "system_popup": {"shown": True},
}


def _recorder(base: type) -> Any:
    loop = asyncio.new_event_loop()

    class Recorder(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.posted: list[m.Message] = []
            self.asked: list[m.Message] = []
            self.futures: list[asyncio.Future[m.Message]] = []

        def _post(self, message: m.Message) -> None:
            self.posted.append(message)

        def _ask(self, message: m.Message, timeout_ms: float | None) -> asyncio.Future[m.Message]:
            self.asked.append(message)
            future: asyncio.Future[m.Message] = loop.create_future()
            self.futures.append(future)
            return future

    recorder = Recorder()
    recorder.loop = loop
    return recorder


def _helpers(base: type) -> list[str]:
    return [
        name
        for name, fn in inspect.getmembers(base, inspect.isfunction)
        if not name.startswith("_")
    ]


@pytest.mark.parametrize(("side", "catalog"), [("LobbyHelpers", m.LOBBY_TO_GAME),
                                               ("GameHelpers", m.GAME_TO_LOBBY)])  # fmt: skip
def test_one_helper_per_message_and_requests_follow_one_rule(
    side: str, catalog: tuple[type[m.Message], ...]
) -> None:
    base = getattr(helpers, side)
    rec = _recorder(base)
    for name in _helpers(base):
        asked = len(rec.asked)
        result = getattr(rec, name)(*ARGS.get(name, ()), **KWARGS.get(name, {}))
        if len(rec.asked) > asked:
            assert result is rec.futures[-1], name  # a request helper returns its future
        else:
            assert result is None, name
    sent = rec.posted + rec.asked
    assert sorted(msg.type for msg in sent) == sorted(c.type_name() for c in catalog)
    # The rule: exactly the messages that have a reply go as requests.
    assert all(msg.reply is not None for msg in rec.asked)
    assert all(msg.reply is None for msg in rec.posted)
    rec.loop.close()


def test_round_ended_sends_the_extension_fields_only_when_given() -> None:
    rec = _recorder(helpers.GameHelpers)
    rec.round_ended()
    rec.round_ended(stake=1.0, win=0.0)
    assert rec.posted == [
        m.RoundEnded(),
        m.RoundEnded(data=m.RoundEndedData(stake=1.0, win=0.0)),
    ]
    rec.loop.close()


def test_bad_helper_data_raises_at_the_call() -> None:
    rec = _recorder(helpers.GameHelpers)
    with pytest.raises(ValueError):
        rec.round_started(-1.0)
    with pytest.raises(ValueError):
        rec.reality_check_answer("maybe")
    assert rec.posted == []
    rec.loop.close()


def test_an_unanswered_request_helper_can_be_dropped_silently() -> None:
    """A plain game never answers pause: the future fails, and nobody must be told twice."""
    rec = _recorder(helpers.LobbyHelpers)
    reported: list[dict[str, Any]] = []
    rec.loop.set_exception_handler(lambda loop, ctx: reported.append(ctx))
    rec.pause()
    rec.futures[0].set_exception(RequestTimeout("no 'gamePaused' within 10000 ms"))
    rec.loop.run_until_complete(asyncio.sleep(0))
    rec.futures.clear()
    gc.collect()
    assert reported == []
    # Without the helper's marking, the same drop is reported (so the test can fail).
    bare: asyncio.Future[None] = rec.loop.create_future()
    bare.set_exception(RequestTimeout("x"))
    del bare
    gc.collect()
    assert len(reported) == 1
    rec.loop.close()
