"""Typed VRM avatar and VRMA clip descriptions, the same for VRM 0.x and 1.0.

Design
------
:mod:`twinstage.gltf.vrm` reads the ``VRM`` (0.x), ``VRMC_vrm``,
``VRMC_springBone``, ``VRMC_materials_mtoon``, ``VRMC_node_constraint`` and
``VRMC_vrm_animation`` extensions and fills these frozen dataclasses. Everything
is expressed the VRM 1.0 way so the rest of TwinStage never branches on version:

* human bones use 1.0 names (:mod:`twinstage.model.humanoid`);
* expressions use 1.0 preset names (``joy`` -> ``happy``...), weights are 0..1;
* permissions use the 1.0 vocabulary (:class:`VrmPermissions` documents the 0.x
  mapping);
* spring bones are 1.0 chains of joints; MToon parameters are 1.0 factors with
  linear colours.

What cannot be normalised without changing the scene is recorded instead: a 0.x
morph bind names a *mesh* (``target_kind="mesh"``), 1.0 names a *node*; a 0.x
spring chain swings a virtual 7 cm tail (:attr:`Spring.tail_extension`). Geometry
stays in the file's own glTF frame: a 0.x avatar faces -Z (:attr:`VrmInfo.forward`)
and vectors read from 0.x Unity axes are converted to that frame.

Indices (``node``, ``mesh``, ``material``, ``texture``, ``image``) index the
document's top-level arrays and were range-checked on load. Mappings are
read-only views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Vec2 = tuple[float, float]
Vec3 = tuple[float, float, float]
Color3 = tuple[float, float, float]
Color4 = tuple[float, float, float, float]

PRESET_EXPRESSIONS: tuple[str, ...] = (
    "happy", "angry", "sad", "relaxed", "surprised",
    "aa", "ih", "ou", "ee", "oh",
    "blink", "blinkLeft", "blinkRight",
    "lookUp", "lookDown", "lookLeft", "lookRight",
    "neutral",
)
"""The 18 VRM 1.0 preset expression names."""

VRM0_PRESET_EXPRESSIONS: Mapping[str, str] = {
    "neutral": "neutral",
    "a": "aa", "i": "ih", "u": "ou", "e": "ee", "o": "oh",
    "blink": "blink", "blink_l": "blinkLeft", "blink_r": "blinkRight",
    "joy": "happy", "angry": "angry", "sorrow": "sad", "fun": "relaxed",
    "lookup": "lookUp", "lookdown": "lookDown", "lookleft": "lookLeft",
    "lookright": "lookRight",
}
"""VRM 0.x ``presetName`` (lower case) -> VRM 1.0 preset name. ``unknown`` is absent:
such a group becomes a custom expression named after the group."""

OverrideMode = Literal["none", "block", "blend"]


# -- meta ---------------------------------------------------------------------------
@dataclass(frozen=True)
class VrmPermissions:
    """Who may perform the avatar and how, in the VRM 1.0 vocabulary.

    VRM 1.0 files fill every usage field (absent ones take the spec defaults,
    which are the most restrictive values). VRM 0.x files are mapped as UniVRM's
    official VRM 0.x -> 1.0 migration (``MigrationVrmMeta``) does, where 0.x can say
    it; ``None`` marks what 0.x cannot express. Consumers must treat ``None`` as
    *not granted* and show :attr:`license_name` and the URLs, which carry the
    actual terms.

    ======================== ==========================================================
    VRM 0.x                  here
    ======================== ==========================================================
    allowedUserName          ``OnlyAuthor`` -> ``onlyAuthor``, ``ExplicitlyLicensedPerson``
                             -> ``onlySeparatelyLicensedPerson``, ``Everyone`` ->
                             ``everyone``; absent -> ``onlyAuthor``
    violentUssageName        ``Allow`` -> True, ``Disallow`` -> False; absent -> False
    sexualUssageName         as violent
    commercialUssageName     ``Allow`` -> ``personalProfit``, ``Disallow`` / absent ->
                             ``personalNonProfit``. 0.x "Allow" does not say whether a
                             *corporation* may use the avatar; 1.0's ``corporation`` is
                             the widest grant, so the migration takes the narrower
                             reading (it may tighten, never loosen, a permission).
    licenseName              :attr:`license_name`; ``Redistribution_Prohibited`` also
                             sets :attr:`allow_redistribution` False
    otherLicenseUrl          :attr:`other_license_url`
    otherPermissionUrl       :attr:`other_permission_url`
    (none)                   political/religious, antisocial/hate, credit notation,
                             modification: ``None``
    ======================== ==========================================================

    An unknown enum value is reported as a warning and read as the most
    restrictive value.
    """

    avatar_permission: str
    """``onlyAuthor`` | ``onlySeparatelyLicensedPerson`` | ``everyone``."""
    commercial_usage: str
    """``personalNonProfit`` | ``personalProfit`` | ``corporation``."""
    allow_violent: bool | None
    allow_sexual: bool | None
    allow_political_or_religious: bool | None
    allow_antisocial_or_hate: bool | None
    credit_notation: str | None
    """``required`` | ``unnecessary`` | None."""
    allow_redistribution: bool | None
    modification: str | None
    """``prohibited`` | ``allowModification`` | ``allowModificationRedistribution``."""
    license_name: str | None = None
    """VRM 0.x ``licenseName`` (``CC_BY``, ``Other``...); None for 1.0."""
    license_url: str | None = None
    """VRM 1.0 ``licenseUrl`` (the VRM Public License document); None for 0.x."""
    other_license_url: str | None = None
    other_permission_url: str | None = None
    """VRM 0.x only: further conditions on performing the avatar."""

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict with the field names as keys."""
        return asdict(self)


