"""Load benchmark: ``twinstage.load`` beside trimesh and pygltflib on the corpus models.

Every model of the shared corpus (``.glb``, ``.gltf``, ``.vrm``, ``.vrma``; the
``invalid/`` folder excluded) is loaded by each tool in the same process and run,
with a warm file cache, in interleaved order: for every repeat of a model, each tool
loads it once, and the order of the tools rotates from one repeat to the next so no
tool always runs first (or last) after another's allocations.

Tools, and what each call does:

``twinstage``
    ``twinstage.load(path)``: container, JSON, checks, every accessor decoded
    (views into the file where possible) and bounds-checked against ``min``/``max``,
    the typed scene built; images are probed (headers only), not decoded.
``trimesh``
    ``trimesh.load(path, force="scene", process=False)``: meshes, scene graph,
    materials; images opened with ``PIL.Image.open``, which also reads headers only.
    ``process=False`` is already trimesh's default for glTF meshes, so it is passed
    to state it, not to change anything. trimesh picks its loader by file extension
    and knows no ``.vrm``/``.vrma``; those are GLB containers, so they get
    ``file_type="glb"``.
``pygltflib+numpy``
    ``GLTF2().load(path)`` parses the JSON only; for a comparable amount of work every
    accessor is then decoded to numpy here (:func:`decode_accessors`: buffers read
    once, ``np.frombuffer``/strided views, sparse substitution, normalized integers
    to float32). No validation, no scene. ``.vrm``/``.vrma`` use
    ``GLTF2.load_binary`` (pygltflib picks by extension too).

Each timing is ``time.perf_counter`` around one call, with the garbage collector
disabled (and a collection before it, untimed) and warnings silenced. A row reports
the median of the repeats (``*_min_ms`` also gives the minimum). A tool that cannot
load a model gets ``None`` and the reason in the row's note; the run goes on.
"""

from __future__ import annotations

import gc
import logging
import os
import statistics
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

SUITE = "load"
MODEL_SUFFIXES = (".glb", ".gltf", ".vrm", ".vrma")
GLB_ONLY_SUFFIXES = (".vrm", ".vrma")
REPEATS_FULL = 30
REPEATS_QUICK = 3
TOOLS = ("twinstage", "trimesh", "pygltflib+numpy")
PEERS = TOOLS[1:]

_COMPONENT_DTYPES = {
    5120: np.dtype("<i1"),
    5121: np.dtype("<u1"),
    5122: np.dtype("<i2"),
    5123: np.dtype("<u2"),
    5125: np.dtype("<u4"),
    5126: np.dtype("<f4"),
}
_TYPE_SIZES = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
_NORM_DIVISOR = {5120: 127.0, 5121: 255.0, 5122: 32767.0, 5123: 65535.0}

NOTES = {
    "trimesh": "median; trimesh.load(force='scene', process=False) (process=False is its glTF "
    "default), .vrm/.vrma with file_type='glb'; images: trimesh opens them lazily with PIL, "
    "twinstage probes headers; neither decodes pixels",
    "pygltflib+numpy": "median; GLTF2().load (load_binary for .vrm/.vrma) + every accessor "
    "decoded with numpy.frombuffer; no validation, no scene, images untouched; its JSON "
    "parse (dataclasses-json) dominates",
}


