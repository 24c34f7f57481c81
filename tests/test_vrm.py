"""VRM 0.x / 1.0 and VRMA extension parsing (twinstage.gltf.vrm).

Corpus files are read in place from ../shared/corpus (JSON chunk only); error paths
use small synthetic documents.
"""

from __future__ import annotations

import copy
import json
import math
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from twinstage.errors import GltfError
from twinstage.gltf.document import Reader
from twinstage.gltf.vrm import is_vrm_extension, parse_vrm, parse_vrma
from twinstage.model.humanoid import (
    HUMAN_BONE_PARENT,
    HUMAN_BONES,
    REQUIRED_BONES,
    nearest_present_parent,
    normalize_bone_name,
)
from twinstage.model.vrm import VrmAnimation, VrmInfo

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

Doc = dict[str, Any]


# -- helpers --------------------------------------------------------------------------------------
def glb_json(rel: str) -> Doc:
    """The JSON chunk of a corpus GLB (skips when the corpus is not here)."""
    path = CORPUS / rel
    if not path.exists():
        pytest.skip(f"corpus file {path} is not here")
    data = path.read_bytes()
    length, kind = struct.unpack_from("<I4s", data, 12)
    assert kind == b"JSON"
    doc: Doc = json.loads(data[20:20 + length])
    return doc


class Log:
    """A Reader whose warnings are kept."""

    def __init__(self, name: str = "avatar.vrm") -> None:
        self.warnings: list[tuple[str, str]] = []
        self.reader = Reader(name, lambda p, m: self.warnings.append((p, m)))

    def pointers(self) -> list[str]:
        return [p for p, _ in self.warnings]


def vrm(doc: Doc, log: Log | None = None) -> VrmInfo:
    info = parse_vrm(doc, (log or Log()).reader)
    assert info is not None
    return info


def vrma(doc: Doc, log: Log | None = None) -> VrmAnimation:
    anim = parse_vrma(doc, (log or Log("clip.vrma")).reader)
    assert anim is not None
    return anim


def fails(doc: Doc, pointer: str, *, animation: bool = False) -> GltfError:
    """Parse ``doc`` expecting a GltfError at ``pointer``."""
    with pytest.raises(GltfError) as info:
        (parse_vrma if animation else parse_vrm)(doc, Reader("avatar.vrm"))
    assert info.value.where == pointer, str(info.value)
    assert str(info.value).startswith(f"avatar.vrm: {pointer}: ")
    return info.value


# Synthetic layout: nodes 0-16 are the bones below, node 20 has mesh 0 (2 morph
# targets), nodes 21-25 form the tree 21 -> (22 -> 23, 24 -> 25).
BONES = sorted(REQUIRED_BONES | {"chest", "neck"}, key=HUMAN_BONES.index)


def nodes() -> list[Doc]:
    out: list[Doc] = [{"name": f"n{i}"} for i in range(30)]
    out[20]["mesh"] = 0
    out[21]["children"] = [22, 24]
    out[22]["children"] = [23]
    out[24]["children"] = [25]
    return out


def base(extensions: Doc) -> Doc:
    return {
        "nodes": nodes(),
        "meshes": [{"primitives": [{"attributes": {}, "targets": [{}, {}]}]}],
        "materials": [{"name": "Body"}, {"name": "Face"}],
        "textures": [{"source": 1}, {"source": 0}],
        "images": [{}, {}],
        "extensions": extensions,
    }


def meta1() -> Doc:
    return {"name": "Twin", "authors": ["A", "B"], "licenseUrl": "https://vrm.dev/licenses/1.0/"}


def doc1(**vrmc: Any) -> Doc:
    ext = {"specVersion": "1.0", "meta": meta1(),
           "humanoid": {"humanBones": {b: {"node": i} for i, b in enumerate(BONES)}}}
    ext.update(vrmc)
    return base({"VRMC_vrm": ext})


def doc0(**vrm0: Any) -> Doc:
    ext = {"specVersion": "0.0", "meta": {"title": "Twin0"},
           "humanoid": {"humanBones": [{"bone": b, "node": i} for i, b in enumerate(BONES)]}}
    ext.update(vrm0)
    return base({"VRM": ext})


P1 = "/extensions/VRMC_vrm"
P0 = "/extensions/VRM"


# -- humanoid constants ---------------------------------------------------------------------------
def test_human_bones_are_the_55_vrm1_bones_parents_first() -> None:
    assert len(HUMAN_BONES) == len(set(HUMAN_BONES)) == 55
    assert HUMAN_BONES[0] == "hips"
    assert HUMAN_BONE_PARENT["hips"] is None
    for i, bone in enumerate(HUMAN_BONES[1:], 1):
        assert HUMAN_BONES.index(HUMAN_BONE_PARENT[bone] or "") < i, bone
    assert HUMAN_BONE_PARENT["leftShoulder"] == "upperChest"
    assert HUMAN_BONE_PARENT["leftThumbProximal"] == "leftThumbMetacarpal"
    assert HUMAN_BONE_PARENT["rightToes"] == "rightFoot"
    assert len(REQUIRED_BONES) == 15
    assert "chest" not in REQUIRED_BONES


@pytest.mark.parametrize(("old", "new"), [
    ("leftThumbProximal", "leftThumbMetacarpal"),
    ("leftThumbIntermediate", "leftThumbProximal"),
    ("leftThumbDistal", "leftThumbDistal"),
    ("rightThumbIntermediate", "rightThumbProximal"),
    ("leftIndexIntermediate", "leftIndexIntermediate"),
    ("hips", "hips"),
    ("LeftUpperLeg", "leftUpperLeg"),
    ("leftThumbMetacarpal", None),
    ("tail", None),
])
def test_normalize_bone_name(old: str, new: str | None) -> None:
    assert normalize_bone_name(old) == new


def test_nearest_present_parent_skips_absent_optional_bones() -> None:
    assert nearest_present_parent("leftUpperArm", {"hips", "spine", "chest"}) == "chest"
    assert nearest_present_parent("head", {"hips", "spine", "neck"}) == "neck"
    assert nearest_present_parent("hips", set(HUMAN_BONES)) is None


def test_is_vrm_extension() -> None:
    for name in ("VRM", "VRMC_vrm", "VRMC_springBone", "VRMC_springBone_extended_collider",
                 "VRMC_materials_mtoon", "VRMC_node_constraint", "VRMC_vrm_animation"):
        assert is_vrm_extension(name)
    assert not is_vrm_extension("KHR_materials_unlit")


