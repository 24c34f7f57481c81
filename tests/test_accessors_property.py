"""Accessor decoding round-trips (glTF 2.0 sections 3.6.2, 3.6.2.4 "Data alignment", 3.6.2.3
sparse accessors), checked with hypothesis.

Each example builds one accessor at random (component type, type, count, normalized,
byteStride, byteOffset, optional sparse substitution, optional min/max), writes its bytes
with numpy into a buffer (external ``.bin``, GLB binary chunk or ``data:`` URI) and loads
it. The expected array is computed here from the spec, independently of the loader: the
element layout (matrix column padding) is a table, not a call into
``twinstage.gltf.accessors``.
"""

from __future__ import annotations

import base64
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

import twinstage
from twinstage.gltf.io import read_container
from twinstage.gltf.loader import GltfLoader

DTYPES = {5120: "<i1", 5121: "<u1", 5122: "<i2", 5123: "<u2", 5125: "<u4", 5126: "<f4"}
WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
# (columns, rows, bytes per column incl. padding), per component size, from section 3.6.2.4:
# every matrix column starts on a 4-byte boundary.
MATRIX_LAYOUT = {
    ("MAT2", 1): (2, 2, 4),
    ("MAT2", 2): (2, 2, 4),
    ("MAT2", 4): (2, 2, 8),
    ("MAT3", 1): (3, 3, 4),
    ("MAT3", 2): (3, 3, 8),
    ("MAT3", 4): (3, 3, 12),
    ("MAT4", 1): (4, 4, 4),
    ("MAT4", 2): (4, 4, 8),
    ("MAT4", 4): (4, 4, 16),
}
NORM_BITS = {5120: 8, 5121: 8, 5122: 16, 5123: 16}
SIGNED = {5120, 5122}
FILLER = 0xCD  # bytes the accessor must never read: strides, padding, offsets

_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def layout(ctype: int, atype: str) -> tuple[int, int, int]:
    """``(columns, rows, column_stride)`` of one element, bytes."""
    size = np.dtype(DTYPES[ctype]).itemsize
    if atype.startswith("MAT"):
        return MATRIX_LAYOUT[(atype, size)]
    return 1, WIDTH[atype], WIDTH[atype] * size


def element_size(ctype: int, atype: str) -> int:
    cols, _, col_stride = layout(ctype, atype)
    return cols * col_stride


@dataclass
class Case:
    """One random accessor: JSON pieces plus the values it must decode to."""

    ctype: int
    atype: str
    count: int
    normalized: bool
    stride: int | None
    acc_offset: int
    view_offset: int
    values: NDArray[Any]  # (count, n) stored values; bufferView data (or zeros)
    has_view: bool
    sparse: tuple[int, NDArray[Any], NDArray[Any]] | None  # (index ctype, indices, values)
    container: str  # "gltf" | "glb" | "data"

    @property
    def stored(self) -> NDArray[Any]:
        """Values after sparse substitution, in stored (not normalized) units."""
        out = self.values.copy() if self.has_view else np.zeros_like(self.values)
        if self.sparse is not None:
            _, idx, vals = self.sparse
            out[idx.astype(np.intp)] = vals
        return out


def _write_elements(
    buf: bytearray, start: int, stride: int, data: NDArray[Any], ctype: int, atype: str
) -> None:
    cols, rows, col_stride = layout(ctype, atype)
    dtype = np.dtype(DTYPES[ctype])
    for i, row in enumerate(np.asarray(data, dtype=dtype)):
        for c in range(cols):
            pos = start + i * stride + c * col_stride
            chunk = row[c * rows : (c + 1) * rows].tobytes()
            buf[pos : pos + len(chunk)] = chunk


def _pad4(buf: bytearray) -> None:
    buf.extend(b"\x00" * (-len(buf) % 4))