def corpus_dir() -> Path:
    """The shared corpus: ``$TWINSTAGE_CORPUS``, else ``../shared/corpus`` beside the repo."""
    env = os.environ.get("TWINSTAGE_CORPUS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def find_models(root: Path | None = None) -> list[Path]:
    """Every model file under ``root`` (sorted by name), ``invalid/`` excluded."""
    root = corpus_dir() if root is None else root
    found = [
        p
        for p in root.rglob("*")
        if p.suffix.lower() in MODEL_SUFFIXES
        and p.is_file()
        and "invalid" not in p.relative_to(root).parts
    ]
    return sorted(found, key=lambda p: (p.name.lower(), str(p)))


# -- the tools ------------------------------------------------------------------------


def load_twinstage(path: Path) -> Any:
    import twinstage

    return twinstage.load(path)


def load_trimesh(path: Path) -> Any:
    import trimesh

    kwargs: dict[str, Any] = {"force": "scene", "process": False}
    if path.suffix.lower() in GLB_ONLY_SUFFIXES:
        kwargs["file_type"] = "glb"
    return trimesh.load(str(path), **kwargs)


def load_pygltflib(path: Path) -> list[np.ndarray]:
    from pygltflib import GLTF2

    if path.suffix.lower() in GLB_ONLY_SUFFIXES:
        gltf = GLTF2.load_binary(str(path))
    else:
        gltf = GLTF2().load(str(path))
    return decode_accessors(gltf)


def decode_accessors(gltf: Any) -> list[np.ndarray]:
    """Every accessor of a pygltflib ``GLTF2`` as a numpy array ``(count, n)``.

    Buffers are read once each (GLB blob, data URI or file); tightly packed data
    become ``np.frombuffer`` views, strided data strided views; sparse values are
    substituted into a copy and normalized integers become float32. Matrix column
    padding of 1- and 2-byte components is not handled (no corpus file has any).
    """
    blobs: dict[int, bytes] = {}

    def buffer(index: int) -> bytes:
        if index not in blobs:
            uri = gltf.buffers[index].uri
            if uri is None:
                blobs[index] = gltf.binary_blob()
            elif uri.startswith("data:"):
                blobs[index] = gltf.decode_data_uri(uri)
            else:
                blobs[index] = gltf.load_file_uri(uri)
        return blobs[index]

    def view(bv_index: int, offset: int, count: int, dtype: np.dtype, n: int) -> np.ndarray:
        bv = gltf.bufferViews[bv_index]
        data = buffer(bv.buffer)
        start = (bv.byteOffset or 0) + offset
        element = n * dtype.itemsize
        stride = bv.byteStride or element
        if stride == element:
            return np.frombuffer(data, dtype, count * n, start).reshape(count, n)
        return np.ndarray((count, n), dtype, data, start, (stride, dtype.itemsize))

    out = []
    for a in gltf.accessors:
        dtype = _COMPONENT_DTYPES[a.componentType]
        n = _TYPE_SIZES[a.type]
        if a.bufferView is None:
            arr = np.zeros((a.count, n), dtype)
        else:
            arr = view(a.bufferView, a.byteOffset or 0, a.count, dtype, n)
        if a.sparse is not None and a.sparse.count:
            s = a.sparse
            idx = view(
                s.indices.bufferView,
                s.indices.byteOffset or 0,
                s.count,
                _COMPONENT_DTYPES[s.indices.componentType],
                1,
            ).reshape(-1)
            arr = arr.copy()
            arr[idx] = view(s.values.bufferView, s.values.byteOffset or 0, s.count, dtype, n)
        if a.normalized and a.componentType in _NORM_DIVISOR:
            arr = np.maximum(
                arr.astype(np.float32) / np.float32(_NORM_DIVISOR[a.componentType]),
                np.float32(-1.0),
            )
        out.append(arr)
    return out


LOADERS: dict[str, Callable[[Path], Any]] = {
    "twinstage": load_twinstage,
    "trimesh": load_trimesh,
    "pygltflib+numpy": load_pygltflib,
}


# -- timing ---------------------------------------------------------------------------


def _time_once(load: Callable[[Path], Any], path: Path) -> float:
    """Seconds for one ``load(path)``, GC off during the call; the result is dropped
    after the clock stops."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        result = load(path)
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    del result
    return elapsed


def _error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200]


def measure(path: Path, repeats: int, tools: Iterable[str] = TOOLS) -> dict[str, Any]:
    """Time every tool on ``path``, interleaved.

    Returns ``{tool: [seconds...]}`` for the tools that loaded it and
    ``{"errors": {tool: message}}`` for those that failed (on the untimed warm-up).
    """
    tools = list(tools)
    times: dict[str, list[float]] = {t: [] for t in tools}
    errors: dict[str, str] = {}
    for tool in tools:  # warm-up: file cache, imports, lazy module state
        try:
            LOADERS[tool](path)
        except Exception as exc:  # a peer that cannot load a model is a result, not a crash
            errors[tool] = _error(exc)
    working = [t for t in tools if t not in errors]
    for r in range(repeats):
        k = r % len(working) if working else 0
        for tool in working[k:] + working[:k]:
            times[tool].append(_time_once(LOADERS[tool], path))
    return {"times": {t: v for t, v in times.items() if v}, "errors": errors}


def _ms(values: list[float] | None, stat: Callable[[list[float]], float]) -> float | None:
    return round(stat(values) * 1e3, 4) if values else None


def run(quick: bool = False, models: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Benchmark rows, one per (model, peer).

    Parameters
    ----------
    quick : bool
        Fewer repeats (``REPEATS_QUICK`` instead of ``REPEATS_FULL``).
    models : iterable of str, optional
        Only these models, by file name (``"Box.glb"``) or stem (``"Box"``); default all.
    """
    paths = find_models()
    if models is not None:
        wanted = set(models)
        paths = [p for p in paths if p.name in wanted or p.stem in wanted]
        missing = wanted - {p.name for p in paths} - {p.stem for p in paths}
        if missing:
            raise FileNotFoundError(f"not in the corpus {corpus_dir()}: {sorted(missing)}")
    repeats = REPEATS_QUICK if quick else REPEATS_FULL
    rows: list[dict[str, Any]] = []
    trimesh_log = logging.getLogger("trimesh")
    old_level = trimesh_log.level
    trimesh_log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for path in paths:
                rows.extend(_rows(path, repeats))
    finally:
        trimesh_log.setLevel(old_level)
    return rows


def _rows(path: Path, repeats: int) -> list[dict[str, Any]]:
    m = measure(path, repeats)
    times, errors = m["times"], m["errors"]
    ts = times.get("twinstage")
    rows = []
    for peer in PEERS:
        pt = times.get(peer)
        ts_ms = _ms(ts, statistics.median)
        peer_ms = _ms(pt, statistics.median)
        notes = [NOTES[peer]]
        for tool in ("twinstage", peer):
            if tool in errors:
                notes.append(f"{tool} cannot load it: {errors[tool]}")
        rows.append(
            {
                "suite": SUITE,
                "case": path.name,
                "twinstage_ms": ts_ms,
                "peer": peer,
                "peer_ms": peer_ms,
                "ratio": round(ts_ms / peer_ms, 4) if ts_ms and peer_ms else None,
                "n": repeats,
                "note": "; ".join(notes),
                "stat": "median",
                "twinstage_min_ms": _ms(ts, min),
                "peer_min_ms": _ms(pt, min),
                "bytes": path.stat().st_size,
            }
        )
    return rows
