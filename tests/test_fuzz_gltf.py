"""The loader's contract under hostile input: ``twinstage.load`` returns an ``Asset`` or
raises ``GltfError`` (``name: /json/pointer: what``), quickly and without allocating more
than the file justifies; ``twinstage.validate`` always returns a ``Report``; nothing
outside the model's folder is read and nothing touches the network.

Three tiers:

- byte-level mutants of the corpus files (truncation, byte flips, GLB header and chunk
  fields overwritten, bytes inserted or removed);
- JSON-level mutants of the corpus documents (a value at a random JSON pointer replaced by
  a hostile value, a member deleted, unknown extensions used or required);
- hand-written regressions for the cases a fuzzer finds only by luck.

The corpus is read in place from ``../shared/corpus``; mutants are written to tmp paths.
Fuzz tests are derandomized with a fixed example budget, so a run is reproducible and
bounded; the falsifying example printed by hypothesis names the corpus file and the edits.
Every example runs under a guard: 5 s wall clock (SIGALRM interrupts a hang), 1 GiB of
address space above the current size (an oversized allocation fails as ``MemoryError``
instead of swapping), every file read recorded, sockets refused.
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import copy
import io
import json
import os
import pathlib
import random
import resource
import signal
import socket
import struct
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import twinstage
from twinstage import GltfError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MODEL_SUFFIXES = (".gltf", ".glb", ".vrm", ".vrma")
RESOURCE_SUFFIXES = (".bin", ".png", ".jpg", ".jpeg")
MAX_FUZZ_BYTES = 600_000
"""Corpus files larger than this are left out of fuzzing (time, not coverage)."""
LOAD_SECONDS = 5.0
ADDRESS_SPACE_HEADROOM = 1 << 30
JSON_CHUNK, BIN_CHUNK = 0x4E4F534A, 0x004E4942

FUZZ = settings(
    max_examples=500,
    deadline=None,
    database=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: keep a failing run bounded
    suppress_health_check=list(HealthCheck),
)


def _corpus_models() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        p
        for p in CORPUS.rglob("*")
        if p.suffix.lower() in MODEL_SUFFIXES and p.is_file() and p.stat().st_size <= MAX_FUZZ_BYTES
    )


MODELS = _corpus_models()
needs_corpus = pytest.mark.skipif(not MODELS, reason=f"corpus not found at {CORPUS}")


# -- the contract ------------------------------------------------------------------------


class LoadTimeout(BaseException):
    """Raised by the guard's alarm inside a load that runs too long (a BaseException, so
    that no ``except Exception`` in the loader swallows it)."""


class NetworkUsed(BaseException):
    """Raised when the loader opens a socket."""


@dataclass
class Reads:
    """Paths the loader opened (resolved) during a guarded call."""

    paths: list[Path] = field(default_factory=list)

    def outside(self, folder: Path) -> list[Path]:
        root = folder.resolve()
        return [p for p in self.paths if not p.is_relative_to(root)]


def _resolved(file: Any) -> Path | None:
    if isinstance(file, int):
        return None
    try:
        return Path(os.fsdecode(file)).resolve()
    except (TypeError, ValueError, OSError, RuntimeError):
        return Path(os.fsdecode(file)).absolute()


@contextlib.contextmanager
def record_reads() -> Iterator[Reads]:
    """Record every file opened through pathlib, ``open`` and ``os.open``; refuse sockets."""
    reads = Reads()
    real_open, real_os_open = builtins.open, os.open
    real_read_bytes, real_path_open = pathlib.Path.read_bytes, pathlib.Path.open
    real_connect = socket.socket.connect

    def rec(file: Any) -> None:
        p = _resolved(file)
        if p is not None:
            reads.paths.append(p)

    def fake_open(file: Any, *a: Any, **k: Any) -> Any:
        rec(file)
        return real_open(file, *a, **k)

    def fake_os_open(file: Any, *a: Any, **k: Any) -> Any:
        rec(file)
        return real_os_open(file, *a, **k)

    def fake_read_bytes(self: pathlib.Path) -> bytes:
        rec(self)
        return real_read_bytes(self)

    def fake_path_open(self: pathlib.Path, *a: Any, **k: Any) -> Any:
        rec(self)
        return real_path_open(self, *a, **k)

    def fake_connect(self: socket.socket, address: Any) -> None:
        raise NetworkUsed(f"the loader connected to {address!r}")

    builtins.open = io.open = fake_open  # type: ignore[assignment]
    os.open = fake_os_open  # type: ignore[assignment]
    pathlib.Path.read_bytes = fake_read_bytes  # type: ignore[method-assign]
    pathlib.Path.open = fake_path_open  # type: ignore[method-assign]
    socket.socket.connect = fake_connect  # type: ignore[method-assign]
    try:
        yield reads
    finally:
        builtins.open = io.open = real_open
        os.open = real_os_open
        pathlib.Path.read_bytes = real_read_bytes  # type: ignore[method-assign]
        pathlib.Path.open = real_path_open  # type: ignore[method-assign]
        socket.socket.connect = real_connect  # type: ignore[method-assign]


_REAL_OPEN = io.open  # the guard's own reads are not the loader's


def _address_space() -> int | None:
    try:
        with _REAL_OPEN("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@contextlib.contextmanager
def guard(seconds: float = LOAD_SECONDS) -> Iterator[None]:
    """Interrupt the block after ``seconds`` and cap its address space growth."""
    main = threading.current_thread() is threading.main_thread()
    if main:

        def on_alarm(signum: int, frame: Any) -> None:
            raise LoadTimeout(f"a single load took more than {seconds} s")

        old_handler = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    old_limit = resource.getrlimit(resource.RLIMIT_AS)
    size = _address_space()
    if size is not None:
        cap = size + ADDRESS_SPACE_HEADROOM
        if old_limit[1] != resource.RLIM_INFINITY:
            cap = min(cap, old_limit[1])
        resource.setrlimit(resource.RLIMIT_AS, (cap, old_limit[1]))
    start = time.perf_counter()
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, old_limit)
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
    elapsed = time.perf_counter() - start
    assert elapsed <= seconds, f"took {elapsed:.1f} s (limit {seconds} s)"


def check_error(exc: BaseException, path: Path) -> None:
    """``exc`` is a GltfError whose message reads ``name: /json/pointer: what``."""
    assert isinstance(exc, GltfError), f"{type(exc).__name__} instead of GltfError: {exc}"
    assert exc.what, f"empty message: {exc!r}"
    assert exc.where == "" or exc.where.startswith(("/", "line ")), f"bad place: {exc}"
    expected = f"{path.name}: {exc.where}: {exc.what}" if exc.where else f"{path.name}: {exc.what}"
    assert str(exc) == expected


def outcome(
    path: Path,
    folder: Path | None = None,
    seconds: float = LOAD_SECONDS,
) -> tuple[twinstage.Asset | None, GltfError | None, twinstage.Report]:
    """Load and validate ``path`` under the guard; check the contract; return the outcome.

    The contract: ``load`` returns an Asset or raises a well-formed GltfError, ``validate``
    returns a Report (with an error whenever ``load`` raised), each within ``seconds``,
    and neither opens a file outside ``folder`` (default: the model's folder).
    """
    folder = folder or path.parent
    asset: twinstage.Asset | None = None
    error: GltfError | None = None
    with warnings.catch_warnings(), record_reads() as reads:
        warnings.simplefilter("ignore")
        try:
            with guard(seconds):
                asset = twinstage.load(path)
        except GltfError as exc:
            error = exc
        except BaseException as exc:  # the contract allows GltfError only
            tb = "".join(traceback.format_exception(exc)[-14:])
            raise AssertionError(
                f"{type(exc).__name__} escaped twinstage.load({path.name}): {str(exc)[:300]}\n{tb}"
            ) from None
        try:
            with guard(seconds):
                report = twinstage.validate(path)
        except BaseException as exc:
            tb = "".join(traceback.format_exception(exc)[-14:])
            raise AssertionError(
                f"{type(exc).__name__} escaped twinstage.validate("
                f"{path.name}): {str(exc)[:300]}\n{tb}"
            ) from None
    if error is not None:
        check_error(error, path)
    else:
        assert isinstance(asset, twinstage.Asset)
    assert isinstance(report, twinstage.Report)
    for e in report.errors:
        check_error(e, path)
    if error is not None:
        assert not report.ok, f"load raised {error} but validate found no problem"
    outside = reads.outside(folder)
    assert not outside, f"read files outside {folder}: {outside}"
    return asset, error, report


def expect_error(
    path: Path, where: str, *words: str, folder: Path | None = None, seconds: float = LOAD_SECONDS
) -> GltfError:
    """``load`` raises a GltfError at ``where`` (a prefix) whose message has ``words``."""
    _, error, _ = outcome(path, folder, seconds)
    assert error is not None, f"{path.name} loaded; expected an error at {where}"
    assert error.where.startswith(where), f"error at {error.where!r}, expected {where!r}: {error}"
    for w in words:
        assert w.lower() in error.what.lower(), f"{w!r} not in {error}"
    return error


# -- GLB helpers -----------------------------------------------------------------------------


def glb(json_bytes: bytes, binary: bytes | None = None) -> bytes:
    js = json_bytes + b" " * (-len(json_bytes) % 4)
    body = struct.pack("<II", len(js), JSON_CHUNK) + js
    if binary is not None:
        b = binary + b"\x00" * (-len(binary) % 4)
        body += struct.pack("<II", len(b), BIN_CHUNK) + b
    return struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body


def chunks(data: bytes) -> list[tuple[int, int, int]]:
    """``(header offset, length, type)`` of each well-formed chunk of a GLB."""
    out, offset = [], 12
    while offset + 8 <= len(data):
        length, kind = struct.unpack_from("<II", data, offset)
        out.append((offset, length, kind))
        offset += 8 + length + (-length % 4)
    return out


@cache
def corpus_bytes(path: Path) -> bytes:
    return path.read_bytes()


@cache
def corpus_json(path: Path) -> tuple[str, bytes | None]:
    """The JSON text of a corpus model and its GLB binary chunk (``None`` for .gltf)."""
    data = corpus_bytes(path)
    if data[:4] != b"glTF":
        return data.decode("utf-8-sig"), None
    found = chunks(data)
    js = next(data[o + 8 : o + 8 + n] for o, n, k in found if k == JSON_CHUNK)
    binary = next((data[o + 8 : o + 8 + n] for o, n, k in found if k == BIN_CHUNK), None)
    return js.decode("utf-8"), binary


@cache
def siblings(path: Path) -> tuple[tuple[str, bytes], ...]:
    """Resource files next to a .gltf (its buffers and images)."""
    if path.suffix.lower() != ".gltf":
        return ()
    return tuple(
        (p.name, p.read_bytes())
        for p in sorted(path.parent.iterdir())
        if p.is_file() and p.suffix.lower() in RESOURCE_SUFFIXES
    )


def place(model: Path, data: bytes, folder: Path, replaced: dict[str, bytes] | None = None) -> Path:
    """Write ``data`` as ``model``'s mutant into ``folder`` with its resource files
    (``replaced`` gives mutated contents for some of them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in siblings(model):
        (folder / name).write_bytes((replaced or {}).get(name, content))
    out = folder / model.name
    out.write_bytes(data)
    return out


# -- (a) byte-level mutation ----------------------------------------------------------------

U32_VALUES = (
    0,
    1,
    2,
    3,
    4,
    7,
    8,
    11,
    12,
    13,
    20,
    0x7FFFFFFF,
    0x80000000,
    0xFFFFFFFF,
    0xFFFFFFF8,
    JSON_CHUNK,
    BIN_CHUNK,
    0x46546C67,
)
WORDS = tuple(
    struct.pack("<f", v) for v in (float("nan"), float("inf"), float("-inf"), 3.4e38, -0.0, 1e-45)
) + tuple(struct.pack("<I", v) for v in (0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0x0000FFFF, 256))


@dataclass(frozen=True)
class ByteMutant:
    """A corpus model, the file of it that is edited (the model or one of its resources)
    and the edits, applied in order. ``repair`` then makes the GLB header and the last
    chunk's length agree with the new size, so that the edits reach the chunk contents."""

    model: Path
    target: str
    edits: tuple[tuple[Any, ...], ...]
    repair: bool = False

    def __repr__(self) -> str:
        return (
            f"ByteMutant({self.model.relative_to(CORPUS)!s}, target={self.target!r}, "
            f"edits={list(self.edits)}, repair={self.repair})"
        )

    def original(self) -> bytes:
        if self.target == self.model.name:
            return corpus_bytes(self.model)
        return dict(siblings(self.model))[self.target]

    def apply(self) -> bytes:
        data = bytearray(self.original())
        for op, *args in self.edits:
            if op == "truncate":
                del data[args[0] :]
            elif op == "xor" and args[0] < len(data):
                data[args[0]] ^= args[1]
            elif op in ("u32", "word") and args[0] + 4 <= len(data):
                data[args[0] : args[0] + 4] = struct.pack("<I", args[1]) if op == "u32" else args[1]
            elif op == "insert":
                data[args[0] : args[0]] = args[1]
            elif op == "delete":
                del data[args[0] : args[0] + args[1]]
        if self.repair and data[:4] == b"glTF" and len(data) >= 12:
            struct.pack_into("<I", data, 8, len(data))
            found = chunks(bytes(data))
            if found:
                offset = found[-1][0]
                struct.pack_into("<I", data, offset, max(len(data) - offset - 8, 0))
        return bytes(data)

    def place(self, folder: Path) -> Path:
        if self.target == self.model.name:
            return place(self.model, self.apply(), folder)
        return place(self.model, corpus_bytes(self.model), folder, {self.target: self.apply()})


def _regions(data: bytes) -> dict[str, tuple[int, int]]:
    """Byte ranges worth mutating: whole file, GLB JSON and BIN chunk contents."""
    out = {"all": (0, len(data))}
    for offset, length, kind in chunks(data) if data[:4] == b"glTF" else []:
        end = min(offset + 8 + length, len(data))
        if kind == JSON_CHUNK and "json" not in out:
            out["json"] = (offset + 8, end)
        elif kind == BIN_CHUNK and "bin" not in out:
            out["bin"] = (offset + 8, end)
    return out


@st.composite
def byte_mutants(draw: st.DrawFn) -> ByteMutant:
    model = draw(st.sampled_from(MODELS))
    target = draw(st.sampled_from([model.name, *(n for n, _ in siblings(model))]))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))  # uniform positions
    mutant = ByteMutant(model, target, ())
    data = mutant.original()
    n = len(data)
    regions = _regions(data)
    is_glb = "json" in regions
    fields = [0, 4, 8] + [o + k for o, _, _ in chunks(data) for k in (0, 4)] if is_glb else []
    ops = (
        ["xor"] * 3
        + ["word"] * 3
        + ["truncate", "insert", "delete"]
        + (["u32"] * 2 if is_glb else [])
    )
    edits: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(ops))
        lo, hi = (
            regions[rnd.choice([r for r in regions if r != "all"] or ["all"])]
            if rnd.random() < 0.8
            else regions["all"]
        )
        at = rnd.randrange(lo, hi) if hi > lo else 0
        if op == "truncate":
            edits.append((op, rnd.randrange(0, n) if n else 0))
        elif op == "xor":
            edits.append((op, at, rnd.randrange(1, 256)))
        elif op == "word":
            edits.append((op, at - at % 4, draw(st.sampled_from(WORDS))))
        elif op == "u32":
            edits.append(
                (
                    op,
                    rnd.choice(fields),
                    draw(
                        st.sampled_from(U32_VALUES)
                        | st.sampled_from([n, n - 1, n + 1, n - 4, n + 4])
                        | st.integers(0, 2**32 - 1)
                    ),
                )
            )
        elif op == "insert":
            edits.append((op, at, draw(st.binary(min_size=1, max_size=16))))
        else:
            edits.append((op, at, rnd.randrange(1, 65)))
    return ByteMutant(model, target, tuple(edits), is_glb and draw(st.booleans()))


