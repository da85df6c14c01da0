"""The JavaScript half of ``bridge.boundary``, generated from its declarations.

``python -m bridge.contract`` writes ``js_boundary()`` to ``bridge/js/generated/boundary.js``
(a module of ``hizi-bridge.js``, see ``bridge.jsbuild``): the op and piece codes, the encoder
of every page → engine and engine → page carrier message (``pageOps.<name>(bridge,
...fields)``, ``engineOps.<name>(...)``), the decoder of every carrier message (``readOp``,
``readEngineOp``) and of every outbox piece (``readPiece``), and the catalog's type lists.
Nothing in them is written by hand, so the two languages read the same records. It also
writes the boundary and ownership tables of ``docs/architecture.md``.
"""

from __future__ import annotations

import json

from .boundary import ENGINE_OPS, FIELD, KIT_OPS, PAGE_OPS, PIECES, SEPARATOR, Op, Payload
from .core.messages import GAME_TO_LOBBY, LOBBY_TO_GAME


def camel(name: str) -> str:
    """``data_json`` -> ``dataJson``: the JavaScript name of a declared field or op."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _table(name: str, members: dict[str, object]) -> str:
    body = ", ".join(f"{k}: {json.dumps(v)}" for k, v in members.items())
    return f"const {name} = Object.freeze({{ {body} }});"


def _encoders(name: str, ops: tuple[Op, ...], *, fixed_bridge: set[str]) -> list[str]:
    lines = [f"const {name} = Object.freeze({{"]
    for o in ops:
        fields = [camel(f) for f in o.fields]
        if o.name in fixed_bridge:  # the runtime's own messages: bridge 0
            params, bridge = fields, "0"
        else:
            params, bridge = ["bridge", *fields], "bridge"
        lines.append(f"  /** {o.doc} */")
        items = ", ".join([str(o.code), bridge, *fields])
        lines.append(f"  {camel(o.name)}: ({', '.join(params)}) => [{items}],")
    lines.append("});")
    return lines


def _reader(name: str, ops: tuple[Op, ...], what: str) -> list[str]:
    lines = [
        f"/** {what} by its declared field names (null: an unknown op). */",
        f"function {name}(msg) {{",
        "  switch (msg[0]) {",
    ]
    for o in ops:
        named = [f'op: "{camel(o.name)}"', "bridge: msg[1]"]
        named += [f"{camel(f)}: msg[{i + 2}]" for i, f in enumerate(o.fields)]
        lines.append(f"    case {o.code}: return {{ {', '.join(named)} }};")
    lines += ["    default: return null;", "  }", "}"]
    return lines


def _read_piece() -> list[str]:
    lines = [
        "/** The value of one outbox piece, decoded once (where the engine kit runs): a page",
        " * piece's value is what the page acts on; it never parses or splits it again. */",
        "function readPiece(piece) {",
        "  switch (piece[0]) {",
    ]
    for p in PIECES:
        if p.payload is Payload.NONE:
            body = "return null;"
        elif p.payload is Payload.TEXT:
            body = "return piece.slice(1);"
        elif p.payload is Payload.NUMBER:
            body = "return Number(piece.slice(1));"
        elif p.payload is Payload.JSON:
            body = "return JSON.parse(piece.slice(1));"
        else:
            new_port, target, value = (camel(f) for f in p.fields)
            body = (
                "{ const cut = piece.indexOf(FIELD); "
                f'return {{ {new_port}: piece[1] === "1", {target}: piece.slice(2, cut), '
                f"{value}: JSON.parse(piece.slice(cut + 1)) }}; }}"
            )
        lines.append(f"    case {json.dumps(p.code)}: {body} // {p.name}")
    lines += [
        "    default:",
        "      throw new Error(`hizi-bridge: unknown outbox piece ${JSON.stringify(piece[0])}`);",
        "  }",
        "}",
    ]
    return lines


def _wrap(items: list[str]) -> str:
    # One type per line keeps the generated diff readable when the catalog grows.
    return "[\n" + "".join(f"  {json.dumps(i)},\n" for i in items) + "]"


def js_boundary() -> str:
    """The JavaScript block written into hizi-bridge.js between the boundary markers."""
    from . import __version__  # the one place the version is defined

    lines = [
        f"const VERSION = {json.dumps(__version__)};",
        _table("OP", {o.name.upper(): o.code for o in PAGE_OPS + KIT_OPS}),
        _table("ENGINE", {o.name.upper(): o.code for o in ENGINE_OPS}),
        _table("PIECE", {p.name.upper(): p.code for p in PIECES}),
        f"const SEPARATOR = {json.dumps(SEPARATOR)};",
        f"const FIELD = {json.dumps(FIELD)};",
        "/** Page -> engine carrier messages: [code, bridge, ...fields]. */",
        *_encoders("pageOps", PAGE_OPS, fixed_bridge=set()),
        "/** Engine -> page carrier messages: [code, bridge, ...fields]. */",
        *_encoders("engineOps", ENGINE_OPS, fixed_bridge={"booted", "boot_failed"}),
        *_reader("readOp", PAGE_OPS, "A page -> engine carrier message"),
        *_reader("readEngineOp", ENGINE_OPS, "An engine -> page carrier message"),
        *_read_piece(),
        f"const LOBBY_TO_GAME = {_wrap([c.type_name() for c in LOBBY_TO_GAME])};",
        f"const GAME_TO_LOBBY = {_wrap([c.type_name() for c in GAME_TO_LOBBY])};",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- docs/architecture.md

DOCS_BEGIN = (
    "<!-- boundary:begin (generated by python -m bridge.contract from bridge/boundary.py) -->\n"
)
DOCS_END = "\n<!-- boundary:end -->"


def _rows(ops: tuple[Op, ...], carrier: str) -> list[str]:
    rows = [f"| code | op | {carrier} | what |", "|---:|---|---|---|"]
    for o in ops:
        fields = ", ".join(f"`{f}`" for f in o.fields) or "-"
        if o.call is not None:
            fields += " (Python gets " + ", ".join(f"`{f}`" for f in o.call) + ")"
        rows.append(f"| {o.code} | `{o.name}` | {fields} | {o.doc} |")
    return rows


def markdown_tables() -> str:
    """The boundary and ownership tables of docs/architecture.md."""
    from .boundary import OWNERSHIP

    out = [
        "**Page → engine** (carrier message `[code, bridge, ...fields]`; the engine kit calls",
        "the bridge's Python handle with `handle(code, ...fields)`):",
        "",
        *_rows(PAGE_OPS, "fields"),
        "",
        "**Engine kit → Python** (the kit's own events, calls of the same form):",
        "",
        *_rows(KIT_OPS, "fields"),
        "",
        "**Engine → page** (carrier message `[code, bridge, ...fields]`):",
        "",
        *_rows(ENGINE_OPS, "fields"),
        "",
        "**Outbox pieces** (Python → engine kit: one string, pieces joined by U+0000, each led",
        "by its code; the kit carries out the engine's and decodes the page's, once):",
        "",
        "| code | piece | fields | payload | carried out by | what |",
        "|---|---|---|---|---|---|",
    ]
    for p in PIECES:
        fields = ", ".join(f"`{f}`" for f in p.fields) or "-"
        who = "engine kit" if p.engine else "page (decoded in the kit)"
        out.append(f"| `{p.code}` | `{p.name}` | {fields} | {p.payload.value} | {who} | {p.doc} |")
    out += [
        "",
        "**Who owns what** (one owner each; the other side holds at most a read-only value the",
        "owner hands over):",
        "",
        "| state | owner | the other side |",
        "|---|---|---|",
        *(f"| {state} | {owner} | {other} |" for state, owner, other in OWNERSHIP),
    ]
    return "\n".join(out)
