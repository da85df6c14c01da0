"""Run launch inputs through Python and hizi-bridge.js and compare the whole answers.

The vectors (tests/vectors/launch.json) pin chosen cases with a fragment of each message; this
module compares everything, message text included, over any list of inputs, so a generated
batch finds drift no one wrote a vector for. Each case is ``{"fn": "readLaunch" | "trustedLobby",
"query": ..., "allowed": [...], "framing": ...}``; each answer is ``{"ok": <result>}`` or
``{"error": {"code", "param", "message"}}`` in Python's spelling (JS parameter names mapped,
the JS message's "hizi-bridge: " and "; nothing was posted" framing removed).

``python -m tests.unit.launch_drift [N] [SEED]`` prints the inputs the two answer differently.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from bridge.compliance.launch import LaunchError, UntrustedLobby, read_launch, trusted_lobby

from .node_js import run_engine

JS_NAMES = {"allowedLobbies": "allowed_lobbies", "lobbyOrigins": "lobby_origins"}


def python_answers(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for case in cases:
        try:
            if case["fn"] == "readLaunch":
                p = read_launch(case["query"], case["allowed"])
                launch = p.model_dump(mode="json", exclude={"settings"})
                out.append({"ok": {**launch, "settings": p.settings.to_wire()}})
            else:
                out.append({"ok": trusted_lobby(case["query"], case["allowed"], case["framing"])})
        except LaunchError as exc:
            code = "untrusted_lobby" if isinstance(exc, UntrustedLobby) else "invalid_launch"
            out.append({"error": {"code": code, "param": exc.param, "message": str(exc)}})
    return out


JS_BODY = r"""
const { Launch } = globalThis.__hiziBridgeEngine._internals;
const NAMES = JS_NAMES;
const answers = [];
for (const c of CASES) {
  try {
    answers.push({ ok: c.fn === "readLaunch" ? Launch.readLaunch(c.query, c.allowed)
      : Launch.trustedLobby(c.query, c.allowed, c.framing) });
  } catch (err) {
    if (!(err instanceof Error) || err.name !== "HiziBridgeError") {
      answers.push({ crash: String(err && err.stack) });
      continue;
    }
    let message = err.message.replace(/^hizi-bridge: /, "").replace(/; nothing was posted$/, "");
    let param = err.field;
    if (param in NAMES) {
      message = message.replace(param + ":", NAMES[param] + ":");
      param = NAMES[param];
    }
    answers.push({ error: { code: err.code, param, message } });
  }
}
// ASCII only: Python's splitlines() would cut the line at U+0085 or U+2028.
console.log(JSON.stringify(answers).replace(/[\u007f-\uffff]/g,
  (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")));
"""


def js_answers(cases: list[dict[str, Any]], tmp: Path) -> list[dict[str, Any]]:
    body = JS_BODY.replace("JS_NAMES", json.dumps(JS_NAMES)).replace("CASES", json.dumps(cases))
    answers: list[dict[str, Any]] = run_engine(body, tmp)
    return answers


def disagreements(cases: list[dict[str, Any]], tmp: Path) -> list[dict[str, Any]]:
    """The cases whose answers differ, each with both answers."""
    py, js = python_answers(cases), js_answers(cases, tmp)
    return [
        {"case": c, "python": p, "js": j} for c, p, j in zip(cases, py, js, strict=True) if p != j
    ]


# ---- generated inputs: pieces that sit where the rules of the two languages meet
ALLOWED = ["https://*.casino.example", "http://localhost:*", "http://127.0.0.1:8000"]
ODD = [
    "\ufeff", "\x85", "\xa0", "\u2028", "\u200b", "\u180e", "\u3000", "\x1c", "\x1f", "\x7f",
    "\x00", "\t", "\n", " ", "+", "%", "%zz", "%00", "%C2%85", "%EF%BB%BF", "%E2%80%A8",
    "%ED%A0%80", "%ED%B0%80", "%F0%9F%98%80", "%C3", "%FF", "\ud800", "\udc00", "\U0001f600",
    "\u00e9", "e\u0301", "\u0130", "\u212a", "&", "=", "#", "?", ";", "'", '"', "\\",
    "%2B", "%25", "%u00e9", "%%", "\x0b", "\x0c", "%3D", "%26", "\u00ad", "\u034f", "\U000e0001",
]  # fmt: skip
LOBBIES = [
    "https://play.casino.example", "https%3A%2F%2Fplay.casino.example", "http://localhost:5173",
    "https://PLAY.casino.example:443", "https://xn--bcher-kva.casino.example",
    "https://b\u00fccher.casino.example", "http://127.0.0.1:8000", "https://evil.example", "",
    "https://play\u3002casino.example", "https://play\uff0ecasino.example",
    "https://\u0130.casino.example", "https://\u212a.casino.example", "https://play.casino.example.",
    "https://\U0001f600.casino.example", "https://\uff50\uff4c\uff41\uff59.casino.example",
    "https://play..casino.example", "https://a_b.casino.example",
    "https://" + "a" * 64 + ".casino.example",
    "https://[::1]", "http://[::1]:8080", "http://127.1:8000", "http://0x7f.0.0.1:8000",
    "https://p\u00adlay.casino.example", "https://play\u200b.casino.example",
    "https://play\ufeff.casino.example", "https://play.casino.example\u3000",
]  # fmt: skip
SETTINGS = [
    '{"minStake":10}', '{"minStake":10,"minStake":20}', '{"minStake":1.0}',
    '{"minStake":1.5,"minStake":1}', '{"minStake":NaN}', '{"minStake":Infinity}',
    '{"minStake":-Infinity}', '{"loadMsg":"\\ud800"}', '{"loadMsg":"\\ud83d\\ude00"}',
    '{"loadMsg":"a\\u0085b"}', '{"homeURL":"https://a.example/\\ufeff"}',
    '{"homeURL":"https://a.example/\\u0085"}', '{"homeURL":"https://a.example/\\u00a0"}',
    '{"homeURL":"https://a.example/\\u180e"}', '{"homeURL":"https://a.example/\\u001c"}',
    '{"homeURL":"https://a.example/\\u200b"}', '\ufeff{"minStake":10}', '{"minStake":10}\ufeff',
    '{"minStake":10}\x85', ' {"minStake":10} ', '{"rcEnabled":true,"rcInterval":1e3}',
    '{"\\ud800":1}', '{"loadMsg":"' + "\U0001f600" * 150 + '"}', '{"minStake":1E2}',
    '{"minStake":100000000000000000000}', '{"minStake":-0}', '{"a":{"b":1,"b":2}}',
    '{"forceOrientation":"portrait\\u0000"}', '{"minStake":10}junk', "[1]", "null", '"x"',
    '\x0b{"minStake":1}', '{"minStake":1}\x0c', '\t{"minStake":1}\r\n', '{"minStake":01}',
    '{"minStake":1.}', '{"minStake":-}', '{"rcInterval":1e400}', '{"loadMsg":"\\u0000"}',
    '{"loadMsg":"\t"}', '{"loadMsg":"a\u2028b"}', '{"minStake":10,}', "{'minStake':10}",
    '{"minStake":0x10}', '{"homeURL":"HTTPS://a.example"}', '{"homeURL":"https://a.example/\u00e9"}',
    '{"homeURL":"https://user@a.example"}', '{"homeURL":"https://a.example\\\\@b"}',
    '{"loadMsg":"' + "e\u0301" * 120 + '"}', '{"minStake":1,"maxStake":0}', '{"rcEnabled":true}',
    '{"a":[' + "[" * 20 + "]" * 20 + "]}", '{"loadMsg":"[[[[[[[[[[[[[[[[[[["}', '{"__proto__":1}',
    '{"constructor":1}', '{"minStake":true}', '{"rcEnabled":1}', '{"minStake":1e2}',
]  # fmt: skip


# The red team's inputs, and their neighbours.
_FULL = "mode=REAL&language=en&currency=EUR&lobby=https%3A%2F%2Fplay.casino.example"
NAMED = [
    "?" + _FULL + "&lobby=https%3A%2F%2Fevil.example",
    "?lobby=a&lobby=b",
    "?" + _FULL + "&mode=DEMO",
    "?" + _FULL + '&settings={"minStake":1,"minStake":2}',
    "?" + _FULL + '&settings={"minStake":1.5,"minStake":1}',
    "?" + _FULL + '&settings={"loadMsg":"a","loadMsg":"\\ud800"}',
    "?" + _FULL + "&settings=%EF%BB%BF%7B%7D",
    "?" + _FULL + "&settings=%7B%7D%C2%85",
    "?" + _FULL + "&settings=%C2%85%7B%7D",
    "?" + _FULL + '&settings={"homeURL":"https://a.example/%EF%BB%BF"}',
    "?" + _FULL + '&settings={"homeURL":"https://a.example/%C2%85"}',
    "?" + _FULL + '&settings={"homeURL":"https://a.example/\\ufeff"}',
    "?" + _FULL + '&settings={"homeURL":"https://a.example/\\u0085"}',
    "?" + _FULL + '&settings={"loadMsg":"\\ufeff"}',
    "?" + _FULL + "&settings=%7B%22loadMsg%22%3A%22%ED%A0%80%22%7D",
    "?" + _FULL + '&settings={"loadMsg":"\\ud800"}',
    "?" + _FULL + '&settings={"loadMsg":"\\udc00\\ud800"}',
    "?" + _FULL + '&settings={"\\ud800":1}',
    "?" + _FULL + '&settings={"minStake":NaN}',
    "?" + _FULL + '&settings={"minStake":Infinity}',
    "?" + _FULL + '&settings={"minStake":-Infinity}',
    "?" + _FULL + '&settings={"minStake":' + "9" * 400 + "}",
    "?" + _FULL + '&settings={"minStake":-' + "9" * 400 + "}",
    "?" + _FULL + '&settings={"minStake":' + "9" * 5000 + "}",
    "?" + _FULL + "&seed=%ED%A0%80",
    "?" + _FULL + "&seed=\ud800",
    "?mode=REAL&language=en&currency=EUR&lobby=https%3A%2F%2Fplay.casino.example%ED%A0%80",
    "?mode=REAL&language=en&currency=EUR&lobby=https://play.casino.example\ud800",
    "?mode=REAL&language=en%ED%A0%80&currency=EUR&lobby=https://play.casino.example",
    "?mode=REAL%EF%BB%BF&language=en&currency=EUR&lobby=https://play.casino.example",
    "?mode=REAL&language=en&currency=EUR&lobby=%EF%BB%BFhttps://play.casino.example",
    "?mode=REAL&language=en&currency=EUR&lobby=https://play.casino.example%EF%BB%BF",
    "?mode=REAL&language=en&currency=EUR&lobby=https://play.casino.example%C2%85",
    "?mode=REAL&language=en&currency=EUR&lobby=https://play%E2%80%8B.casino.example",
    "?" + _FULL + "&pad=" + "a" * 8000,
    "?" + _FULL + "&pad=" + "\U0001f600" * 4050,
    "?" + _FULL + "&pad=" + "\U0001f600" * 8100,
    "?" + _FULL + "&pad=" + "\u00e9" * 8100,
    "?" + _FULL + "&pad=%C3",
    "?" + _FULL + "&lob%62y=x",
    "?" + _FULL + "&lobby%ED%A0%80=x",
]


def named() -> list[dict[str, Any]]:
    """The named inputs, each through both readers, with the framing origins that matter."""
    cases: list[dict[str, Any]] = []
    for query in NAMED:
        cases.append({"fn": "readLaunch", "query": query, "allowed": ALLOWED, "framing": None})
        for framing in (None, "", "null", "https://play.casino.example", "https://evil.example"):
            cases.append(
                {"fn": "trustedLobby", "query": query, "allowed": ALLOWED, "framing": framing}
            )
    for allowed in (
        [5],
        [None],
        ["https://x.example\ufeff"],
        ["https://x.example\x85"],
        [],
        ["https://*.casino.example", "https://*.casino.example"],
        ["\ud800"],
    ):
        for fn in ("readLaunch", "trustedLobby"):
            cases.append({"fn": fn, "query": "?" + _FULL, "allowed": allowed, "framing": None})
    not_text: tuple[object, ...] = (5, None, ["?" + _FULL])
    for odd in not_text:
        for fn in ("readLaunch", "trustedLobby"):
            cases.append({"fn": fn, "query": odd, "allowed": ALLOWED, "framing": None})
    return cases


def generated(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` launch inputs from ``seed``: valid launches with odd pieces put in or around them."""
    rng = random.Random(seed)
    cases: list[dict[str, Any]] = []
    for _ in range(n):
        params = {
            "mode": rng.choice(["REAL", "DEMO", "HISTORY", "real", "REAL\ufeff", ""]),
            "language": rng.choice(["en", "pt-BR", "en\n", "EN", "en\x85"]),
            "currency": rng.choice(["EUR", "usd", "XXX", "EUR\u00a0", "ABC"]),
            "lobby": rng.choice(LOBBIES),
        }
        if rng.random() < 0.6:
            params["settings"] = rng.choice(SETTINGS)
        pairs = [[k, v] for k, v in params.items()]
        for _ in range(rng.randint(0, 3)):
            odd = rng.choice(ODD)
            pair = rng.choice(pairs)
            where = rng.randrange(3)
            if where == 0:
                pair[1] = odd + pair[1]
            elif where == 1:
                pair[1] = pair[1] + odd
            else:
                pair[1] = pair[1][: len(pair[1]) // 2] + odd + pair[1][len(pair[1]) // 2 :]
        if rng.random() < 0.15:
            pairs.append(list(rng.choice(pairs)))  # a key given twice
        rng.shuffle(pairs)
        encode = rng.random() < 0.5
        parts = [k + "=" + (_encoded(v) if encode else v) for k, v in pairs]
        query = "?" + "&".join(parts)
        if rng.random() < 0.1:
            query = "https://games.example/slot/" + query + rng.choice(["", "#top", "#?x=1"])
        if rng.random() < 0.05:
            query += "&pad=" + rng.choice(["a", "\U0001f600"]) * rng.choice([4090, 4100, 8200])
        fn = rng.choice(["readLaunch", "readLaunch", "trustedLobby"])
        framing = rng.choice([None, None, "", "null", "https://play.casino.example"])
        # Through JSON, as the JS side receives it: a surrogate pair put together from two
        # odd pieces becomes one character in Python too.
        query = json.loads(json.dumps(query))
        cases.append({"fn": fn, "query": query, "allowed": ALLOWED, "framing": framing})
    return cases


def _encoded(value: str) -> str:
    # Percent-encode as a browser's URLSearchParams would, leaving "%" as it is so that odd
    # escapes (%ED%A0%80) reach the parser.
    out = []
    for char in value:
        if char.isascii() and (char.isalnum() or char in "-._~%"):
            out.append(char)
        elif 0xD800 <= ord(char) <= 0xDFFF:
            out.append(char)  # a lone surrogate has no UTF-8: left raw
        else:
            out.append("".join(f"%{b:02X}" for b in char.encode("utf-8")))
    return "".join(out)


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 400
    seed = int(argv[1]) if len(argv) > 1 else 17
    cases = named() + generated(n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        found = disagreements(cases, Path(tmp))
    for d in found:
        print(json.dumps(d, ensure_ascii=True))
    print(f"{len(found)} of {len(cases)} inputs answered differently", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
