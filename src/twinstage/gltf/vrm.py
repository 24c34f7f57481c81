"""Read the VRM 0.x / 1.0 and VRMA extensions of a glTF document.

Design
------
The core loader parses the JSON and hands the top-level object to
:func:`parse_vrm` (.vrm) or :func:`parse_vrma` (.vrma). They return the frozen
dataclasses of :mod:`twinstage.model.vrm`, normalised to VRM 1.0 (see that
module), or ``None`` when the file has no VRM extension.

Every read goes through :class:`~twinstage.gltf.document.Reader` with the JSON
pointer of the value, so bad input raises :class:`~twinstage.errors.GltfError`
naming file and pointer (``/extensions/VRMC_vrm/humanoid/humanBones/hips/node``)
and never a ``KeyError`` or ``TypeError``. Indices are range-checked against the
document's top-level arrays.

Errors: broken structure, bad indices, duplicate or missing required human bones
(both versions). Warnings (``reader.warn``) for what a viewer can survive: unknown
bone, preset or enum names, a 0.x first-person annotation on a missing mesh
(common in edited 0.x avatars, as UniVRM notes), spring chains that share joints.

VRM 0.x migration follows UniVRM's official VRM 0.x -> 1.0 migration (the
``UniVRM10.Migration*`` classes), except that geometry stays in the file's glTF
frame instead of being turned 180 degrees: 0.x stored spring collider offsets,
gravity directions and the first-person offset in Unity's left-handed axes, and
UniVRM 0.x imports glTF by negating Z, so those vectors are read as ``(x, y, -z)``
(three-vrm does the same for collider offsets). Turning the avatar to face +Z
later (``conventions.vrm_to_gltf_facing``) turns them with it.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from twinstage.gltf.document import JsonObject, Reader, child
from twinstage.model.conventions import vrm_forward
from twinstage.model.humanoid import (
    HUMAN_BONE_PARENT,
    HUMAN_BONES,
    NEEDS_PARENT_BONE,
    REQUIRED_BONES,
    VRM0_REQUIRED_BONES,
    normalize_bone_name,
)
from twinstage.model.vrm import (
    PRESET_EXPRESSIONS,
    VRM0_PRESET_EXPRESSIONS,
    FirstPersonAnnotation,
    LookAtRangeMap,
    MaterialColorBind,
    MorphTargetBind,
    MToonMaterial,
    MToonTexture,
    Spring,
    SpringCollider,
    SpringColliderGroup,
    SpringJoint,
    TextureTransformBind,
    Vec2,
    Vec3,
    VrmAnimation,
    VrmExpression,
    VrmFirstPerson,
    VrmInfo,
    VrmLookAt,
    VrmMeta,
    VrmPermissions,
)

__all__ = ["VRM_EXTENSIONS", "is_vrm_extension", "parse_vrm", "parse_vrma"]

VRM_EXTENSIONS: frozenset[str] = frozenset({
    "VRM", "VRMC_vrm", "VRMC_springBone", "VRMC_springBone_extended_collider",
    "VRMC_materials_mtoon", "VRMC_node_constraint", "VRMC_vrm_animation",
})
"""Extension names this module reads."""

T = TypeVar("T")


def is_vrm_extension(name: str) -> bool:
    """Whether ``name`` is an extension this module understands."""
    return name in VRM_EXTENSIONS


def parse_vrm(doc: JsonObject, reader: Reader) -> VrmInfo | None:
    """The avatar's VRM description, or ``None`` when it has no VRM extension.

    ``VRMC_vrm`` (VRM 1.0) wins when a file carries both it and ``VRM`` (0.x).

    Raises
    ------
    GltfError
        When a VRM extension is malformed (the message names the JSON pointer).
    """
    d = _Doc(doc, reader)
    exts = d.root_extensions()
    if "VRMC_vrm" in exts:
        if "VRM" in exts:
            reader.warn("/extensions/VRM", "VRM 0.x extension ignored: VRMC_vrm is used")
        return _vrm_1(d, exts)
    if "VRM" in exts:
        return _vrm_0(d, exts)
    return None


def parse_vrma(doc: JsonObject, reader: Reader) -> VrmAnimation | None:
    """The ``VRMC_vrm_animation`` mapping of a .vrma clip, or ``None``.

    Raises
    ------
    GltfError
        When the extension is malformed.
    """
    d = _Doc(doc, reader)
    exts = d.root_extensions()
    if "VRMC_vrm_animation" not in exts:
        return None
    r, p = reader, "/extensions/VRMC_vrm_animation"
    o = r.obj(exts["VRMC_vrm_animation"], p)
    humanoid = _humanoid_1(d, r.get_obj(o, "humanoid", p), child(p, "humanoid"), animation=True)
    expressions, presets = _vrma_expressions(d, r.get_obj(o, "expressions", p, {}),
                                             child(p, "expressions"))
    look = r.get_obj(o, "lookAt", p, None)
    return VrmAnimation(
        spec_version=r.get_str(o, "specVersion", p),
        humanoid=humanoid,
        expressions=MappingProxyType(expressions),
        look_at_node=None if look is None else d.ref(look, "node", child(p, "lookAt"), "node"),
        preset_expressions=frozenset(presets),
    )


# -- document access ---------------------------------------------------------------------
_ARRAYS = {"node": "nodes", "mesh": "meshes", "material": "materials", "texture": "textures",
           "image": "images"}


class _Doc:
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
        return _valid_index(None if n is None else n.get("mesh"), self.count["mesh"])

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


def _valid_index(value: Any, count: int) -> int | None:
    """``value`` if it is an integer in ``[0, count)``, else ``None`` (no error)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count:
        return value
    return None


# -- small typed readers ---------------------------------------------------------------------
def _text(r: Reader, value: Any, p: str) -> str:
    if not isinstance(value, str):
        r.fail(p, f"expected a string, got {type(value).__name__}")
    return value


def _opt_text(r: Reader, o: JsonObject, key: str, p: str) -> str | None:
    """Optional string member; an empty string reads as ``None``."""
    value: str | None = r.get_str(o, key, p, None)
    return value or None


def _texts(r: Reader, o: JsonObject, key: str, p: str) -> tuple[str, ...]:
    items = r.get_list(o, key, p, [])
    return tuple(_text(r, v, child(child(p, key), i)) for i, v in enumerate(items))


def _choice(r: Reader, o: JsonObject, key: str, p: str, table: Mapping[str, T],
            fallback: T) -> T:
    """Member ``key`` mapped through ``table``; unknown values warn and give ``fallback``."""
    value: str | None = r.get_str(o, key, p, None)
    if value is None:
        return fallback
    if value not in table:
        r.warn(child(p, key), f'unknown value "{value}", read as {fallback!r}')
        return fallback
    return table[value]