@pytest.mark.corpus
@needs_corpus
@FUZZ
@given(mutant=byte_mutants())
def test_byte_mutants_load_or_raise_gltf_error(
    mutant: ByteMutant, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outcome(mutant.place(tmp_path_factory.mktemp("bytes")))


# -- (b) JSON-level mutation ----------------------------------------------------------------

DEEP = "[" * 10_000 + "]" * 10_000
RAW_VALUES = (
    DEEP,
    "9" * 5000,
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    '"\\ud800"',
    '"\\udfff.bin"',
    "1" + "0" * 400 + ".0",
)
"""Values written into the JSON text as is (they are not Python JSON values)."""
HOSTILE = (
    0,
    1,
    -1,
    2,
    3,
    4,
    255,
    256,
    65535,
    2**31 - 1,
    2**31,
    2**32,
    2**40,
    2**53 + 1,
    2**63,
    2**64,
    10**12,
    -(2**31),
    -(2**40),
    0.5,
    -0.5,
    1.5,
    5e-324,
    1e308,
    -1e308,
    3.4028236e38,
    "",
    "x",
    "SCALAR",
    "VEC3",
    "MAT4",
    "CUBICSPLINE",
    "STEP",
    "weights",
    "rotation",
    "data:,",
    "data:application/octet-stream;base64,@@",
    "data:image/png;base64,iVBORw0K",
    "../outside.bin",
    "/etc/passwd",
    "http://example.com/x.bin",
    "file:///etc/passwd",
    "\ud800",
    "\x00",
    True,
    False,
    None,
    [],
    {},
    [[]],
    [0] * 17,
    [None],
    {"": None},
    [1e308] * 4,
    [0.0] * 16,
)
REQUIRED_KEYS = frozenset(
    {
        "asset",
        "version",
        "componentType",
        "count",
        "type",
        "buffer",
        "byteLength",
        "bufferView",
        "primitives",
        "attributes",
        "POSITION",
        "samplers",
        "channels",
        "input",
        "output",
        "joints",
        "node",
        "path",
        "sampler",
        "target",
        "index",
        "source",
        "indices",
        "values",
        "humanBones",
        "hips",
        "meta",
        "humanoid",
        "specVersion",
        "uri",
        "mimeType",
    }
)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 300)
    | st.sampled_from(HOSTILE)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
