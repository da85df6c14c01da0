"""Bytecode for the browser, and the standard library cut to what the bridge imports.

Pyodide imports the pure-Python files of a wheel from source, with sys.dont_write_bytecode
set, so every page load would compile pydantic, typing-extensions and the bridge again
(≈ 0.5 s per frame here). The build compiles them once, with the vendored Pyodide under Node,
and ships archives that carry ``__pycache__/*.cpython-3XY.pyc`` beside the source files
(unchecked-hash pycs: never re-validated, so extraction mtimes do not matter): all of ours,
and of the third-party wheels and the standard library only the modules a boot imports (the
rest would be bytes no page uses). The sources stay in the wheels (tracebacks, inspect);
another Python ignores the pycs.

Every archive written here is *stored*, not deflated: the files go over HTTP with brotli or
gzip, which compress a stored zip as a whole (far better than per-member deflate, which they
cannot compress further). Bump PYC_RECIPE when the bytes made here change: they are served
as immutable and cached under build/cache by a key that includes it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

from .common import BuildError, log, warn

PYC_RECIPE = "11"
OWN_PROJECT = "hizi-bridge"
STDLIB_KEY = "python-stdlib"  # never a project name (no such wheel is vendored)
# The standard library cut to what the bridge imports (JS API pages only).
RUNTIME_STDLIB_KEY = "python-stdlib-runtime"
RUNTIME_STDLIB_NAME = "python_stdlib_runtime.zip"
# Besides what a boot imports, the cut keeps what the bridge may import later: exception
# formatting (the JS API reports Python errors with their traceback) and the codecs text may
# name. A module missing from the cut fails with ImportError (a codec with LookupError), so
# keep this generous; tests/e2e/test_dist.py runs the JS API on the cut library.
RUNTIME_STDLIB_EXTRA = (
    "traceback.py",
    "linecache.py",
    "tokenize.py",
    "token.py",
    "textwrap.py",
    "encodings/__init__.py",
    "encodings/aliases.py",
    "encodings/ascii.py",
    "encodings/latin_1.py",
    "encodings/utf_8.py",
    "encodings/utf_8_sig.py",
    "encodings/utf_16.py",
    "encodings/idna.py",  # OriginPolicy normalises host names with str.encode("idna")
    "encodings/punycode.py",
    "stringprep.py",
    "encodings/raw_unicode_escape.py",
    "encodings/unicode_escape.py",
)
# Whole packages kept (a package that imports its helpers lazily would need all of them).
# None today: importlib.resources is used only on a PyScript page without the script tag.
RUNTIME_STDLIB_PACKAGES: tuple[str, ...] = ()
# The runtime cuts (the JS API, dist/) carry bytecode without docstrings: no page reads them,
# and they are a tenth of the bytes. PyScript pages keep the full pycs (help() works there).
NODOC = "nodoc"  # the pyc's optimization tag: <name>.<cache tag>.opt-nodoc.pyc


def runtime_key(project: str) -> str:
    """The key of ``project``'s wheel cut for the JS API ("+" is never in a project name)."""
    return f"{project}+runtime"


# Each wheel cut for the JS API (dist/): what a boot imports as bytecode only, the rest of the
# sources as they are (a later path may import them), minus what the browser copy never
# imports. PyScript pages keep the full compiled wheels (they read static/hizi-bridge.js).
RUNTIME_BRIDGE_KEY = runtime_key(OWN_PROJECT)
RUNTIME_DROP: dict[str, tuple[str, ...]] = {
    OWN_PROJECT: (
        "bridge/inspect/",  # the CLI inspector
        "bridge/contract.py",  # writes the schema and the .d.ts (a build-time tool)
        "bridge/contract_docs.py",  # the contract's generators, build-time tools too
        "bridge/boundary_js.py",
        "bridge/helpers_gen.py",
        "bridge/jsbuild.py",
        "bridge/js/",  # the sources hizi-bridge.js is joined from
        "bridge/schema/",
        "bridge/static/",  # hizi-bridge.js and the worker are served beside the runtime
        "bridge/py.typed",
    ),
    "pydantic": (
        "pydantic/v1/",  # pydantic 1's API, never imported by v2 code
        "pydantic/mypy.py",  # the mypy plugin (a type-checker runs it, not a page)
        # The v1-style methods (.dict(), .copy(), parse_obj, @validator): the bridge calls
        # none of them; tests/e2e/test_dist.py checks every later path on the cut.
        "pydantic/deprecated/",
        "pydantic/_internal/_decorators_v1.py",
        "pydantic/experimental/",
        "pydantic/_internal/_git.py",  # version_info() only
        "pydantic/py.typed",
    ),
    "pydantic-core": ("pydantic_core/py.typed",),
    "typing-inspection": ("typing_inspection/py.typed",),
    "annotated-types": ("annotated_types/py.typed",),
}
# Type stubs: read by type-checkers only.
RUNTIME_DROP_SUFFIXES = (".pyi",)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

