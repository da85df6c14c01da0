"""bridge.core.state: the lifecycle table, and each of its rules carried out by a Channel.

The table is complete, closed under its own states, checks-first, and drawn in the docs.
Then, which document is on the other end: each transition of the game frame runs on the
Loopback with an injected clock: what the lobby delivers, what the game documents receive
of the lobby's sends, and what pending requests get. A new document is a fresh game
Channel (a fresh session); a plain page is a few injected window messages.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest

from bridge.core import messages as m
from bridge.core.channel import Channel, ChannelConfig, State
from bridge.core.effects import (
    Connected,
    Deliver,
    Disconnected,
    HandshakeTimedOut,
    Inbound,
    Mode,
    Post,
    Superseded,
    Transport,
)
from bridge.core.errors import (
    ChannelClosedError,
    HandshakeTimeout,
    InvalidTransition,
    LocalProtocolError,
    RequestCancelled,
    RequestTimeout,
)
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
from bridge.core.wire import dump
from bridge.hub import Driver, StatusEvent

from .fakes import (
    CHECK,
    CONFIRM_MS,
    GAME_ORIGIN,
    LOBBY_ORIGIN,
    OTHER_GAME_ORIGIN,
    FakeIO,
    Loopback,
    connected_bridge,
    hellos,
    load,
    lobby_request,
    new_bridge_document,
    plain_says,
    send,
    window_sends,
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


def test_the_hot_path_is_the_tables_row() -> None:
    """Channel delivers a port message while CONNECTED without the lookup: the row says so."""
    for role in Role:
        row = transition(role, PeerState.CONNECTED, Event.PORT_MESSAGE)
        assert row.next is PeerState.CONNECTED and row.steps == (Step.DELIVER_PORT,)


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


# ================================================================ the rules, on a Loopback

# ---------------------------------------------------------------- rule 1: a confirmed port


def test_the_lobby_connects_only_on_the_games_ready_and_flushes_its_queue_then() -> None:
    net = Loopback(request_timeout_ms=500)
    net.apply(net.lobby, net.lobby.channel.start())
    net.in_flight.clear()  # the lobby's hello is lost; the game's comes on its own
    net.apply(net.game, net.game.channel.start())
    hello = net.in_flight.pop(0)
    net.apply(net.lobby, net.lobby.channel.receive(hello[1]))  # the lobby welcomes...
    assert net.lobby.channel.state is State.HANDSHAKING
    assert not any(isinstance(e, Connected) for e in net.lobby.effects)
    send(net, m.Turbo(data=True))  # ...and queues until the game takes the port
    send(net, m.Spin())
    rid = lobby_request(net, m.Pause())
    assert net.lobby.channel.stats.queued == 3
    net.run()  # welcome -> game adopts the port -> ready -> lobby connected, queue flushed
    assert [type(e).__name__ for e in net.lobby.effects].count("Connected") == 1
    assert net.lobby.channel.state is State.CONNECTED
    assert net.game.types == ["turbo", "spin", "pause"]
    net.advance(500)  # the request's timer ran from the call, not from the flush
    assert isinstance(net.lobby.failed[rid], RequestTimeout)


def test_a_welcomed_page_that_never_confirms_is_greeted_again_and_still_connects() -> None:
    net = Loopback()
    net.apply(net.lobby, net.lobby.channel.start())
    net.in_flight.clear()
    net.apply(net.game, net.game.channel.start())
    net.apply(net.lobby, net.lobby.channel.receive(net.in_flight.pop(0)[1]))
    net.in_flight.clear()  # the welcome is lost
    effects = net.lobby.channel.poll()
    assert effects == []
    net.clock.advance(CONFIRM_MS)
    effects = net.lobby.channel.poll()
    assert [type(e).__name__ for e in effects] == ["ClosePort", "Post"]
    assert hellos(effects) == 1 and net.lobby.channel.mode is None
    net.apply(net.lobby, effects)
    net.run()  # the game answers the hello, gets a new welcome and port, confirms
    assert net.lobby.channel.state is State.CONNECTED and net.lobby.channel.mode is Mode.BRIDGE


def test_a_welcomed_page_replaced_by_a_plain_one_ends_in_compat() -> None:
    net = Loopback()
    net.apply(net.lobby, net.lobby.channel.start())
    net.apply(net.game, net.game.channel.start())
    net.apply(net.lobby, net.lobby.channel.receive(net.in_flight.pop(1)[1]))
    net.in_flight.clear()
    send(net, m.Spin())
    plain_says(net, "onAppFrameReady")  # delivered: it may be the welcomed game's own
    assert net.lobby.types == ["onAppFrameReady"] and net.lobby.channel.mode is Mode.BRIDGE
    net.advance(CONFIRM_MS)
    assert net.lobby.channel.state is State.CONNECTED and net.lobby.channel.mode is Mode.COMPAT
    assert window_sends(net) == [{"type": "spin"}]


# ---------------------------------------------------------------- bridge -> bridge, reload


def test_bridge_to_bridge_with_the_hello_after_the_load_event() -> None:
    """A Pyodide game says hello seconds after its load event."""
    net = connected_bridge()
    rid = lobby_request(net, CHECK)  # a person answers: no timeout of its own
    net.in_flight.clear()  # the old page goes away before it can answer
    new_bridge_document(net)
    load(net)
    assert net.lobby.channel.state is State.CONNECTED  # not known yet: the old one may live
    send(net, m.Spin())  # held, not posted into a port nobody holds
    assert net.lobby.channel.stats.queued == 1
    net.in_flight.clear()  # the probe hello reaches the new page, still booting: lost
    net.advance(CONFIRM_MS)  # no answer: the old page is gone
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    assert net.lobby.channel.state is State.HANDSHAKING
    assert any(isinstance(e, Disconnected) for e in net.lobby.effects)
    net.apply(net.game, net.game.channel.start())  # the new game boots and says hello
    net.run()
    assert net.lobby.channel.state is State.CONNECTED and net.lobby.channel.mode is Mode.BRIDGE
    assert net.game.types == ["spin"]
    assert net.lobby.channel.stats.handshakes == 2


def test_bridge_to_bridge_with_the_new_hello_before_the_probe_deadline() -> None:
    net = connected_bridge()
    rid = lobby_request(net, m.Pause())
    net.in_flight.clear()
    new_bridge_document(net)
    load(net)
    send(net, m.Spin())
    net.apply(net.game, net.game.channel.start())
    net.run()  # a new session: the old page is gone, requests sent to it cancelled
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    assert net.lobby.channel.state is State.CONNECTED and net.game.types == ["spin"]
    net.advance(CONFIRM_MS)  # the probe's deadline is over and done with
    assert net.lobby.channel.state is State.CONNECTED and len(net.lobby.failed) == 1


def test_bridge_to_bridge_with_the_hello_before_the_load_event() -> None:
    """A fast game says hello before its own load event; that load must not reset it."""
    net = connected_bridge()
    rid = lobby_request(net, m.Pause())
    net.in_flight.clear()
    new_bridge_document(net)
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    assert net.lobby.channel.state is State.CONNECTED
    rid = lobby_request(net, m.Pause())  # to the new page
    load(net)  # the new page's own load event: a probe, answered by the same session
    send(net, m.Spin())
    net.run()
    assert net.lobby.channel.state is State.CONNECTED and net.lobby.channel.stats.handshakes == 2
    assert net.game.types == ["pause", "spin"]
    net.apply(net.game, net.game.channel.send(m.GamePaused()))
    net.run()
    assert rid in net.lobby.done
    net.advance(CONFIRM_MS)
    assert net.lobby.channel.state is State.CONNECTED and net.lobby.channel.stats.handshakes == 2


def test_the_load_event_of_the_connected_page_itself_changes_nothing() -> None:
    net = connected_bridge()
    rid = lobby_request(net, CHECK)
    net.run()
    load(net)
    send(net, m.Spin())
    send(net, m.Turbo(data=True))
    assert net.lobby.channel.stats.queued == 2  # held until the page answers the hello
    net.run()
    assert net.game.types == ["realityCheck", "spin", "turbo"]
    net.apply(net.game, net.game.channel.send(m.RealityCheckAnswer(data={"choice": "quit"})))  # type: ignore[arg-type]
    net.run()
    assert rid in net.lobby.done and net.lobby.failed == {}
    net.advance(CONFIRM_MS)
    assert net.lobby.channel.state is State.CONNECTED


def test_reload_of_the_same_page() -> None:
    net = connected_bridge()
    rid = lobby_request(net, CHECK)
    net.run()
    new_bridge_document(net)  # location.reload(): same URL, new document and session
    load(net)
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    assert net.lobby.channel.stats.handshakes == 2
    net.apply(net.game, net.game.channel.send(m.GameReady()))
    net.run()
    assert net.lobby.types[-1] == "gameReady"


def test_port_messages_during_the_probe_are_delivered_but_do_not_confirm() -> None:
    net = connected_bridge()
    net.apply(net.game, net.game.channel.send(m.Balance(data=3)))  # posted just before unload
    load(net)
    net.in_flight = [f for f in net.in_flight if f[1].via is Transport.PORT]  # hello lost
    net.run()
    assert net.lobby.delivered[-1] == m.Balance(data=3)
    net.advance(CONFIRM_MS)
    assert net.lobby.channel.state is State.HANDSHAKING


# ---------------------------------------------------------------- bridge <-> plain


def test_a_bridge_game_that_also_posts_plain_messages_keeps_its_port() -> None:
    """Issue #18: a hizi-bridge game page that also posts a valid plain Appendix A message
    itself (a studio migrating old code, an analytics snippet). The lobby delivers it and asks
    whether the game is still there; the game answers, so both ends stay on the port: no
    compat on one side and bridge on the other, and the pending reality check settles."""
    net = connected_bridge()
    rid = lobby_request(net, CHECK)
    net.run()
    assert net.game.types == ["realityCheck"]
    net.inject(net.lobby, Inbound({"type": "balance", "data": 42}, GAME_ORIGIN, from_peer=True))
    assert net.lobby.types[-1] == "balance" and net.lobby.rejected == []
    assert net.lobby.channel.peer_state is PeerState.PROBING_PLAIN
    send(net, m.Spin())  # held while the lobby asks
    net.run()  # the game, still there, answers the lobby's hello with its own
    assert net.lobby.channel.peer_state is PeerState.CONNECTED
    assert net.game.types == ["realityCheck", "spin"] and net.game.rejected == []
    net.advance(CONFIRM_MS * 2)  # no deadline left to give the game up
    assert net.lobby.channel.mode is Mode.BRIDGE and net.game.channel.mode is Mode.BRIDGE
    net.apply(
        net.game,
        net.game.channel.send(m.RealityCheckAnswer.model_validate(m.RealityCheckAnswer.example)),
    )
    net.run()
    assert isinstance(net.lobby.done[rid], m.RealityCheckAnswer)
    assert not any(isinstance(e, Disconnected) for e in net.lobby.effects)
    assert net.lobby.channel.stats.handshakes == 1  # the same session throughout


def test_bridge_to_plain_with_the_plain_messages_before_the_load_event() -> None:
    net = connected_bridge()
    rid = lobby_request(net, CHECK)
    net.run()
    plain_says(net, "onAppFrameReady", "gameReady")
    # Delivered, not refused as "transport"; the lobby probes the port's document (it may be
    # the game posting plain messages itself) and, with no answer, takes it as gone.
    assert net.lobby.types == ["onAppFrameReady", "gameReady"] and net.lobby.rejected == []
    assert net.lobby.channel.peer_state is PeerState.PROBING_PLAIN and rid not in net.lobby.failed
    net.run()  # the plain page ignores the hello
    net.advance(CONFIRM_MS)
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    assert net.lobby.channel.state is State.CONNECTED and net.lobby.channel.mode is Mode.COMPAT
    send(net, m.Spin())
    load(net)  # the plain page's own load event
    rid = lobby_request(net, m.Pause())
    assert window_sends(net) == [{"type": "spin"}, {"type": "pause"}]
    assert rid not in net.lobby.failed
    assert net.lobby.port is None


def test_bridge_to_plain_with_the_load_event_first() -> None:
    net = connected_bridge()
    load(net)
    send(net, m.Spin())  # held by the probe
    plain_says(net, "gameReady")
    assert net.lobby.types == ["gameReady"] and window_sends(net) == []
    net.advance(CONFIRM_MS)  # nobody answered the probe's hello
    assert net.lobby.channel.mode is Mode.COMPAT
    assert window_sends(net) == [{"type": "spin"}]


def test_bridge_to_a_plain_page_that_talks_late() -> None:
    net = connected_bridge()
    rid = lobby_request(net, m.Pause())
    net.game_plain, net.game.port = True, None  # a plain page replaced the game
    load(net)
    net.run()  # the plain page ignores the hello
    net.advance(CONFIRM_MS)
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    send(net, m.Spin())
    plain_says(net, "gameReady")
    assert net.lobby.channel.mode is Mode.COMPAT and window_sends(net) == [{"type": "spin"}]


def test_an_invalid_plain_value_on_a_confirmed_port_is_only_rejected() -> None:
    net = connected_bridge()
    net.inject(net.lobby, Inbound({"type": "balance", "data": -1}, GAME_ORIGIN, from_peer=True))
    assert [r.error.reason.value for r in net.lobby.rejected] == ["schema"]
    assert net.lobby.channel.mode is Mode.BRIDGE and net.lobby.channel.state is State.CONNECTED


def test_plain_to_bridge() -> None:
    net = Loopback(game_plain=True)
    net.apply(net.lobby, net.lobby.channel.start())
    plain_says(net, "gameReady")
    rid = lobby_request(net, CHECK)
    new_bridge_document(net)
    load(net)
    send(net, m.Spin())  # compat still: goes on the window to whoever is there
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert isinstance(net.lobby.failed[rid], RequestCancelled)  # asked in compat
    assert net.lobby.channel.mode is Mode.BRIDGE and net.lobby.channel.state is State.CONNECTED
    send(net, m.Turbo(data=True))
    net.run()
    assert net.game.types[-1] == "turbo" and net.lobby.channel.stats.handshakes == 1


def test_a_hello_before_the_load_event_cancels_what_was_asked_in_compat() -> None:
    # The new bridge page says hello before the iframe's load event reaches the lobby: the
    # hello alone must end the request the plain page can no longer answer.
    net = Loopback(game_plain=True)
    net.apply(net.lobby, net.lobby.channel.start())
    plain_says(net, "gameReady")
    rid = lobby_request(net, CHECK)
    new_bridge_document(net)
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    assert net.lobby.channel.mode is Mode.BRIDGE and net.lobby.channel.state is State.CONNECTED


def test_a_plain_answer_on_the_window_settles_no_request_asked_on_the_port() -> None:
    # Any script in the game's document can post on the window; with a port held, the
    # answer to a request is the one on the port (it carries the request's id).
    net = connected_bridge()
    rid = lobby_request(net, CHECK)
    net.run()
    forged = {"type": "realityCheckAnswer", "data": {"choice": "quit"}}
    net.inject(net.lobby, Inbound(forged, net.game.origin, from_peer=True))
    assert rid not in net.lobby.done and rid not in net.lobby.failed
    answer = m.RealityCheckAnswer(data={"choice": "continue"})  # type: ignore[arg-type]
    net.apply(net.game, net.game.channel.send(answer))
    net.run()
    assert net.lobby.done[rid].data.choice.value == "continue"


def test_plain_to_plain() -> None:
    net = Loopback(game_plain=True)
    net.apply(net.lobby, net.lobby.channel.start(announce=False))
    load(net)  # the first plain page loads, then talks
    plain_says(net, "onAppFrameReady", "gameReady")
    rid = lobby_request(net, m.Pause())
    load(net)  # a second load: another document
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    plain_says(net, "onAppFrameReady", "gameReady")
    assert net.lobby.types == ["onAppFrameReady", "gameReady"] * 2
    assert net.lobby.channel.mode is Mode.COMPAT


def test_a_plain_pages_own_load_after_it_talked_keeps_its_requests() -> None:
    net = Loopback(game_plain=True)
    net.apply(net.lobby, net.lobby.channel.start(announce=False))
    plain_says(net, "gameReady")  # inline script, before the load event
    rid = lobby_request(net, m.Pause())
    load(net)
    assert rid not in net.lobby.failed
    net.inject(net.lobby, Inbound({"type": "gamePaused"}, GAME_ORIGIN, from_peer=True))
    assert rid in net.lobby.done


# ---------------------------------------------------------------- frames and origins


def test_an_iframe_that_starts_empty() -> None:
    net = Loopback()
    net.game_loaded = False
    assert net.lobby.channel.start(announce=False) == []  # nothing into about:blank
    send(net, m.Spin())
    net.game_loaded = True
    load(net)
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert net.lobby.channel.state is State.CONNECTED and net.game.types == ["spin"]


def test_an_iframe_that_starts_with_srcdoc() -> None:
    """srcdoc is a document of the lobby's own origin: its posts are refused as origin."""
    net = Loopback()
    net.game_loaded = False  # the hello into the srcdoc page is dropped by the browser
    net.apply(net.lobby, net.lobby.channel.start(announce=True))
    net.inject(net.lobby, Inbound({"type": "gameReady"}, LOBBY_ORIGIN, from_peer=True))
    assert [r.error.reason.value for r in net.lobby.rejected] == ["origin"]
    assert net.lobby.channel.state is State.HANDSHAKING
    net.game_loaded = True  # src set to the game
    load(net)
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert net.lobby.channel.state is State.CONNECTED and net.lobby.channel.mode is Mode.BRIDGE