UNKNOWN_EXTENSIONS = (
    "EXT_unknown_fuzz",
    "KHR_draco_mesh_compression",
    "KHR_materials_volume",
    "EXT_meshopt_compression",
    "VRMC_unknown",
    "",
)


def _walk(value: Any, path: tuple[Any, ...], out: list[tuple[Any, ...]]) -> None:
    out.append(path)
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, (*path, k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk(v, (*path, i), out)


@cache
def corpus_doc(model: Path) -> Any:
    """The parsed corpus document (shared: never mutate it)."""
    return json.loads(corpus_json(model)[0])


@cache
def pointers(model: Path) -> tuple[tuple[Any, ...], ...]:
    """Every JSON pointer of a corpus document (as key tuples), the root excluded."""
    out: list[tuple[Any, ...]] = []
    _walk(corpus_doc(model), (), out)
    return tuple(out[1:])


def _json_models() -> list[Path]:
    out = []
    for model in MODELS:
        try:
            if isinstance(corpus_doc(model), dict):
                out.append(model)
        except (ValueError, StopIteration, struct.error):
            continue
    return out


JSON_MODELS = _json_models()


def _pointer_text(path: tuple[Any, ...]) -> str:
    return "".join("/" + str(k).replace("~", "~0").replace("/", "~1") for k in path)


@dataclass(frozen=True)
class JsonMutant:
    """A corpus document and the edits made to it (pointers as key tuples)."""

    model: Path
    edits: tuple[tuple[Any, ...], ...]

    def __repr__(self) -> str:
        shown = [
            (op, _pointer_text(p), *(repr(a)[:60] for a in rest)) for op, p, *rest in self.edits
        ]
        return f"JsonMutant({self.model.relative_to(CORPUS)!s}, {shown})"

    def apply(self) -> bytes:
        text, binary = corpus_json(self.model)
        doc = copy.deepcopy(json.loads(text))
        raws: dict[str, str] = {}
        for op, path, *rest in self.edits:
            if op == "extension":
                name, required = rest
                _append(doc, "extensionsUsed", name)
                if required:
                    _append(doc, "extensionsRequired", name)
                target = _get(doc, path)
                if isinstance(target, dict):
                    ext = target.setdefault("extensions", {})
                    if isinstance(ext, dict):
                        ext[name] = {"fuzz": [1, 2]}
                continue
            parent = _get(doc, path[:-1]) if path else None
            if parent is None or not isinstance(parent, dict | list):
                continue
            key = path[-1]
            if isinstance(parent, list) and not (isinstance(key, int) and key < len(parent)):
                continue
            if isinstance(parent, dict) and key not in parent:
                continue
            if op == "delete":
                del parent[key]
            elif op == "replace":
                parent[key] = rest[0]
            elif op == "raw":
                marker = f"@@raw{len(raws)}@@"
                raws[f'"{marker}"'] = rest[0]
                parent[key] = marker
        out = json.dumps(doc)
        for marker, raw in raws.items():
            out = out.replace(marker, raw)
        data = out.encode("utf-8")
        return data if self.model.suffix.lower() == ".gltf" else glb(data, binary)


def _append(doc: dict[str, Any], key: str, value: str) -> None:
    items = doc.setdefault(key, [])
    if isinstance(items, list):
        items.append(value)


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        if (isinstance(doc, dict) and k in doc) or (
            isinstance(doc, list) and isinstance(k, int) and k < len(doc)
        ):
            doc = doc[k]
        else:
            return None
    return doc


@st.composite
def json_mutants(draw: st.DrawFn) -> JsonMutant:
    model = draw(st.sampled_from(JSON_MODELS))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))  # uniform over the pointers
    paths = pointers(model)
    if not paths:
        return JsonMutant(model, ())
    members = [p for p in paths if p and isinstance(p[-1], str)]
    required = [p for p in members if p[-1] in REQUIRED_KEYS] or members or list(paths)
    doc = corpus_doc(model)
    objects = [(), *(p for p in paths if isinstance(_get(doc, p), dict))]
    edits: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["replace"] * 5 + ["delete"] * 2 + ["raw", "extension"]))
        if op == "replace":
            edits.append((op, rnd.choice(paths), draw(json_values)))
        elif op == "delete":
            edits.append((op, rnd.choice(required if rnd.random() < 0.7 else members or paths)))
        elif op == "raw":
            edits.append((op, rnd.choice(paths), draw(st.sampled_from(RAW_VALUES))))
        else:
            edits.append(
                (
                    op,
                    rnd.choice(objects),
                    draw(st.sampled_from(UNKNOWN_EXTENSIONS) | st.text(max_size=12)),
                    draw(st.booleans()),
                )
            )
    return JsonMutant(model, tuple(edits))