# -- corpus ---------------------------------------------------------------------------------------
@pytest.mark.corpus
def test_cryptovoxels_vrm0() -> None:
    log = Log()
    info = vrm(glb_json("VRM0_Cryptovoxels/cryptovoxels.vrm"), log)
    assert (info.version, info.spec_version) == ("0.x", "0.0")
    assert len(info.humanoid) == 43
    assert info.humanoid["hips"] == 1
    assert info.forward == (0.0, 0.0, -1.0)
    perm = info.meta.permissions
    assert (perm.avatar_permission, perm.commercial_usage) == ("everyone", "personalProfit")
    assert perm.allow_violent is True
    assert perm.allow_sexual is True
    assert perm.allow_political_or_religious is None
    assert perm.license_name == "Other"
    assert perm.other_permission_url
    assert perm.other_permission_url.startswith("https://hub.vroid")
    assert info.meta.authors == ("jin",)
    assert info.meta.title == "cryptovoxels"
    assert info.expressions == ()
    assert info.springs == ()
    assert info.mtoon == {}
    assert info.look_at is not None
    assert info.look_at.type == "bone"
    assert log.warnings == []
    summary = info.summary()
    assert summary["humanoid_bones"] == 43
    assert summary["version"] == "0.x"
    json.dumps(summary)


@pytest.mark.corpus
def test_expressions_isbinary_overrides_vrm1() -> None:
    log = Log()
    info = vrm(glb_json("VRMC_vrm_expressions_isBinary_Overrides/"
                        "VRMC_vrm_expressions_isBinary_Overrides.vrm"), log)
    assert info.version == "1.0"
    assert len(info.humanoid) == 22
    assert info.forward == (0.0, 0.0, 1.0)
    assert [(e.name, e.preset) for e in info.expressions] == [("happy", True), ("blink", True)]
    happy = info.expression("happy")
    assert happy is not None
    assert happy.is_binary
    assert happy.override_blink == "blend"
    assert happy.override_mouth == "none"
    assert happy.texture_transform_binds[0].scale == (0.125, 0.125)
    assert happy.texture_transform_binds[0].offset == (0.875, 0.0)
    blink = info.expression("blink")
    assert blink is not None
    assert not blink.is_binary
    assert info.meta.authors == ("pixiv Inc.",)
    perm = info.meta.permissions
    assert perm.commercial_usage == "corporation"
    assert perm.allow_antisocial_or_hate is False
    assert perm.license_url == "https://vrm.dev/licenses/1.0/"
    assert perm.license_name is None
    assert info.look_at is not None
    assert info.look_at.type == "expression"
    assert info.look_at.offset_from_head_bone == (0.0, 0.06, 0.0)
    ann = info.first_person.annotations
    assert [(a.target, a.target_kind, a.type) for a in ann] == [(22, "node", "thirdPersonOnly")]
    assert log.warnings == []


@pytest.mark.corpus
def test_mtoon_uv_animation_vrm1() -> None:
    doc = glb_json("VRMC_materials_mtoon_UV_Animation_Test/"
                   "VRMC_materials_mtoon_UV_Animation_Test.vrm")
    info = vrm(doc)
    assert len(info.humanoid) == 53
    by_name = {m["name"]: i for i, m in enumerate(doc["materials"])}
    scroll_x = info.mtoon[by_name["ScrollX"]]
    assert (scroll_x.uv_scroll_x, scroll_x.uv_scroll_y, scroll_x.uv_rotation) == (1.0, 0.0, 0.0)
    assert scroll_x.source == "1.0"
    assert scroll_x.shade_color == (1.0, 1.0, 1.0)
    assert scroll_x.shade_texture is not None
    assert scroll_x.shade_texture.index == 0
    assert scroll_x.shading_toony == 0.9
    assert scroll_x.outline_width_mode == "none"
    assert info.mtoon[by_name["ScrollY"]].uv_scroll_y == 1.0
    assert info.mtoon[by_name["ScrollRot"]].uv_rotation == 1.0
    assert scroll_x.raw["specVersion"] == "1.0"


@pytest.mark.corpus
@pytest.mark.parametrize(("rel", "bones", "expressions", "look_at"), [
    ("VRMA_three-vrm_test/test.vrma", 51, {"happy": 51}, 52),
    ("VRMA_three-vrm_idle_loop/idle_loop.vrma", 22, {}, None),
    ("VRMA_nop/nop.vrma", 53, {}, None),
])
def test_vrma_corpus(rel: str, bones: int, expressions: dict[str, int],
                     look_at: int | None) -> None:
    doc = glb_json(rel)
    anim = vrma(doc)
    assert len(anim.humanoid) == bones
    assert dict(anim.expressions) == expressions
    assert anim.look_at_node == look_at
    assert anim.preset_expressions == set(expressions)
    assert parse_vrm(doc, Reader(rel)) is None


@pytest.mark.corpus
def test_nop_vrma_eye_bones_warn() -> None:
    log = Log()
    vrma(glb_json("VRMA_nop/nop.vrma"), log)
    assert log.pointers() == ["/extensions/VRMC_vrm_animation/humanoid/humanBones/leftEye",
                              "/extensions/VRMC_vrm_animation/humanoid/humanBones/rightEye"]


@pytest.mark.corpus
def test_draco_vrm0_parses() -> None:
    info = vrm(glb_json("invalid/vrm_broken__draco/draco.vrm"))
    assert info.version == "0.x"
    assert len(info.humanoid) == 17
    assert len(info.expressions) == 17
    names = {e.name for e in info.expressions}
    assert {"happy", "sad", "relaxed", "aa", "blinkLeft", "lookUp", "neutral"} <= names
    assert all(e.preset for e in info.expressions)
    perm = info.meta.permissions
    assert (perm.avatar_permission, perm.commercial_usage) == ("onlyAuthor", "personalNonProfit")
    assert perm.allow_violent is False
    assert perm.allow_redistribution is False
    assert info.look_at is not None
    assert info.look_at.horizontal_outer.output_scale == 12.0


@pytest.mark.corpus
def test_file_without_vrm_extension_gives_none() -> None:
    doc = glb_json("invalid/vrm_broken__empty/empty.vrm")
    assert parse_vrm(doc, Reader("empty.vrm")) is None
    assert parse_vrma(doc, Reader("empty.vrm")) is None