def build(case: Case) -> tuple[dict[str, Any], bytes]:
    """The glTF JSON (without buffer uri) and the binary buffer of ``case``."""
    esize = element_size(case.ctype, case.atype)
    stride = case.stride or esize
    buf = bytearray()
    views: list[dict[str, Any]] = []
    acc: dict[str, Any] = {"componentType": case.ctype, "type": case.atype, "count": case.count}
    if case.normalized:
        acc["normalized"] = True
    if case.has_view:
        length = case.acc_offset + stride * (case.count - 1) + esize
        buf.extend(bytes([FILLER]) * case.view_offset)
        start = len(buf)
        buf.extend(bytes([FILLER]) * length)
        _write_elements(buf, start + case.acc_offset, stride, case.values, case.ctype, case.atype)
        view: dict[str, Any] = {"buffer": 0, "byteOffset": case.view_offset, "byteLength": length}
        if case.stride is not None:
            view["byteStride"] = case.stride
        views.append(view)
        acc["bufferView"] = 0
        if case.acc_offset:
            acc["byteOffset"] = case.acc_offset
        _pad4(buf)
    if case.sparse is not None:
        ictype, idx, vals = case.sparse
        sparse: dict[str, Any] = {"count": len(idx)}
        start = len(buf)
        ibytes = np.asarray(idx, dtype=DTYPES[ictype]).tobytes()
        buf.extend(ibytes)
        views.append({"buffer": 0, "byteOffset": start, "byteLength": len(ibytes)})
        sparse["indices"] = {"bufferView": len(views) - 1, "componentType": ictype}
        _pad4(buf)
        start = len(buf)
        vlen = esize * len(idx)
        buf.extend(bytes([FILLER]) * vlen)
        _write_elements(buf, start, esize, vals, case.ctype, case.atype)
        views.append({"buffer": 0, "byteOffset": start, "byteLength": vlen})
        sparse["values"] = {"bufferView": len(views) - 1}
        acc["sparse"] = sparse
        _pad4(buf)
    if not buf:  # a buffer needs byteLength >= 1; keep one so the document has a buffer
        buf.extend(b"\x00" * 4)
    doc: dict[str, Any] = {
        "asset": {"version": "2.0", "generator": "test_accessors_property"},
        "buffers": [{"byteLength": len(buf)}],
        "bufferViews": views,
        "accessors": [acc],
    }
    if not views:
        del doc["bufferViews"]
    return doc, bytes(buf)


def glb_bytes(doc: dict[str, Any], binary: bytes | None) -> bytes:
    """A GLB 2.0 file: header, JSON chunk (space padded), optional BIN chunk (zero padded)."""
    js = json.dumps(doc).encode()
    js += b" " * (-len(js) % 4)
    chunks = struct.pack("<II", len(js), 0x4E4F534A) + js
    if binary is not None:
        b = binary + b"\x00" * (-len(binary) % 4)
        chunks += struct.pack("<II", len(b), 0x004E4942) + b
    return struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks


def write(case: Case, folder: Path, doc: dict[str, Any], binary: bytes) -> Path:
    """Write ``doc`` + ``binary`` into ``folder`` in the case's container; return the model."""
    folder.mkdir(parents=True, exist_ok=True)
    if case.container == "glb":
        path = folder / "model.glb"
        path.write_bytes(glb_bytes(doc, binary))
        return path
    if case.container == "data":
        doc["buffers"][0]["uri"] = "data:application/octet-stream;base64," + base64.b64encode(
            binary
        ).decode("ascii")
    else:
        (folder / "model.bin").write_bytes(binary)
        doc["buffers"][0]["uri"] = "model.bin"
    path = folder / "model.gltf"
    path.write_text(json.dumps(doc))
    return path


def load_accessor(path: Path, index: int = 0, *, collect: bool = False) -> NDArray[Any]:
    return GltfLoader(path, read_container(path), collect=collect).load_accessor(index)


def expected(case: Case) -> NDArray[Any]:
    """Decoded values per glTF 2.0: normalized ints → float32, SCALAR flattened."""
    data = case.stored
    if case.normalized:
        bits = NORM_BITS[case.ctype]
        c = data.astype(np.float64)
        if case.ctype in SIGNED:
            out = np.maximum(c / (2.0 ** (bits - 1) - 1), -1.0).astype(np.float32)
        else:
            out = (c / (2.0**bits - 1)).astype(np.float32)
    else:
        out = data
    return out.reshape(case.count) if case.atype == "SCALAR" else out


# -- strategies -----------------------------------------------------------------------------


def _elements(ctype: int) -> st.SearchStrategy[Any]:
    if ctype == 5126:
        return st.floats(-1e6, 1e6, width=32, allow_nan=False, allow_infinity=False)
    info = np.iinfo(np.dtype(DTYPES[ctype]))
    return st.integers(int(info.min), int(info.max))