@dataclass(frozen=True)
class VrmMeta:
    """Who made the avatar, plus its :class:`VrmPermissions`."""

    title: str
    version: str | None
    """The model's own version string (not the VRM spec version)."""
    authors: tuple[str, ...]
    contact: str | None
    references: tuple[str, ...]
    thumbnail_image: int | None
    """Index into ``images`` (a 0.x thumbnail texture is resolved to its image)."""
    permissions: VrmPermissions
    copyright: str | None = None
    third_party_licenses: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict; ``permissions`` nested."""
        out = asdict(self)
        out["authors"] = list(self.authors)
        out["references"] = list(self.references)
        return out


# -- expressions ------------------------------------------------------------------------
@dataclass(frozen=True)
class MorphTargetBind:
    """One morph target driven by an expression."""

    target: int
    """Node index (VRM 1.0) or mesh index (VRM 0.x); see :attr:`target_kind`."""
    target_kind: Literal["node", "mesh"]
    index: int
    """Morph target index within the mesh."""
    weight: float
    """Morph weight at full expression, 0..1 (0.x's 0..100 is divided by 100)."""


@dataclass(frozen=True)
class MaterialColorBind:
    """A material colour driven by an expression."""

    material: int
    type: str
    """``color`` | ``emissionColor`` | ``shadeColor`` | ``matcapColor`` | ``rimColor`` |
    ``outlineColor``."""
    target_value: Color4


@dataclass(frozen=True)
class TextureTransformBind:
    """A material's UV scale and offset driven by an expression (glTF UV axes)."""

    material: int
    scale: Vec2
    offset: Vec2


@dataclass(frozen=True)
class VrmExpression:
    """A named facial expression (VRM 1.0 expression, VRM 0.x blend-shape group)."""

    name: str
    """1.0 preset name when :attr:`preset`, else the custom (0.x group) name."""
    preset: bool
    is_binary: bool = False
    morph_binds: tuple[MorphTargetBind, ...] = ()
    material_color_binds: tuple[MaterialColorBind, ...] = ()
    texture_transform_binds: tuple[TextureTransformBind, ...] = ()
    override_blink: OverrideMode = "none"
    override_look_at: OverrideMode = "none"
    override_mouth: OverrideMode = "none"


# -- look-at and first person ---------------------------------------------------------
@dataclass(frozen=True)
class LookAtRangeMap:
    """Maps a gaze angle (degrees, up to ``input_max_value``) to bone degrees or an
    expression weight (``output_scale``)."""

    input_max_value: float
    output_scale: float


@dataclass(frozen=True)
class VrmLookAt:
    """How the eyes follow a target."""

    type: Literal["bone", "expression"]
    offset_from_head_bone: Vec3
    """Eye position relative to the head bone, metres, file glTF axes."""
    horizontal_inner: LookAtRangeMap
    horizontal_outer: LookAtRangeMap
    vertical_down: LookAtRangeMap
    vertical_up: LookAtRangeMap


@dataclass(frozen=True)
class FirstPersonAnnotation:
    """Whether a mesh is drawn in first-person and/or third-person views."""

    target: int
    target_kind: Literal["node", "mesh"]
    type: str
    """``auto`` | ``both`` | ``thirdPersonOnly`` | ``firstPersonOnly``."""


@dataclass(frozen=True)
class VrmFirstPerson:
    """First-person view settings."""

    annotations: tuple[FirstPersonAnnotation, ...] = ()
    bone: int | None = None
    """VRM 0.x ``firstPersonBone`` node; in 1.0 it is always the head bone (None)."""


# -- spring bones ------------------------------------------------------------------------
@dataclass(frozen=True)
class SpringCollider:
    """A collision shape attached to a node (offsets in the node's local frame)."""

    node: int
    shape: Literal["sphere", "capsule", "plane"]
    offset: Vec3
    radius: float
    tail: Vec3 | None = None
    """Capsule end point."""
    normal: Vec3 | None = None
    """Plane normal (``VRMC_springBone_extended_collider`` only)."""
    inside: bool = False
    """Extended colliders: keep joints *inside* the shape."""


@dataclass(frozen=True)
class SpringColliderGroup:
    """A named set of :class:`SpringCollider` indices."""

    name: str
    colliders: tuple[int, ...]


@dataclass(frozen=True)
class SpringJoint:
    """One node of a spring chain and the physics settings of its segment."""

    node: int
    hit_radius: float = 0.0
    stiffness: float = 1.0
    gravity_power: float = 0.0
    gravity_dir: Vec3 = (0.0, -1.0, 0.0)
    drag_force: float = 0.5


@dataclass(frozen=True)
class Spring:
    """A chain of joints, each an ancestor of the next."""

    name: str
    joints: tuple[SpringJoint, ...]
    collider_groups: tuple[int, ...] = ()
    center: int | None = None
    tail_extension: float = 0.0
    """Length (m) of a virtual segment past the last joint. 0.0 in VRM 1.0, where the
    last joint is only a tail; 0.07 for VRM 0.x chains, whose last node swings with a
    7 cm tail along its bone direction."""


# -- MToon --------------------------------------------------------------------------------
@dataclass(frozen=True)
class MToonTexture:
    """A texture reference of an MToon material."""

    index: int
    tex_coord: int = 0
    scale: float = 1.0
    """Only meaningful for the shading-shift texture."""
    offset_uv: Vec2 = (0.0, 0.0)
    """UV offset (``KHR_texture_transform`` in 1.0, ``_MainTex`` ST in 0.x)."""
    scale_uv: Vec2 = (1.0, 1.0)
    rotation: float = 0.0


@dataclass(frozen=True)
class MToonMaterial:
    """MToon toon-shading parameters of one material, VRM 1.0 semantics.

    Colours are linear RGB. VRM 0.x values are converted as UniVRM migrates them
    (sRGB -> linear colours, shade shift/toony remapped, outline widths in metres or
    fractions of screen height, UV scroll Y flipped, rotation in radians/s).
    Defaults are those of the ``VRMC_materials_mtoon-1.0`` specification text.
    """

    material: int
    source: Literal["1.0", "0.x"]
    shade_color: Color3 = (0.0, 0.0, 0.0)
    shade_texture: MToonTexture | None = None
    shading_shift: float = 0.0
    shading_shift_texture: MToonTexture | None = None
    shading_toony: float = 0.9
    gi_equalization: float = 0.9
    matcap_factor: Color3 = (1.0, 1.0, 1.0)
    matcap_texture: MToonTexture | None = None
    rim_color: Color3 = (0.0, 0.0, 0.0)
    rim_texture: MToonTexture | None = None
    rim_lighting_mix: float = 1.0
    rim_fresnel_power: float = 5.0
    rim_lift: float = 0.0
    outline_width_mode: str = "none"
    """``none`` | ``worldCoordinates`` (metres) | ``screenCoordinates`` (of height)."""
    outline_width: float = 0.0
    outline_width_texture: MToonTexture | None = None
    outline_color: Color3 = (0.0, 0.0, 0.0)
    outline_lighting_mix: float = 1.0
    uv_animation_mask_texture: MToonTexture | None = None
    uv_scroll_x: float = 0.0
    """UV units per second."""
    uv_scroll_y: float = 0.0
    uv_rotation: float = 0.0
    """Radians per second."""
    transparent_with_zwrite: bool = False
    render_queue_offset: int = 0
    """-9..9, draw order among transparent materials."""
    alpha_mode: str | None = None
    """0.x only (``OPAQUE``/``MASK``/``BLEND`` from ``_BlendMode``); 1.0 uses the glTF
    material's."""
    alpha_cutoff: float | None = None
    double_sided: bool | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The source JSON object, for what is not mapped."""


# -- the whole avatar -----------------------------------------------------------------------
@dataclass(frozen=True)
class VrmInfo:
    """Everything VRM about one avatar file."""

    version: Literal["0.x", "1.0"]
    spec_version: str
    """The raw ``specVersion`` string (``"0.0"``, ``"1.0"``...)."""
    meta: VrmMeta
    humanoid: Mapping[str, int]
    """VRM 1.0 bone name -> node index."""
    expressions: tuple[VrmExpression, ...]
    look_at: VrmLookAt | None
    first_person: VrmFirstPerson
    springs: tuple[Spring, ...]
    collider_groups: tuple[SpringColliderGroup, ...]
    colliders: tuple[SpringCollider, ...]
    mtoon: Mapping[int, MToonMaterial]
    """Material index -> MToon parameters."""
    forward: Vec3
    """Direction the avatar faces in its file's glTF frame (0.x: -Z, 1.0: +Z)."""
    node_constraints: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    """Node index -> raw ``VRMC_node_constraint`` object (sources range-checked)."""

    def expression(self, name: str) -> VrmExpression | None:
        """The expression called ``name`` (a 1.0 preset or custom name), if any."""
        return next((e for e in self.expressions if e.name == name), None)

    def summary(self) -> dict[str, Any]:
        """The ``vrm`` object of ``twinstage inspect --json``."""
        return {
            "version": self.version,
            "title": self.meta.title,
            "authors": list(self.meta.authors),
            "humanoid_bones": len(self.humanoid),
            "expressions": len(self.expressions),
            "permissions": self.meta.permissions.as_dict(),
        }


@dataclass(frozen=True)
class VrmAnimation:
    """The ``VRMC_vrm_animation`` mapping of a .vrma clip onto the humanoid."""

    spec_version: str
    humanoid: Mapping[str, int]
    """VRM 1.0 bone name -> node whose animation drives that bone."""
    expressions: Mapping[str, int]
    """Expression name (preset or custom) -> node whose translation.x is the weight."""
    look_at_node: int | None
    """Node whose model-space position is the gaze target."""
    preset_expressions: frozenset[str] = frozenset()
    """Which keys of :attr:`expressions` are presets."""