def test_a_launch_url_that_redirects_to_another_allowed_origin() -> None:
    net = Loopback()
    net.lobby.channel = Channel(
        ChannelConfig(Role.LOBBY, GAME_ORIGIN, allowed_origins=[GAME_ORIGIN, OTHER_GAME_ORIGIN]),
        clock=net.clock,
    )
    net.game.origin = OTHER_GAME_ORIGIN  # the Loopback asserts every post targets it
    net.game.channel = Channel(ChannelConfig(Role.GAME, LOBBY_ORIGIN), clock=net.clock)
    net.game_loaded = False
    net.apply(net.lobby, net.lobby.channel.start(announce=False))
    net.game_loaded = True
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert net.lobby.channel.state is State.CONNECTED
    assert net.lobby.channel.target_origin == OTHER_GAME_ORIGIN
    # And in compat: a plain page on the other origin is served there too.
    plain_says(net, "gameReady")
    send(net, m.Spin())
    posts = [e for e in net.lobby.effects if isinstance(e, Post) and e.via is Transport.WINDOW]
    assert {p.target_origin for p in posts} == {OTHER_GAME_ORIGIN}


def test_the_target_never_follows_a_refused_origin() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))
    lobby.start()
    lobby.receive(Inbound({"type": "gameReady"}, "https://evil.example", from_peer=True))
    lobby.receive(Inbound({"type": "gameReady"}, "https://evil.example", from_peer=False))
    assert lobby.target_origin == GAME_ORIGIN


