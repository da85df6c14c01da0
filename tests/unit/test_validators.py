"""``bridge.core.validators``: the catalog's validators are built on first use or when idle,
never at import (issue #19), and a model built late accepts and refuses what it always did.

The import cases run in a fresh CPython: this one's models were built by the other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bridge.core import validators
from bridge.core.errors import SchemaViolation
from bridge.core.messages import BY_TYPE, Direction
from bridge.core.wire import parse_object

ROOT = Path(__file__).resolve().parents[2]


def _fresh(script: str) -> Any:
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_importing_the_engine_builds_no_message_validator() -> None:
    """(A few small ``data`` models are built at import: a message's default ``data``, such
    as ``ByeData()``, is an instance made when the class is.)"""
    result = _fresh(
        "import json, bridge.browser.engine\n"
        "from bridge.core import validators\n"
        "from bridge.core.messages import ALL_MESSAGES\n"
        "built = [c.__name__ for c in ALL_MESSAGES if c.__pydantic_complete__]\n"
        "print(json.dumps([built, len(validators.unbuilt()), len(validators.models())]))"
    )
    built, unbuilt, total = result
    assert built == []
    assert total > len(BY_TYPE) and unbuilt >= total - 8


def test_a_message_builds_its_own_model_and_no_other() -> None:
    result = _fresh(
        "import json\n"
        "from bridge.core import validators\n"
        "from bridge.core.wire import parse_object\n"
        "parse_object({'type': 'balance', 'data': 101.5})\n"
        "from bridge.core.messages import ALL_MESSAGES\n"
        "print(json.dumps([c.__name__ for c in ALL_MESSAGES if c.__pydantic_complete__]))"
    )
    assert result == ["Balance"]


def test_a_first_use_from_a_shallow_stack_builds(tmp_path: Path) -> None:
    """pydantic builds a deferred model in its caller's namespace, five frames up: a first use
    from JavaScript (the bench's floor called the validator straight from a Pyodide proxy)
    has none of its own. A thread whose target is a C callable (``functools.partial`` of
    ``getattr``) starts with no Python frame under pydantic's placeholder, as a call from
    JavaScript does; the first use then builds the model."""
    script = tmp_path / "first_use.py"
    script.write_text(
        "import _thread, functools, json, sys, time\n"
        "from bridge.core.messages import BY_TYPE\n"
        "balance = BY_TYPE['balance']\n"
        "errors = []\n"
        "sys.unraisablehook = lambda u: errors.append(repr(u.exc_value))\n"
        "placeholder = balance.__dict__['__pydantic_validator__']\n"
        "_thread.start_new_thread(functools.partial(getattr, placeholder, 'validate_python'), ())\n"
        "deadline = time.monotonic() + 10\n"
        "while not (balance.__pydantic_complete__ or errors) and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
        "message = balance.__pydantic_validator__.validate_python("
        "{'type': 'balance', 'data': 1.5})\n"
        "print(json.dumps([errors, message.data,"
        " balance.__pydantic_serializer__.to_json(message).decode()]))\n"
    )
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [[], 1.5, '{"type":"balance","data":1.5}']


def test_build_next_builds_one_per_call_until_none_is_left() -> None:
    result = _fresh(
        "import json\n"
        "from bridge.core import validators\n"
        "total = len(validators.unbuilt())\n"
        "seen = []\n"
        "while True:\n"
        "    more = validators.build_next()\n"
        "    seen.append(len(validators.unbuilt()))\n"
        "    if not more: break\n"
        "print(json.dumps([total, seen, validators.build_next(), validators.build_all()]))"
    )
    total, seen, again, built = result
    assert seen == list(range(total - 1, -1, -1))
    assert again is False and built == 0


def test_build_all_leaves_nothing_unbuilt() -> None:
    validators.build_all()
    assert validators.unbuilt() == []
    assert validators.build_all() == 0


@pytest.mark.parametrize("type_name", ["balance", "setStake", "realityCheck"])
def test_a_model_built_late_still_refuses_what_it_refused(type_name: str) -> None:
    """Built on first use in a fresh interpreter, the model is as strict as ever."""
    cls = BY_TYPE[type_name]
    good = dict(cls.example)
    result = _fresh(
        "import json, sys\n"
        "from bridge.core.errors import SchemaViolation\n"
        "from bridge.core.wire import parse_object\n"
        f"good = json.loads({json.dumps(json.dumps(good))})\n"
        "bad = dict(good, data={'unexpected': 1})\n"
        "try:\n"
        "    parse_object(bad)\n"
        "    refused = False\n"
        "except SchemaViolation:\n"
        "    refused = True\n"
        "print(json.dumps([parse_object(good).type, refused]))"
    )
    assert result == [type_name, True]
    with pytest.raises(SchemaViolation):
        parse_object({**good, "data": {"unexpected": 1}}, direction=cls.direction)
    assert cls.direction in (Direction.LOBBY_TO_GAME, Direction.GAME_TO_LOBBY)