def _same(*names: str) -> dict[str, str]:
    return {n: n for n in names}


def _indices(r: Reader, o: JsonObject, key: str, p: str, count: int, what: str
             ) -> tuple[int, ...]:
    items = r.get_list(o, key, p, [])
    return tuple(r.index(v, child(child(p, key), i), count, what) for i, v in enumerate(items))


def _vec3(r: Reader, o: JsonObject, key: str, p: str, default: Vec3) -> Vec3:
    x, y, z = r.get_floats(o, key, p, 3, default)
    return (x, y, z)


def _unity_vec3(r: Reader, o: JsonObject, key: str, p: str, default: Vec3) -> Vec3:
    """A 0.x ``{x, y, z}`` in Unity axes, returned in glTF axes ``(x, y, -z)``."""
    if key not in o:
        return default
    vp = child(p, key)
    v = r.obj(o[key], vp)
    x, y, z = (r.get_num(v, k, vp, 0.0) for k in "xyz")
    return (x, y, 0.0 - z)


def _objects(r: Reader, o: JsonObject, key: str, p: str) -> list[tuple[JsonObject, str]]:
    """Optional array member ``key`` of objects, with each item's pointer."""
    lp = child(p, key)
    return [(r.obj(v, child(lp, i)), child(lp, i))
            for i, v in enumerate(r.get_list(o, key, p, []))]


def _members(r: Reader, o: JsonObject, key: str, p: str) -> list[tuple[str, JsonObject, str]]:
    """Optional object member ``key`` whose values are objects: (name, value, pointer)."""
    op = child(p, key)
    return [(name, r.obj(v, child(op, name)), child(op, name))
            for name, v in r.get_obj(o, key, p, {}).items()]


def _frozen(o: JsonObject) -> Mapping[str, Any]:
    return MappingProxyType(copy.deepcopy(o))


def _forward(version: str) -> Vec3:
    f = vrm_forward(version)
    return (float(f[0]), float(f[1]), float(f[2]))


# -- VRM 1.0 ---------------------------------------------------------------------------------
def _vrm_1(d: _Doc, exts: JsonObject) -> VrmInfo:
    r, p = d.r, "/extensions/VRMC_vrm"
    o = r.obj(exts["VRMC_vrm"], p)
    spec: str = r.get_str(o, "specVersion", p)
    if spec != "1.0":
        r.warn(child(p, "specVersion"), f'specVersion "{spec}" is not "1.0"; read as 1.0')
    look = r.get_obj(o, "lookAt", p, None)
    fp = r.get_obj(o, "firstPerson", p, {})
    springs = r.get_obj(exts, "VRMC_springBone", "/extensions", {})
    colliders, groups, chains = _springs_1(d, springs, "/extensions/VRMC_springBone")
    return VrmInfo(
        version="1.0",
        spec_version=spec,
        meta=_meta_1(d, r.get_obj(o, "meta", p), child(p, "meta")),
        humanoid=_humanoid_1(d, r.get_obj(o, "humanoid", p), child(p, "humanoid")),
        expressions=_expressions_1(d, r.get_obj(o, "expressions", p, {}),
                                   child(p, "expressions")),
        look_at=None if look is None else _look_at_1(r, look, child(p, "lookAt")),
        first_person=_first_person_1(d, fp, child(p, "firstPerson")),
        springs=chains,
        collider_groups=groups,
        colliders=colliders,
        mtoon=MappingProxyType(_mtoon_1_all(d)),
        forward=_forward("1.0"),
        node_constraints=MappingProxyType(_node_constraints(d)),
    )


def _meta_1(d: _Doc, o: JsonObject, p: str) -> VrmMeta:
    """``VRMC_vrm.meta``; absent usage fields take the spec's (restrictive) defaults."""
    r = d.r
    permissions = VrmPermissions(
        avatar_permission=_choice(r, o, "avatarPermission", p, _same(
            "onlyAuthor", "onlySeparatelyLicensedPerson", "everyone"), "onlyAuthor"),
        commercial_usage=_choice(r, o, "commercialUsage", p, _same(
            "personalNonProfit", "personalProfit", "corporation"), "personalNonProfit"),
        allow_violent=r.get_bool(o, "allowExcessivelyViolentUsage", p, False),
        allow_sexual=r.get_bool(o, "allowExcessivelySexualUsage", p, False),
        allow_political_or_religious=r.get_bool(o, "allowPoliticalOrReligiousUsage", p, False),
        allow_antisocial_or_hate=r.get_bool(o, "allowAntisocialOrHateUsage", p, False),
        credit_notation=_choice(r, o, "creditNotation", p, _same("required", "unnecessary"),
                                "required"),
        allow_redistribution=r.get_bool(o, "allowRedistribution", p, False),
        modification=_choice(r, o, "modification", p, _same(
            "prohibited", "allowModification", "allowModificationRedistribution"), "prohibited"),
        license_url=r.get_str(o, "licenseUrl", p),
        other_license_url=_opt_text(r, o, "otherLicenseUrl", p),
    )
    r.get_list(o, "authors", p, min_len=1)
    return VrmMeta(
        title=r.get_str(o, "name", p),
        version=_opt_text(r, o, "version", p),
        authors=_texts(r, o, "authors", p),
        contact=_opt_text(r, o, "contactInformation", p),
        references=_texts(r, o, "references", p),
        thumbnail_image=d.opt_ref(o, "thumbnailImage", p, "image"),
        permissions=permissions,
        copyright=_opt_text(r, o, "copyrightInformation", p),
        third_party_licenses=_opt_text(r, o, "thirdPartyLicenses", p),
    )


def _humanoid_1(d: _Doc, o: JsonObject, p: str, *, animation: bool = False) -> Mapping[str, int]:
    """``humanoid.humanBones`` as ``{boneName: {node}}`` (VRMC_vrm and VRMC_vrm_animation).

    A VRMA clip may leave required bones out (an upper-body clip), which only warns.
    """
    bones: dict[str, int] = {}
    by_node: dict[int, str] = {}
    pointers: dict[str, str] = {}
    d.r.get_obj(o, "humanBones", p)
    for name, bone, bp in _members(d.r, o, "humanBones", p):
        if name not in HUMAN_BONE_PARENT:
            d.r.warn(bp, f'unknown human bone "{name}" ignored')
            continue
        if animation and name in ("leftEye", "rightEye"):
            d.r.warn(bp, f'"{name}" cannot be animated in VRMA (the lookAt target drives it)')
        node = d.ref(bone, "node", bp, "node")
        _claim(d.r, by_node, node, name, child(bp, "node"))
        bones[name], pointers[name] = node, bp
    _check_bones(d.r, bones, pointers, child(p, "humanBones"), REQUIRED_BONES,
                 strict=not animation)
    return MappingProxyType({b: bones[b] for b in HUMAN_BONES if b in bones})


