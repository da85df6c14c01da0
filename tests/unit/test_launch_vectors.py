"""One set of launch rules: tests/vectors/launch.json run over Python and over hizi-bridge.js.

Each implementation turns every case into the same plain result (a launch, a lobby, a policy
decision, or an error with its parameter and message); one checker judges both, so the JS API's
``readLaunch`` / ``game({ lobbyOrigins })`` cannot drift from Python's ``read_launch`` /
``trusted_lobby``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bridge.compliance.launch import LaunchError, UntrustedLobby, read_launch, trusted_lobby
from bridge.core.origin import InvalidOriginPattern, OriginPolicy

from .node_js import needs_node, run_engine

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "launch.json").read_text(encoding="utf-8")
)
# Parameter names in each language's own spelling.
JS_NAMES = {"allowedLobbies": "allowed_lobbies", "lobbyOrigins": "lobby_origins"}


def _query(case: dict[str, Any]) -> Any:
    query = case["query"]
    if not isinstance(query, str):
        return query
    return query.replace("__9000__", "a" * 9000).replace("__4100 emoji__", "\U0001f600" * 4100)


def _python_results() -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"readLaunch": [], "lobby": [], "policy": []}
    for case in VECTORS["readLaunch"]:
        try:
            p = read_launch(_query(case), case["allowed"])
        except LaunchError as exc:
            out["readLaunch"].append({"error": {"param": exc.param, "message": str(exc)}})
            continue
        launch = p.model_dump(mode="json", exclude={"settings"})
        out["readLaunch"].append({"launch": {**launch, "settings": p.settings.to_wire()}})
    for case in VECTORS["lobby"]:
        try:
            lobby = trusted_lobby(_query(case), case["patterns"], case["framing"])
        except UntrustedLobby as exc:
            error = {"code": "untrusted_lobby", "param": exc.param, "message": str(exc)}
            out["lobby"].append({"error": error})
            continue
        except LaunchError as exc:
            error = {"code": "invalid_config", "param": exc.param, "message": str(exc)}
            out["lobby"].append({"error": error})
            continue
        out["lobby"].append({"lobby": lobby})
    for case in VECTORS["policy"]:
        try:
            policy = OriginPolicy(case["patterns"])
        except InvalidOriginPattern as exc:
            out["policy"].append({"invalid": str(exc)})
            continue
        decision = policy.check(case["origin"])
        out["policy"].append({"allowed": decision.allowed, "reason": decision.reason})
    return out


JS_BODY = """
const { Launch } = globalThis.__hiziBridgeEngine._internals;
const V = VECTORS;
const query = (c) => (typeof c.query === "string"
  ? c.query.replace("__9000__", "a".repeat(9000))
    .replace("__4100 emoji__", "\\u{1f600}".repeat(4100)) : c.query);