# -- VRM 1.0 humanoid and meta --------------------------------------------------------------------
def test_synthetic_vrm1_reads() -> None:
    log = Log()
    info = vrm(doc1(), log)
    assert list(info.humanoid) == BONES
    assert info.humanoid["hips"] == 0
    perm = info.meta.permissions
    assert (perm.avatar_permission, perm.commercial_usage) == ("onlyAuthor", "personalNonProfit")
    assert (perm.allow_violent, perm.credit_notation, perm.modification) == (
        False, "required", "prohibited")
    assert info.meta.authors == ("A", "B")
    assert info.look_at is None
    assert log.warnings == []


def test_bad_node_index_names_the_pointer() -> None:
    doc = doc1()
    doc["extensions"]["VRMC_vrm"]["humanoid"]["humanBones"]["hips"]["node"] = 99
    err = fails(doc, f"{P1}/humanoid/humanBones/hips/node")
    assert "node 99 does not exist (the file has 30)" in str(err)


def test_missing_hips_is_an_error() -> None:
    doc = doc1()
    del doc["extensions"]["VRMC_vrm"]["humanoid"]["humanBones"]["hips"]
    assert "hips" in str(fails(doc, f"{P1}/humanoid/humanBones"))


def test_two_bones_on_one_node_is_an_error() -> None:
    doc = doc1()
    doc["extensions"]["VRMC_vrm"]["humanoid"]["humanBones"]["jaw"] = {"node": 0}
    assert '"hips"' in str(fails(doc, f"{P1}/humanoid/humanBones/jaw/node"))


def test_vrm1_unknown_bone_and_orphan_bone_warn() -> None:
    doc = doc1()
    bones = doc["extensions"]["VRMC_vrm"]["humanoid"]["humanBones"]
    bones["tail"] = {"node": 26}
    bones["upperChest"] = {"node": 27}
    bones["leftIndexDistal"] = {"node": 28}
    log = Log()
    info = vrm(doc, log)
    assert "tail" not in info.humanoid
    assert info.humanoid["upperChest"] == 27
    assert log.pointers() == [f"{P1}/humanoid/humanBones/tail",
                              f"{P1}/humanoid/humanBones/leftIndexDistal"]


@pytest.mark.parametrize("meta", [[], "Twin", None, 3])
def test_non_object_meta_is_an_error(meta: Any) -> None:
    fails(doc1(meta=meta), f"{P1}/meta")
    fails(doc0(meta=meta), f"{P0}/meta")


def test_vrm1_meta_requires_authors_and_name() -> None:
    doc = doc1()
    doc["extensions"]["VRMC_vrm"]["meta"]["authors"] = []
    fails(doc, f"{P1}/meta/authors")
    doc["extensions"]["VRMC_vrm"]["meta"]["authors"] = ["A"]
    del doc["extensions"]["VRMC_vrm"]["meta"]["name"]
    fails(doc, f"{P1}/meta")


def test_vrm1_unknown_permission_warns_and_stays_restrictive() -> None:
    doc = doc1()
    doc["extensions"]["VRMC_vrm"]["meta"].update(commercialUsage="anyone", thumbnailImage=1)
    log = Log()
    info = vrm(doc, log)
    assert info.meta.permissions.commercial_usage == "personalNonProfit"
    assert log.pointers() == [f"{P1}/meta/commercialUsage"]
    assert info.meta.thumbnail_image == 1


def test_vrmc_vrm_wins_over_vrm0() -> None:
    doc = doc1()
    doc["extensions"]["VRM"] = doc0()["extensions"]["VRM"]
    log = Log()
    assert vrm(doc, log).version == "1.0"
    assert log.pointers() == [P0]


def test_no_extensions_gives_none_and_bad_extensions_fail() -> None:
    assert parse_vrm({"nodes": []}, Reader("a.glb")) is None
    fails({"extensions": []}, "/extensions")


# -- VRM 0.x humanoid and meta --------------------------------------------------------------------
def test_vrm0_thumb_names_are_normalised() -> None:
    doc = doc0()
    doc["extensions"]["VRM"]["humanoid"]["humanBones"] += [
        {"bone": "leftThumbProximal", "node": 26},
        {"bone": "leftThumbIntermediate", "node": 27},
        {"bone": "leftThumbDistal", "node": 28},
        {"bone": "leftPinky", "node": 29},
    ]
    log = Log()
    info = vrm(doc, log)
    assert info.humanoid["leftThumbMetacarpal"] == 26
    assert info.humanoid["leftThumbProximal"] == 27
    assert info.humanoid["leftThumbDistal"] == 28
    assert len(info.humanoid) == 20
    assert log.pointers() == [f"{P0}/humanoid/humanBones/20/bone"]


def test_vrm0_missing_required_bone_is_an_error() -> None:
    doc = doc0()
    bones = doc["extensions"]["VRM"]["humanoid"]["humanBones"]
    bones[:] = [b for b in bones if b["bone"] != "leftHand"]
    assert "leftHand" in str(fails(doc, f"{P0}/humanoid/humanBones"))


def test_vrm0_missing_chest_only_warns() -> None:
    doc = doc0()
    bones = doc["extensions"]["VRM"]["humanoid"]["humanBones"]
    bones[:] = [b for b in bones if b["bone"] != "chest"]
    log = Log()
    assert "chest" not in vrm(doc, log).humanoid
    assert log.pointers() == [f"{P0}/humanoid/humanBones"]


def test_vrm0_duplicate_bone_and_shared_node_are_errors() -> None:
    doc = doc0()
    doc["extensions"]["VRM"]["humanoid"]["humanBones"].append({"bone": "hips", "node": 26})
    fails(doc, f"{P0}/humanoid/humanBones/17/bone")
    doc = doc0()
    doc["extensions"]["VRM"]["humanoid"]["humanBones"].append({"bone": "jaw", "node": 3})
    fails(doc, f"{P0}/humanoid/humanBones/17/node")


def test_vrm0_missing_humanoid_is_an_error() -> None:
    doc = doc0()
    del doc["extensions"]["VRM"]["humanoid"]
    fails(doc, P0)