def _claim(r: Reader, by_node: dict[int, str], node: int, bone: str, p: str) -> None:
    other = by_node.get(node)
    if other is not None:
        r.fail(p, f'node {node} is already the "{other}" bone; "{bone}" cannot share it')
    by_node[node] = bone


def _check_bones(r: Reader, bones: Mapping[str, int], pointers: Mapping[str, str], p: str,
                 required: frozenset[str], *, strict: bool) -> None:
    """Missing required bones fail (``strict``) or warn; orphaned bones warn."""
    missing = [b for b in HUMAN_BONES if b in required and b not in bones]
    if missing:
        message = f"required human bone(s) missing: {', '.join(missing)}"
        if strict:
            r.fail(p, message)
        r.warn(p, message)
    for bone in bones:
        parent = HUMAN_BONE_PARENT[bone]
        if bone in NEEDS_PARENT_BONE and parent not in bones:
            r.warn(pointers[bone], f'"{bone}" is mapped but its parent bone "{parent}" is not')


def _expressions_1(d: _Doc, o: JsonObject, p: str) -> tuple[VrmExpression, ...]:
    out: dict[str, VrmExpression] = {}
    for group in ("preset", "custom"):
        for name, e, ep in _members(d.r, o, group, p):
            preset = group == "preset"
            if preset and name not in PRESET_EXPRESSIONS:
                d.r.warn(ep, f'unknown preset expression "{name}" read as a custom one')
                preset = False
            if name in out or (group == "custom" and name in PRESET_EXPRESSIONS):
                d.r.warn(ep, f'custom expression "{name}" clashes with a preset; ignored')
                continue
            out[name] = _expression_1(d, e, ep, name, preset)
    return tuple(out.values())


def _expression_1(d: _Doc, o: JsonObject, p: str, name: str, preset: bool) -> VrmExpression:
    r = d.r
    modes = ("none", "block", "blend")
    return VrmExpression(
        name=name,
        preset=preset,
        is_binary=r.get_bool(o, "isBinary", p, False),
        morph_binds=tuple(_morph_bind_1(d, b, bp)
                          for b, bp in _objects(r, o, "morphTargetBinds", p)),
        material_color_binds=tuple(_color_bind(d, b, bp)
                                   for b, bp in _objects(r, o, "materialColorBinds", p)),
        texture_transform_binds=tuple(
            TextureTransformBind(d.ref(b, "material", bp, "material"),
                                 r.get_floats(b, "scale", bp, 2, (1.0, 1.0)),
                                 r.get_floats(b, "offset", bp, 2, (0.0, 0.0)))
            for b, bp in _objects(r, o, "textureTransformBinds", p)),
        override_blink=r.get_str(o, "overrideBlink", p, "none", choices=modes),
        override_look_at=r.get_str(o, "overrideLookAt", p, "none", choices=modes),
        override_mouth=r.get_str(o, "overrideMouth", p, "none", choices=modes),
    )


def _morph_bind_1(d: _Doc, o: JsonObject, p: str) -> MorphTargetBind:
    node = d.ref(o, "node", p, "node")
    mesh = d.node_mesh(node)
    if mesh is None:
        d.r.fail(child(p, "node"), f"node {node} has no mesh to morph")
    index = _morph_index(d, o, p, mesh)
    return MorphTargetBind(node, "node", index, d.r.get_num(o, "weight", p, minimum=0.0,
                                                              maximum=1.0))


def _morph_index(d: _Doc, o: JsonObject, p: str, mesh: int) -> int:
    index: int = d.r.get_int(o, "index", p)
    count = d.morph_count(mesh)
    if count is not None and index >= count:
        d.r.fail(child(p, "index"), f"morph target {index} does not exist "
                                    f"(mesh {mesh} has {count})")
    return index


_COLOR_TYPES = ("color", "emissionColor", "shadeColor", "matcapColor", "rimColor",
                "outlineColor")


def _color_bind(d: _Doc, o: JsonObject, p: str) -> MaterialColorBind:
    a, b, c, e = d.r.get_floats(o, "targetValue", p, 4)
    return MaterialColorBind(d.ref(o, "material", p, "material"),
                             d.r.get_str(o, "type", p, choices=_COLOR_TYPES), (a, b, c, e))


def _range_map(r: Reader, o: JsonObject, key: str, p: str, scale: float) -> LookAtRangeMap:
    m = r.get_obj(o, key, p, None)
    if m is None:
        return LookAtRangeMap(90.0, scale)
    mp = child(p, key)
    limit: float = r.get_num(m, "inputMaxValue", mp, 90.0, maximum=180.0)
    if limit <= 0.0:
        r.fail(child(mp, "inputMaxValue"), f"value {limit} must be greater than 0")
    return LookAtRangeMap(limit, r.get_num(m, "outputScale", mp, scale))


_RANGE_KEYS = ("HorizontalInner", "HorizontalOuter", "VerticalDown", "VerticalUp")


def _look_at_1(r: Reader, o: JsonObject, p: str) -> VrmLookAt:
    kind = r.get_str(o, "type", p, "bone", choices=("bone", "expression"))
    scale = 10.0 if kind == "bone" else 1.0
    hi, ho, vd, vu = (_range_map(r, o, f"rangeMap{k}", p, scale) for k in _RANGE_KEYS)
    return VrmLookAt(kind, _vec3(r, o, "offsetFromHeadBone", p, (0.0, 0.0, 0.0)),
                     hi, ho, vd, vu)


_FIRST_PERSON = ("auto", "both", "thirdPersonOnly", "firstPersonOnly")


def _first_person_1(d: _Doc, o: JsonObject, p: str) -> VrmFirstPerson:
    return VrmFirstPerson(tuple(
        FirstPersonAnnotation(d.ref(a, "node", ap, "node"), "node",
                              d.r.get_str(a, "type", ap, choices=_FIRST_PERSON))
        for a, ap in _objects(d.r, o, "meshAnnotations", p)))


