"""Read the VRM 0.x / 1.0 and VRMA extensions of a glTF document.

Design
------
The core loader parses the JSON and hands the top-level object to
:func:`parse_vrm` (.vrm) or :func:`parse_vrma` (.vrma). They return the frozen
dataclasses of :mod:`twinstage.model.vrm`, normalised to VRM 1.0 (see that
module), or ``None`` when the file has no VRM extension. This module reads meta,
humanoid, expressions, look-at, first-person, node constraints and VRMA;
:mod:`~twinstage.gltf.vrm_springs` reads spring bones and
:mod:`~twinstage.gltf.vrm_mtoon` MToon materials. The document wrapper and small
readers the three share live in :mod:`~twinstage.gltf.vrm_common`.

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
(``conventions.unity_to_gltf``; three-vrm does the same for collider offsets).
Turning the avatar to face +Z later (``conventions.vrm_to_gltf_facing``) turns
them with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from twinstage.gltf.document import JsonObject, Reader, child
from twinstage.gltf.vrm_common import VrmDoc, frozen, objects, unity_vec3, valid_index, vec3
from twinstage.gltf.vrm_mtoon import read_mtoon_0, read_mtoon_1
from twinstage.gltf.vrm_springs import read_springs_0, read_springs_1
from twinstage.model.conventions import unity_uv_to_gltf, vrm_forward
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
    d = VrmDoc(doc, reader)
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
    d = VrmDoc(doc, reader)
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


def _members(r: Reader, o: JsonObject, key: str, p: str) -> list[tuple[str, JsonObject, str]]:
    """Optional object member ``key`` whose values are objects: (name, value, pointer)."""
    op = child(p, key)
    return [(name, r.obj(v, child(op, name)), child(op, name))
            for name, v in r.get_obj(o, key, p, {}).items()]


def _forward(version: str) -> Vec3:
    f = vrm_forward(version)
    return (float(f[0]), float(f[1]), float(f[2]))


# -- VRM 1.0 ---------------------------------------------------------------------------------
def _vrm_1(d: VrmDoc, exts: JsonObject) -> VrmInfo:
    r, p = d.r, "/extensions/VRMC_vrm"
    o = r.obj(exts["VRMC_vrm"], p)
    spec: str = r.get_str(o, "specVersion", p)
    if spec != "1.0":
        r.warn(child(p, "specVersion"), f'specVersion "{spec}" is not "1.0"; read as 1.0')
    look = r.get_obj(o, "lookAt", p, None)
    fp = r.get_obj(o, "firstPerson", p, {})
    springs = r.get_obj(exts, "VRMC_springBone", "/extensions", {})
    colliders, groups, chains = read_springs_1(d, springs, "/extensions/VRMC_springBone")
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
        mtoon=MappingProxyType(read_mtoon_1(d)),
        forward=_forward("1.0"),
        node_constraints=MappingProxyType(_node_constraints(d)),
    )


def _meta_1(d: VrmDoc, o: JsonObject, p: str) -> VrmMeta:
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


def _humanoid_1(d: VrmDoc, o: JsonObject, p: str, *, animation: bool = False) -> Mapping[str, int]:
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


def _expressions_1(d: VrmDoc, o: JsonObject, p: str) -> tuple[VrmExpression, ...]:
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


def _expression_1(d: VrmDoc, o: JsonObject, p: str, name: str, preset: bool) -> VrmExpression:
    r = d.r
    modes = ("none", "block", "blend")
    return VrmExpression(
        name=name,
        preset=preset,
        is_binary=r.get_bool(o, "isBinary", p, False),
        morph_binds=tuple(_morph_bind_1(d, b, bp)
                          for b, bp in objects(r, o, "morphTargetBinds", p)),
        material_color_binds=tuple(_color_bind(d, b, bp)
                                   for b, bp in objects(r, o, "materialColorBinds", p)),
        texture_transform_binds=tuple(
            TextureTransformBind(d.ref(b, "material", bp, "material"),
                                 r.get_floats(b, "scale", bp, 2, (1.0, 1.0)),
                                 r.get_floats(b, "offset", bp, 2, (0.0, 0.0)))
            for b, bp in objects(r, o, "textureTransformBinds", p)),
        override_blink=r.get_str(o, "overrideBlink", p, "none", choices=modes),
        override_look_at=r.get_str(o, "overrideLookAt", p, "none", choices=modes),
        override_mouth=r.get_str(o, "overrideMouth", p, "none", choices=modes),
    )


def _morph_bind_1(d: VrmDoc, o: JsonObject, p: str) -> MorphTargetBind:
    node = d.ref(o, "node", p, "node")
    mesh = d.node_mesh(node)
    if mesh is None:
        d.r.fail(child(p, "node"), f"node {node} has no mesh to morph")
    index = _morph_index(d, o, p, mesh)
    return MorphTargetBind(node, "node", index, d.r.get_num(o, "weight", p, minimum=0.0,
                                                              maximum=1.0))


def _morph_index(d: VrmDoc, o: JsonObject, p: str, mesh: int) -> int:
    index: int = d.r.get_int(o, "index", p)
    count = d.morph_count(mesh)
    if count is not None and index >= count:
        d.r.fail(child(p, "index"), f"morph target {index} does not exist "
                                    f"(mesh {mesh} has {count})")
    return index


_COLOR_TYPES = ("color", "emissionColor", "shadeColor", "matcapColor", "rimColor",
                "outlineColor")


def _color_bind(d: VrmDoc, o: JsonObject, p: str) -> MaterialColorBind:
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
    return VrmLookAt(kind, vec3(r, o, "offsetFromHeadBone", p, (0.0, 0.0, 0.0)),
                     hi, ho, vd, vu)


_FIRST_PERSON = ("auto", "both", "thirdPersonOnly", "firstPersonOnly")


def _first_person_1(d: VrmDoc, o: JsonObject, p: str) -> VrmFirstPerson:
    return VrmFirstPerson(tuple(
        FirstPersonAnnotation(d.ref(a, "node", ap, "node"), "node",
                              d.r.get_str(a, "type", ap, choices=_FIRST_PERSON))
        for a, ap in objects(d.r, o, "meshAnnotations", p)))


def _node_constraints(d: VrmDoc) -> dict[int, Mapping[str, Any]]:
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
        out[i] = frozen(c)
    return out


# -- VRM 0.x ----------------------------------------------------------------------------------
def _vrm_0(d: VrmDoc, exts: JsonObject) -> VrmInfo:
    r, p = d.r, "/extensions/VRM"
    o = r.obj(exts["VRM"], p)
    fp = r.get_obj(o, "firstPerson", p, None)
    look_at, first_person = (None, VrmFirstPerson()) if fp is None else _first_person_0(
        d, fp, child(p, "firstPerson"))
    colliders, groups, springs = read_springs_0(d, r.get_obj(o, "secondaryAnimation", p, {}),
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
        mtoon=MappingProxyType(read_mtoon_0(d, o, p)),
        forward=_forward("0.x"),
    )


_V0_USER = {"OnlyAuthor": "onlyAuthor", "ExplicitlyLicensedPerson": "onlySeparatelyLicensedPerson",
            "Everyone": "everyone"}
_V0_ALLOW = {"Allow": True, "Disallow": False}
_V0_COMMERCIAL = {"Allow": "personalProfit", "Disallow": "personalNonProfit"}


def _meta_0(d: VrmDoc, o: JsonObject, p: str) -> VrmMeta:
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


def _thumbnail_0(d: VrmDoc, o: JsonObject, p: str) -> int | None:
    """0.x ``meta.texture`` (a texture, -1 for none) resolved to its image."""
    texture: int = d.r.get_int(o, "texture", p, -1, minimum=-1)
    if texture == -1:
        return None
    t = d.item("texture", d.ref_value(texture, child(p, "texture"), "texture"))
    return valid_index(None if t is None else t.get("source"), d.count["image"])


def _humanoid_0(d: VrmDoc, o: JsonObject, p: str) -> Mapping[str, int]:
    """0.x ``humanBones`` list of ``{bone, node}``, renamed to 1.0 bones."""
    r = d.r
    bones: dict[str, int] = {}
    by_node: dict[int, str] = {}
    pointers: dict[str, str] = {}
    r.get_list(o, "humanBones", p)
    for item, ip in objects(r, o, "humanBones", p):
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


def _expressions_0(d: VrmDoc, o: JsonObject, p: str) -> tuple[VrmExpression, ...]:
    """0.x ``blendShapeGroups`` as 1.0 expressions (presets renamed, weights / 100)."""
    r = d.r
    names = _material_names(d)
    out: dict[str, VrmExpression] = {}
    for g, gp in objects(r, o, "blendShapeGroups", p):
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
            morph_binds=tuple(_morph_bind_0(d, b, bp) for b, bp in objects(r, g, "binds", gp)),
            material_color_binds=colors, texture_transform_binds=transforms)
    return tuple(out.values())


def _morph_bind_0(d: VrmDoc, o: JsonObject, p: str) -> MorphTargetBind:
    mesh = d.ref(o, "mesh", p, "mesh")
    index = _morph_index(d, o, p, mesh)
    weight: float = d.r.get_num(o, "weight", p, 100.0, minimum=0.0, maximum=100.0)
    return MorphTargetBind(mesh, "mesh", index, weight / 100.0)


def _material_names(d: VrmDoc) -> dict[str, int]:
    names: dict[str, int] = {}
    for i in range(d.count["material"]):
        m = d.item("material", i)
        name = None if m is None else m.get("name")
        if isinstance(name, str):
            names.setdefault(name, i)
    return names


_V0_COLORS = {"_Color": "color", "_EmissionColor": "emissionColor", "_ShadeColor": "shadeColor",
              "_RimColor": "rimColor", "_OutlineColor": "outlineColor"}


def _material_values_0(d: VrmDoc, o: JsonObject, p: str, names: Mapping[str, int]
                       ) -> tuple[tuple[MaterialColorBind, ...], tuple[TextureTransformBind, ...]]:
    """0.x ``materialValues``: colours, and ``*_ST`` (Unity scale/offset) as UV binds."""
    r = d.r
    colors: list[MaterialColorBind] = []
    transforms: list[TextureTransformBind] = []
    for v, vp in objects(r, o, "materialValues", p):
        material_name: str = r.get_str(v, "materialName", vp)
        prop: str = r.get_str(v, "propertyName", vp)
        a, b, c, e = r.get_floats(v, "targetValue", vp, 4)
        material = names.get(material_name)
        if material is None:
            r.warn(child(vp, "materialName"), f'no material is named "{material_name}"; ignored')
        elif prop in _V0_COLORS:
            colors.append(MaterialColorBind(material, _V0_COLORS[prop], (a, b, c, e)))
        elif prop.endswith(("_ST", "_ST_S", "_ST_T")):
            scale, offset = _unity_st(prop, (a, b), (c, e))
            transforms.append(TextureTransformBind(material, scale, offset))
        else:
            r.warn(child(vp, "propertyName"), f'material property "{prop}" is not supported')
    return tuple(colors), tuple(transforms)


def _unity_st(prop: str, scale: Vec2, offset: Vec2) -> tuple[Vec2, Vec2]:
    """Unity ``_ST`` (scale, offset; V up) -> glTF UV scale and offset (V down).

    ``_ST_S`` / ``_ST_T`` animate only the horizontal / vertical part.
    """
    if prop.endswith("_ST_S"):
        scale, offset = (scale[0], 1.0), (offset[0], 0.0)
    elif prop.endswith("_ST_T"):
        scale, offset = (1.0, scale[1]), (0.0, offset[1])
    return unity_uv_to_gltf(scale, offset)


_V0_FIRST_PERSON = {**{t: t for t in _FIRST_PERSON},
                    **{t[0].upper() + t[1:]: t for t in _FIRST_PERSON}}
"""0.x writes ``Auto``, ``Both``, ``ThirdPersonOnly``, ``FirstPersonOnly``."""


def _first_person_0(d: VrmDoc, o: JsonObject, p: str) -> tuple[VrmLookAt, VrmFirstPerson]:
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
                        unity_vec3(r, o, "firstPersonBoneOffset", p, (0.0, 0.0, 0.0)), *maps)
    bone: int = r.get_int(o, "firstPersonBone", p, -1, minimum=-1)
    annotations = []
    for a, ap in objects(r, o, "meshAnnotations", p):
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


def _vrma_expressions(d: VrmDoc, o: JsonObject, p: str) -> tuple[dict[str, int], set[str]]:
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