const error = (err) => ({ error: { code: err.code, param: err.field, message: err.message } });
const results = { readLaunch: [], lobby: [], policy: [] };
for (const c of V.readLaunch) {
  try { results.readLaunch.push({ launch: Launch.readLaunch(query(c), c.allowed) }); }
  catch (err) { results.readLaunch.push(error(err)); }
}
for (const c of V.lobby) {
  try { results.lobby.push({ lobby: Launch.trustedLobby(query(c), c.patterns, c.framing) }); }
  catch (err) {
    const e = error(err);
    if (err.code === "invalid_launch") e.error.code = "invalid_config"; // game() reports it so
    results.lobby.push(e);
  }
}
for (const c of V.policy) {
  let policy;
  try { policy = Launch.makePolicy(c.patterns); }
  catch (err) { results.policy.push({ invalid: err.message }); continue; }
  const d = policy.check(c.origin);
  results.policy.push({ allowed: d.allowed, reason: d.reason });
}
out(results);
"""


@pytest.fixture(scope="module")
def js_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    if needs_node.args[0]:  # skipif condition: no node on this machine
        pytest.skip("needs node")
    body = JS_BODY.replace("VECTORS", json.dumps(VECTORS))
    result: dict[str, list[dict[str, Any]]] = run_engine(body, tmp_path_factory.mktemp("launch"))
    return result


def _check(kind: str, case: dict[str, Any], got: dict[str, Any]) -> None:
    if kind == "policy":
        if "invalid" in case:
            assert case["invalid"] in got.get("invalid", ""), got
        else:
            assert got.get("allowed") == case["allowed"], got
            assert case["text"] in got["reason"], got
        return
    if "error" in case:
        want = case["error"]
        assert "error" in got, f"accepted: {got}"
        error = got["error"]
        param = JS_NAMES.get(error.get("param"), error.get("param"))
        assert param == want.get("param", "lobby"), error
        if "code" in want:
            assert error["code"] == want["code"], error
        assert want["text"] in error["message"], error
        return
    key = "launch" if kind == "readLaunch" else "lobby"
    assert got == {key: case[key]}


CASES = [(kind, i, case) for kind in ("readLaunch", "lobby", "policy") for i, case in
         enumerate(VECTORS[kind])]  # fmt: skip
IDS = [f"{kind}-{i}" for kind, i, _ in CASES]


@pytest.fixture(scope="module")
def py_results() -> dict[str, list[dict[str, Any]]]:
    return _python_results()


@pytest.mark.parametrize(("kind", "index", "case"), CASES, ids=IDS)
def test_python(kind: str, index: int, case: dict[str, Any], py_results: Any) -> None:
    _check(kind, case, py_results[kind][index])


@needs_node
@pytest.mark.parametrize(("kind", "index", "case"), CASES, ids=IDS)
def test_javascript(kind: str, index: int, case: dict[str, Any], js_results: Any) -> None:
    _check(kind, case, js_results[kind][index])


def test_the_vectors_cover_both_outcomes_of_each_rule() -> None:
    """A file of only refusals (or only acceptances) could not catch a rule that flipped."""
    assert sum("launch" in c for c in VECTORS["readLaunch"]) >= 5
    assert sum("error" in c for c in VECTORS["readLaunch"]) >= 30
    assert sum("lobby" in c for c in VECTORS["lobby"]) >= 3
    assert sum("error" in c for c in VECTORS["lobby"]) >= 5
    assert {c.get("allowed") for c in VECTORS["policy"] if "origin" in c} == {True, False}


@needs_node
def test_game_options_name_the_lobby_exactly_one_way(tmp_path: Path) -> None:
    """HiziBridge.game()'s option rules (Launch.gameOptions), before any bridge exists."""
    body = """
const { Launch } = globalThis.__hiziBridgeEngine._internals;
const P = ["https://*.casino.example"];
const Q = "?lobby=https%3A%2F%2Fplay.casino.example";
const tries = [
  [{ lobbyOrigins: P }, Q, "https://play.casino.example"],
  [{ lobbyOrigins: P }, Q, "https://evil.example"],
  [{ lobbyOrigins: P }, "?lobby=https%3A%2F%2Fevil.example", null],
  [{ lobbyOrigin: "https://play.casino.example", lobbyOrigins: P }, Q, null],
  [{}, Q, null],
  [{ lobbyOrigins: P, allowedOrigins: ["https://x.example"] }, Q, null],
  [{ lobbyOrigins: [] }, Q, null],
  [{ lobbyOrigins: ["https://*.example"] }, Q, null],
  [{ lobbyOrigin: "https://play.casino.example", allowedOrigins: ["https://x.example"] }, "", null],
];
out(tries.map(([options, search, framing]) => {
  try {
    const o = Launch.gameOptions(options, search, framing);
    const rest = o.lobbyOrigins === undefined ? null : o.lobbyOrigins;
    return { lobbyOrigin: o.lobbyOrigin, lobbyOrigins: rest };
  } catch (err) { return { code: err.code, field: err.field, message: err.message }; }
}));
"""
    got = run_engine(body, tmp_path)
    assert got[0] == {"lobbyOrigin": "https://play.casino.example", "lobbyOrigins": None}
    assert got[1]["code"] == "untrusted_lobby" and "frames this game" in got[1]["message"]
    assert got[2]["code"] == "untrusted_lobby" and got[2]["field"] == "lobby"
    assert "nothing was posted" in got[2]["message"]
    assert [(g["code"], g["field"]) for g in got[3:8]] == [
        ("invalid_config", "lobbyOrigins"),
        ("invalid_config", "lobbyOrigins"),
        ("invalid_config", "allowedOrigins"),
        ("invalid_config", "lobbyOrigins"),
        ("invalid_config", "lobbyOrigins"),
    ]
    assert "too broad" in got[7]["message"]
    # lobbyOrigin as before: allowedOrigins is its inbound allow-list.
    assert got[8] == {"lobbyOrigin": "https://play.casino.example", "lobbyOrigins": None}
