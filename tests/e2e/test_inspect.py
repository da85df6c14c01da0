"""hizi-inspect end to end: the CLI as a user runs it (a subprocess), against the demo, the JS
example and deliberately broken fixture peers (tests/e2e/pages/inspect/).

What is asserted is what a user sees: exit codes, and case ids with their results in --json.
The broken game fixtures share one inspector process (one browser), with short timeouts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, E2ESite

FIXTURES = Path(__file__).resolve().parent / "pages" / "inspect"
RC_CLICK = "#reality-check [data-action=continue]"


@pytest.fixture(scope="module")
def site(e2e_site: E2ESite) -> E2ESite:
    shutil.copytree(FIXTURES, e2e_site.site_dir / "inspect", dirs_exist_ok=True)
    return e2e_site


def inspect(args: Sequence[str], timeout: float = 200) -> tuple[int, str, float]:
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "bridge.inspect", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )
    elapsed = time.monotonic() - started
    print(proc.stdout, proc.stderr, f"({elapsed:.1f} s)")
    return proc.returncode, proc.stdout, elapsed


def inspect_concurrently(runs: Sequence[Sequence[str]], timeout: float = 200) -> list[int]:
    """Several inspector processes at once: the broken fixtures mostly wait out short
    timeouts, so two browsers side by side halve the wall time on two cores."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bridge.inspect", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for args in runs
    ]
    codes = []
    for proc in procs:
        out, _ = proc.communicate(timeout=max(1.0, timeout - (time.monotonic() - started)))
        print(out)
        codes.append(proc.returncode)
    print(f"({time.monotonic() - started:.1f} s for {len(runs)} concurrent runs)")
    return codes


def results(path: Path) -> dict[str, str]:
    report = json.loads(path.read_text())
    assert set(report) >= {"target", "mode", "cases", "summary"}
    assert set(report["summary"]) == {"pass", "fail", "warn", "n/a"}
    for case in report["cases"]:
        assert set(case) >= {"id", "title", "result", "evidence"}
    return {case["id"]: case["result"] for case in report["cases"]}


def fails(res: dict[str, str]) -> set[str]:
    return {case_id for case_id, result in res.items() if result == "fail"}


def test_demo_game_passes_and_its_recording_replays(site: E2ESite, tmp_path: Path) -> None:
    out, rec, html = tmp_path / "demo.json", tmp_path / "demo.jsonl", tmp_path / "demo.html"
    code, _, _ = inspect(
        [
            "game",
            site.game_url("demo_game/"),
            "--rc-click",
            RC_CLICK,
            # PyScript on a shared 2-core CI machine can take seconds per round trip.
            "--round-timeout",
            "20",
            "--json",
            str(out),
            "--record",
            str(rec),
            "--html",
            str(html),
            "--junit",
            str(tmp_path / "demo.xml"),
        ]
    )
    res = results(out)
    assert code == 0, res
    assert not fails(res)
    for case_id in (
        "G-START-001",
        "G-PAUSE-001",
        "G-PAUSE-002",
        "G-RC-001",
        "G-ORIGIN-001",
        "G-ORIGIN-002",
        "G-ORIGIN-003",
        "G-POST-001",
        "G-RELOAD-001",
        "G-DIALECT-002",
        "G-EXT-001",
        "G-EXT-002",
    ):
        assert res[case_id] == "pass", (case_id, res[case_id])
    report = json.loads(out.read_text())
    ready = next(c for c in report["cases"] if c["id"] == "G-START-001")["evidence"][0]["t"]
    after_load = report["duration_s"] - ready
    print(f"demo game: {after_load:.1f} s of inspection after the game loaded (target 60 s)")
    # The target is 60 s on a quiet 2-core machine; CI shares its cores, so only a gross
    # regression fails here.
    assert after_load <= 120
    text = html.read_text()
    assert "G-RC-001" in text and "game \u2192 lobby" in text
    assert "http" not in text.split("<body>")[0].replace("charset", "")  # nothing fetched
    assert "<testcase" in (tmp_path / "demo.xml").read_text()

    rows = [json.loads(line) for line in rec.read_text().splitlines()]
    assert {r["direction"] for r in rows} >= {"lobby_to_game", "game_to_lobby", "player"}
    assert all(
        {"t", "direction", "origin", "transport", "wire", "verdict"} <= set(r)
        for r in rows
        if r["direction"] != "player"
    )
    replay_out = tmp_path / "replay.json"
    code, stdout, _ = inspect(
        [
            "replay",
            str(rec),
            "--against",
            "game",
            site.game_url("demo_game/"),
            "--json",
            str(replay_out),
        ]
    )
    replay = json.loads(replay_out.read_text())
    assert code == 0, replay["divergences"][:5]
    assert replay["divergences"] == [] and replay["received"] == replay["expected"] > 10
    assert "no divergence" in stdout


