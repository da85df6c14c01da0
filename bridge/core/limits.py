"""Size limits on inbound values, checked before any parsing or validation.

A hostile frame can post a 10 MB string or an array nested 10,000 deep; both
must be refused in time proportional to the limit, not to the value.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic_core import from_json

from .errors import MalformedMessage, OversizeValue


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one inbound JSON text, checked before it is parsed whole (sizes in characters)."""

    max_text: int = 64 * 1024  # characters of JSON text
    max_depth: int = 8  # our deepest message nests 3 levels
    max_nodes: int = 512  # containers + scalars in one value
    max_string: int = 4096  # characters in any one string


DEFAULT_LIMITS = Limits()

_SCALARS = (str, int, float, bool, type(None))


def check_value(value: object, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a Python value that is too big or not JSON-shaped.

    Walks iteratively and stops at the first breach, so the cost is bounded by
    the limits whatever the size of ``value``.
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise OversizeValue(f"value has more than {limits.max_nodes} elements")
        if isinstance(item, str):
            if len(item) > limits.max_string:
                raise OversizeValue(
                    f"a string of {len(item)} characters exceeds {limits.max_string}"
                )
            continue
        if isinstance(item, _SCALARS):
            continue
        if depth > limits.max_depth:
            raise OversizeValue(f"value nests deeper than {limits.max_depth} levels")
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise MalformedMessage("object keys must be strings")
                if len(key) > limits.max_string:
                    raise OversizeValue("an object key is too long")
                stack.append((child, depth + 1))
                if len(stack) > limits.max_nodes:
                    raise OversizeValue(f"value has more than {limits.max_nodes} elements")
        elif isinstance(item, list | tuple):
            if len(item) > limits.max_nodes:
                raise OversizeValue(f"value has more than {limits.max_nodes} elements")
            stack.extend((child, depth + 1) for child in item)
        else:
            raise MalformedMessage(f"a {type(item).__name__} is not a JSON value")


def fits_by_text(text: str, limits: Limits, openers: int | None = None) -> bool:
    """True when the text alone proves the decoded value is within ``limits``.

    No decoded string or key is longer than the text; nesting is at most the number of
    ``[`` and ``{``; and every value but a container's first is preceded by a comma, so
    the values number at most commas + openers + 1. Commas and brackets inside strings
    only loosen these bounds. A small message (all of ours) passes, and skips the walk.
    """
    if openers is None:
        openers = text.count("[") + text.count("{")
    return (
        len(text) <= limits.max_string
        and openers <= limits.max_depth
        and text.count(",") + openers + 1 <= limits.max_nodes
    )


def decode_text(text: str, limits: Limits = DEFAULT_LIMITS) -> object:
    """Parse JSON text after checking its length; nesting is checked by ``check_value``.

    jiter (``pydantic_core.from_json``) parses about twice as fast as ``json.loads`` in
    Pyodide; it refuses NaN/Infinity and lone surrogates, and stops at 200 levels of
    nesting (reported as oversize, like the walk would).
    """
    size = len(text)
    if size > limits.max_text:
        raise OversizeValue(f"message of {size} characters exceeds {limits.max_text}")
    # Cheap guard before the parser recurses: depth cannot exceed the opener count.
    openers = text.count("[") + text.count("{")
    if openers > limits.max_nodes:
        raise OversizeValue(f"value has more than {limits.max_nodes} elements")
    try:
        value = from_json(text, allow_inf_nan=False)
    except ValueError as exc:
        if "recursion limit" in str(exc):
            raise OversizeValue(f"value nests deeper than {limits.max_depth} levels") from None
        raise MalformedMessage(f"not valid JSON: {exc}") from None
    if size <= limits.max_nodes and size <= limits.max_string and openers <= limits.max_depth:
        # A short text (every message of ours): no string, key or node count can exceed
        # its length, nor the nesting its openers, so fits_by_text's comma count is spared.
        return value
    if not fits_by_text(text, limits, openers):
        check_value(value, limits)
    return value