@pytest.mark.parametrize(("field", "value", "attr", "expected"), [
    ("allowedUserName", "OnlyAuthor", "avatar_permission", "onlyAuthor"),
    ("allowedUserName", "ExplicitlyLicensedPerson", "avatar_permission",
     "onlySeparatelyLicensedPerson"),
    ("allowedUserName", "Everyone", "avatar_permission", "everyone"),
    ("commercialUssageName", "Allow", "commercial_usage", "personalProfit"),
    ("commercialUssageName", "Disallow", "commercial_usage", "personalNonProfit"),
    ("violentUssageName", "Allow", "allow_violent", True),
    ("sexualUssageName", "Disallow", "allow_sexual", False),
    ("licenseName", "Redistribution_Prohibited", "allow_redistribution", False),
    ("licenseName", "CC_BY", "allow_redistribution", None),
])
def test_vrm0_permission_mapping(field: str, value: str, attr: str, expected: Any) -> None:
    doc = doc0()
    doc["extensions"]["VRM"]["meta"][field] = value
    assert getattr(vrm(doc).meta.permissions, attr) == expected


def test_vrm0_absent_permissions_are_restrictive_or_unknown() -> None:
    perm = vrm(doc0()).meta.permissions
    assert (perm.avatar_permission, perm.commercial_usage) == ("onlyAuthor", "personalNonProfit")
    assert perm.allow_violent is False
    assert perm.allow_sexual is False
    assert perm.credit_notation is None
    assert perm.modification is None
    assert json.loads(json.dumps(perm.as_dict()))["license_url"] is None


def test_vrm0_unknown_permission_value_warns() -> None:
    doc = doc0()
    doc["extensions"]["VRM"]["meta"]["allowedUserName"] = "Anyone"
    log = Log()
    assert vrm(doc, log).meta.permissions.avatar_permission == "onlyAuthor"
    assert log.pointers() == [f"{P0}/meta/allowedUserName"]


def test_vrm0_thumbnail_texture_resolves_to_image() -> None:
    doc = doc0()
    doc["extensions"]["VRM"]["meta"].update(texture=0, author="", reference="r")
    meta = vrm(doc).meta
    assert meta.thumbnail_image == 1
    assert meta.authors == ()
    assert meta.references == ("r",)
    doc["extensions"]["VRM"]["meta"]["texture"] = 5
    fails(doc, f"{P0}/meta/texture")


# -- expressions ----------------------------------------------------------------------------------
def test_vrm1_expression_binds() -> None:
    doc = doc1(expressions={
        "preset": {"aa": {"morphTargetBinds": [{"node": 20, "index": 1, "weight": 0.5}],
                          "materialColorBinds": [{"material": 1, "type": "rimColor",
                                                  "targetValue": [1, 0, 0, 1]}],
                          "overrideMouth": "block"}},
        "custom": {"wink": {"isBinary": True}, "aa": {}},
    })
    log = Log()
    info = vrm(doc, log)
    aa = info.expression("aa")
    assert aa is not None
    assert aa.override_mouth == "block"
    bind = aa.morph_binds[0]
    assert (bind.target, bind.target_kind, bind.index, bind.weight) == (20, "node", 1, 0.5)
    assert aa.material_color_binds[0].target_value == (1.0, 0.0, 0.0, 1.0)
    wink = info.expression("wink")
    assert wink is not None
    assert not wink.preset
    assert wink.is_binary
    assert log.pointers() == [f"{P1}/expressions/custom/aa"]


@pytest.mark.parametrize(("bind", "pointer"), [
    ({"node": 3, "index": 0, "weight": 1}, "/node"),
    ({"node": 20, "index": 2, "weight": 1}, "/index"),
    ({"node": 20, "index": 0, "weight": 1.5}, "/weight"),
    ({"node": 20, "index": 0}, ""),
    ({"node": 40, "index": 0, "weight": 1}, "/node"),
])
def test_vrm1_bad_morph_bind(bind: Doc, pointer: str) -> None:
    doc = doc1(expressions={"preset": {"blink": {"morphTargetBinds": [bind]}}})
    fails(doc, f"{P1}/expressions/preset/blink/morphTargetBinds/0{pointer}")


def test_vrm1_bad_override_is_an_error() -> None:
    doc = doc1(expressions={"preset": {"happy": {"overrideBlink": "maybe"}}})
    fails(doc, f"{P1}/expressions/preset/happy/overrideBlink")


def test_vrm0_blend_shape_groups() -> None:
    groups = [
        {"name": "Joy", "presetName": "joy", "isBinary": True,
         "binds": [{"mesh": 0, "index": 1, "weight": 50}],
         "materialValues": [
             {"materialName": "Face", "propertyName": "_Color", "targetValue": [1, 1, 1, 0.5]},
             {"materialName": "Face", "propertyName": "_MainTex_ST",
              "targetValue": [0.5, 0.25, 0.5, 0.25]},
             {"materialName": "Nope", "propertyName": "_Color", "targetValue": [1, 1, 1, 1]},
         ]},
        {"name": "Smirk", "presetName": "unknown"},
        {"name": "Wow", "presetName": "surprise!"},
        {"name": "Blink_L", "presetName": "BLINK_L"},
        {"name": "Joy2", "presetName": "joy"},
    ]
    log = Log()
    info = vrm(doc0(blendShapeMaster={"blendShapeGroups": groups}), log)
    assert [(e.name, e.preset) for e in info.expressions] == [
        ("happy", True), ("Smirk", False), ("Wow", False), ("blinkLeft", True)]
    happy = info.expressions[0]
    bind = happy.morph_binds[0]
    assert (bind.target, bind.target_kind, bind.index, bind.weight) == (0, "mesh", 1, 0.5)
    assert happy.is_binary
    assert happy.material_color_binds[0].material == 1
    uv = happy.texture_transform_binds[0]
    assert uv.scale == (0.5, 0.25)
    assert uv.offset == (0.5, 0.5)
    lp = f"{P0}/blendShapeMaster/blendShapeGroups"
    assert log.pointers() == [f"{lp}/0/materialValues/2/materialName", f"{lp}/2/presetName",
                              f"{lp}/4"]


