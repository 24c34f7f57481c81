"""The loader's foundation (glTF 2.0 sections 3.6: buffers, buffer views, accessors).

:class:`LoaderBase` holds the document, the memo of loaded objects and the problem
lists; :mod:`materials` and :mod:`loader` build on it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from numpy.typing import NDArray

from twinstage.errors import GltfError
from twinstage.gltf import accessors as acc
from twinstage.gltf.document import JsonObject, Reader, child
from twinstage.gltf.io import Container, model_folder, read_uri
from twinstage.model.scene import LoadWarning

T = TypeVar("T")


class _Failed:
    """Memo entry of an object that failed to load (collect mode)."""

    __slots__ = ("error",)

    def __init__(self, error: GltfError) -> None:
        self.error = error


class LoaderBase:
    """Plumbing shared by the loader's parts: memoised, pointer-aware access to the
    document, and the buffers, buffer views and accessors everything else reads.

    Parameters
    ----------
    path : Path
        The model file (relative URIs resolve against its folder).
    container : Container
        Its JSON document and GLB binary chunk.
    collect : bool
        Record failing objects and go on instead of raising at the first.
    """

    def __init__(self, path: Path, container: Container, *, collect: bool = False) -> None:
        self.path = path
        self.doc = container.document
        self.container = container
        self.collect = collect
        self.errors: list[GltfError] = []
        self.warnings: list[LoadWarning] = []
        self.reader = Reader(str(path), self._warn)
        self._memo: dict[tuple[str, int], Any] = {}
        self._arrays: dict[str, list[Any]] = {}
        self.r = self.reader

    # -- plumbing ----------------------------------------------------------------
    @cached_property
    def folder(self) -> str:
        """The model's folder, symlinks resolved once per load (URIs must stay inside)."""
        return model_folder(self.path)

    def _warn(self, pointer: str, message: str) -> None:
        w = LoadWarning(pointer, message)
        if w not in self.warnings:
            self.warnings.append(w)

    def items(self, key: str) -> list[Any]:
        """Top-level array ``key`` of the document (empty when absent)."""
        found = self._arrays.get(key)
        if found is None:
            found = self._arrays[key] = self.r.get_list(self.doc, key, "", [])
        return found

    def item(self, key: str, index: int) -> tuple[JsonObject, str]:
        """Object ``index`` of top-level array ``key`` and its pointer."""
        pointer = f"/{key}/{index}"
        value = self.items(key)[index]
        if type(value) is dict:
            return value, pointer
        return self.r.obj(value, pointer), pointer

    def memo(self, kind: str, index: int, build: Callable[[int], T]) -> T:
        """``build(index)`` once; a failure is remembered and raised again."""
        key = (kind, index)
        if key in self._memo:
            value = self._memo[key]
            if isinstance(value, _Failed):
                raise value.error
            return value  # type: ignore[no-any-return]
        try:
            value = build(index)
        except GltfError as exc:
            self._memo[key] = _Failed(exc)
            raise
        self._memo[key] = value
        return value

    def each(self, key: str, load: Callable[[int], T]) -> tuple[T, ...]:
        """Load every object of top-level array ``key``; in collect mode skip failures."""
        out: list[T] = []
        for i in range(len(self.items(key))):
            try:
                out.append(load(i))
            except GltfError as exc:
                if not self.collect:
                    raise
                if str(exc) not in {str(e) for e in self.errors}:
                    self.errors.append(exc)
        return tuple(out)

    # -- buffers and accessors ---------------------------------------------------
    def load_buffer(self, index: int) -> memoryview:
        """Bytes of buffer ``index``, exactly ``byteLength`` long (section 3.6.1)."""
        return self.memo("buffer", index, self._load_buffer)

    def _load_buffer(self, index: int) -> memoryview:
        b, p = self.item("buffers", index)
        length = self.r.get_int(b, "byteLength", p, minimum=1)
        uri = self.r.get_str(b, "uri", p, None)
        if uri is None:
            if index != 0 or self.container.binary is None:
                self.r.fail(p, "buffer has no uri and the file has no GLB binary chunk for it")
            data = self.container.binary
        else:
            data = memoryview(read_uri(self.path, uri, child(p, "uri"), self.folder)[0])
        if len(data) < length:
            self.r.fail(child(p, "byteLength"),
                        f"buffer declares {length} bytes but its data has {len(data)}")
        return data[:length]

    def load_buffer_view(self, index: int) -> acc.BufferView:
        """Checked slice of a buffer (section 3.6.2.3)."""
        return self.memo("bufferView", index, self._load_buffer_view)

    def _load_buffer_view(self, index: int) -> acc.BufferView:
        v, p = self.item("bufferViews", index)
        buf = self.load_buffer(self.r.get_index(v, "buffer", p, len(self.items("buffers")),
                                                "buffer"))
        offset = self.r.get_int(v, "byteOffset", p, 0)
        length = self.r.get_int(v, "byteLength", p, minimum=1)
        if offset + length > len(buf):
            self.r.fail(p, f"bytes {offset}..{offset + length} run past the end of the "
                           f"buffer ({len(buf)} bytes)")
        stride = self.r.get_int(v, "byteStride", p, None, minimum=4, maximum=252)
        if stride is not None and stride % 4:
            self.r.fail(child(p, "byteStride"), f"byteStride {stride} is not a multiple of 4")
        target = self.r.get_int(v, "target", p, None, minimum=None)
        return acc.BufferView(buf[offset:offset + length], stride, target)

    @cached_property
    def _views(self) -> _Views:
        return _Views(self)

    def load_accessor(self, index: int) -> NDArray[Any]:
        """Decoded, bounds-checked accessor ``index`` (normalized integers → float32)."""
        return self.memo("accessor", index, self._load_accessor)

    def _load_accessor(self, index: int) -> NDArray[Any]:
        a, p = self.item("accessors", index)
        info = self.accessor_info(index)
        raw = acc.decode(self.r, a, p, self._views, normalize=False, info=info)
        if self.collect or raw.dtype.kind != "f":
            acc.check_bounds(self.r, a, p, raw)
        return acc.normalized(raw, info.component_type) if info.normalized else raw

    def accessor_info(self, index: int) -> acc.AccessorInfo:
        """Checked header of accessor ``index``."""
        return self.memo("accessorInfo", index, lambda i: acc.accessor_info(
            self.r, *self.item("accessors", i)))

    def accessor_ref(self, o: JsonObject, key: str, pointer: str,
                     types: tuple[str, ...] | None = None,
                     ctypes: tuple[int, ...] | None = None
                     ) -> tuple[NDArray[Any], acc.AccessorInfo]:
        """Decode the accessor that ``o[key]`` refers to, checking its type."""
        i = self.r.get_index(o, key, pointer, len(self.items("accessors")), "accessor")
        info = self.accessor_info(i)
        if types is not None and info.type not in types:
            self.r.fail(child(pointer, key),
                        f"accessor {i} is {info.type}, expected {' or '.join(types)}")
        if ctypes is not None and info.component_type not in ctypes:
            self.r.fail(child(pointer, key),
                        f"accessor {i} has component type {info.component_type}, "
                        f"expected one of {list(ctypes)}")
        return self.load_accessor(i), info


class _Views:
    """Lazy sequence of checked buffer views, as :mod:`accessors` expects."""

    def __init__(self, loader: LoaderBase) -> None:
        self._loader = loader
        self._n = len(loader.items("bufferViews"))

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: int) -> acc.BufferView:
        return self._loader.load_buffer_view(index)