def test_js_example_game_passes(site: E2ESite, tmp_path: Path) -> None:
    out = tmp_path / "js.json"
    url = site.game_url("examples/js_game.html?handshakeTimeoutMs=1000")
    code, _, _ = inspect(["game", url, "--json", str(out), "--no-reload"])
    res = results(out)
    assert code == 0, res
    # The report names the URL the user gave, not it with the harness's random lobby port.
    assert json.loads(out.read_text())["target"] == url
    assert res["G-ROUND-001"] == res["G-PAUSE-002"] == res["G-RC-001"] == "pass"
    # It checks ?lobby= (lobbyOrigins): a stranger naming itself, or framing it while naming
    # the harness, gets nothing.
    assert res["G-ORIGIN-003"] == res["G-ORIGIN-002"] == res["G-ORIGIN-001"] == "pass", res
    assert res["G-DIALECT-002"] == "n/a"  # the example ignores ?dialect=
    # It knows none of issue #12's lobby -> game extensions: ignored safely, not a failure.
    assert res["G-EXT-001"] == "pass" and res["G-EXT-002"] == "warn", res


def test_broken_games_are_flagged(site: E2ESite, tmp_path: Path) -> None:
    base = site.game_url("inspect/broken_game.html")
    expected = {
        "no-ready": {"G-START-001"},
        "unpaired": {"G-ROUND-002"},
        "star": {"G-POST-001"},
        "late-rc": {"G-RC-001"},
        "stranger-pause": {"G-ORIGIN-001"},
        "ext-crash": {"G-EXT-001", "G-EXT-002"},
        "trusts-lobby": {"G-ORIGIN-003"},
    }
    bugs = list(expected)
    halves = {"a": bugs[::2], "b": bugs[1::2]}  # two inspector processes, one browser each
    options = ["--start-timeout", "3", "--reply-timeout", "1", "--round-timeout", "2"]
    options += ["--quiet-time", "1", "--no-dialects", "--no-reload"]
    started = time.monotonic()
    codes = inspect_concurrently(
        [
            [
                "game",
                *(f"{base}?bug={bug}&rcDelayMs=1800" for bug in half),
                "--json",
                str(tmp_path / f"{name}.json"),
                *options,
            ]
            for name, half in halves.items()
        ]
    )
    elapsed = time.monotonic() - started
    assert codes == [1, 1]
    for bug, case_ids in expected.items():
        name = "a" if bug in halves["a"] else "b"
        res = results(tmp_path / f"{name}-{halves[name].index(bug) + 1}.json")
        assert fails(res) >= case_ids, (bug, res)
        if bug == "unpaired":
            # Without a roundStarted no case that needs a complete round can pass either.
            assert res["G-ROUND-001"] == "fail", res
            continue
        # Each other fixture has one bug: nothing unrelated fails with it; in particular
        # plain games that ignore issue #12's extensions get no G-EXT failure.
        assert fails(res) <= case_ids | {"G-START-002"}, (bug, fails(res))
        if bug != "ext-crash":
            assert res["G-EXT-001"] in ("pass", "n/a") and res["G-EXT-002"] in ("warn", "n/a")
    print(f"broken games: {elapsed:.1f} s")


def test_a_studio_game_with_real_patterns_is_inspected_from_an_allowed_origin(
    site: E2ESite, tmp_path: Path
) -> None:
    """A game that allows only https://*.casino.example refuses the harness's own loopback
    lobby (the report says how to present an allowed one); with --lobby-origin the harness
    lobby is served from that origin by request routing and the game passes. The hizi-bridge
    game of issue #17, which believes ?lobby=, fails G-ORIGIN-003 and nothing else."""
    url = site.game_url("inspect/studio_game.html?handshakeTimeoutMs=1000")
    refused, allowed = tmp_path / "refused.json", tmp_path / "allowed.json"
    trusting = tmp_path / "trusting.json"
    quick = ["--no-dialects", "--no-reload"]
    codes = inspect_concurrently(
        [
            ["game", url, "--json", str(refused), "--start-timeout", "8", *quick],
            ["game", site.game_url("inspect/trusting_game.html"), "--json", str(trusting), *quick],
            [
                "game",
                url,
                "--lobby-origin",
                "https://play.casino.example",
                "--json",
                str(allowed),
                "--no-reload",
                # Three browsers share the cores: a game that starts late is not this test's point.
                "--start-timeout",
                "90",
            ],
        ]
    )
    report = json.loads(refused.read_text())
    assert codes[0] == 1 and results(refused)["G-LOAD-001"] == "fail"
    assert codes[1] == 1 and fails(results(trusting)) == {"G-ORIGIN-003"}, results(trusting)
    believed = next(
        c for c in json.loads(trusting.read_text())["cases"] if c["id"] == "G-ORIGIN-003"
    )
    assert "obeyed it" in believed["detail"] and believed["evidence"], believed
    assert any("--lobby-origin" in note for note in report["notes"]), report["notes"]
    res = results(allowed)
    assert codes[2] == 0, res
    assert res["G-ROUND-001"] == res["G-POST-001"] == res["G-ORIGIN-003"] == "pass", res
    posts = next(c for c in json.loads(allowed.read_text())["cases"] if c["id"] == "G-POST-001")
    assert "https://play.casino.example" in posts["detail"]