def test_two_bridges_for_one_iframe_the_last_one_wins() -> None:
    net = connected_bridge()
    first = net.lobby.channel
    second = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN), clock=net.clock)
    hello = second.start()
    answer = net.game.channel.receive(Inbound(json.loads(hello[0].text), LOBBY_ORIGIN, True))  # type: ignore[union-attr]
    assert hellos(answer) == 1
    game_hello = Inbound(json.loads(answer[0].text), GAME_ORIGIN, True)  # type: ignore[union-attr]
    assert first.receive(game_hello) == []  # its own game, answering: nothing new
    welcome = second.receive(game_hello)
    adopted = net.game.channel.receive(
        Inbound(json.loads(welcome[0].text), LOBBY_ORIGIN, True, has_port=True)  # type: ignore[union-attr]
    )
    names = [type(e).__name__ for e in adopted]
    # The game says bye on the first bridge's port, closes it and adopts the new one.
    assert names[:3] == ["Post", "ClosePort", "AdoptPort"]
    bye, ready = (e for e in adopted if isinstance(e, Post) and e.via is Transport.PORT)
    assert json.loads(bye.text)["type"] == "hiziBridge.bye"
    assert isinstance(second.receive(Inbound(ready.text, via=Transport.PORT))[0], Connected)
    gone = first.receive(Inbound(bye.text, via=Transport.PORT))
    assert [type(e).__name__ for e in gone] == ["ClosePort", "Disconnected", "Superseded"]
    assert first.state is State.CLOSED and second.state is State.CONNECTED
    # Where the browser reports it (Chromium: behind a flag), a closed port says the same.
    third = connected_bridge().lobby.channel
    assert [type(e).__name__ for e in third.port_closed()] == ["ClosePort", "Disconnected"]


