"""Accessor decoding (glTF 2.0 sections 3.6.2 and 3.6.2.3, sparse accessors 3.6.2.4).

An accessor becomes a numpy array ``(count,)`` for SCALAR or ``(count, n)`` otherwise
(MAT4 is ``(count, 16)`` column-major, as stored). Tightly packed and strided data are
views into the file's bytes (read-only, no copy); normalized integers, sparse accessors
and padded matrix columns produce new arrays. Every byte range is checked against
the buffer view and the buffer *before* anything is viewed or allocated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from twinstage.gltf.document import JsonObject, Reader, child

COMPONENT_DTYPES: dict[int, np.dtype[Any]] = {
    5120: np.dtype("<i1"),
    5121: np.dtype("<u1"),
    5122: np.dtype("<i2"),
    5123: np.dtype("<u2"),
    5125: np.dtype("<u4"),
    5126: np.dtype("<f4"),
}
TYPE_SIZES = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
MAX_ZERO_ACCESSOR_BYTES = 256 * 1024 * 1024
"""Largest accessor without a bufferView (all zeros, sparse base) that is allocated."""
_NORM_DIVISOR = {5120: 127.0, 5121: 255.0, 5122: 32767.0, 5123: 65535.0}


@dataclass(frozen=True, slots=True)
class BufferView:
    """A checked slice of a buffer: ``data`` is a memoryview of exactly ``byteLength``."""

    data: memoryview
    stride: int | None
    target: int | None


@dataclass(frozen=True, slots=True)
class AccessorInfo:
    """Header facts of an accessor, needed by callers to check usage."""

    component_type: int
    type: str
    count: int
    normalized: bool


def accessor_info(reader: Reader, acc: JsonObject, pointer: str) -> AccessorInfo:
    """Check and return the header of accessor ``acc`` at ``pointer``."""
    ctype = reader.get_int(acc, "componentType", pointer, minimum=None)
    if ctype not in COMPONENT_DTYPES:
        reader.fail(child(pointer, "componentType"),
                    f"component type {ctype} is not one of {sorted(COMPONENT_DTYPES)}")
    atype = reader.get_str(acc, "type", pointer, choices=tuple(TYPE_SIZES))
    count = reader.get_int(acc, "count", pointer, minimum=1)
    normalized = reader.get_bool(acc, "normalized", pointer, False)
    if normalized and ctype in (5125, 5126):
        reader.fail(child(pointer, "normalized"),
                    f"normalized is not allowed for component type {ctype}")
    return AccessorInfo(ctype, atype, count, normalized)


def element_layout(ctype: int, atype: str) -> tuple[int, int, int]:
    """``(columns, rows, column_stride)`` in bytes-per-column terms for one element.

    Matrices of 1- and 2-byte components pad each column to 4 bytes (section 3.6.2.4).
    """
    return _LAYOUTS[(ctype, atype)]


def _layout(ctype: int, atype: str) -> tuple[int, int, int]:
    n = TYPE_SIZES[atype]
    size = COMPONENT_DTYPES[ctype].itemsize
    if atype.startswith("MAT"):
        rows = {4: 2, 9: 3, 16: 4}[n]
        col_bytes = rows * size
        return rows, rows, col_bytes + (-col_bytes % 4)
    return 1, n, n * size


_LAYOUTS = {(c, t): _layout(c, t) for c in COMPONENT_DTYPES for t in TYPE_SIZES}


def element_size(ctype: int, atype: str) -> int:
    """Bytes one element occupies (with matrix column padding)."""
    cols, _rows, col_stride = _LAYOUTS[(ctype, atype)]
    return cols * col_stride


def decode(reader: Reader, acc: JsonObject, pointer: str, views: list[BufferView] | Any,
           *, normalize: bool = True, info: AccessorInfo | None = None) -> NDArray[Any]:
    """Decode accessor ``acc`` (at ``pointer``) to a read-only numpy array.

    Parameters
    ----------
    views : sequence of BufferView
        Checked buffer views of the document, indexable by bufferView index.
    normalize : bool
        Map normalized integers to float32 in [-1, 1] / [0, 1]; ``False`` keeps the
        stored integers (see :func:`normalized`).
    info : AccessorInfo, optional
        The accessor's already checked header.
    """
    if info is None:
        info = accessor_info(reader, acc, pointer)
    dtype = COMPONENT_DTYPES[info.component_type]
    n = TYPE_SIZES[info.type]
    if "bufferView" in acc:
        bv_index = reader.get_index(acc, "bufferView", pointer, len(views), "bufferView")
        view: BufferView = views[bv_index]
        offset = reader.get_int(acc, "byteOffset", pointer, 0)
        out = _view(reader, pointer, view, offset, info)
    else:
        nbytes = info.count * n * dtype.itemsize
        if nbytes > MAX_ZERO_ACCESSOR_BYTES:
            reader.fail(pointer, f"an accessor without a bufferView declares {info.count} "
                                 f"elements ({nbytes} bytes of zeros), over the "
                                 f"{MAX_ZERO_ACCESSOR_BYTES} byte limit")
        out = np.zeros((info.count, n), dtype)
    if "sparse" in acc:
        out = _apply_sparse(reader, acc, pointer, views, info, out)
    if normalize and info.normalized:
        out = normalized(out, info.component_type)
    if n == 1:
        out = out.reshape(info.count)
    if out.flags.writeable:
        out.setflags(write=False)
    return out


def normalized(data: NDArray[Any], component_type: int) -> NDArray[np.float32]:
    """Stored normalized integers as float32 (glTF 2.0 section 3.11, "Animations",
    table of normalization formulas): ``max(c / (2^(b-1) - 1), -1)`` or ``c / (2^b - 1)``."""
    out: NDArray[np.float32] = np.maximum(
        data.astype(np.float32) / np.float32(_NORM_DIVISOR[component_type]), np.float32(-1.0))
    out.setflags(write=False)
    return out


def _view(reader: Reader, pointer: str, view: BufferView, offset: int,
          info: AccessorInfo) -> NDArray[Any]:
    dtype = COMPONENT_DTYPES[info.component_type]
    cols, rows, col_stride = _LAYOUTS[(info.component_type, info.type)]
    esize = cols * col_stride
    stride = view.stride or esize
    if view.stride is not None and view.stride < esize:
        reader.fail(pointer, f"bufferView byteStride {view.stride} is smaller than one "
                             f"{info.type} element ({esize} bytes)")
    if offset % dtype.itemsize:
        reader.fail(pointer, f"byteOffset {offset} is not a multiple of the component size "
                             f"{dtype.itemsize}")
    need = offset + stride * (info.count - 1) + esize
    if need > len(view.data):
        reader.fail(pointer, f"{info.count} elements from byte {offset} need {need} bytes but the "
                             f"bufferView has {len(view.data)}")
    if col_stride != rows * dtype.itemsize:  # padded matrix columns: gather
        arr = np.ndarray((info.count, cols, rows), dtype, view.data, offset,
                         (stride, col_stride, dtype.itemsize))
        return arr.reshape(info.count, cols * rows)
    n = cols * rows
    if stride == esize:
        return np.frombuffer(view.data, dtype, info.count * n, offset).reshape(info.count, n)
    return np.ndarray((info.count, n), dtype, view.data, offset, (stride, dtype.itemsize))


def _apply_sparse(reader: Reader, acc: JsonObject, pointer: str, views: Any,
                  info: AccessorInfo, base: NDArray[Any]) -> NDArray[Any]:
    sp_ptr = child(pointer, "sparse")
    sparse = reader.get_obj(acc, "sparse", pointer)
    k = reader.get_int(sparse, "count", sp_ptr, minimum=1, maximum=info.count)
    idx_ptr, val_ptr = child(sp_ptr, "indices"), child(sp_ptr, "values")
    idx = reader.get_obj(sparse, "indices", sp_ptr)
    val = reader.get_obj(sparse, "values", sp_ptr)
    ictype = reader.get_int(idx, "componentType", idx_ptr, minimum=None)
    if ictype not in (5121, 5123, 5125):
        reader.fail(child(idx_ptr, "componentType"),
                    f"sparse index component type {ictype} is not 5121, 5123 or 5125")
    iview = views[reader.get_index(idx, "bufferView", idx_ptr, len(views), "bufferView")]
    vview = views[reader.get_index(val, "bufferView", val_ptr, len(views), "bufferView")]
    indices = _view(reader, idx_ptr, BufferView(iview.data, None, None),
                    reader.get_int(idx, "byteOffset", idx_ptr, 0),
                    AccessorInfo(ictype, "SCALAR", k, False)).reshape(k)
    values = _view(reader, val_ptr, BufferView(vview.data, None, None),
                   reader.get_int(val, "byteOffset", val_ptr, 0),
                   AccessorInfo(info.component_type, info.type, k, False))
    if k > 1 and not bool(np.all(indices[1:] > indices[:-1])):
        reader.fail(idx_ptr, "sparse indices are not strictly increasing")
    if int(indices[-1]) >= info.count:
        reader.fail(idx_ptr, f"sparse index {int(indices[-1])} is out of range for "
                             f"{info.count} elements")
    out = np.array(base, copy=True)
    out[indices.astype(np.intp)] = values
    return out


def check_bounds(reader: Reader, acc: JsonObject, pointer: str, data: NDArray[Any]) -> None:
    """Check the data against the accessor's declared ``min`` / ``max``.

    Integer components must lie within the bounds exactly; floats within a relative
    tolerance of 1e-5 (exporters round the bounds they write). Bounds are in the
    stored (not normalized) units, so integer data are compared before normalization.
    """
    if "min" not in acc and "max" not in acc:
        return
    # Reduce over a contiguous (components, count) copy: numpy's axis-0 reduction over
    # an interleaved (count, components) view is ~40x slower.
    columns = np.ascontiguousarray(data.reshape(data.shape[0], -1).T)
    for key in ("min", "max"):
        if key not in acc:
            continue
        bound = _bound_values(reader, acc, key, pointer, columns.shape[0])
        actual = columns.min(axis=1) if key == "min" else columns.max(axis=1)
        slack = 1e-5 * np.maximum(np.abs(bound), 1.0) if columns.dtype.kind == "f" else 0.0
        bad = actual < bound - slack if key == "min" else actual > bound + slack
        if bool(bad.any()):
            i = int(np.argmax(bad))
            reader.fail(child(child(pointer, key), i),
                        f"data {key}imum {actual[i]:g} is outside the declared {key} "
                        f"{bound[i]:g}")


def _bound_values(reader: Reader, acc: JsonObject, key: str, pointer: str,
                  n: int) -> NDArray[np.float64]:
    values = reader.get_list(acc, key, pointer)
    p = child(pointer, key)
    if len(values) != n:
        reader.fail(p, f"has {len(values)} values, expected {n}")
    if not all(type(v) is int or (type(v) is float and v - v == 0.0) for v in values):
        for i, v in enumerate(values):
            reader.num(v, child(p, i))
    return np.array(values, dtype=np.float64)