@st.composite
def cases(draw: st.DrawFn, *, containers: tuple[str, ...] = ("gltf", "glb", "data")) -> Case:
    ctype = draw(st.sampled_from(sorted(DTYPES)))
    atype = draw(st.sampled_from(list(WIDTH)))
    n = WIDTH[atype]
    count = draw(st.integers(1, 24))
    normalized = ctype in NORM_BITS and draw(st.booleans())
    esize = element_size(ctype, atype)
    csize = np.dtype(DTYPES[ctype]).itemsize
    stride = draw(st.none() | st.integers(-(-esize // 4), 252 // 4).map(lambda k: 4 * k))
    acc_offset = (
        csize * draw(st.integers(0, 16 // csize))
        if stride is None
        else 4 * draw(st.integers(0, (stride - esize) // 4))
    )
    view_offset = 4 * draw(st.integers(0, 3))
    values = draw(hnp.arrays(np.dtype(DTYPES[ctype]), (count, n), elements=_elements(ctype)))
    has_view = draw(st.booleans()) or draw(st.booleans())
    sparse = None
    if draw(st.booleans()) or not has_view:
        idx = sorted(draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=count)))
        ictype = draw(st.sampled_from([5121, 5123, 5125]))
        vals = draw(hnp.arrays(np.dtype(DTYPES[ctype]), (len(idx), n), elements=_elements(ctype)))
        sparse = (ictype, np.array(idx, dtype=DTYPES[ictype]), vals)
    container = draw(st.sampled_from(containers))
    return Case(
        ctype,
        atype,
        count,
        normalized,
        stride,
        acc_offset,
        view_offset,
        values,
        has_view,
        sparse,
        container,
    )


# -- tests ----------------------------------------------------------------------------------


@_SETTINGS
@given(case=cases())
def test_accessor_round_trip(case: Case, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("acc")
    doc, binary = build(case)
    path = write(case, folder, doc, binary)

    got = load_accessor(path)

    want = expected(case)
    assert got.shape == (
        (case.count,) if case.atype == "SCALAR" else (case.count, WIDTH[case.atype])
    )
    assert got.dtype == (np.float32 if case.normalized else np.dtype(DTYPES[case.ctype]))
    np.testing.assert_array_equal(got, want)
    assert not got.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        got[(0,) * got.ndim] = 0
    if case.normalized:
        assert got.min() >= -1.0
        assert got.max() <= 1.0
    # The whole pipeline decodes the (unused) accessor too and accepts it.
    assert isinstance(twinstage.load(path), twinstage.Asset)


def _bounds(data: NDArray[Any]) -> tuple[list[Any], list[Any]]:
    flat = data.reshape(data.shape[0], -1)
    conv = float if flat.dtype.kind == "f" else int
    return [conv(v) for v in flat.min(axis=0)], [conv(v) for v in flat.max(axis=0)]


@_SETTINGS
@given(case=cases(containers=("gltf", "glb")), data=st.data())
def test_declared_min_max(
    case: Case, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Bounds equal to the data (stored units, after sparse) load; a tighter one is an
    error at ``/accessors/0/min/<i>`` or ``/max/<i>``.

    ``validate`` and the loader in collect mode check every accessor's bounds; ``load``
    checks integer ones (float bounds are left to ``validate``, for speed).
    """
    doc, binary = build(case)
    lo, hi = _bounds(case.stored)
    doc["accessors"][0]["min"], doc["accessors"][0]["max"] = lo, hi
    ok = write(case, tmp_path_factory.mktemp("bounds_ok"), json.loads(json.dumps(doc)), binary)
    np.testing.assert_array_equal(load_accessor(ok, collect=True), expected(case))
    assert twinstage.validate(ok).ok

    key = data.draw(st.sampled_from(["min", "max"]), label="key")
    i = data.draw(st.integers(0, len(lo) - 1), label="component")
    bound = list(lo if key == "min" else hi)
    sign = 1 if key == "min" else -1
    if case.ctype == 5126:
        bound[i] += sign * 1e-3 * max(abs(bound[i]), 1.0)
    else:
        bound[i] += sign
    doc["accessors"][0][key] = bound
    bad = write(case, tmp_path_factory.mktemp("bounds_bad"), doc, binary)
    pointer = f"/accessors/0/{key}/{i}"
    with pytest.raises(twinstage.GltfError) as err:
        load_accessor(bad, collect=True)
    assert err.value.where == pointer
    assert str(err.value).startswith(f"{bad.name}: {pointer}: ")
    assert [e.where for e in twinstage.validate(bad).errors] == [pointer]
    if case.ctype != 5126:
        with pytest.raises(twinstage.GltfError) as err:
            twinstage.load(bad)
        assert err.value.where == pointer


# -- fixed examples of the padding rules (section 3.6.2.4) ----------------------------------


@pytest.mark.parametrize(
    ("ctype", "atype", "size"),
    [
        (5121, "MAT2", 8),
        (5121, "MAT3", 12),
        (5121, "MAT4", 16),
        (5123, "MAT2", 8),
        (5123, "MAT3", 24),
        (5123, "MAT4", 32),
        (5126, "MAT2", 16),
        (5126, "MAT3", 36),
        (5126, "MAT4", 64),
    ],
)
def test_matrix_columns_are_padded_to_four_bytes(
    ctype: int, atype: str, size: int, tmp_path: Path
) -> None:
    n = WIDTH[atype]
    values = np.arange(2 * n, dtype=DTYPES[ctype]).reshape(2, n) + 1
    case = Case(ctype, atype, 2, False, None, 0, 0, values, True, None, "gltf")
    doc, binary = build(case)
    assert doc["bufferViews"][0]["byteLength"] == 2 * size
    got = load_accessor(write(case, tmp_path, doc, binary))
    np.testing.assert_array_equal(got, values)  # column-major, padding dropped


def test_normalized_extremes(tmp_path: Path) -> None:
    values = np.array([[-128, -127, 0, 127]], dtype="<i1")
    case = Case(5120, "VEC4", 1, True, None, 0, 0, values, True, None, "glb")
    doc, binary = build(case)
    got = load_accessor(write(case, tmp_path, doc, binary))
    np.testing.assert_array_equal(got, np.array([[-1.0, -1.0, 0.0, 1.0]], np.float32))