_PYC_COMPILER = r"""
import { loadPyodide } from %(module)s;
// The environment hizi-bridge.js boots with (pydantic plugins off), so the set of stdlib
// modules recorded below is the browser's. PYTHONNODEBUGRANGES: the pycs carry line numbers
// but no column ranges (a third of their bytes; a traceback loses only its ^^^ markers).
const pyodide = await loadPyodide({
  indexURL: %(index)s, env: { PYDANTIC_DISABLE_PLUGINS: "__all__", PYTHONNODEBUGRANGES: "1" },
});
pyodide.FS.mkdirTree("/work");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: %(root)s }, "/work");
pyodide.runPython(`
import ast, importlib.util, os, py_compile, sys
from importlib._bootstrap_external import _code_to_hash_pyc

DOC_OWNERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)

def write_nodoc(src, dfile):
    # The runtime cuts' variant: the same code without docstrings (asserts and __debug__
    # stay, unlike optimize=2), written as <name>.<tag>.opt-nodoc.pyc.
    with open(src, "rb") as f:
        data = f.read()
    tree = ast.parse(data, filename=dfile)
    for node in ast.walk(tree):
        # A decorated class keeps its docstring: @dataclass gives a class without one a
        # __doc__ made by inspect.signature, ≈ 0.5 ms a class at import under Pyodide.
        if isinstance(node, ast.ClassDef) and node.decorator_list:
            continue
        body = getattr(node, "body", None) if isinstance(node, DOC_OWNERS) else None
        first = body[0] if body else None
        value = first.value if isinstance(first, ast.Expr) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            node.body = body[1:] or [ast.copy_location(ast.Pass(), first)]
    code = compile(tree, dfile, "exec", dont_inherit=True)
    out = importlib.util.cache_from_source(src, optimization=%(nodoc)s)
    with open(out, "wb") as f:
        f.write(_code_to_hash_pyc(code, importlib.util.source_hash(data), False))
# zipimport keeps a pyc's co_filename: give stdlib code the path a source import would.
stdlib = next(p for p in sys.path if p.endswith(".zip"))
count, failed = 0, []
for base, _dirs, files in os.walk("/work"):
    for name in files:
        if name.endswith(".py"):
            src = os.path.join(base, name)
            top, _, rel = os.path.relpath(src, "/work").partition("/")
            dfile = f"{stdlib}/{rel}" if top == %(stdlib_key)s else rel
            try:
                py_compile.compile(src, doraise=True, dfile=dfile,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                write_nodoc(src, dfile)
                count += 1
            except (py_compile.PyCompileError, SyntaxError, ValueError):
                failed.append(src)  # left as source; the import compiles (or fails) as before
print(sys.implementation.cache_tag, count, len(failed))
`);
// Which standard-library modules a boot imports: install the wheels as the browser does and
// import what boot() imports. Only those get bytecode in the served stdlib zip.
const fail = (msg) => { throw new Error(msg); };
await pyodide.loadPackage(%(wheels)s, { messageCallback() {}, errorCallback: fail });
pyodide.runPython(`
import json, sys
%(imports)s
files = [getattr(m, "__file__", None) or "" for m in list(sys.modules.values())]
for prefix in (next(p for p in sys.path if p.endswith(".zip")) + "/",
               next(p for p in sys.path if p.endswith("site-packages")) + "/"):
    print(json.dumps(sorted(f[len(prefix):] for f in files if f.startswith(prefix))))
`);
"""