@pytest.mark.parametrize(("bind", "pointer"), [
    ({"mesh": 1, "index": 0, "weight": 100}, "/mesh"),
    ({"mesh": 0, "index": 5, "weight": 100}, "/index"),
    ({"mesh": 0, "index": 0, "weight": 101}, "/weight"),
    ({"mesh": "0", "index": 0, "weight": 100}, "/mesh"),
])
def test_vrm0_bad_bind(bind: Doc, pointer: str) -> None:
    doc = doc0(blendShapeMaster={"blendShapeGroups": [{"presetName": "a", "binds": [bind]}]})
    fails(doc, f"{P0}/blendShapeMaster/blendShapeGroups/0/binds/0{pointer}")


# -- look-at and first person ---------------------------------------------------------------------
def test_vrm1_look_at_defaults_and_errors() -> None:
    look = vrm(doc1(lookAt={"type": "bone"})).look_at
    assert look is not None
    assert look.vertical_up.input_max_value == 90.0
    assert look.vertical_up.output_scale == 10.0
    fails(doc1(lookAt={"type": "eyes"}), f"{P1}/lookAt/type")
    fails(doc1(lookAt={"rangeMapVerticalUp": {"inputMaxValue": "90"}}),
          f"{P1}/lookAt/rangeMapVerticalUp/inputMaxValue")
    fails(doc1(lookAt={"rangeMapVerticalUp": {"inputMaxValue": 0}}),
          f"{P1}/lookAt/rangeMapVerticalUp/inputMaxValue")
    fails(doc1(lookAt={"offsetFromHeadBone": [0, 1]}), f"{P1}/lookAt/offsetFromHeadBone")
    fails(doc1(lookAt=[]), f"{P1}/lookAt")


def test_vrm0_first_person_and_look_at() -> None:
    fp = {"firstPersonBone": 4, "firstPersonBoneOffset": {"x": 0.1, "y": 0.06, "z": 0.02},
          "lookAtTypeName": "BlendShape",
          "lookAtVerticalUp": {"xRange": 40, "yRange": 0.8},
          "lookAtVerticalDown": {"xRange": 0},
          "meshAnnotations": [{"mesh": 0, "firstPersonFlag": "ThirdPersonOnly"},
                              {"mesh": 7, "firstPersonFlag": "Auto"}]}
    log = Log()
    info = vrm(doc0(firstPerson=fp), log)
    assert info.look_at is not None
    assert info.look_at.type == "expression"
    assert info.look_at.offset_from_head_bone == (0.1, 0.06, -0.02)  # Unity z -> glTF -z
    assert info.look_at.vertical_up.input_max_value == 40.0
    assert info.look_at.vertical_up.output_scale == 0.8
    assert info.look_at.vertical_down.output_scale == 1.0
    assert info.first_person.bone == 4
    ann = info.first_person.annotations
    assert [(a.target, a.target_kind, a.type) for a in ann] == [(0, "mesh", "thirdPersonOnly")]
    assert info.look_at.vertical_down.input_max_value == 90.0
    assert log.pointers() == [f"{P0}/firstPerson/lookAtVerticalDown/xRange",
                              f"{P0}/firstPerson/meshAnnotations/1/mesh"]
    fp["firstPersonBone"] = 31
    fails(doc0(firstPerson=fp), f"{P0}/firstPerson/firstPersonBone")


# -- spring bones ---------------------------------------------------------------------------------
def spring_ext() -> Doc:
    return {
        "specVersion": "1.0",
        "colliders": [
            {"node": 5, "shape": {"sphere": {"offset": [0, 0.1, 0], "radius": 0.05}}},
            {"node": 5, "shape": {"capsule": {"radius": 0.02, "tail": [0, 0, 0.2]}}},
            {"node": 6, "shape": {"sphere": {"radius": 0.1}},
             "extensions": {"VRMC_springBone_extended_collider": {
                 "specVersion": "1.0", "shape": {"plane": {"normal": [0, 1, 0]}}}}},
        ],
        "colliderGroups": [{"name": "body", "colliders": [0, 1, 2]}],
        "springs": [{"name": "hair", "center": 3, "colliderGroups": [0],
                     "joints": [{"node": 21, "stiffness": 2.0, "gravityDir": [0, -1, 0]},
                                {"node": 22}, {"node": 23}]}],
    }


def doc_springs(ext: Doc) -> Doc:
    doc = doc1()
    doc["extensions"]["VRMC_springBone"] = ext
    return doc


def test_vrm1_springs() -> None:
    log = Log()
    info = vrm(doc_springs(spring_ext()), log)
    assert [c.shape for c in info.colliders] == ["sphere", "capsule", "plane"]
    assert info.colliders[1].tail == (0.0, 0.0, 0.2)
    assert info.colliders[2].normal == (0, 1, 0)
    assert info.collider_groups[0].colliders == (0, 1, 2)
    (spring,) = info.springs
    assert [j.node for j in spring.joints] == [21, 22, 23]
    assert spring.joints[0].stiffness == 2.0
    assert spring.joints[1].drag_force == 0.5
    assert (spring.center, spring.collider_groups, spring.tail_extension) == (3, (0,), 0.0)
    assert log.warnings == []


@pytest.mark.parametrize(("edit", "pointer"), [
    (lambda e: e["springs"][0]["joints"][0].update(stiffness=-1), "/springs/0/joints/0/stiffness"),
    (lambda e: e["springs"][0]["joints"][0].update(dragForce="x"),
     "/springs/0/joints/0/dragForce"),
    (lambda e: e["springs"][0]["joints"][1].update(node=30), "/springs/0/joints/1/node"),
    (lambda e: e["springs"][0].update(colliderGroups=[1]), "/springs/0/colliderGroups/0"),
    (lambda e: e["colliderGroups"][0].update(colliders=[3]), "/colliderGroups/0/colliders/0"),
    (lambda e: e["colliders"][0].update(shape={}), "/colliders/0/shape"),
    (lambda e: e["colliders"][0]["shape"].update(capsule={}), "/colliders/0/shape"),
    (lambda e: e["colliders"][1]["shape"]["capsule"].update(radius=-0.1),
     "/colliders/1/shape/capsule/radius"),
    (lambda e: e.update(springs={}), "/springs"),
])
def test_vrm1_bad_spring_values(edit: Any, pointer: str) -> None:
    ext = spring_ext()
    edit(ext)
    fails(doc_springs(ext), "/extensions/VRMC_springBone" + pointer)