def test_close_after_the_iframe_was_removed() -> None:
    net = connected_bridge()
    rid = lobby_request(net, CHECK)
    net.apply(net.lobby, net.lobby.channel.port_closed())  # the document went away
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    assert net.lobby.channel.state is State.HANDSHAKING
    effects = net.lobby.channel.close("iframe removed")
    assert [type(e).__name__ for e in effects] == ["Disconnected"]  # no port to say bye on
    assert net.lobby.channel.state is State.CLOSED
    assert net.lobby.channel.port_closed() == [] and net.lobby.channel.peer_loaded() == []


def test_port_closed_is_ignored_without_a_port_and_is_a_bye_for_a_game() -> None:
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))
    assert lobby.port_closed() == []
    net = connected_bridge()
    effects = net.game.channel.port_closed()
    assert [type(e).__name__ for e in effects] == ["ClosePort", "Disconnected"]
    assert net.game.channel.state is State.HANDSHAKING
    assert net.game.channel.next_deadline() is None  # a game waits for its lobby's hello


def test_port_closed_while_probing_resets_at_once() -> None:
    net = connected_bridge()
    load(net)
    net.apply(net.lobby, net.lobby.channel.port_closed())
    assert net.lobby.channel.state is State.HANDSHAKING and net.lobby.channel.mode is None