def test_a_game_that_obeys_a_stranger_but_posts_to_its_own_lobby_fails(
    site: E2ESite, tmp_path: Path
) -> None:
    """A game whose posts go to its hard-coded lobby but which obeys whoever ?lobby= names:
    the stranger gets nothing (the browser drops the answers), yet the game played, paused
    and answered for it, and G-ORIGIN-003 says so."""
    out = tmp_path / "half.json"
    code, _, _ = inspect(
        [
            "game",
            site.game_url("inspect/half_trusting_game.html"),
            "--lobby-origin",
            "https://play.casino.example",
            "--no-dialects",
            "--no-reload",
            "--json",
            str(out),
        ]
    )
    case = next(c for c in json.loads(out.read_text())["cases"] if c["id"] == "G-ORIGIN-003")
    assert code == 1 and case["result"] == "fail", case
    assert "obeyed it" in case["detail"] and "dropped" in case["detail"], case
    assert {e.get("type") for e in case["evidence"]} >= {"roundStarted", "gamePaused"}, case


def test_a_bad_lobby_origin_is_refused_by_the_cli(site: E2ESite) -> None:
    code, _, _ = inspect(
        ["game", site.game_url("demo_game/"), "--lobby-origin", "http://x.example"]
    )
    assert code == 2  # argparse: a usage error


def test_demo_lobby_passes_and_any_origin_lobby_is_flagged(site: E2ESite, tmp_path: Path) -> None:
    demo, broken = site.lobby_url("demo_lobby/"), site.lobby_url("inspect/lobby_any_origin.html")
    code, _, _ = inspect(
        ["lobby", demo, broken, "--json", str(tmp_path / "l.json"), "--start-timeout", "30"]
    )
    assert code == 1
    demo_res, broken_res = results(tmp_path / "l-1.json"), results(tmp_path / "l-2.json")
    assert not fails(demo_res), demo_res
    assert demo_res["L-LOAD-001"] == demo_res["L-LOAD-002"] == demo_res["L-START-001"] == "pass"
    assert demo_res["L-ORIGIN-001"] == demo_res["L-RELOAD-001"] == "pass"
    # The demo lobby's hello (said at the frame's load event) is seen and checked.
    assert demo_res["L-MSG-001"] == demo_res["L-POST-001"] == "pass", demo_res
    assert fails(broken_res) == {"L-ORIGIN-001"}


def test_unloadable_target_exits_2(site: E2ESite, tmp_path: Path) -> None:
    out = tmp_path / "missing.json"
    code, _, _ = inspect(
        [
            "game",
            site.game_url("inspect/no_such_page.html"),
            "--json",
            str(out),
            "--start-timeout",
            "3",
        ]
    )
    assert code == 2
    report: dict[str, Any] = json.loads(out.read_text())
    assert report["loaded"] is False


def test_demo_game_passes_in_each_studio_dialect(site: E2ESite, tmp_path: Path) -> None:
    """--dialect: the harness plays a RubyPlay or 155.io wrapper; the demo game speaks each."""
    runs = {d: tmp_path / f"{d}.json" for d in ("rubyplay", "155io")}
    codes = inspect_concurrently(
        [
            [
                "game",
                site.game_url("demo_game/"),
                "--dialect",
                d,
                "--json",
                str(p),
                "--start-timeout",
                "90",
            ]
            for d, p in runs.items()
        ]
    )
    ruby, marbles = results(runs["rubyplay"]), results(runs["155io"])
    assert codes == [0, 0], (ruby, marbles)
    assert set(ruby) == {"G-RUBY-001", "G-RUBY-002", "G-RUBY-003", "G-RUBY-004"}  # own cases only
    assert [ruby[f"G-RUBY-00{i}"] for i in (1, 2, 3)] == ["pass"] * 3, ruby
    assert ruby["G-RUBY-004"] == "n/a"  # no spin command in RubyPlay: no round was played
    assert marbles == {"G-MARBLES-001": "pass", "G-MARBLES-002": "pass", "G-MARBLES-003": "pass"}