def _node_constraints(d: _Doc) -> dict[int, Mapping[str, Any]]:
    """Raw ``VRMC_node_constraint`` objects by node; constraint sources are checked."""
    out: dict[int, Mapping[str, Any]] = {}
    for i in range(d.count["node"]):
        n = d.item("node", i)
        exts = None if n is None else n.get("extensions")
        if not isinstance(exts, dict) or "VRMC_node_constraint" not in exts:
            continue
        p = f"/nodes/{i}/extensions/VRMC_node_constraint"
        c = d.r.obj(exts["VRMC_node_constraint"], p)
        con = d.r.get_obj(c, "constraint", p)
        for kind in ("roll", "aim", "rotation"):
            if kind in con:
                kp = child(child(p, "constraint"), kind)
                d.ref(d.r.obj(con[kind], kp), "source", kp, "node")
        out[i] = _frozen(c)
    return out


# -- spring bones -----------------------------------------------------------------------------
_Springs = tuple[tuple[SpringCollider, ...], tuple[SpringColliderGroup, ...], tuple[Spring, ...]]


def _springs_1(d: _Doc, o: JsonObject, p: str) -> _Springs:
    """``VRMC_springBone``: colliders, collider groups and joint chains."""
    r = d.r
    colliders = tuple(_collider_1(d, c, cp) for c, cp in _objects(r, o, "colliders", p))
    groups = tuple(
        SpringColliderGroup(r.get_str(g, "name", gp, ""),
                            _indices(r, g, "colliders", gp, len(colliders), "collider"))
        for g, gp in _objects(r, o, "colliderGroups", p))
    springs: list[Spring] = []
    for s, sp in _objects(r, o, "springs", p):
        joints = tuple(_joint_1(d, j, jp) for j, jp in _objects(r, s, "joints", sp))
        if not joints:
            r.warn(sp, "spring without joints ignored")
            continue
        _check_chain(d, joints, child(sp, "joints"))
        springs.append(Spring(r.get_str(s, "name", sp, ""), joints,
                              _indices(r, s, "colliderGroups", sp, len(groups), "collider group"),
                              d.opt_ref(s, "center", sp, "node")))
    _check_shared_joints(r, springs, child(p, "springs"))
    return colliders, groups, tuple(springs)


def _collider_1(d: _Doc, o: JsonObject, p: str) -> SpringCollider:
    """A collider; a ``VRMC_springBone_extended_collider`` shape replaces the basic one."""
    r = d.r
    node = d.ref(o, "node", p, "node")
    ep = child(p, "extensions")
    extended = r.get_obj(r.get_obj(o, "extensions", p, {}), "VRMC_springBone_extended_collider",
                         ep, None)
    if extended is not None:
        xp = child(ep, "VRMC_springBone_extended_collider")
        return _shape(r, node, r.get_obj(extended, "shape", xp), child(xp, "shape"), True)
    return _shape(r, node, r.get_obj(o, "shape", p), child(p, "shape"), False)


def _shape(r: Reader, node: int, o: JsonObject, p: str, extended: bool) -> SpringCollider:
    kinds = ("sphere", "capsule", "plane") if extended else ("sphere", "capsule")
    present = [k for k in kinds if k in o]
    if len(present) != 1:
        r.fail(p, f"expected exactly one of {', '.join(kinds)}, got {len(present)}")
    kind = present[0]
    kp = child(p, kind)
    s = r.get_obj(o, kind, p)
    offset = _vec3(r, s, "offset", kp, (0.0, 0.0, 0.0))
    if kind == "plane":
        return SpringCollider(node, "plane", offset, 0.0,
                              normal=_vec3(r, s, "normal", kp, (0.0, 0.0, 1.0)))
    return SpringCollider(
        node, "sphere" if kind == "sphere" else "capsule", offset,
        r.get_num(s, "radius", kp, 0.0, minimum=0.0),
        tail=_vec3(r, s, "tail", kp, (0.0, 0.0, 0.0)) if kind == "capsule" else None,
        inside=r.get_bool(s, "inside", kp, False) if extended else False)


def _joint_1(d: _Doc, o: JsonObject, p: str) -> SpringJoint:
    r = d.r
    return SpringJoint(
        node=d.ref(o, "node", p, "node"),
        hit_radius=r.get_num(o, "hitRadius", p, 0.0, minimum=0.0),
        stiffness=r.get_num(o, "stiffness", p, 1.0, minimum=0.0),
        gravity_power=r.get_num(o, "gravityPower", p, 0.0, minimum=0.0),
        gravity_dir=_vec3(r, o, "gravityDir", p, (0.0, -1.0, 0.0)),
        drag_force=r.get_num(o, "dragForce", p, 0.5, minimum=0.0, maximum=1.0),
    )


def _check_chain(d: _Doc, joints: tuple[SpringJoint, ...], p: str) -> None:
    """Each joint must be an ancestor of the next (warning otherwise)."""
    for i in range(1, len(joints)):
        a, b = joints[i - 1].node, joints[i].node
        if not d.is_ancestor(a, b):
            d.r.warn(child(child(p, i), "node"), f"node {b} is not a descendant of node {a}")


def _check_shared_joints(r: Reader, springs: list[Spring], p: str) -> None:
    owner: dict[int, int] = {}
    for i, spring in enumerate(springs):
        for joint in spring.joints:
            first = owner.setdefault(joint.node, i)
            if first != i:
                r.warn(child(p, i), f"node {joint.node} is a joint of springs {first} and {i}")


_ZERO: Vec3 = (0.0, 0.0, 0.0)
_VRM0_TAIL = 0.07
"""VRM 0.x swings a chain's last node with a virtual tail this long (metres)."""


def _springs_0(d: _Doc, o: JsonObject, p: str) -> _Springs:
    """``secondaryAnimation``: sphere collider groups and bone groups, as 1.0 chains.

    Each bone group root yields its chain of first children plus one chain per other
    child, so every descendant is a joint (as three-vrm and UniVRM simulate it).
    """
    r = d.r
    colliders: list[SpringCollider] = []
    groups: list[SpringColliderGroup] = []
    for g, gp in _objects(r, o, "colliderGroups", p):
        node = d.ref(g, "node", gp, "node")
        first = len(colliders)
        colliders += [SpringCollider(node, "sphere", _unity_vec3(r, c, "offset", cp, _ZERO),
                                     r.get_num(c, "radius", cp, 0.0, minimum=0.0))
                      for c, cp in _objects(r, g, "colliders", gp)]
        groups.append(SpringColliderGroup("", tuple(range(first, len(colliders)))))
    springs: list[Spring] = []
    for b, bp in _objects(r, o, "boneGroups", p):
        springs += _bone_group_0(d, b, bp, len(groups))
    _check_shared_joints(r, springs, child(p, "boneGroups"))
    return tuple(colliders), tuple(groups), tuple(springs)