@pytest.mark.corpus
@needs_corpus
@FUZZ
@given(mutant=json_mutants())
def test_json_mutants_load_or_raise_gltf_error(
    mutant: JsonMutant, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = place(mutant.model, mutant.apply(), tmp_path_factory.mktemp("json"))
    outcome(path)


@pytest.mark.corpus
@needs_corpus
@pytest.mark.parametrize("model", MODELS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_keeps_the_contract(model: Path) -> None:
    """The unmutated corpus (valid and invalid files) keeps the contract too."""
    outcome(model)


# -- (c) hand-written regressions -------------------------------------------------------------


def gltf(
    folder: Path,
    doc: dict[str, Any],
    files: dict[str, bytes] | None = None,
    name: str = "model.gltf",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for fname, content in (files or {}).items():
        (folder / fname).write_bytes(content)
    path = folder / name
    path.write_text(json.dumps({"asset": {"version": "2.0"}, **doc}))
    return path


def data_uri(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode("ascii")


TINY = {
    "buffers": [{"uri": data_uri(bytes(12)), "byteLength": 12}],
    "bufferViews": [{"buffer": 0, "byteLength": 12}],
}


def test_huge_count_on_a_tiny_buffer_fails_fast(tmp_path: Path) -> None:
    path = gltf(
        tmp_path,
        {
            **TINY,
            "accessors": [
                {"bufferView": 0, "componentType": 5126, "type": "VEC3", "count": 10**12}
            ],
        },
    )
    expect_error(path, "/accessors/0", "12")


@pytest.mark.parametrize("count", [10**12, 2**40, 2**31])
def test_huge_count_without_buffer_view_is_refused(tmp_path: Path, count: int) -> None:
    """An accessor with no bufferView is zeros (section 3.6.2.2): its count still cannot
    exceed what the file could justify (no 12 TB ``np.zeros``)."""
    path = gltf(
        tmp_path,
        {"accessors": [{"componentType": 5126, "type": "VEC3", "count": count, "min": [0, 0, 0]}]},
    )
    expect_error(path, "/accessors/0")


def test_huge_count_with_sparse_substitution_is_refused(tmp_path: Path) -> None:
    path = gltf(
        tmp_path,
        {
            **TINY,
            "accessors": [
                {
                    "componentType": 5126,
                    "type": "SCALAR",
                    "count": 10**12,
                    "sparse": {
                        "count": 1,
                        "indices": {"bufferView": 0, "componentType": 5125},
                        "values": {"bufferView": 0},
                    },
                }
            ],
        },
    )
    expect_error(path, "/accessors/0")


@pytest.mark.parametrize("used", [True, False], ids=["used", "unused"])
def test_buffer_view_longer_than_its_buffer(tmp_path: Path, used: bool) -> None:
    """Checked like unused buffers and accessors are (the loader's own rule)."""
    doc: dict[str, Any] = {**TINY, "bufferViews": [{"buffer": 0, "byteLength": 2**40}]}
    if used:
        doc["accessors"] = [{"bufferView": 0, "componentType": 5121, "type": "SCALAR", "count": 1}]
    expect_error(gltf(tmp_path, doc), "/bufferViews/0", "buffer")


@pytest.mark.parametrize("stride", [0, 3, 256, 2**40, 6])
def test_bad_byte_stride(tmp_path: Path, stride: int) -> None:
    """byteStride is 4..252 and a multiple of 4 (glTF 2.0 schema, bufferView.byteStride)."""
    doc = {
        **TINY,
        "bufferViews": [{"buffer": 0, "byteLength": 12, "byteStride": stride}],
        "accessors": [{"bufferView": 0, "componentType": 5121, "type": "SCALAR", "count": 2}],
    }
    expect_error(gltf(tmp_path, doc), "/bufferViews/0/byteStride")


def test_misaligned_accessor_offset(tmp_path: Path) -> None:
    """accessor.byteOffset must be a multiple of the component size (section 3.6.2.4)."""
    doc = {
        **TINY,
        "accessors": [
            {"bufferView": 0, "byteOffset": 1, "componentType": 5126, "type": "SCALAR", "count": 2}
        ],
    }
    expect_error(gltf(tmp_path, doc), "/accessors/0")


@pytest.mark.parametrize("payload", ["AAA", "A", "AA=A", "AAAé", "AAAA@@@@", "@@@@"])
def test_data_uri_with_bad_base64(tmp_path: Path, payload: str) -> None:
    doc = {"buffers": [{"uri": "data:application/octet-stream;base64," + payload, "byteLength": 3}]}
    expect_error(gltf(tmp_path, doc), "/buffers/0/uri", "base64")


def test_image_data_uri_with_bad_base64(tmp_path: Path) -> None:
    doc = {"images": [{"uri": "data:image/png;base64,iVBORw0KGgo"}]}
    expect_error(gltf(tmp_path, doc), "/images/0/uri")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"asset": {"version": "2.0"}, "extras": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001,
        '{"asset": {"version": "2.0"}, "extras": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ],
    ids=["array", "object", "extras"],
)
def test_json_nested_100000_deep(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.gltf"
    path.write_text(text)
    error = expect_error(path, "", "nested")
    assert error.where == ""


def test_brackets_inside_strings_are_not_nesting(tmp_path: Path) -> None:
    path = gltf(tmp_path, {"extras": {"s": "[{" * 100_000}})
    asset, error, _ = outcome(path)
    assert error is None
    assert asset is not None


@pytest.mark.parametrize(
    ("nodes", "where", "word"),
    [
        ([{"children": [0]}], "/nodes/0/children/0", "parent"),
        ([{"children": [2]}, {"children": [2]}, {}], "/nodes/1/children/0", "parent"),
        ([{"children": [1]}, {"children": [0]}], "/nodes/", "cycle"),
        ([{"children": [1]}, {"children": [2]}, {"children": [0]}], "/nodes/", "cycle"),
        ([{"children": [5]}], "/nodes/0/children/0", "5"),
        ([{"children": [-1]}], "/nodes/0/children/0", "-1"),
    ],
    ids=["own-child", "two-parents", "cycle-2", "cycle-3", "missing-child", "negative-child"],
)
def test_bad_node_hierarchy(tmp_path: Path, nodes: list[Any], where: str, word: str) -> None:
    expect_error(gltf(tmp_path, {"nodes": nodes}), where, word)


def test_scene_root_with_a_parent(tmp_path: Path) -> None:
    doc = {"nodes": [{"children": [1]}, {}], "scenes": [{"nodes": [1]}]}
    expect_error(gltf(tmp_path, doc), "/scenes/0/nodes/0", "root")


def test_long_node_chain_loads_in_linear_time(tmp_path: Path) -> None:
    """A 50 000-node chain (a 1.3 MB file) must load well within the guard's 5 s."""
    n = 50_000
    doc = {
        "nodes": [{"children": [i + 1]} for i in range(n - 1)] + [{}],
        "scenes": [{"nodes": [0]}],
    }
    asset, error, _ = outcome(gltf(tmp_path, doc))
    assert error is None
    assert asset is not None
    assert asset.nodes[-1].parent == n - 2


OUTSIDE = b"\x00" * 12


@pytest.mark.parametrize(
    ("uri", "word"),
    [
        ("../outside.bin", "outside"),
        ("..%2Foutside.bin", "outside"),
        ("%2e%2e/outside.bin", "outside"),
        ("sub/../../outside.bin", "outside"),
        ("/etc/passwd", "absolute"),
        ("\\\\server\\share\\x.bin", "absolute"),
        ("C:\\Windows\\win.ini", "absolute"),
        ("http://example.com/x.bin", "scheme"),
        ("https://example.com/x.bin", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("ftp://example.com/x.bin", "scheme"),
    ],
)
def test_uri_outside_the_folder_is_refused(tmp_path: Path, uri: str, word: str) -> None:
    (tmp_path / "outside.bin").write_bytes(OUTSIDE)  # readable, so a leak would load
    model = tmp_path / "model"
    (model / "sub").mkdir(parents=True)
    doc = {"buffers": [{"uri": uri, "byteLength": 12}]}
    expect_error(gltf(model, doc), "/buffers/0/uri", word, folder=model)


def test_absolute_path_into_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "b.bin").write_bytes(OUTSIDE)
    doc = {"buffers": [{"uri": str(tmp_path / "b.bin"), "byteLength": 12}]}
    expect_error(gltf(tmp_path, doc), "/buffers/0/uri", "absolute")


def test_image_uri_outside_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.png").write_bytes(OUTSIDE)
    model = tmp_path / "model"
    doc = {"images": [{"uri": "../outside.png"}]}
    expect_error(gltf(model, doc), "/images/0/uri", "outside", folder=model)


@pytest.mark.parametrize("target", ["../outside/secret.bin", "ABSOLUTE"])
def test_symlink_leaving_the_folder_is_refused(tmp_path: Path, target: str) -> None:
    secret = tmp_path / "outside" / "secret.bin"
    secret.parent.mkdir()
    secret.write_bytes(OUTSIDE)
    model = tmp_path / "model"
    model.mkdir()
    os.symlink(secret if target == "ABSOLUTE" else target, model / "link.bin")
    doc = {"buffers": [{"uri": "link.bin", "byteLength": 12}]}
    expect_error(gltf(model, doc), "/buffers/0/uri", "outside", folder=model)


def test_symlinked_folder_leaving_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "b.bin").write_bytes(OUTSIDE)
    model = tmp_path / "model"
    model.mkdir()
    os.symlink(tmp_path / "outside", model / "dir")
    doc = {"buffers": [{"uri": "dir/b.bin", "byteLength": 12}]}
    expect_error(gltf(model, doc), "/buffers/0/uri", "outside", folder=model)


def test_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real.bin").write_bytes(OUTSIDE)
    os.symlink("real.bin", tmp_path / "link.bin")
    doc = {"buffers": [{"uri": "link.bin", "byteLength": 12}]}
    _, error, _ = outcome(gltf(tmp_path, doc))
    assert error is None


def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    os.symlink("loop.bin", tmp_path / "loop.bin")
    doc = {"buffers": [{"uri": "loop.bin", "byteLength": 12}]}
    expect_error(gltf(tmp_path, doc), "/buffers/0/uri")


def test_uri_too_long_for_the_file_system(tmp_path: Path) -> None:
    doc = {"buffers": [{"uri": "a" * 300 + ".bin", "byteLength": 12}]}
    expect_error(gltf(tmp_path, doc), "/buffers/0/uri")


def test_uri_with_a_lone_surrogate(tmp_path: Path) -> None:
    path = tmp_path / "model.gltf"
    path.write_text(
        '{"asset": {"version": "2.0"}, "buffers": [{"uri": "a\\ud800.bin", "byteLength": 12}]}'
    )
    expect_error(path, "/buffers/0/uri")


def test_uri_naming_a_pipe_does_not_block(tmp_path: Path) -> None:
    """A named pipe next to the model: reading it would wait for a writer forever."""
    os.mkfifo(tmp_path / "pipe.bin")
    doc = {"buffers": [{"uri": "pipe.bin", "byteLength": 12}]}
    expect_error(gltf(tmp_path, doc), "/buffers/0/uri", seconds=2.0)


def test_model_that_is_a_pipe_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "model.glb")
    expect_error(tmp_path / "model.glb", "", seconds=2.0)


@pytest.mark.parametrize("name", ["missing.gltf", "folder.glb", ""])
def test_model_path_that_is_not_a_file(tmp_path: Path, name: str) -> None:
    (tmp_path / "folder.glb").mkdir()
    expect_error(tmp_path / name if name else tmp_path, "")


def test_uri_naming_a_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for uri in ("sub", ".", ""):
        expect_error(gltf(tmp_path, {"buffers": [{"uri": uri, "byteLength": 12}]}), "/buffers/0")


def _keyframes(times: list[float], values: list[float]) -> dict[str, Any]:
    data = struct.pack(f"<{len(times)}f", *times) + struct.pack(f"<{len(values)}f", *values)
    nt = len(times)
    return {
        "buffers": [{"uri": data_uri(data), "byteLength": len(data)}],
        "bufferViews": [
            {"buffer": 0, "byteLength": 4 * nt},
            {"buffer": 0, "byteOffset": 4 * nt, "byteLength": 4 * len(values)},
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "type": "SCALAR", "count": nt},
            {"bufferView": 1, "componentType": 5126, "type": "VEC3", "count": nt},
        ],
        "nodes": [{}],
        "animations": [
            {
                "samplers": [{"input": 0, "output": 1}],
                "channels": [{"sampler": 0, "target": {"node": 0, "path": "translation"}}],
            }
        ],
    }


@pytest.mark.parametrize(
    ("times", "values"),
    [
        ([0.0, 1.0], [float("nan"), 0, 0, 1, 1, 1]),
        ([0.0, 1.0], [float("inf"), 0, 0, 1, 1, 1]),
        ([1.0, 0.0], [0, 0, 0, 1, 1, 1]),
        ([0.0, 0.0], [0, 0, 0, 1, 1, 1]),
        ([float("nan"), 1.0], [0, 0, 0, 1, 1, 1]),
    ],
    ids=["nan-value", "inf-value", "decreasing", "repeated", "nan-time"],
)
def test_bad_keyframes_raise_gltf_error(
    tmp_path: Path, times: list[float], values: list[float]
) -> None:
    expect_error(gltf(tmp_path, _keyframes(times, values)), "/animations/0")


# GLB containers: header and chunk fields (glTF 2.0 section 4.4).
_JS = b'{"asset":{"version":"2.0"}}'


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"glTF\x02\x00\x00", "short"),
        (struct.pack("<4sII", b"glTF", 1, 12), "version"),
        (struct.pack("<4sII", b"glTF", 2, 13), "bytes"),
        (struct.pack("<4sII", b"glTF", 2, 2**32 - 1), "bytes"),
        (struct.pack("<4sII", b"glTF", 2, 12), "json"),
        (struct.pack("<4sIIII", b"glTF", 2, 20, 2**32 - 1, JSON_CHUNK), "past the end"),
        (struct.pack("<4sIIII", b"glTF", 2, 20, 0, JSON_CHUNK), "empty"),
        (struct.pack("<4sIIII", b"glTF", 2, 20, 0, BIN_CHUNK), "not json"),
        (struct.pack("<4sIII", b"glTF", 2, 16, 4), "truncated"),
        (glb(b"\xff\xfe{}"), "utf-8"),
        (glb(b"[]"), "object"),
        (glb(b"{} garbage"), "json"),
    ],
    ids=[
        "short",
        "version",
        "length+1",
        "length-max",
        "no-chunk",
        "chunk-past-end",
        "empty-json",
        "bin-first",
        "chunk-header-cut",
        "bad-utf8",
        "array",
        "trailing",
    ],
)
def test_bad_glb_container(tmp_path: Path, data: bytes, word: str) -> None:
    path = tmp_path / "model.glb"
    path.write_bytes(data)
    expect_error(path, "", word)


