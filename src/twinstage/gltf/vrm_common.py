"""What the VRM readers (:mod:`vrm`, :mod:`vrm_springs`, :mod:`vrm_mtoon`) share.

:class:`VrmDoc` holds the document, its reader and the sizes of the top-level arrays
that VRM indices point into; the small readers below go through the same
:class:`~twinstage.gltf.document.Reader`, so bad input fails with a JSON pointer.
This module sits below the three readers and imports none of them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from twinstage.gltf.document import JsonObject, Reader, child
from twinstage.model.conventions import unity_to_gltf
from twinstage.model.vrm import Vec3

__all__ = ["VrmDoc", "frozen", "objects", "unity_vec3", "valid_index", "vec3"]

_ARRAYS = {"node": "nodes", "mesh": "meshes", "material": "materials", "texture": "textures",
           "image": "images"}


class VrmDoc:
    """The document, its reader and the sizes of the arrays VRM indices point into."""

    def __init__(self, doc: JsonObject, reader: Reader) -> None:
        self.r = reader
        self.doc = reader.obj(doc, "")
        self.count = {what: _length(self.doc.get(key)) for what, key in _ARRAYS.items()}
        self._parents: dict[int, int] | None = None

    def root_extensions(self) -> JsonObject:
        """The top-level ``extensions`` object (empty when absent)."""
        exts: JsonObject = self.r.get_obj(self.doc, "extensions", "", {})
        return exts

    def ref(self, o: JsonObject, key: str, p: str, what: str) -> int:
        """Required member ``key`` of ``o`` as an index of a ``what``."""
        index: int = self.r.get_index(o, key, p, self.count[what], what)
        return index

    def opt_ref(self, o: JsonObject, key: str, p: str, what: str) -> int | None:
        """Optional member ``key`` of ``o`` as an index of a ``what``."""
        index: int | None = self.r.get_index(o, key, p, self.count[what], what, None)
        return index

    def ref_value(self, value: Any, p: str, what: str) -> int:
        """``value`` (at ``p``) as an index of a ``what``."""
        return self.r.index(value, p, self.count[what], what)

    def item(self, what: str, index: int) -> JsonObject | None:
        """Top-level object ``index`` of kind ``what`` if it is an object (checked index)."""
        value = self.doc[_ARRAYS[what]][index]
        return value if isinstance(value, dict) else None

    def children(self, node: int) -> list[int]:
        """Child node indices of ``node``, checked."""
        p = f"/nodes/{node}"
        n = self.r.obj(self.doc["nodes"][node], p)
        kids = self.r.get_list(n, "children", p, [])
        return [self.ref_value(k, child(child(p, "children"), i), "node")
                for i, k in enumerate(kids)]

    def is_ancestor(self, ancestor: int, node: int) -> bool:
        """Whether ``ancestor`` is a proper ancestor of ``node`` in the node tree."""
        if self._parents is None:
            self._parents = {k: i for i in range(self.count["node"]) for k in self.children(i)}
        seen: set[int] = set()
        while node in self._parents and node not in seen:
            seen.add(node)
            node = self._parents[node]
            if node == ancestor:
                return True
        return False

    def node_mesh(self, node: int) -> int | None:
        """The mesh of ``node`` when it has a valid one."""
        n = self.item("node", node)
        return valid_index(None if n is None else n.get("mesh"), self.count["mesh"])

    def morph_count(self, mesh: int) -> int | None:
        """Morph targets of ``mesh`` (most over its primitives); ``None`` if unreadable."""
        m = self.item("mesh", mesh)
        prims = None if m is None else m.get("primitives")
        if not isinstance(prims, list):
            return None
        counts = [len(t) for pr in prims if isinstance(pr, dict)
                  for t in [pr.get("targets", [])] if isinstance(t, list)]
        return max(counts, default=0)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def valid_index(value: Any, count: int) -> int | None:
    """``value`` if it is an integer in ``[0, count)``, else ``None`` (no error)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count:
        return value
    return None


def vec3(r: Reader, o: JsonObject, key: str, p: str, default: Vec3) -> Vec3:
    """Optional member ``key`` of ``o``: an array of 3 numbers."""
    x, y, z = r.get_floats(o, key, p, 3, default)
    return (x, y, z)


def unity_vec3(r: Reader, o: JsonObject, key: str, p: str, default: Vec3) -> Vec3:
    """A 0.x ``{x, y, z}`` in Unity axes, returned in glTF axes (``unity_to_gltf``)."""
    if key not in o:
        return default
    vp = child(p, key)
    v = r.obj(o[key], vp)
    x, y, z = (r.get_num(v, k, vp, 0.0) for k in "xyz")
    return unity_to_gltf((x, y, z))


def objects(r: Reader, o: JsonObject, key: str, p: str) -> list[tuple[JsonObject, str]]:
    """Optional array member ``key`` of objects, with each item's pointer."""
    lp = child(p, key)
    return [(r.obj(v, child(lp, i)), child(lp, i))
            for i, v in enumerate(r.get_list(o, key, p, []))]


def frozen(o: JsonObject) -> Mapping[str, Any]:
    """A read-only deep copy of ``o`` (the raw extension object kept on the model)."""
    return MappingProxyType(copy.deepcopy(o))