# ---------------------------------------------------------------- handshake timeout


def test_a_lobby_handshake_times_out_after_30_s_and_still_connects_later() -> None:
    net = Loopback()
    assert ChannelConfig(Role.LOBBY, GAME_ORIGIN).effective_handshake_timeout_ms() == 30_000
    net.apply(net.lobby, net.lobby.channel.start())
    net.in_flight.clear()
    net.clock.advance(29_999)
    assert net.lobby.channel.poll() == []
    net.clock.advance(1)
    [timed_out] = net.lobby.channel.poll()
    assert isinstance(timed_out, HandshakeTimedOut) and "30000 ms" in timed_out.reason
    assert (
        net.lobby.channel.state is State.HANDSHAKING and net.lobby.channel.next_deadline() is None
    )
    net.apply(net.game, net.game.channel.start())
    net.run()
    assert net.lobby.channel.state is State.CONNECTED


def test_the_driver_reports_the_timeout_as_status_error_and_settles_connected() -> None:
    clock = [0.0]
    channel = Channel(
        ChannelConfig(Role.LOBBY, GAME_ORIGIN, handshake_timeout_ms=100), clock=lambda: clock[0]
    )
    driver = Driver(channel, FakeIO())
    statuses: list[StatusEvent] = []
    driver.dispatcher.on_status(statuses.append)
    outcomes: list[object] = []
    driver.start()
    driver.when_connected(lambda: outcomes.append("ok"), outcomes.append)
    clock[0] = 0.1
    driver.poll()
    assert statuses[-1] == StatusEvent("error", None, statuses[-1].reason, "timeout")
    assert statuses[-1].to_dict()["code"] == "timeout"
    assert statuses[0].to_dict() == {
        "status": "handshaking",
        "mode": None,
        "reason": "",
        "code": None,
    }
    assert isinstance(outcomes[0], HandshakeTimeout) and outcomes[0].code == "timeout"
    driver.when_connected(lambda: outcomes.append("ok"), outcomes.append)  # at once
    assert len(outcomes) == 2 and isinstance(outcomes[1], HandshakeTimeout)
    driver.receive(Inbound({"type": "gameReady"}, GAME_ORIGIN, from_peer=True))
    assert driver.status == "connected" and statuses[-1].code is None
    driver.when_connected(lambda: outcomes.append("ok"), outcomes.append)
    assert outcomes[-1] == "ok"
    driver.close()
    driver.when_connected(lambda: outcomes.append("ok"), outcomes.append)
    assert isinstance(outcomes[-1], ChannelClosedError)