def test_glb_buffer_without_bin_chunk(tmp_path: Path) -> None:
    path = tmp_path / "model.glb"
    path.write_bytes(
        glb(json.dumps({"asset": {"version": "2.0"}, "buffers": [{"byteLength": 4}]}).encode())
    )
    expect_error(path, "/buffers/0")


def test_glb_bin_chunk_shorter_than_buffer(tmp_path: Path) -> None:
    path = tmp_path / "model.glb"
    path.write_bytes(
        glb(
            json.dumps({"asset": {"version": "2.0"}, "buffers": [{"byteLength": 2**40}]}).encode(),
            bytes(8),
        )
    )
    expect_error(path, "/buffers/0/byteLength")


@pytest.mark.parametrize("name", ["EXT_fuzz_unknown", "KHR_draco_mesh_compression"])
def test_unknown_extensions(tmp_path: Path, name: str) -> None:
    """Unknown in extensionsUsed: loads with a warning; in extensionsRequired: an error."""
    used = gltf(tmp_path / "used", {"extensionsUsed": [name], "extensions": {name: {"x": 1}}})
    with pytest.warns(twinstage.TwinStageWarning, match=name):
        twinstage.load(used)
    _, error, report = outcome(used)
    assert error is None
    assert any(name in w.message for w in report.warnings)
    required = gltf(tmp_path / "required", {"extensionsUsed": [name], "extensionsRequired": [name]})
    expect_error(required, "/extensionsRequired/0", name)