def _bone_group_0(d: _Doc, o: JsonObject, p: str, group_count: int) -> list[Spring]:
    r = d.r
    stiffness_key = "stiffiness" if "stiffiness" in o or "stiffness" not in o else "stiffness"
    settings = dict(
        hit_radius=r.get_num(o, "hitRadius", p, 0.02, minimum=0.0),
        stiffness=r.get_num(o, stiffness_key, p, 1.0, minimum=0.0),
        gravity_power=r.get_num(o, "gravityPower", p, 0.0, minimum=0.0),
        drag_force=r.get_num(o, "dragForce", p, 0.4, minimum=0.0, maximum=1.0),
    )
    gravity_dir = _unity_vec3(r, o, "gravityDir", p, (0.0, -1.0, 0.0))
    center: int = r.get_int(o, "center", p, -1, minimum=-1)
    collider_groups = _indices(r, o, "colliderGroups", p, group_count, "collider group")
    springs = []
    bones_p = child(p, "bones")
    for i, root in enumerate(r.get_list(o, "bones", p, [])):
        node = d.ref_value(root, child(bones_p, i), "node")
        for chain in _chains(d, node):
            joints = tuple(SpringJoint(n, gravity_dir=gravity_dir, **settings) for n in chain)
            springs.append(Spring(
                r.get_str(o, "comment", p, ""), joints, collider_groups,
                None if center == -1 else d.ref_value(center, child(p, "center"), "node"),
                tail_extension=_VRM0_TAIL))
    return springs


def _chains(d: _Doc, root: int) -> list[list[int]]:
    """Split the subtree under ``root`` into chains that follow each node's first child."""
    chains: list[list[int]] = []
    seen: set[int] = set()
    starts = [root]
    while starts:
        chain, node = [], starts.pop(0)
        while True:
            if node in seen:
                d.r.fail(f"/nodes/{node}", "node is reached twice: the hierarchy is not a tree")
            seen.add(node)
            chain.append(node)
            kids = d.children(node)
            if not kids:
                break
            starts += kids[1:]
            node = kids[0]
        chains.append(chain)
    return chains


# -- MToon --------------------------------------------------------------------------------
def _mtoon_1_all(d: _Doc) -> dict[int, MToonMaterial]:
    """``VRMC_materials_mtoon`` of every material that has it."""
    out: dict[int, MToonMaterial] = {}
    for i in range(d.count["material"]):
        m = d.item("material", i)
        exts = None if m is None else m.get("extensions")
        if isinstance(exts, dict) and "VRMC_materials_mtoon" in exts:
            p = f"/materials/{i}/extensions/VRMC_materials_mtoon"
            out[i] = _mtoon_1(d, i, d.r.obj(exts["VRMC_materials_mtoon"], p), p)
    return out


def _mtoon_texture(d: _Doc, o: JsonObject, key: str, p: str) -> MToonTexture | None:
    """A textureInfo member, with its ``KHR_texture_transform`` if any."""
    if key not in o:
        return None
    r, tp = d.r, child(p, key)
    t = r.obj(o[key], tp)
    ep = child(tp, "extensions")
    k = r.get_obj(r.get_obj(t, "extensions", tp, {}), "KHR_texture_transform", ep, {})
    kp = child(ep, "KHR_texture_transform")
    return MToonTexture(
        index=d.ref(t, "index", tp, "texture"),
        tex_coord=r.get_int(t, "texCoord", tp, 0),
        scale=r.get_num(t, "scale", tp, 1.0),
        offset_uv=r.get_floats(k, "offset", kp, 2, (0.0, 0.0)),
        scale_uv=r.get_floats(k, "scale", kp, 2, (1.0, 1.0)),
        rotation=r.get_num(k, "rotation", kp, 0.0),
    )


def _mtoon_1(d: _Doc, material: int, o: JsonObject, p: str) -> MToonMaterial:
    r = d.r

    def num(key: str, default: float, lo: float | None = None, hi: float | None = None) -> float:
        value: float = r.get_num(o, key, p, default, minimum=lo, maximum=hi)
        return value

    def tex(key: str) -> MToonTexture | None:
        return _mtoon_texture(d, o, key, p)

    return MToonMaterial(
        material=material, source="1.0",
        shade_color=_vec3(r, o, "shadeColorFactor", p, (0.0, 0.0, 0.0)),
        shade_texture=tex("shadeMultiplyTexture"),
        shading_shift=num("shadingShiftFactor", 0.0),
        shading_shift_texture=tex("shadingShiftTexture"),
        shading_toony=num("shadingToonyFactor", 0.9, 0.0, 1.0),
        gi_equalization=num("giEqualizationFactor", 0.9, 0.0, 1.0),
        matcap_factor=_vec3(r, o, "matcapFactor", p, (1.0, 1.0, 1.0)),
        matcap_texture=tex("matcapTexture"),
        rim_color=_vec3(r, o, "parametricRimColorFactor", p, (0.0, 0.0, 0.0)),
        rim_texture=tex("rimMultiplyTexture"),
        rim_lighting_mix=num("rimLightingMixFactor", 1.0, 0.0, 1.0),
        rim_fresnel_power=num("parametricRimFresnelPowerFactor", 5.0, 0.0),
        rim_lift=num("parametricRimLiftFactor", 0.0),
        outline_width_mode=r.get_str(o, "outlineWidthMode", p, "none", choices=_OUTLINE_MODES),
        outline_width=num("outlineWidthFactor", 0.0, 0.0),
        outline_width_texture=tex("outlineWidthMultiplyTexture"),
        outline_color=_vec3(r, o, "outlineColorFactor", p, (0.0, 0.0, 0.0)),
        outline_lighting_mix=num("outlineLightingMixFactor", 1.0, 0.0, 1.0),
        uv_animation_mask_texture=tex("uvAnimationMaskTexture"),
        uv_scroll_x=num("uvAnimationScrollXSpeedFactor", 0.0),
        uv_scroll_y=num("uvAnimationScrollYSpeedFactor", 0.0),
        uv_rotation=num("uvAnimationRotationSpeedFactor", 0.0),
        transparent_with_zwrite=r.get_bool(o, "transparentWithZWrite", p, False),
        render_queue_offset=r.get_int(o, "renderQueueOffsetNumber", p, 0, minimum=-9, maximum=9),
        raw=_frozen(o),
    )


_OUTLINE_MODES = ("none", "worldCoordinates", "screenCoordinates")
_QUEUE_BASE = (2000, 2450, 3000, 2501)
"""Default Unity render queue of MToon 0.x blend modes opaque, cutout, transparent,
transparent with z-write."""


