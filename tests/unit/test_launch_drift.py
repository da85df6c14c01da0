"""Python's read_launch / trusted_lobby and hizi-bridge.js's answer every input alike, text and all.

tests/vectors/launch.json pins chosen cases by a fragment of each answer; here whole answers
are compared (``tests.unit.launch_drift``) over the red team's inputs and a seeded batch of
generated ones, so drift nobody wrote a vector for still fails.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .launch_drift import disagreements, generated, named, python_answers
from .node_js import needs_node


@needs_node
def test_named_inputs_get_the_same_answer_in_both_languages(tmp_path: Path) -> None:
    assert disagreements(named(), tmp_path) == []


@needs_node
def test_generated_inputs_get_the_same_answer_in_both_languages(tmp_path: Path) -> None:
    assert disagreements(generated(400, seed=17), tmp_path) == []


def test_the_inputs_reach_acceptance_and_each_parameters_refusal() -> None:
    """Inputs that all failed one way could not show two readers disagreeing elsewhere."""
    answers = python_answers(named() + generated(400, seed=17))
    outcomes = Counter("ok" if "ok" in a else a["error"]["param"] for a in answers)
    assert outcomes["ok"] >= 20, outcomes
    for param in ("mode", "language", "currency", "lobby", "settings", "query"):
        assert outcomes[param] >= 5, outcomes
    messages = " ".join(a["error"]["message"] for a in answers if "error" in a)
    for fragment in ("given more than once", "not text", "lone surrogate", "not valid JSON",
                     "invisible character", "the browser says", "longer than 8192"):  # fmt: skip
        assert fragment in messages, fragment