def test_vrm1_spring_chain_checks_warn() -> None:
    ext = spring_ext()
    ext["springs"][0]["joints"] = [{"node": 21}, {"node": 25}]  # 25 is a grandchild: fine
    ext["springs"].append({"joints": [{"node": 23}, {"node": 22}]})  # 22 is 23's parent
    log = Log()
    vrm(doc_springs(ext), log)
    p = "/extensions/VRMC_springBone/springs"
    assert log.pointers() == [f"{p}/1/joints/1/node"]
    ext["springs"][1]["joints"] = [{"node": 24}, {"node": 25}]
    log = Log()
    vrm(doc_springs(ext), log)
    assert log.pointers() == [f"{p}/1"]


def test_vrm0_secondary_animation() -> None:
    secondary = {
        "colliderGroups": [{"node": 4, "colliders": [
            {"offset": {"x": 0.1, "y": 0.2, "z": 0.3}, "radius": 0.05}, {"radius": 0.1}]}],
        "boneGroups": [{"comment": "skirt", "stiffiness": 1.5, "gravityPower": 0.2,
                        "gravityDir": {"x": 0, "y": -1, "z": 0.5}, "dragForce": 0.3,
                        "center": -1, "hitRadius": 0.03, "bones": [21],
                        "colliderGroups": [0]}],
    }
    info = vrm(doc0(secondaryAnimation=secondary))
    assert [(c.node, c.shape, c.offset, c.radius) for c in info.colliders] == [
        (4, "sphere", (0.1, 0.2, -0.3), 0.05), (4, "sphere", (0.0, 0.0, 0.0), 0.1)]
    assert info.collider_groups[0].colliders == (0, 1)
    assert [[j.node for j in s.joints] for s in info.springs] == [[21, 22, 23], [24, 25]]
    joint = info.springs[1].joints[0]
    assert (joint.stiffness, joint.gravity_power, joint.drag_force, joint.hit_radius) == (
        1.5, 0.2, 0.3, 0.03)
    assert joint.gravity_dir == (0.0, -1.0, -0.5)
    spring = info.springs[0]
    assert (spring.name, spring.center, spring.collider_groups, spring.tail_extension) == (
        "skirt", None, (0,), 0.07)


@pytest.mark.parametrize(("edit", "pointer"), [
    (lambda s: s["boneGroups"][0].update(bones=[30]), "/boneGroups/0/bones/0"),
    (lambda s: s["boneGroups"][0].update(center=30), "/boneGroups/0/center"),
    (lambda s: s["boneGroups"][0].update(colliderGroups=[2]), "/boneGroups/0/colliderGroups/0"),
    (lambda s: s["boneGroups"][0].update(stiffiness=None), "/boneGroups/0/stiffiness"),
    (lambda s: s["colliderGroups"][0]["colliders"][0].update(offset=[0, 0, 0]),
     "/colliderGroups/0/colliders/0/offset"),
    (lambda s: s["colliderGroups"][0].update(node=-1), "/colliderGroups/0/node"),
])
def test_vrm0_bad_secondary_animation(edit: Any, pointer: str) -> None:
    secondary = {"colliderGroups": [{"node": 4, "colliders": [{"radius": 0.1}]}],
                 "boneGroups": [{"bones": [21], "colliderGroups": [0]}]}
    edit(secondary)
    fails(doc0(secondaryAnimation=secondary), f"{P0}/secondaryAnimation{pointer}")


def test_vrm0_spring_over_cyclic_nodes_fails() -> None:
    doc = doc0(secondaryAnimation={"boneGroups": [{"bones": [21]}]})
    doc["nodes"][23]["children"] = [21]
    fails(doc, "/nodes/21")


# -- MToon ----------------------------------------------------------------------------------------
def test_vrm0_mtoon_properties_are_migrated() -> None:
    props = [
        {"name": "Body", "shader": "VRM/MToon", "renderQueue": 2000,
         "floatProperties": {"_ShadeToony": 0.5, "_ShadeShift": -0.2, "_OutlineWidthMode": 1,
                             "_OutlineWidth": 0.3, "_UvAnimScrollY": 0.5, "_UvAnimRotation": 0.25,
                             "_CullMode": 0, "_OutlineColorMode": 1,
                             "_OutlineLightingMix": 0.7},
         "vectorProperties": {"_ShadeColor": [0.5, 0.5, 0.5, 1], "_MainTex": [0, 0, 1, 1]},
         "textureProperties": {"_MainTex": 0, "_SphereAdd": 1}},
        {"name": "Face", "shader": "VRM/MToon", "renderQueue": 2990,
         "floatProperties": {"_BlendMode": 2}, "vectorProperties": {}, "textureProperties": {}},
        {"name": "Extra", "shader": "VRM/MToon", "renderQueue": 2000},
    ]
    log = Log()
    info = vrm(doc0(materialProperties=props), log)
    assert log.pointers() == [f"{P0}/materialProperties/2"]
    body, face = info.mtoon[0], info.mtoon[1]
    assert body.source == "0.x"
    assert body.alpha_mode == "OPAQUE"
    assert body.double_sided
    low, high = -0.2, 1.0 + (-0.2 - 1.0) * 0.5
    assert body.shading_toony == pytest.approx((2.0 - (high - low)) * 0.5)
    assert body.shading_shift == pytest.approx(-(high + low) * 0.5)
    assert body.shade_color == pytest.approx((0.214041,) * 3, abs=1e-6)  # sRGB 0.5 -> linear
    assert body.shade_texture is not None
    assert body.shade_texture.index == 0
    assert body.matcap_texture is not None
    assert body.matcap_factor == (1.0, 1.0, 1.0)
    assert (body.outline_width_mode, body.outline_width) == ("worldCoordinates", 0.003)
    assert body.outline_lighting_mix == 0.7
    assert body.uv_scroll_y == -0.5
    assert body.uv_rotation == pytest.approx(math.pi / 2)
    assert face.alpha_mode == "BLEND"
    assert not face.transparent_with_zwrite
    assert face.render_queue_offset == 0
    assert face.matcap_factor == (0.0, 0.0, 0.0)


def test_vrm0_transparent_queue_order_is_kept() -> None:
    props = [{"shader": "VRM/MToon", "renderQueue": q, "floatProperties": {"_BlendMode": 2}}
             for q in (2995, 3000)]
    info = vrm(doc0(materialProperties=props))
    assert (info.mtoon[0].render_queue_offset, info.mtoon[1].render_queue_offset) == (-1, 0)


