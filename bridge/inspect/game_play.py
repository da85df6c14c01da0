"""The game inspection's play steps: rounds, pause, the reality check, every control, junk,
reload and the second dialect, each setting the outcome of its cases."""

from __future__ import annotations

from .capture import Event, of_type
from .cases import Result
from .game_driver import GameDriver
from .game_messages import ISSUE_12_EXTENSIONS, JUNK, RC_DATA, REACTIONS, SET_STAKES

RC_HINT = (
    "the game did not answer the reality check; if it waits for the player, pass "
    "--rc-click SELECTOR (the button that answers it in the game) to click it"
)


class PlaySteps(GameDriver):
    """The steps that play with the game from the harness lobby."""

    def step_round(self) -> None:
        ok, ev = self.spin()
        if ok:
            self.set("G-ROUND-001", Result.PASS, "spin -> roundStarted -> roundEnded", ev)
        else:
            started = of_type(ev, "roundStarted")
            what = "no roundEnded after roundStarted" if started else "no roundStarted"
            self.set("G-ROUND-001", Result.FAIL, f"{what} within {self.o.round_timeout:g} s", ev)
            self.s.pump(0.2)

    def step_pause(self) -> None:
        t = self.send({"type": "pause"})
        paused = self.wait_type(t, ("gamePaused",), self.o.reply_timeout)
        t_spin = self.send({"type": "spin"})
        self.s.wait_for(lambda: self.first(t_spin, "roundStarted"), self.o.quiet)
        played = self.first(t_spin, "roundStarted")
        if played is None:
            self.set("G-PAUSE-002", Result.PASS, "no round while paused", self.game_msgs(t))
        else:
            self.set(
                "G-PAUSE-002",
                Result.FAIL,
                "a spin sent while paused started a round",
                self.game_msgs(t),
            )
            self.wait_type(played.t, ("roundEnded",), self.o.round_timeout)
        t_resume = self.send({"type": "resume"})
        resumed = self.wait_type(
            t_resume, ("gameResumed",), self.o.reply_timeout if paused else self.o.quiet / 2
        )
        ev = self.game_msgs(t)
        if paused and resumed:
            self.set("G-PAUSE-001", Result.PASS, "gamePaused and gameResumed answered", ev)
        else:
            missing = [n for n, m in (("gamePaused", paused), ("gameResumed", resumed)) if not m]
            self.set("G-PAUSE-001", Result.WARN, f"no {' / '.join(missing)} (extension)", ev)
        ok, ev2 = self.spin()
        if ok:
            self.set("G-PAUSE-003", Result.PASS, "a round after resume", ev2)
        else:
            self.set("G-PAUSE-003", Result.FAIL, "no complete round after resume", ev2)

    def step_reality_check(self) -> None:
        t = self.send({"type": "realityCheck", "data": RC_DATA})
        if self.o.rc_click:
            self.click(self.o.rc_click, t)
        answer = self.wait_type(t, ("realityCheckAnswer",), self.o.reply_timeout)
        if answer is None:
            # Watch a little longer: an answer after the timeout is a failure, not silence.
            answer = self.wait_type(t, ("realityCheckAnswer",), min(self.o.reply_timeout, 5.0))
        ev = self.game_msgs(t)
        if answer is None:
            self.rc_unanswered = True
            self.notes.append(RC_HINT)
            self.set(
                "G-RC-001",
                Result.WARN,
                "no realityCheckAnswer (extension; use --rc-click if the player must answer)",
                ev,
            )
        elif answer.t - t > self.o.reply_timeout:
            self.set(
                "G-RC-001",
                Result.FAIL,
                f"answered after {answer.t - t:.2f} s, timeout {self.o.reply_timeout:g} s",
                ev,
            )
        else:
            self.set("G-RC-001", Result.PASS, f"answered in {answer.t - t:.2f} s", ev)

    def step_controls(self) -> None:
        t = self.send(
            {"type": "stop"},
            {"type": "clearCookies"},
            {"type": "stakeUp"},
            {"type": "stakeDown"},
            {"type": "updateBalance"},
            {"type": "showHelp"},
        )
        self.s.pump(1.0)
        errors = self.errors_since(t)
        ok, _ = self.spin()
        ev = self.game_msgs(t)
        if errors:
            self.set("G-CTRL-001", Result.FAIL, "page error: " + errors[0], ev)
        elif not ok:
            self.set("G-CTRL-001", Result.FAIL, "no complete round after the controls", ev)
        else:
            self.set("G-CTRL-001", Result.PASS, "accepted; a round afterwards", ev)

    def step_turbo_audio_autoplay(self) -> None:
        t = self.send({"type": "turbo", "data": True})
        ok, _ = self.spin()
        self.send({"type": "turbo", "data": False})
        self.s.pump(0.3)
        errors = self.errors_since(t)
        ev = self.game_msgs(t)
        if errors or not ok:
            why = ("page error: " + errors[0]) if errors else "no complete round in turbo"
            self.set("G-TURBO-001", Result.FAIL, why, ev)
        else:
            self.set("G-TURBO-001", Result.PASS, "a complete round in turbo", ev)

        bad: list[Event] = []
        t_audio = self.s.capture.now()
        for on in (False, True):
            t_one = self.send({"type": "setAudio", "data": on})
            self.s.pump(0.5)
            # audioToggle's data is "muted": it must be the opposite of setAudio's "on".
            bad += [
                e for e in of_type(self.game_msgs(t_one), "audioToggle") if e.data.get("data") == on
            ]
        errors = self.errors_since(t_audio)
        ev = self.game_msgs(t_audio)
        if errors:
            self.set("G-AUDIO-001", Result.FAIL, "page error: " + errors[0], ev)
        elif bad:
            self.set("G-AUDIO-001", Result.FAIL, "audioToggle contradicts setAudio", bad)
        else:
            self.set("G-AUDIO-001", Result.PASS, "setAudio false / true accepted", ev)

        t_auto = self.send({"type": "stopAutoplay"})
        self.s.pump(0.3)
        errors = self.errors_since(t_auto)
        if errors:
            self.set("G-AUTO-001", Result.FAIL, "page error: " + errors[0], self.game_msgs(t_auto))

    def step_extensions(self) -> None:
        """Issue #12's lobby -> game extensions: a game that ignores them is never failed for
        it (a plain Appendix A game does not know them); only a page error fails."""
        t = self.send(*ISSUE_12_EXTENSIONS)
        self.s.pump(self.o.quiet / 2)
        ok, _ = self.spin()
        errors = self.errors_since(t)
        ev = self.game_msgs(t)
        if errors:
            self.set("G-EXT-001", Result.FAIL, "page error: " + errors[0], ev)
        elif not ok:
            self.set(
                "G-EXT-001",
                Result.WARN,
                "no complete round after the extensions (showError, then continue)",
                ev,
            )
        else:
            self.set(
                "G-EXT-001",
                Result.PASS,
                f"{len(ISSUE_12_EXTENSIONS)} extension messages obeyed or ignored; "
                "the game still plays",
                ev,
            )

        t_stake = self.s.capture.now()
        answers: list[Event] = []
        for stake in SET_STAKES:
            t_one = self.send({"type": "setStake", "data": {"stake": stake}})
            answer = self.wait_type(t_one, ("stakeChanged",), self.o.reply_timeout)
            if answer is None:
                break
            answers.append(answer)
        errors = self.errors_since(t_stake)
        ev = self.game_msgs(t_stake)
        if errors:
            self.set("G-EXT-002", Result.FAIL, "page error: " + errors[0], ev)
        elif len(answers) == len(SET_STAKES):
            stakes = ", ".join(f"{a.data['data']['stake']:g}" for a in answers)
            self.set("G-EXT-002", Result.PASS, f"stakeChanged answered: {stakes}", ev)
        elif not answers:
            self.set(
                "G-EXT-002",
                Result.WARN,
                f"no stakeChanged within {self.o.reply_timeout:g} s (extension; a plain "
                "Appendix A game does not know setStake)",
                ev,
            )
        else:
            self.set("G-EXT-002", Result.WARN, "only the first setStake was answered", ev)

    def step_junk(self) -> None:
        t = self.send(*JUNK)
        self.s.pump(1.0)
        errors = self.errors_since(t)
        acted = of_type(self.game_msgs(t), *REACTIONS)
        ok, _ = self.spin()
        ev = self.game_msgs(t)
        if errors:
            self.set("G-JUNK-001", Result.FAIL, "page error: " + errors[0], ev)
        elif acted:
            self.set("G-JUNK-001", Result.FAIL, f"the game acted on junk ({acted[0].type})", acted)
        elif not ok:
            self.set("G-JUNK-001", Result.FAIL, "no complete round after the junk", ev)
        else:
            self.set("G-JUNK-001", Result.PASS, f"{len(JUNK)} junk values ignored", ev)

    def step_reload(self) -> None:
        if not self.o.reload:
            self.set("G-RELOAD-001", Result.NA, "not asked for (--no-reload)")
            return
        assert self.s.main is not None
        loads = self.s.main.evaluate("() => harnessLoads")
        t = self.send({"type": "reload"})
        # A game that ignores reload would cost the whole start-up timeout: wait for the frame
        # to load again first (a reload "after the current spin" is immediate when idle).
        reloaded = self.s.wait_for(
            lambda: self.s.main is not None and self.s.main.evaluate("() => harnessLoads") > loads,
            min(5.0, self.o.start_timeout),
            step=0.1,
        )
        ready = self.wait_type(t, ("gameReady",), self.o.start_timeout) if reloaded else None
        ev = self.game_msgs(t)
        if ready is None and self.rc_unanswered:
            # A game waiting for the player to answer its reality check may put reload off
            # until then: not the game's fault, the inspector never answered.
            self.set(
                "G-RELOAD-001",
                Result.NA,
                "no new gameReady after reload, but the game may be waiting for the player "
                "after the unanswered reality check (pass --rc-click SELECTOR to answer it)",
                ev,
            )
        elif ready is None:
            self.set("G-RELOAD-001", Result.WARN, "no new gameReady after reload", ev)
        else:
            self.set("G-RELOAD-001", Result.PASS, f"gameReady again after {ready.t - t:.2f} s", ev)

    def step_dialect(self) -> None:
        if not self.o.dialects:
            self.set("G-DIALECT-002", Result.NA, "not asked for (--no-dialects)")
            return
        self.s.wait_for(
            lambda: self.game_msgs(page="dialect"),
            max(1.0, self.o.start_timeout - self.s.capture.now()),
        )
        self.s.pump(0.3)
        msgs = self.game_msgs(page="dialect")
        envelopes = [e for e in msgs if isinstance(e.data, dict) and "Name" in e.data]
        if not msgs:
            self.set("G-DIALECT-002", Result.NA, "no message with dialect=gamesglobal")
        elif not envelopes:
            self.set(
                "G-DIALECT-002",
                Result.NA,
                "the game ignores dialect=gamesglobal (speaks Appendix A)",
                msgs,
            )
        elif len(envelopes) != len(msgs):
            self.set("G-DIALECT-002", Result.FAIL, "Bridge API mixed with other forms", msgs)
        elif bad := [e for e in msgs if not e.ok]:
            self.set("G-DIALECT-002", Result.FAIL, bad[0].verdict, msgs)
        else:
            self.set(
                "G-DIALECT-002",
                Result.PASS,
                f"{len(msgs)} valid Bridge API envelopes, BRIDGE_API_READY first",
                msgs,
            )
