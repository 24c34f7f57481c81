"""The canonical humanoid skeleton: VRM 1.0 human bone names and their hierarchy.

Design
------
TwinStage names humanoid bones the VRM 1.0 way everywhere (``VRMC_vrm`` humanoid,
``VRMC_vrm_animation``, retargeting). VRM 0.x files are translated on load with
:func:`normalize_bone_name`; the only names that differ are the thumbs, which VRM
1.0 shifted by one joint (0.x ``ThumbProximal`` is the metacarpal).

The hierarchy is the one fixed by the VRM 1.0 humanoid specification
(``specification/VRMC_vrm-1.0/humanoid.md``): a bone's parent is a *human bone*,
not a glTF node; nodes that are not human bones may sit between them, and an
optional parent that is absent is skipped (:func:`nearest_present_parent`).
"""

from __future__ import annotations

from collections.abc import Container
from types import MappingProxyType
from typing import Final

_TORSO_AND_HEAD: Final = (
    ("hips", None),
    ("spine", "hips"),
    ("chest", "spine"),
    ("upperChest", "chest"),
    ("neck", "upperChest"),
    ("head", "neck"),
    ("leftEye", "head"),
    ("rightEye", "head"),
    ("jaw", "head"),
)


def _limb(side: str) -> tuple[tuple[str, str | None], ...]:
    """Leg and arm bones of one ``side`` (``"left"`` or ``"right"``) with parents."""
    return (
        (f"{side}UpperLeg", "hips"),
        (f"{side}LowerLeg", f"{side}UpperLeg"),
        (f"{side}Foot", f"{side}LowerLeg"),
        (f"{side}Toes", f"{side}Foot"),
        (f"{side}Shoulder", "upperChest"),
        (f"{side}UpperArm", f"{side}Shoulder"),
        (f"{side}LowerArm", f"{side}UpperArm"),
        (f"{side}Hand", f"{side}LowerArm"),
    )


def _fingers(side: str) -> tuple[tuple[str, str | None], ...]:
    """Finger bones of one ``side``, each finger root to tip."""
    out: list[tuple[str, str | None]] = []
    joints = {"Thumb": ("Metacarpal", "Proximal", "Distal")}
    for finger in ("Thumb", "Index", "Middle", "Ring", "Little"):
        parent = f"{side}Hand"
        for joint in joints.get(finger, ("Proximal", "Intermediate", "Distal")):
            name = f"{side}{finger}{joint}"
            out.append((name, parent))
            parent = name
    return tuple(out)


_TABLE: Final = (
    _TORSO_AND_HEAD + _limb("left") + _limb("right") + _fingers("left") + _fingers("right")
)

HUMAN_BONES: Final[tuple[str, ...]] = tuple(name for name, _ in _TABLE)
"""All 55 VRM 1.0 human bone names; every parent comes before its children."""

HUMAN_BONE_PARENT: Final = MappingProxyType(dict(_TABLE))
"""Bone name -> parent bone name (``None`` for ``hips``), per the VRM 1.0 spec."""

REQUIRED_BONES: Final[frozenset[str]] = frozenset(
    ["hips", "spine", "head"]
    + [f"{s}{p}" for s in ("left", "right")
       for p in ("UpperLeg", "LowerLeg", "Foot", "UpperArm", "LowerArm", "Hand")]
)
"""The 15 bones a VRM 1.0 humanoid must map."""

NEEDS_PARENT_BONE: Final[frozenset[str]] = frozenset(
    ["upperChest"]
    + [f"{s}Thumb{j}" for s in ("left", "right") for j in ("Proximal", "Distal")]
    + [f"{s}{f}{j}" for s in ("left", "right") for f in ("Index", "Middle", "Ring", "Little")
       for j in ("Intermediate", "Distal")]
)
"""Bones that may only be mapped when their parent bone is mapped too (spec column
"Needs Parent Bone: Yes")."""

VRM0_REQUIRED_BONES: Final[frozenset[str]] = REQUIRED_BONES | {"chest", "neck"}
"""VRM 0.x also listed ``chest`` and ``neck`` as required (in 1.0 names)."""

_VRM0_RENAMES: Final = {
    f"{side}Thumb{old}": f"{side}Thumb{new}"
    for side in ("left", "right")
    for old, new in (("Proximal", "Metacarpal"), ("Intermediate", "Proximal"),
                     ("Distal", "Distal"))
}

VRM0_BONES: Final[frozenset[str]] = frozenset(
    name for name in HUMAN_BONES if "Thumb" not in name
) | frozenset(_VRM0_RENAMES)
"""All 55 VRM 0.x human bone names (0.x spelling)."""

_VRM0_BY_LOWER: Final = {name.lower(): name for name in VRM0_BONES}


def normalize_bone_name(name: str) -> str | None:
    """VRM 1.0 name of the VRM 0.x human bone ``name``; ``None`` when it is not one.

    The thumbs are renamed (0.x ``leftThumbProximal`` -> ``leftThumbMetacarpal``,
    ``leftThumbIntermediate`` -> ``leftThumbProximal``, ``leftThumbDistal`` stays);
    every other 0.x name is already the 1.0 name. Matching ignores letter case,
    since some 0.x exporters capitalise (``LeftUpperLeg``). A 1.0-only name such as
    ``leftThumbMetacarpal`` is not a 0.x name and gives ``None``.
    """
    canonical = _VRM0_BY_LOWER.get(name.lower())
    if canonical is None:
        return None
    return _VRM0_RENAMES.get(canonical, canonical)


def nearest_present_parent(bone: str, present: Container[str]) -> str | None:
    """Closest ancestor of ``bone`` (a 1.0 name) that is in ``present``.

    Optional bones that are absent are skipped, as the spec prescribes: the parent
    of ``neck`` is ``upperChest``, else ``chest``, else ``spine``.

    Raises
    ------
    KeyError
        When ``bone`` is not a VRM 1.0 human bone name (a programming error).
    """
    parent = HUMAN_BONE_PARENT[bone]
    while parent is not None and parent not in present:
        parent = HUMAN_BONE_PARENT[parent]
    return parent