def py_members(whl: Path) -> list[str]:
    with zipfile.ZipFile(whl) as zf:
        return [
            n
            for n in zf.namelist()
            if n.endswith(".py") and not n.split("/", 1)[0].endswith((".dist-info", ".data"))
        ]


def _source_key(whl: Path, pyodide_version: str) -> str:
    """What the compiled archive depends on: the archive's bytes except its zip metadata."""
    recipe = json.dumps([PYC_RECIPE, pyodide_version, RUNTIME_DROP, RUNTIME_DROP_SUFFIXES])
    digest = hashlib.sha256(recipe.encode() + b"\0")
    with zipfile.ZipFile(whl) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            digest.update(info.filename.encode() + b"\0")
            digest.update(hashlib.sha256(zf.read(info)).digest())
    return digest.hexdigest()[:32]


def add_pycs(
    archive: Path,
    tree: Path,
    cache_tag: str,
    dest: Path,
    *,
    only: set[str] | None = None,
    keep: set[str] | None = None,
    sourceless: bool = False,
    nodoc: bool = False,
) -> None:
    """Write ``dest``: ``archive`` stored, plus the pycs compiled under ``tree``.

    ``only`` limits which sources get a pyc; ``keep`` (if given) drops every member not in
    it; ``sourceless`` drops each source that got a pyc. A wheel gets
    ``__pycache__/<name>.<tag>.pyc`` entries, listed in its RECORD; the standard library zip
    gets ``<name>.pyc`` beside each source, the layout zipimport looks for (and imports
    without the source, hence ``sourceless`` for the cut library: its tracebacks show no
    stdlib source lines, which the JS API never prints). ``nodoc`` takes the pycs compiled
    without docstrings.
    """
    wheel = archive.suffix == ".whl"
    extra: list[tuple[str, bytes]] = []
    for member in py_members(archive):
        if (only is not None and member not in only) or (keep is not None and member not in keep):
            continue
        pyc = _pyc_path(tree, member, cache_tag, nodoc=nodoc)
        if pyc.is_file():
            rel = pyc.relative_to(tree).as_posix() if wheel else f"{member[:-3]}.pyc"
            extra.append((rel, pyc.read_bytes()))
    tmp = dest.with_name(dest.name + ".tmp")
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as out:
        records = [
            n for n in src.namelist() if n.count("/") == 1 and n.endswith(".dist-info/RECORD")
        ]
        dropped = {f"{rel[:-1]}" for rel, _ in extra} if sourceless and not wheel else set()
        for info in src.infolist():
            if (keep is not None and info.filename not in keep) or info.filename in dropped:
                continue
            data = src.read(info)
            if wheel and info.filename in records[:1]:
                lines = [data.decode("utf-8").rstrip("\n")]
                for rel, blob in extra:
                    b64 = base64.urlsafe_b64encode(hashlib.sha256(blob).digest()).rstrip(b"=")
                    lines.append(f"{rel},sha256={b64.decode()},{len(blob)}")
                data = ("\n".join(lines) + "\n").encode("utf-8")
            info.compress_type = zipfile.ZIP_STORED
            out.writestr(info, data)
        for rel, blob in extra:
            out.writestr(zipfile.ZipInfo(rel, _ZIP_EPOCH), blob, zipfile.ZIP_STORED)
    os.replace(tmp, dest)


def _pyc_path(tree: Path, member: str, cache_tag: str, *, nodoc: bool = False) -> Path:
    folder, _, name = member.rpartition("/")
    opt = f".opt-{NODOC}" if nodoc else ""
    return tree / f"{folder}/__pycache__/{name[:-3]}.{cache_tag}{opt}.pyc".lstrip("/")


