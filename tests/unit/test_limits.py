"""bridge.core.limits: the size and depth limits, and the text bound that lets small messages
skip the walk (issue #5)."""

from __future__ import annotations

import json

import pytest

from bridge.core import messages as m
from bridge.core.errors import MalformedMessage, OversizeValue
from bridge.core.limits import DEFAULT_LIMITS, Limits, check_value, decode_text, fits_by_text


def test_text_bound_implies_the_walk_passes() -> None:
    for cls in m.ALL_MESSAGES:
        text = json.dumps(cls.example)
        assert fits_by_text(text, DEFAULT_LIMITS), cls  # every message takes the fast path
        check_value(json.loads(text))
    tight = Limits(max_depth=2, max_nodes=4, max_string=8)
    assert not fits_by_text('{"a":[[1]]}', tight)  # 3 openers > depth 2
    assert not fits_by_text('{"a":1,"b":2,"c":3,"d":4}', tight)  # 3 commas + 1 + 1 > 4
    assert not fits_by_text('"123456789"', tight)  # longer than a string may be


@pytest.mark.parametrize(
    ("text", "limits", "error"),
    [
        ('{"type":"' + "x" * 20 + '"}', Limits(max_string=10), OversizeValue),
        ('{"a":{"b":{"c":1}}}', Limits(max_depth=2), OversizeValue),
        ('{"a":[1,2,3,4,5,6]}', Limits(max_nodes=5), OversizeValue),
        ("[" * 300 + "]" * 300, DEFAULT_LIMITS, OversizeValue),  # parser's own depth limit
        ("[" * 600 + "]" * 600, DEFAULT_LIMITS, OversizeValue),  # opener guard
        ('{"a":NaN}', DEFAULT_LIMITS, MalformedMessage),
        ('{"a":Infinity}', DEFAULT_LIMITS, MalformedMessage),
        ('{"a":1} trailing', DEFAULT_LIMITS, MalformedMessage),
        ('"\\ud800"', DEFAULT_LIMITS, MalformedMessage),
    ],
)
def test_decode_text_still_refuses(text: str, limits: Limits, error: type[Exception]) -> None:
    with pytest.raises(error):
        decode_text(text, limits)


def test_a_short_text_nested_past_the_parser_reads_as_oversize_not_malformed() -> None:
    """With a caller's ``max_depth`` above the parser's own limit (about 200), a short text
    nested 250 deep is still ``oversize`` (red team of issue #18: the short path said
    malformed)."""
    limits = Limits(max_depth=300, max_nodes=5000, max_string=5000)
    with pytest.raises(OversizeValue, match="nests deeper"):
        decode_text("[" * 250 + "]" * 250, limits)