def test_vrm1_mtoon_errors() -> None:
    doc = doc1()
    doc["materials"][1]["extensions"] = {"VRMC_materials_mtoon": {
        "specVersion": "1.0", "shadeMultiplyTexture": {"index": 4}}}
    fails(doc, "/materials/1/extensions/VRMC_materials_mtoon/shadeMultiplyTexture/index")
    doc["materials"][1]["extensions"]["VRMC_materials_mtoon"] = {"shadingToonyFactor": 2}
    fails(doc, "/materials/1/extensions/VRMC_materials_mtoon/shadingToonyFactor")
    doc["materials"][1]["extensions"]["VRMC_materials_mtoon"] = {
        "outlineWidthMode": "thick"}
    fails(doc, "/materials/1/extensions/VRMC_materials_mtoon/outlineWidthMode")


def test_vrm1_node_constraint_source_is_checked() -> None:
    doc = doc1()
    con: Doc = {"specVersion": "1.0", "constraint": {"roll": {"source": 3, "rollAxis": "X"}}}
    doc["nodes"][26]["extensions"] = {"VRMC_node_constraint": con}
    assert vrm(doc).node_constraints[26]["constraint"]["roll"]["source"] == 3
    con["constraint"]["roll"]["source"] = 30
    fails(doc, "/nodes/26/extensions/VRMC_node_constraint/constraint/roll/source")


# -- VRMA -----------------------------------------------------------------------------------------
def doc_vrma(**ext: Any) -> Doc:
    body = {"specVersion": "1.0",
            "humanoid": {"humanBones": {b: {"node": i} for i, b in enumerate(BONES)}}}
    body.update(ext)
    return base({"VRMC_vrm_animation": body})


PA = "/extensions/VRMC_vrm_animation"


def test_vrma_synthetic() -> None:
    doc = doc_vrma(expressions={"preset": {"aa": {"node": 26}, "lookUp": {"node": 27}},
                                "custom": {"smile": {"node": 28}, "aa": {"node": 29}}},
                   lookAt={"node": 25})
    log = Log()
    anim = vrma(doc, log)
    assert dict(anim.expressions) == {"aa": 26, "lookUp": 27, "smile": 28}
    assert anim.preset_expressions == {"aa", "lookUp"}
    assert anim.look_at_node == 25
    assert log.pointers() == [f"{PA}/expressions/preset/lookUp", f"{PA}/expressions/custom/aa"]
    assert parse_vrm(doc, Reader("clip.vrma")) is None


def test_vrma_partial_humanoid_warns_but_duplicates_fail() -> None:
    doc = doc_vrma()
    del doc["extensions"]["VRMC_vrm_animation"]["humanoid"]["humanBones"]["leftFoot"]
    log = Log()
    assert "leftFoot" not in vrma(doc, log).humanoid
    assert log.pointers() == [f"{PA}/humanoid/humanBones"]
    doc["extensions"]["VRMC_vrm_animation"]["humanoid"]["humanBones"]["jaw"] = {"node": 2}
    fails(doc, f"{PA}/humanoid/humanBones/jaw/node", animation=True)


@pytest.mark.parametrize(("ext", "pointer"), [
    ({"lookAt": {"node": 30}}, "/lookAt/node"),
    ({"lookAt": {}}, "/lookAt"),
    ({"expressions": {"preset": {"aa": {"node": -1}}}}, "/expressions/preset/aa/node"),
    ({"expressions": {"custom": []}}, "/expressions/custom"),
    ({"humanoid": {}}, "/humanoid"),
    ({"specVersion": 1}, "/specVersion"),
])
def test_vrma_errors(ext: Doc, pointer: str) -> None:
    fails(doc_vrma(**ext), PA + pointer, animation=True)