def _mtoon_0_all(d: _Doc, o: JsonObject, p: str) -> dict[int, MToonMaterial]:
    """``materialProperties`` with shader ``VRM/MToon``, index-aligned with ``materials``."""
    found: list[tuple[int, _V0Props]] = []
    for i, (item, ip) in enumerate(_objects(d.r, o, "materialProperties", p)):
        if d.r.get_str(item, "shader", ip, "") != "VRM/MToon":
            continue
        if i >= d.count["material"]:
            d.r.warn(ip, f"material {i} does not exist (the file has {d.count['material']}); "
                         "its MToon properties are ignored")
            continue
        found.append((i, _V0Props(d, item, ip)))
    offsets = _queue_offsets([(i, v.blend, v.queue_offset) for i, v in found])
    return {i: v.material(i, offsets[i]) for i, v in found}


def _queue_offsets(items: list[tuple[int, int, int]]) -> dict[int, int]:
    """Render-queue offsets -9..9 that keep the 0.x transparent draw order (UniVRM)."""
    transparent = sorted({q for _, mode, q in items if mode == 2}, reverse=True)
    zwrite = sorted({q for _, mode, q in items if mode == 3})
    out = {}
    for material, mode, q in items:
        if mode == 2:
            out[material] = max(-9, -transparent.index(q))
        else:
            out[material] = min(9, zwrite.index(q)) if mode == 3 else 0
    return out


def _srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


class _V0Props:
    """The float/vector/texture properties of one 0.x ``materialProperties`` entry."""

    def __init__(self, d: _Doc, o: JsonObject, p: str) -> None:
        self.d, self.r, self.p = d, d.r, p
        self.floats: JsonObject = d.r.get_obj(o, "floatProperties", p, {})
        self.vectors: JsonObject = d.r.get_obj(o, "vectorProperties", p, {})
        self.textures: JsonObject = d.r.get_obj(o, "textureProperties", p, {})
        self.raw = o
        blend = int(self.f("_BlendMode", 0.0))
        if blend not in range(4):
            self.r.warn(self._fp("_BlendMode"), f"unknown MToon blend mode {blend}, read as 0")
            blend = 0
        self.blend = blend
        queue: int | None = d.r.get_int(o, "renderQueue", p, None, minimum=None)
        self.queue_offset = 0 if queue is None else queue - _QUEUE_BASE[blend]
        st = self.vec4("_MainTex")
        # 0.x stores [offset.x, offset.y, scale.x, scale.y] with Unity's bottom-up V.
        self.st = ((0.0, 0.0), (1.0, 1.0)) if st is None else (
            (st[0], 1.0 - st[1] - st[3]), (st[2], st[3]))

    def _fp(self, key: str) -> str:
        return child(child(self.p, "floatProperties"), key)

    def f(self, key: str, default: float) -> float:
        value: float = self.r.get_num(self.floats, key, child(self.p, "floatProperties"), default)
        return value

    def vec4(self, key: str) -> tuple[float, float, float, float] | None:
        v = self.r.get_floats(self.vectors, key, child(self.p, "vectorProperties"), 4, None)
        return None if v is None else (v[0], v[1], v[2], v[3])

    def color(self, key: str, default: tuple[float, float, float]) -> tuple[float, float, float]:
        """An sRGB colour property as linear RGB."""
        v = self.vec4(key)
        c = default if v is None else (v[0], v[1], v[2])
        return (_srgb_to_linear(c[0]), _srgb_to_linear(c[1]), _srgb_to_linear(c[2]))

    def tex(self, key: str, uv: bool = True) -> MToonTexture | None:
        index = self.d.opt_ref(self.textures, key, child(self.p, "textureProperties"), "texture")
        if index is None:
            return None
        offset, scale = self.st if uv else ((0.0, 0.0), (1.0, 1.0))
        return MToonTexture(index, offset_uv=offset, scale_uv=scale)

    def outline(self) -> tuple[str, float]:
        """Outline mode and width: 0.x centimetres -> metres, % of half height -> of height."""
        mode = int(self.f("_OutlineWidthMode", 0.0))
        width = self.f("_OutlineWidth", 0.5)
        if mode == 1:
            return "worldCoordinates", width * 0.01
        return ("screenCoordinates", width * 0.005) if mode == 2 else ("none", 0.0)

    def material(self, index: int, queue_offset: int) -> MToonMaterial:
        toony, shift = self.f("_ShadeToony", 0.9), self.f("_ShadeShift", 0.0)
        low, high = shift, 1.0 + (shift - 1.0) * toony  # 0.x shading range (UniVRM migration)
        mode, width = self.outline()
        sphere = self.tex("_SphereAdd", uv=False)
        return MToonMaterial(
            material=index, source="0.x",
            shade_color=self.color("_ShadeColor", (0.97, 0.81, 0.86)),
            shade_texture=self.tex("_ShadeTexture") or self.tex("_MainTex"),
            shading_shift=min(1.0, max(-1.0, -(high + low) * 0.5)),
            shading_toony=min(1.0, max(0.0, (2.0 - (high - low)) * 0.5)),
            gi_equalization=min(1.0, max(0.0, 1.0 - self.f("_IndirectLightIntensity", 0.1))),
            matcap_factor=(1.0, 1.0, 1.0) if sphere else (0.0, 0.0, 0.0),
            matcap_texture=sphere,
            rim_color=self.color("_RimColor", (0.0, 0.0, 0.0)),
            rim_texture=self.tex("_RimTexture"),
            rim_lighting_mix=1.0,  # UniVRM: 1.0 rim merges with matcap; 1.0 is the safe look
            rim_fresnel_power=self.f("_RimFresnelPower", 1.0),
            rim_lift=self.f("_RimLift", 0.0),
            outline_width_mode=mode, outline_width=width,
            outline_width_texture=self.tex("_OutlineWidthTexture"),
            outline_color=self.color("_OutlineColor", (0.0, 0.0, 0.0)),
            outline_lighting_mix=(self.f("_OutlineLightingMix", 1.0)
                                  if int(self.f("_OutlineColorMode", 0.0)) == 1 else 0.0),
            uv_animation_mask_texture=self.tex("_UvAnimMaskTexture"),
            uv_scroll_x=self.f("_UvAnimScrollX", 0.0),
            uv_scroll_y=0.0 - self.f("_UvAnimScrollY", 0.0),  # Unity's V points up
            uv_rotation=self.f("_UvAnimRotation", 0.0) * 2.0 * math.pi,  # turns/s -> rad/s
            transparent_with_zwrite=self.blend == 3,
            render_queue_offset=queue_offset,
            alpha_mode=("OPAQUE", "MASK", "BLEND", "BLEND")[self.blend],
            alpha_cutoff=self.f("_Cutoff", 0.5) if self.blend == 1 else None,
            double_sided=int(self.f("_CullMode", 2.0)) != 2,
            raw=_frozen(self.raw),
        )


