"""bridge.core.state: the lifecycle table is complete, closed under its own states, and drawn."""

from __future__ import annotations

import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest

from bridge.core.channel import Channel, ChannelConfig
from bridge.core.errors import InvalidTransition, LocalProtocolError
from bridge.core.messages import Role
from bridge.core.state import (
    CHECKS,
    GAME_STATES,
    TABLE,
    Event,
    PeerState,
    Step,
    possible_events,
    table_for,
    transition,
)

ROOT = Path(__file__).resolve().parents[2]
STATES = {Role.LOBBY: frozenset(PeerState), Role.GAME: GAME_STATES}


@pytest.mark.parametrize("role", list(Role))
def test_every_event_a_channel_can_read_has_exactly_one_row(role: Role) -> None:
    """No fall-through: each (state, event) a channel can meet is a row, and nothing else is."""
    for state in STATES[role]:
        rows = {event for (r, s, event) in TABLE if r is role and s is state}
        assert rows == possible_events(role, state), state
    assert {s for (r, s, _) in TABLE if r is role} == STATES[role]


@pytest.mark.parametrize("role", list(Role))
def test_every_state_is_reachable_and_leads_to_closed(role: Role) -> None:
    rows = table_for(role)
    seen, todo = {PeerState.IDLE}, deque([PeerState.IDLE])
    while todo:
        state = todo.popleft()
        for (source, _), t in rows.items():
            if source is state and t.next not in seen:
                seen.add(t.next)
                todo.append(t.next)
    assert seen == STATES[role]
    for state in STATES[role] - {PeerState.CLOSED}:
        assert rows[(state, Event.CLOSE)].next is PeerState.CLOSED


def test_checks_come_first_so_a_refused_value_changes_nothing() -> None:
    for key, t in TABLE.items():
        checks = [i for i, step in enumerate(t.steps) if step in CHECKS]
        assert checks == list(range(len(checks))), key


def test_every_step_is_something_the_channel_does() -> None:
    used = {step for t in TABLE.values() for step in t.steps}
    assert used == set(Step)
    for step in Step:
        assert callable(getattr(Channel, f"_step_{step.value}"))


def test_a_transition_the_table_lacks_is_a_local_error_naming_all_three() -> None:
    with pytest.raises(InvalidTransition) as caught:
        transition(Role.GAME, PeerState.PROBING, Event.LOAD)
    error = caught.value
    assert isinstance(error, LocalProtocolError) and error.code == "invalid_transition"
    assert (error.role, error.state, error.event) == ("game", "probing", "load")
    assert "game" in str(error) and "'probing'" in str(error) and "'load'" in str(error)
    assert transition(Role.LOBBY, PeerState.CONNECTED, Event.LOAD).next is PeerState.PROBING


def test_a_closed_channel_ignores_everything() -> None:
    for (_, state, _), t in TABLE.items():
        if state is PeerState.CLOSED:
            assert t.next is PeerState.CLOSED and t.steps == ()


def test_the_states_a_caller_sees_follow_the_peer_state() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, "https://games.example"))
    assert lobby.peer_state is PeerState.IDLE and lobby.mode is None
    lobby.start()
    assert lobby.peer_state is PeerState.HANDSHAKING and lobby.handshake_deadline is not None
    assert lobby.has_timers and lobby.confirm_deadline is None
    lobby.close()
    assert lobby.peer_state is PeerState.CLOSED and not lobby.has_timers


def test_the_diagram_in_the_docs_is_the_tables() -> None:
    script = ROOT / "docs" / "make-state-diagram.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = (ROOT / "docs" / "state-diagram.md").read_text()
    assert text.count("```mermaid") == 2
    assert "connected --> probing_plain: window_message" in text  # a game posting plain too
    assert "connected --> closed: bye_takeover / close" in text  # two bridges, one iframe