def runtime_wheel(
    archive: Path,
    tree: Path,
    cache_tag: str,
    dest: Path,
    *,
    drop: tuple[str, ...] = (),
    only: set[str] | None = None,
) -> None:
    """Write ``dest``: a wheel cut for the JS API, stored, imported modules as bytecode only.

    Each module compiled under ``tree`` (of those in ``only``, all if None) becomes
    ``<module>.pyc`` (without docstrings) where its source was, the layout a sourceless import
    looks for, and the source is left out; any other module keeps its source. Members under
    ``drop`` and type stubs are left out, and METADATA keeps its headers only (its body is the
    README); RECORD lists what remains.
    """
    members: list[tuple[zipfile.ZipInfo, bytes]] = []
    record = ""
    with zipfile.ZipFile(archive) as src:
        for info in src.infolist():
            name = info.filename
            if name.startswith(drop) or name.endswith(("/", *RUNTIME_DROP_SUFFIXES)):
                continue
            if name.count("/") == 1 and name.endswith(".dist-info/RECORD"):
                record = name
                continue
            data = src.read(info)
            if name.count("/") == 1 and name.endswith(".dist-info/METADATA"):
                data = data.split(b"\n\n", 1)[0] + b"\n"  # the headers, not README's text
            if name.endswith(".py") and (only is None or name in only):
                pyc = _pyc_path(tree, name, cache_tag, nodoc=True)
                if pyc.is_file():
                    info = zipfile.ZipInfo(f"{name[:-3]}.pyc", info.date_time)
                    data = pyc.read_bytes()
            info.compress_type = zipfile.ZIP_STORED
            members.append((info, data))
    if not record:
        raise ValueError(f"{archive.name}: no RECORD")
    lines = []
    for info, data in members:
        b64 = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{info.filename},sha256={b64},{len(data)}")
    lines.append(f"{record},,")
    tmp = dest.with_name(dest.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as out:
        for info, data in members:
            out.writestr(info, data)
        out.writestr(zipfile.ZipInfo(record, _ZIP_EPOCH), "\n".join(lines) + "\n")
    os.replace(tmp, dest)


def runtime_members(archive: Path, used: set[str]) -> set[str]:
    """The members of the cut library: ``used``, the extras, and every parent package."""
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
    extra = {n for n in names if n.endswith(".py") and n.startswith(RUNTIME_STDLIB_PACKAGES)}
    keep = (used | set(RUNTIME_STDLIB_EXTRA) | extra) & names
    for name in list(keep):
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            init = "/".join(parts[:i]) + "/__init__.py"
            if init in names:
                keep.add(init)
    return keep


def precompile(
    archives: Mapping[str, Path], pyodide_dir: Path, pyodide_version: str, cache: Path
) -> dict[str, Path]:
    """Return ``archives`` with bytecode added (stored copies under ``cache``).

    Keys are project names (wheels) or ``STDLIB_KEY`` (Pyodide's python_stdlib.zip); with the
    stdlib, the result also has ``RUNTIME_STDLIB_KEY``, the cut library, and with each wheel
    ``runtime_key(name)``, its cut for the JS API (``runtime_wheel``). Needs ``node``;
    without it, or if compiling fails, the build warns and returns the inputs unchanged (the
    browser compiles the sources itself: slower boot, same behaviour; no cut library).
    """
    out: dict[str, Path] = {}
    todo: dict[str, Path] = {}
    keys = {key: _source_key(path, pyodide_version) for key, path in archives.items()}
    # Which modules get bytecode follows what the bridge imports: key on its sources too.
    if OWN_PROJECT in keys:
        for key in keys.keys() - {OWN_PROJECT}:
            keys[key] = hashlib.sha256(f"{keys[key]}\0{keys[OWN_PROJECT]}".encode()).hexdigest()
    if STDLIB_KEY in keys:  # its bytecode covers the modules the wheels import: key on them too
        parts = [*sorted(keys.values()), *RUNTIME_STDLIB_EXTRA, *RUNTIME_STDLIB_PACKAGES]
        keys[STDLIB_KEY] = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    for key, path in archives.items():
        target = cache / "pyc" / keys[key][:32] / path.name
        out[key] = target
        cut = None
        if key == STDLIB_KEY:
            cut = out[RUNTIME_STDLIB_KEY] = target.with_name(RUNTIME_STDLIB_NAME)
        else:  # same file name (Pyodide parses it), another folder
            cut = out[runtime_key(key)] = target.parent / "runtime" / path.name
        if not all(p.is_file() for p in (target, cut or target)):
            todo[key] = path
    if not todo:
        return out
    node = shutil.which("node")
    if node is None:
        warn("node not found: Python files are served without bytecode (slower browser boot)")
        return dict(archives)
    with tempfile.TemporaryDirectory(prefix="hizi-pyc-") as tmp:
        root = Path(tmp)
        for key, path in archives.items():
            if key in todo:
                with zipfile.ZipFile(path) as zf:
                    zf.extractall(root / key, members=py_members(path))
        result = _run_compiler(node, archives, pyodide_dir, root)
        if result is None:
            return dict(archives)
        tag, used, used_site = result
        _check_drops(used_site)
        for key, path in todo.items():
            out[key].parent.mkdir(parents=True, exist_ok=True)
            # Bytecode only for what a boot imports (the rest of pydantic, e.g. pydantic.v1,
            # is never imported here); our own wheel gets all of it (PyScript pages import
            # more of the bridge than the JS API does).
            only = {STDLIB_KEY: used, OWN_PROJECT: None}.get(key, used_site)
            add_pycs(path, root / key, tag, out[key], only=only)
            if key == STDLIB_KEY:
                keep = runtime_members(path, used)
                target = out[RUNTIME_STDLIB_KEY]
                add_pycs(
                    path, root / key, tag, target, only=used, keep=keep, sourceless=True, nodoc=True
                )
            else:
                cut = out[runtime_key(key)]
                cut.parent.mkdir(parents=True, exist_ok=True)
                drop = RUNTIME_DROP.get(key, ())
                runtime_wheel(path, root / key, tag, cut, drop=drop, only=only)
    log(f"compiled {len(todo)} archive(s) for {tag}; the boot imports {len(used)} stdlib files")
    return out


def _check_drops(used_site: set[str]) -> None:
    """A boot that imports a member a runtime cut drops would fail in the browser: stop."""
    drops = tuple(d for prefixes in RUNTIME_DROP.values() for d in prefixes)
    hit = sorted(n for n in used_site if n.startswith(drops) or n.endswith(RUNTIME_DROP_SUFFIXES))
    if hit:
        raise BuildError(f"a boot imports {hit}, which RUNTIME_DROP leaves out of dist/")


# What the compiler's Pyodide imports to record which stdlib and wheel modules dist/ ships as
# bytecode (the stdlib cut keeps those alone): the JS API's boot (``bridge.browser.engine``),
# then what it leaves for after connected (``bridge.later.LATER_MODULES``: compliance, the
# journal, the other dialects), so a module only a later path imports is shipped too; and the
# message validators the engine builds after its imports (``bridge.core.validators``).
_BRIDGE_IMPORTS = (
    "import importlib, bridge.browser.engine as _engine\n"
    "for _name in _engine.LATER_MODULES:\n"
    "    importlib.import_module(_name)\n"
    "from bridge.core.validators import build_all\n"
    "build_all()"
)


def _run_compiler(
    node: str, archives: Mapping[str, Path], pyodide_dir: Path, root: Path
) -> tuple[str, set[str], set[str]] | None:
    """Compile everything under ``root`` in Pyodide.

    Returns the cache tag and the files a boot imports: stdlib (relative to the zip) and
    site-packages (relative to it, as named in the wheels); None on failure.
    """
    wheels = [str(p.resolve()) for k, p in archives.items() if k != STDLIB_KEY]
    own = OWN_PROJECT in archives
    script = _PYC_COMPILER % {
        "module": json.dumps((pyodide_dir / "pyodide.mjs").resolve().as_uri()),
        "index": json.dumps(str(pyodide_dir.resolve()) + "/"),
        "root": json.dumps(str(root)),
        "wheels": json.dumps(wheels),
        "imports": _BRIDGE_IMPORTS if own else "import pydantic",
        "stdlib_key": json.dumps(STDLIB_KEY),
        "nodoc": json.dumps(NODOC),
    }
    try:
        proc = subprocess.run(
            [node, "--input-type=module", "-e", script],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        warn(f"compiling to bytecode failed ({exc}): serving sources only")
        return None
    lines = proc.stdout.strip().splitlines()
    tag = lines[0].split()[:1] if lines else []
    if proc.returncode != 0 or len(lines) != 3 or not tag or not tag[0].startswith("cpython-"):
        warn(f"compiling to bytecode failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")
        return None
    return tag[0], set(json.loads(lines[1])), set(json.loads(lines[2]))
