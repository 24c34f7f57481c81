"""What ``twinstage inspect`` reports: a JSON-ready summary of an asset, and its
plain-text rendering. Keys are the DESIGN.md contract."""

from __future__ import annotations

from typing import Any

from twinstage.model.scene import Asset


def summarize(asset: Asset) -> dict[str, Any]:
    """The ``inspect --json`` object for ``asset``."""
    prims = [p for m in asset.meshes for p in m.primitives]
    return {
        "format": asset.format,
        "generator": asset.generator,
        "scenes": len(asset.scenes),
        "nodes": len(asset.nodes),
        "meshes": len(asset.meshes),
        "primitives": len(prims),
        "vertices": sum(p.vertex_count for p in prims),
        "triangles": sum(p.triangle_count for p in prims),
        "materials": len(asset.materials),
        "textures": len(asset.textures),
        "images": len(asset.images),
        "skins": [{"name": s.name, "joints": len(s.joints)} for s in asset.skins],
        "morph_targets": sum(m.target_count for m in asset.meshes),
        "animations": [{"name": a.name, "channels": len(a.channels),
                        "duration": round(a.duration, 6)} for a in asset.animations],
        "extensions_used": list(asset.extensions_used),
        "extensions_required": list(asset.extensions_required),
        "vrm": _vrm(asset),
        "vrma": _vrma(asset),
    }


def _vrm(asset: Asset) -> dict[str, Any] | None:
    v = asset.vrm
    if v is None:
        return None
    return {
        "version": v.version,
        "title": v.meta.title,
        "authors": list(v.meta.authors),
        "humanoid_bones": len(v.humanoid),
        "expressions": len(v.expressions),
        "permissions": v.meta.permissions.as_dict(),
    }


def _vrma(asset: Asset) -> dict[str, Any] | None:
    v = asset.vrma
    if v is None:
        return None
    return {"humanoid_bones": len(v.humanoid), "expressions": len(v.expressions),
            "look_at": v.look_at_node is not None}


def format_summary(s: dict[str, Any], name: str) -> str:
    """Human-readable rendering of :func:`summarize`'s output."""
    lines = [f"{name}  ({s['format']}, {s['generator'] or 'unknown generator'})",
             f"  scenes {s['scenes']}  nodes {s['nodes']}  meshes {s['meshes']}  "
             f"primitives {s['primitives']}",
             f"  vertices {s['vertices']:,}  triangles {s['triangles']:,}  "
             f"morph targets {s['morph_targets']}",
             f"  materials {s['materials']}  textures {s['textures']}  images {s['images']}"]
    for sk in s["skins"]:
        lines.append(f"  skin {sk['name'] or '(unnamed)'}: {sk['joints']} joints")
    for a in s["animations"]:
        lines.append(f"  animation {a['name'] or '(unnamed)'}: {a['channels']} channels, "
                     f"{a['duration']:.3f} s")
    if s["extensions_used"]:
        lines.append(f"  extensions used: {', '.join(s['extensions_used'])}")
    if s["extensions_required"]:
        lines.append(f"  extensions required: {', '.join(s['extensions_required'])}")
    v = s["vrm"]
    if v is not None:
        lines.append(f"  VRM {v['version']}: {v['title'] or '(untitled)'} by "
                     f"{', '.join(v['authors']) or 'unknown'}; {v['humanoid_bones']} humanoid "
                     f"bones, {v['expressions']} expressions")
        for key, value in v["permissions"].items():
            if value is not None:
                lines.append(f"    {key.replace('_', ' ')}: {value}")
    va = s["vrma"]
    if va is not None:
        lines.append(f"  VRMA: {va['humanoid_bones']} humanoid bones, {va['expressions']} "
                     f"expressions, lookAt {'yes' if va['look_at'] else 'no'}")
    return "\n".join(lines) + "\n"