def test_close_fails_the_connected_waiters() -> None:
    driver = Driver(Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN)), FakeIO())
    driver.start()
    failures: list[object] = []
    driver.when_connected(lambda: failures.append("ok"), failures.append)
    driver.close()
    assert len(failures) == 1 and isinstance(failures[0], ChannelClosedError)


# ---------------------------------------------------------------- config, unicode, persons


def test_a_removed_iframe_cancels_requests_in_either_mode() -> None:
    net = connected_bridge()
    rid = lobby_request(net, CHECK)
    net.apply(net.lobby, net.lobby.channel.peer_removed())
    assert isinstance(net.lobby.failed[rid], RequestCancelled)
    assert net.lobby.channel.state is State.HANDSHAKING and net.lobby.channel.mode is None
    # A plain game (compat mode) goes the same way.
    lobby = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN))
    lobby.start()
    lobby.receive(Inbound({"type": "gameReady"}, GAME_ORIGIN, True))
    assert lobby.mode is Mode.COMPAT
    lobby.request(m.Pause(), 5000)
    effects = lobby.peer_removed()
    assert [type(e).__name__ for e in effects] == ["RequestFailed", "Disconnected"]
    assert lobby.state is State.HANDSHAKING
    # Nothing to do for a game, a closed channel, or a lobby that has no peer yet.
    assert lobby.peer_removed() == []


