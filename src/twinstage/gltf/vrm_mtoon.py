"""Read MToon toon-shading parameters into :class:`~twinstage.model.vrm.MToonMaterial`.

VRM 1.0 keeps them in each material's ``VRMC_materials_mtoon`` extension; VRM 0.x
keeps Unity material properties in ``VRM.materialProperties``, index-aligned with
``materials``. 0.x values are converted as UniVRM migrates them (see
:class:`~twinstage.model.vrm.MToonMaterial`), with the colour-space and UV
conventions of :mod:`twinstage.model.conventions`.
"""

from __future__ import annotations

import math

from twinstage.gltf.document import JsonObject, child
from twinstage.gltf.vrm_common import VrmDoc, frozen, objects, vec3
from twinstage.model.conventions import srgb_to_linear, unity_uv_to_gltf
from twinstage.model.vrm import MToonMaterial, MToonTexture

__all__ = ["read_mtoon_0", "read_mtoon_1"]


def read_mtoon_1(d: VrmDoc) -> dict[int, MToonMaterial]:
    """``VRMC_materials_mtoon`` of every material that has it."""
    out: dict[int, MToonMaterial] = {}
    for i in range(d.count["material"]):
        m = d.item("material", i)
        exts = None if m is None else m.get("extensions")
        if isinstance(exts, dict) and "VRMC_materials_mtoon" in exts:
            p = f"/materials/{i}/extensions/VRMC_materials_mtoon"
            out[i] = _mtoon_1(d, i, d.r.obj(exts["VRMC_materials_mtoon"], p), p)
    return out


def _mtoon_texture(d: VrmDoc, o: JsonObject, key: str, p: str) -> MToonTexture | None:
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


def _mtoon_1(d: VrmDoc, material: int, o: JsonObject, p: str) -> MToonMaterial:
    r = d.r

    def num(key: str, default: float, lo: float | None = None, hi: float | None = None) -> float:
        value: float = r.get_num(o, key, p, default, minimum=lo, maximum=hi)
        return value

    def tex(key: str) -> MToonTexture | None:
        return _mtoon_texture(d, o, key, p)

    return MToonMaterial(
        material=material, source="1.0",
        shade_color=vec3(r, o, "shadeColorFactor", p, (0.0, 0.0, 0.0)),
        shade_texture=tex("shadeMultiplyTexture"),
        shading_shift=num("shadingShiftFactor", 0.0),
        shading_shift_texture=tex("shadingShiftTexture"),
        shading_toony=num("shadingToonyFactor", 0.9, 0.0, 1.0),
        gi_equalization=num("giEqualizationFactor", 0.9, 0.0, 1.0),
        matcap_factor=vec3(r, o, "matcapFactor", p, (1.0, 1.0, 1.0)),
        matcap_texture=tex("matcapTexture"),
        rim_color=vec3(r, o, "parametricRimColorFactor", p, (0.0, 0.0, 0.0)),
        rim_texture=tex("rimMultiplyTexture"),
        rim_lighting_mix=num("rimLightingMixFactor", 1.0, 0.0, 1.0),
        rim_fresnel_power=num("parametricRimFresnelPowerFactor", 5.0, 0.0),
        rim_lift=num("parametricRimLiftFactor", 0.0),
        outline_width_mode=r.get_str(o, "outlineWidthMode", p, "none", choices=_OUTLINE_MODES),
        outline_width=num("outlineWidthFactor", 0.0, 0.0),
        outline_width_texture=tex("outlineWidthMultiplyTexture"),
        outline_color=vec3(r, o, "outlineColorFactor", p, (0.0, 0.0, 0.0)),
        outline_lighting_mix=num("outlineLightingMixFactor", 1.0, 0.0, 1.0),
        uv_animation_mask_texture=tex("uvAnimationMaskTexture"),
        uv_scroll_x=num("uvAnimationScrollXSpeedFactor", 0.0),
        uv_scroll_y=num("uvAnimationScrollYSpeedFactor", 0.0),
        uv_rotation=num("uvAnimationRotationSpeedFactor", 0.0),
        transparent_with_zwrite=r.get_bool(o, "transparentWithZWrite", p, False),
        render_queue_offset=r.get_int(o, "renderQueueOffsetNumber", p, 0, minimum=-9, maximum=9),
        raw=frozen(o),
    )


_OUTLINE_MODES = ("none", "worldCoordinates", "screenCoordinates")
_QUEUE_BASE = (2000, 2450, 3000, 2501)
"""Default Unity render queue of MToon 0.x blend modes opaque, cutout, transparent,
transparent with z-write."""


def read_mtoon_0(d: VrmDoc, o: JsonObject, p: str) -> dict[int, MToonMaterial]:
    """``materialProperties`` with shader ``VRM/MToon``, index-aligned with ``materials``."""
    found: list[tuple[int, _V0Props]] = []
    for i, (item, ip) in enumerate(objects(d.r, o, "materialProperties", p)):
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


class _V0Props:
    """The float/vector/texture properties of one 0.x ``materialProperties`` entry."""

    def __init__(self, d: VrmDoc, o: JsonObject, p: str) -> None:
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
        # 0.x stores [offset.x, offset.y, scale.x, scale.y] with Unity's bottom-up V;
        # kept as glTF UV (scale, offset).
        self.st = ((1.0, 1.0), (0.0, 0.0)) if st is None else unity_uv_to_gltf(
            (st[2], st[3]), (st[0], st[1]))

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
        return (srgb_to_linear(c[0]), srgb_to_linear(c[1]), srgb_to_linear(c[2]))

    def tex(self, key: str, uv: bool = True) -> MToonTexture | None:
        index = self.d.opt_ref(self.textures, key, child(self.p, "textureProperties"), "texture")
        if index is None:
            return None
        scale, offset = self.st if uv else ((1.0, 1.0), (0.0, 0.0))
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
            raw=frozen(self.raw),
        )