# -- VRM 0.x ----------------------------------------------------------------------------------
def _vrm_0(d: _Doc, exts: JsonObject) -> VrmInfo:
    r, p = d.r, "/extensions/VRM"
    o = r.obj(exts["VRM"], p)
    fp = r.get_obj(o, "firstPerson", p, None)
    look_at, first_person = (None, VrmFirstPerson()) if fp is None else _first_person_0(
        d, fp, child(p, "firstPerson"))
    colliders, groups, springs = _springs_0(d, r.get_obj(o, "secondaryAnimation", p, {}),
                                            child(p, "secondaryAnimation"))
    return VrmInfo(
        version="0.x",
        spec_version=r.get_str(o, "specVersion", p, "0.0"),
        meta=_meta_0(d, r.get_obj(o, "meta", p, {}), child(p, "meta")),
        humanoid=_humanoid_0(d, r.get_obj(o, "humanoid", p), child(p, "humanoid")),
        expressions=_expressions_0(d, r.get_obj(o, "blendShapeMaster", p, {}),
                                   child(p, "blendShapeMaster")),
        look_at=look_at,
        first_person=first_person,
        springs=springs,
        collider_groups=groups,
        colliders=colliders,
        mtoon=MappingProxyType(_mtoon_0_all(d, o, p)),
        forward=_forward("0.x"),
    )


_V0_USER = {"OnlyAuthor": "onlyAuthor", "ExplicitlyLicensedPerson": "onlySeparatelyLicensedPerson",
            "Everyone": "everyone"}
_V0_ALLOW = {"Allow": True, "Disallow": False}
_V0_COMMERCIAL = {"Allow": "personalProfit", "Disallow": "personalNonProfit"}


def _meta_0(d: _Doc, o: JsonObject, p: str) -> VrmMeta:
    """0.x ``meta`` mapped to 1.0 terms (table in :class:`VrmPermissions`)."""
    r = d.r
    license_name = _opt_text(r, o, "licenseName", p)
    permissions = VrmPermissions(
        avatar_permission=_choice(r, o, "allowedUserName", p, _V0_USER, "onlyAuthor"),
        commercial_usage=_choice(r, o, "commercialUssageName", p, _V0_COMMERCIAL,
                                 "personalNonProfit"),
        allow_violent=_choice(r, o, "violentUssageName", p, _V0_ALLOW, False),
        allow_sexual=_choice(r, o, "sexualUssageName", p, _V0_ALLOW, False),
        allow_political_or_religious=None,
        allow_antisocial_or_hate=None,
        credit_notation=None,
        allow_redistribution=False if license_name == "Redistribution_Prohibited" else None,
        modification=None,
        license_name=license_name,
        other_license_url=_opt_text(r, o, "otherLicenseUrl", p),
        other_permission_url=_opt_text(r, o, "otherPermissionUrl", p),
    )
    author = _opt_text(r, o, "author", p)
    reference = _opt_text(r, o, "reference", p)
    return VrmMeta(
        title=r.get_str(o, "title", p, ""),
        version=_opt_text(r, o, "version", p),
        authors=() if author is None else (author,),
        contact=_opt_text(r, o, "contactInformation", p),
        references=() if reference is None else (reference,),
        thumbnail_image=_thumbnail_0(d, o, p),
        permissions=permissions,
    )


def _thumbnail_0(d: _Doc, o: JsonObject, p: str) -> int | None:
    """0.x ``meta.texture`` (a texture, -1 for none) resolved to its image."""
    texture: int = d.r.get_int(o, "texture", p, -1, minimum=-1)
    if texture == -1:
        return None
    t = d.item("texture", d.ref_value(texture, child(p, "texture"), "texture"))
    return _valid_index(None if t is None else t.get("source"), d.count["image"])


def _humanoid_0(d: _Doc, o: JsonObject, p: str) -> Mapping[str, int]:
    """0.x ``humanBones`` list of ``{bone, node}``, renamed to 1.0 bones."""
    r = d.r
    bones: dict[str, int] = {}
    by_node: dict[int, str] = {}
    pointers: dict[str, str] = {}
    r.get_list(o, "humanBones", p)
    for item, ip in _objects(r, o, "humanBones", p):
        raw: str = r.get_str(item, "bone", ip)
        name = normalize_bone_name(raw)
        if name is None:
            r.warn(child(ip, "bone"), f'unknown VRM 0.x human bone "{raw}" ignored')
            continue
        if name in bones:
            r.fail(child(ip, "bone"), f'human bone "{raw}" is mapped twice')
        node = d.ref(item, "node", ip, "node")
        _claim(r, by_node, node, name, child(ip, "node"))
        bones[name], pointers[name] = node, ip
    lp = child(p, "humanBones")
    _check_bones(r, bones, pointers, lp, REQUIRED_BONES, strict=True)
    absent = sorted(VRM0_REQUIRED_BONES - REQUIRED_BONES - set(bones))
    if absent:
        r.warn(lp, f"VRM 0.x requires {' and '.join(absent)}, which are not mapped")
    return MappingProxyType({b: bones[b] for b in HUMAN_BONES if b in bones})


def _expressions_0(d: _Doc, o: JsonObject, p: str) -> tuple[VrmExpression, ...]:
    """0.x ``blendShapeGroups`` as 1.0 expressions (presets renamed, weights / 100)."""
    r = d.r
    names = _material_names(d)
    out: dict[str, VrmExpression] = {}
    for g, gp in _objects(r, o, "blendShapeGroups", p):
        group: str = r.get_str(g, "name", gp, "")
        raw: str = r.get_str(g, "presetName", gp, "unknown")
        name = VRM0_PRESET_EXPRESSIONS.get(raw.lower())
        if name is None and raw.lower() != "unknown":
            r.warn(child(gp, "presetName"), f'unknown preset "{raw}", read as custom "{group}"')
        key = name or group
        if not key or key in out:
            r.warn(gp, f'blend-shape group "{key}" is unnamed or repeated; ignored')
            continue
        colors, transforms = _material_values_0(d, g, gp, names)
        out[key] = VrmExpression(
            name=key, preset=name is not None,
            is_binary=r.get_bool(g, "isBinary", gp, False),
            morph_binds=tuple(_morph_bind_0(d, b, bp) for b, bp in _objects(r, g, "binds", gp)),
            material_color_binds=colors, texture_transform_binds=transforms)
    return tuple(out.values())