def test_huge_vrm0_mtoon_colour(tmp_path: Path) -> None:
    """VRM 0.x MToon colours are converted from sRGB; a huge component must not overflow."""
    from twinstage.model.humanoid import REQUIRED_BONES

    bones = sorted(REQUIRED_BONES)
    doc = {
        "nodes": [{"name": b} for b in bones],
        "materials": [{"name": "skin"}],
        "extensionsUsed": ["VRM"],
        "extensions": {
            "VRM": {
                "humanoid": {"humanBones": [{"bone": b, "node": i} for i, b in enumerate(bones)]},
                "materialProperties": [
                    {
                        "name": "skin",
                        "shader": "VRM/MToon",
                        "vectorProperties": {"_ShadeColor": [1e200, 0, 0, 1]},
                    }
                ],
            }
        },
    }
    outcome(gltf(tmp_path, doc))


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def test_jpeg_whose_second_frame_header_is_huge(tmp_path: Path) -> None:
    """The header probe reads the first SOF; Pillow reads the last one and refuses a
    4-gigapixel image with its own exception, which validate must turn into a report."""

    def sof(w: int, h: int) -> bytes:
        return _jpeg_segment(0xC0, bytes([8]) + struct.pack(">HH", h, w) + bytes([1, 1, 0x11, 0]))

    jpeg = (
        b"\xff\xd8"
        + sof(1, 1)
        + sof(65000, 65000)
        + _jpeg_segment(0xDA, bytes([1, 1, 0, 0, 63, 0]))
        + bytes(16)
        + b"\xff\xd9"
    )
    doc = {"images": [{"uri": "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()}]}
    _, _, report = outcome(gltf(tmp_path, doc))
    assert not report.ok