def test_the_bridge_that_takes_the_game_over_hears_its_greeting() -> None:
    """Two bridges on one iframe (a component mounted twice): the newer one gets the game's
    loading messages again (the last of each, in the order first sent), so a lobby that
    waits for gameReady on it does not wait for ever; the rounds are not repeated."""
    net = connected_bridge()
    game = net.game.channel
    for message in (
        m.OnAppFrameReady(),
        m.LoadProgress(data={"percent": 50}),  # type: ignore[arg-type]
        m.LoadProgress(data={"percent": 100}),  # type: ignore[arg-type]
        m.GameReady(),
        m.RoundStarted(data=1),
    ):
        net.apply(net.game, game.send(message))
    net.run()
    second = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN), clock=net.clock)
    hello = second.start()
    answer = game.receive(Inbound(json.loads(hello[0].text), LOBBY_ORIGIN, True))  # type: ignore[union-attr]
    welcome = second.receive(Inbound(json.loads(answer[0].text), GAME_ORIGIN, True))  # type: ignore[union-attr]
    adopted = game.receive(
        Inbound(json.loads(welcome[0].text), LOBBY_ORIGIN, True, has_port=True)  # type: ignore[union-attr]
    )
    _bye, *to_second = (e for e in adopted if isinstance(e, Post) and e.via is Transport.PORT)
    heard = []
    for post in to_second:
        for effect in second.receive(Inbound(post.text, via=Transport.PORT)):
            if isinstance(effect, Deliver):
                heard.append(dump(effect.message))
    assert second.state is State.CONNECTED
    assert heard == [
        {"type": "onAppFrameReady"},
        {"type": "loadProgress", "data": {"percent": 100}},
        {"type": "gameReady"},
    ]


def test_the_bridge_a_game_left_closes_for_good() -> None:
    """Two bridges on one iframe: the newer one wins, and the older one, told so by the
    game's bye, ends (no tug of war, and no handle left handshaking with a game it cannot
    have): its requests fail, its queue is dropped, later sends raise naming why."""
    net = connected_bridge()
    first = net.lobby.channel
    second = Channel(ChannelConfig(Role.LOBBY, GAME_ORIGIN), clock=net.clock)
    hello = second.start()
    answer = net.game.channel.receive(Inbound(json.loads(hello[0].text), LOBBY_ORIGIN, True))  # type: ignore[union-attr]
    game_hello = Inbound(json.loads(answer[0].text), GAME_ORIGIN, True)  # type: ignore[union-attr]
    first.receive(game_hello)
    welcome = second.receive(game_hello)
    adopted = net.game.channel.receive(
        Inbound(json.loads(welcome[0].text), LOBBY_ORIGIN, True, has_port=True)  # type: ignore[union-attr]
    )
    bye, _ = (e for e in adopted if isinstance(e, Post) and e.via is Transport.PORT)
    gone = first.receive(Inbound(bye.text, via=Transport.PORT))
    assert first.state is State.CLOSED
    superseded = [e for e in gone if isinstance(e, Superseded)]
    assert superseded and "took the game over" in superseded[0].reason
    # The game says hello again (say, the newer bridge re-announced itself), or a new game
    # page appears: the old bridge leaves both to the newer one.
    assert first.receive(game_hello) == []
    other = json.loads(json.dumps(game_hello.data))
    other["data"]["session"] = "g-another-page"
    assert first.receive(Inbound(other, GAME_ORIGIN, True)) == []
    with pytest.raises(ChannelClosedError, match="another lobby bridge"):
        first.send(m.Spin())