def _morph_bind_0(d: _Doc, o: JsonObject, p: str) -> MorphTargetBind:
    mesh = d.ref(o, "mesh", p, "mesh")
    index = _morph_index(d, o, p, mesh)
    weight: float = d.r.get_num(o, "weight", p, 100.0, minimum=0.0, maximum=100.0)
    return MorphTargetBind(mesh, "mesh", index, weight / 100.0)


def _material_names(d: _Doc) -> dict[str, int]:
    names: dict[str, int] = {}
    for i in range(d.count["material"]):
        m = d.item("material", i)
        name = None if m is None else m.get("name")
        if isinstance(name, str):
            names.setdefault(name, i)
    return names


_V0_COLORS = {"_Color": "color", "_EmissionColor": "emissionColor", "_ShadeColor": "shadeColor",
              "_RimColor": "rimColor", "_OutlineColor": "outlineColor"}


def _material_values_0(d: _Doc, o: JsonObject, p: str, names: Mapping[str, int]
                       ) -> tuple[tuple[MaterialColorBind, ...], tuple[TextureTransformBind, ...]]:
    """0.x ``materialValues``: colours, and ``*_ST`` (Unity scale/offset) as UV binds."""
    r = d.r
    colors: list[MaterialColorBind] = []
    transforms: list[TextureTransformBind] = []
    for v, vp in _objects(r, o, "materialValues", p):
        material_name: str = r.get_str(v, "materialName", vp)
        prop: str = r.get_str(v, "propertyName", vp)
        a, b, c, e = r.get_floats(v, "targetValue", vp, 4)
        material = names.get(material_name)
        if material is None:
            r.warn(child(vp, "materialName"), f'no material is named "{material_name}"; ignored')
        elif prop in _V0_COLORS:
            colors.append(MaterialColorBind(material, _V0_COLORS[prop], (a, b, c, e)))
        elif prop.endswith(("_ST", "_ST_S", "_ST_T")):
            scale, offset = _unity_st(prop, a, b, c, e)
            transforms.append(TextureTransformBind(material, scale, offset))
        else:
            r.warn(child(vp, "propertyName"), f'material property "{prop}" is not supported')
    return tuple(colors), tuple(transforms)


def _unity_st(prop: str, sx: float, sy: float, ox: float, oy: float) -> tuple[Vec2, Vec2]:
    """Unity ``_ST`` (scale, offset; V up) -> glTF UV scale and offset (V down).

    ``_ST_S`` / ``_ST_T`` animate only the horizontal / vertical part.
    """
    if prop.endswith("_ST_S"):
        sy, oy = 1.0, 0.0
    elif prop.endswith("_ST_T"):
        sx, ox = 1.0, 0.0
    return (sx, sy), (ox, 1.0 - oy - sy)


_V0_FIRST_PERSON = {**{t: t for t in _FIRST_PERSON},
                    **{t[0].upper() + t[1:]: t for t in _FIRST_PERSON}}
"""0.x writes ``Auto``, ``Both``, ``ThirdPersonOnly``, ``FirstPersonOnly``."""


def _first_person_0(d: _Doc, o: JsonObject, p: str) -> tuple[VrmLookAt, VrmFirstPerson]:
    """0.x ``firstPerson``, which also holds the look-at settings."""
    r = d.r
    raw_type: str = r.get_str(o, "lookAtTypeName", p, "Bone")
    kind = {"bone": "bone", "blendshape": "expression"}.get(raw_type.lower())
    if kind is None:
        r.warn(child(p, "lookAtTypeName"), f'unknown look-at type "{raw_type}", read as Bone')
        kind = "bone"
    scale = 10.0 if kind == "bone" else 1.0
    maps = []
    for key in _RANGE_KEYS:
        m = r.get_obj(o, f"lookAt{key}", p, {})
        mp = child(p, f"lookAt{key}")
        limit: float = r.get_num(m, "xRange", mp, 90.0, minimum=0.0, maximum=180.0)
        if limit == 0.0:
            r.warn(child(mp, "xRange"), "xRange 0 read as 90")
            limit = 90.0
        maps.append(LookAtRangeMap(limit, r.get_num(m, "yRange", mp, scale)))
    look_at = VrmLookAt("bone" if kind == "bone" else "expression",
                        _unity_vec3(r, o, "firstPersonBoneOffset", p, (0.0, 0.0, 0.0)), *maps)
    bone: int = r.get_int(o, "firstPersonBone", p, -1, minimum=-1)
    annotations = []
    for a, ap in _objects(r, o, "meshAnnotations", p):
        mesh: int = r.get_int(a, "mesh", ap, -1, minimum=None)
        if not 0 <= mesh < d.count["mesh"]:
            r.warn(child(ap, "mesh"), f"mesh {mesh} does not exist; annotation ignored")
            continue
        annotations.append(FirstPersonAnnotation(
            mesh, "mesh", _choice(r, a, "firstPersonFlag", ap, _V0_FIRST_PERSON, "auto")))
    first_person = VrmFirstPerson(
        tuple(annotations),
        None if bone == -1 else d.ref_value(bone, child(p, "firstPersonBone"), "node"))
    return look_at, first_person



# -- VRMA ---------------------------------------------------------------------------------
_LOOK_PRESETS = ("lookUp", "lookDown", "lookLeft", "lookRight")


def _vrma_expressions(d: _Doc, o: JsonObject, p: str) -> tuple[dict[str, int], set[str]]:
    """VRMA ``expressions.preset`` / ``custom`` as name -> node, plus the preset names."""
    nodes: dict[str, int] = {}
    presets: set[str] = set()
    for group in ("preset", "custom"):
        for name, e, ep in _members(d.r, o, group, p):
            is_preset = group == "preset" and name in PRESET_EXPRESSIONS
            if group == "preset" and not is_preset:
                d.r.warn(ep, f'unknown preset expression "{name}" read as a custom one')
            if name in _LOOK_PRESETS and is_preset:
                d.r.warn(ep, f'"{name}" cannot be animated in VRMA (lookAt drives it)')
            if name in nodes or (group == "custom" and name in PRESET_EXPRESSIONS):
                d.r.warn(ep, f'custom expression "{name}" clashes with a preset; ignored')
                continue
            nodes[name] = d.ref(e, "node", ep, "node")
            if is_preset:
                presets.add(name)
    return nodes, presets