# -- robustness: wrong JSON anywhere only ever raises GltfError -----------------------------------
def paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every position inside ``value`` (itself excluded)."""
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        yield (*path, key)
        yield from paths(item, (*path, key))


BAD_VALUES: tuple[Any, ...] = (None, "x", [], {}, -1, 2.5, True, [0, "a"], {"x": None})


def mutated(doc: Doc) -> Iterator[Doc]:
    """Copies of ``doc`` with one value replaced by a wrong one, or one key deleted."""
    for path in paths(doc):
        for bad in (*BAD_VALUES, KeyError):
            copy_ = copy.deepcopy(doc)
            target: Any = copy_
            for key in path[:-1]:
                target = target[key]
            if bad is KeyError:
                if isinstance(target, dict):
                    del target[path[-1]]
                    yield copy_
            else:
                target[path[-1]] = bad
                yield copy_


def texture_info(index: int) -> Doc:
    return {"index": index, "texCoord": 0, "scale": 1.0, "extensions": {
        "KHR_texture_transform": {"offset": [0, 0], "scale": [1, 1], "rotation": 0}}}


def rich_vrm1() -> Doc:
    """A VRM 1.0 document that uses every property the parser reads."""
    doc = doc_springs(spring_ext())
    ext = doc["extensions"]["VRMC_springBone"]
    ext["colliders"][2]["extensions"]["VRMC_springBone_extended_collider"]["shape"] = {
        "sphere": {"offset": [0, 0, 0], "radius": 0.1, "inside": True}}
    ext["springs"][0]["joints"][0].update(hitRadius=0.1, gravityPower=1, dragForce=0.4)
    ext["colliders"][1]["shape"]["capsule"]["offset"] = [0, 0, 0]
    doc["extensions"]["VRMC_vrm"]["meta"].update(
        version="1", copyrightInformation="c", contactInformation="c", references=["r"],
        thumbnailImage=0, avatarPermission="everyone", allowExcessivelyViolentUsage=True,
        allowExcessivelySexualUsage=False, commercialUsage="corporation",
        allowPoliticalOrReligiousUsage=True, allowAntisocialOrHateUsage=False,
        creditNotation="unnecessary", allowRedistribution=True, modification="prohibited",
        otherLicenseUrl="u", thirdPartyLicenses="t")
    maps = {f"rangeMap{k}": {"inputMaxValue": 90, "outputScale": 10}
            for k in ("HorizontalInner", "HorizontalOuter", "VerticalDown", "VerticalUp")}
    doc["extensions"]["VRMC_vrm"].update(
        lookAt={"type": "bone", "offsetFromHeadBone": [0, 0.1, 0], **maps},
        firstPerson={"meshAnnotations": [{"node": 20, "type": "auto"}]},
        expressions={"preset": {"aa": {
            "isBinary": False, "overrideBlink": "none", "overrideLookAt": "block",
            "overrideMouth": "blend",
            "morphTargetBinds": [{"node": 20, "index": 1, "weight": 1}],
            "materialColorBinds": [{"material": 0, "type": "color", "targetValue": [1, 1, 1, 1]}],
            "textureTransformBinds": [{"material": 0, "scale": [1, 1], "offset": [0, 0]}]}},
            "custom": {"grin": {"isBinary": True}}})
    doc["nodes"][26]["extensions"] = {"VRMC_node_constraint": {
        "specVersion": "1.0", "constraint": {"aim": {"source": 3, "aimAxis": "PositiveX"}}}}
    mtoon: Doc = {"specVersion": "1.0", "transparentWithZWrite": True,
                  "renderQueueOffsetNumber": 1, "outlineWidthMode": "worldCoordinates"}
    for key in ("shadeMultiplyTexture", "shadingShiftTexture", "matcapTexture",
                "rimMultiplyTexture", "outlineWidthMultiplyTexture", "uvAnimationMaskTexture"):
        mtoon[key] = texture_info(1)
    for key in ("shadeColorFactor", "matcapFactor", "parametricRimColorFactor",
                "outlineColorFactor"):
        mtoon[key] = [0.5, 0.5, 0.5]
    for key in ("shadingShiftFactor", "shadingToonyFactor", "giEqualizationFactor",
                "rimLightingMixFactor", "parametricRimFresnelPowerFactor",
                "parametricRimLiftFactor", "outlineWidthFactor", "outlineLightingMixFactor",
                "uvAnimationScrollXSpeedFactor", "uvAnimationScrollYSpeedFactor",
                "uvAnimationRotationSpeedFactor"):
        mtoon[key] = 0.5
    doc["materials"][0]["extensions"] = {"VRMC_materials_mtoon": mtoon}
    return doc


def rich_vrm0() -> Doc:
    """A VRM 0.x document that uses every property the parser reads."""
    ranges = {f"lookAt{k}": {"curve": [0, 0, 0, 1, 1, 1, 1, 0], "xRange": 90, "yRange": 10}
              for k in ("HorizontalInner", "HorizontalOuter", "VerticalDown", "VerticalUp")}
    floats = {k: 1.0 for k in (
        "_BlendMode", "_CullMode", "_Cutoff", "_ShadeToony", "_ShadeShift",
        "_IndirectLightIntensity", "_RimFresnelPower", "_RimLift", "_OutlineWidthMode",
        "_OutlineWidth", "_OutlineColorMode", "_OutlineLightingMix", "_UvAnimScrollX",
        "_UvAnimScrollY", "_UvAnimRotation")}
    textures = {k: 1 for k in ("_MainTex", "_ShadeTexture", "_SphereAdd", "_RimTexture",
                               "_OutlineWidthTexture", "_UvAnimMaskTexture")}
    return doc0(
        meta={"title": "t", "version": "1", "author": "a", "contactInformation": "c",
              "reference": "r", "texture": 0, "allowedUserName": "Everyone",
              "violentUssageName": "Allow", "sexualUssageName": "Disallow",
              "commercialUssageName": "Allow", "otherPermissionUrl": "u", "licenseName": "CC0",
              "otherLicenseUrl": "u"},
        blendShapeMaster={"blendShapeGroups": [{
            "name": "A", "presetName": "a", "isBinary": False,
            "binds": [{"mesh": 0, "index": 1, "weight": 100}],
            "materialValues": [
                {"materialName": "Face", "propertyName": "_Color", "targetValue": [1, 1, 1, 1]},
                {"materialName": "Face", "propertyName": "_MainTex_ST_S",
                 "targetValue": [1, 1, 0, 0]}]}]},
        firstPerson={"firstPersonBone": 4, "firstPersonBoneOffset": {"x": 0, "y": 0, "z": 0},
                     "lookAtTypeName": "Bone", **ranges,
                     "meshAnnotations": [{"mesh": 0, "firstPersonFlag": "Auto"}]},
        secondaryAnimation={
            "colliderGroups": [{"node": 4, "colliders": [
                {"offset": {"x": 0, "y": 0, "z": 0}, "radius": 1}]}],
            "boneGroups": [{"comment": "c", "stiffiness": 1, "gravityPower": 0,
                            "gravityDir": {"x": 0, "y": -1, "z": 0}, "dragForce": 0.4,
                            "center": 3, "hitRadius": 0.02, "bones": [21],
                            "colliderGroups": [0]}]},
        materialProperties=[{"name": "Body", "shader": "VRM/MToon", "renderQueue": 2000,
                             "floatProperties": floats,
                             "vectorProperties": {"_Color": [1, 1, 1, 1],
                                                  "_ShadeColor": [1, 1, 1, 1],
                                                  "_RimColor": [1, 1, 1, 1],
                                                  "_OutlineColor": [1, 1, 1, 1],
                                                  "_MainTex": [0, 0, 1, 1]},
                             "textureProperties": textures}])


def rich_vrma() -> Doc:
    return doc_vrma(lookAt={"node": 1}, expressions={"preset": {"aa": {"node": 2}},
                                                     "custom": {"x": {"node": 2}}})


@pytest.mark.parametrize(("make", "parse"), [
    (rich_vrm1, parse_vrm), (rich_vrm0, parse_vrm), (rich_vrma, parse_vrma)])
def test_wrong_json_only_raises_gltf_error(make: Any, parse: Any) -> None:
    log = Log()
    parse(make(), log.reader)
    assert log.warnings == []
    outcomes = {"ok": 0, "error": 0}
    for doc in mutated(make()):
        try:
            parse(doc, Reader("fuzz.vrm", lambda p, m: None))
        except GltfError as err:
            where = err.where
        else:
            outcomes["ok"] += 1
            continue
        assert where.startswith("/") or where == ""
        outcomes["error"] += 1
    assert outcomes["ok"] > 100
    assert outcomes["error"] > 100


def test_srgb_to_linear_clamps_out_of_range_colours() -> None:
    from twinstage.model.conventions import srgb_to_linear

    assert srgb_to_linear(1e300) == 1.0
    assert srgb_to_linear(-5.0) == 0.0
    assert srgb_to_linear(0.5) == pytest.approx(0.21404, abs=1e-5)
