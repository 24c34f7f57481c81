"""Which glTF extensions TwinStage understands, and what happens with the others.

An unknown extension in ``extensionsUsed`` is a warning: the model loads and the
extension's data is ignored. An unknown extension in ``extensionsRequired`` is an
error naming it, since the model cannot be shown correctly without it.
"""

from __future__ import annotations

from typing import Any

from twinstage.gltf.document import Reader, child

SUPPORTED = frozenset({
    "KHR_lights_punctual",
    "KHR_materials_unlit",
    "KHR_materials_emissive_strength",
    "KHR_texture_transform",
    "KHR_mesh_quantization",
})
"""Extensions the loader decodes (VRM's own are listed by :mod:`twinstage.gltf.vrm`)."""


def is_supported(name: str) -> bool:
    """Whether TwinStage understands extension ``name``."""
    from twinstage.gltf.vrm import is_vrm_extension

    return name in SUPPORTED or is_vrm_extension(name)


def check_extensions(doc: dict[str, Any], r: Reader, fmt: str
                     ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return ``(extensionsUsed, extensionsRequired)``; warn or fail on unknown ones."""
    used = tuple(r.get_str({"v": v}, "v", child("/extensionsUsed", i))
                 for i, v in enumerate(r.get_list(doc, "extensionsUsed", "", [])))
    required = tuple(r.get_str({"v": v}, "v", child("/extensionsRequired", i))
                     for i, v in enumerate(r.get_list(doc, "extensionsRequired", "", [])))
    for i, name in enumerate(required):
        if not is_supported(name):
            r.fail(child("/extensionsRequired", i),
                   f"the model requires extension {name}, which TwinStage does not support")
        if name not in used:
            r.warn(child("/extensionsRequired", i), f"{name} is required but not in extensionsUsed")
    for i, name in enumerate(used):
        if not is_supported(name):
            r.warn(child("/extensionsUsed", i),
                   f"extension {name} is not supported; the model loads without it")
    return used, required
