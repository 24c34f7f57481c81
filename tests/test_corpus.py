"""Every corpus model loads, and the inspect summary agrees with MANIFEST.md."""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pytest
from tests.conftest import CORPUS, corpus_models, corpus_path

import twinstage
from twinstage.cli.summary import summarize

pytestmark = pytest.mark.corpus


def manifest_rows() -> dict[str, str]:
    """``{relative file: "what it exercises" text}`` for model rows of MANIFEST.md."""
    path = CORPUS / "MANIFEST.md"
    if not path.exists():
        return {}
    rows = {}
    for line in path.read_text().splitlines():
        m = re.match(r"\|\s*[^|]+\|\s*`([^`]+)`\s*\|[^|]*\|[^|]*\|(.*)\|\s*$", line)
        if m and m.group(1).rsplit(".", 1)[-1] in ("glb", "gltf", "vrm", "vrma"):
            rows[m.group(1)] = m.group(2)
    return rows


ROWS = manifest_rows()
MODELS = [m for m in corpus_models() if m in ROWS]


def expected(text: str) -> dict[str, Any]:
    """Facts MANIFEST.md states for one model."""
    out: dict[str, Any] = {}
    for key in ("meshes", "prims", "nodes", "materials", "textures", "images"):
        m = re.search(rf"\b{key}=(\d+)", text)
        if m:
            out[key] = int(m.group(1))
    m = re.search(r"skins=(\d+) joints=\[([\d, ]*)\]", text)
    out["joints"] = [int(j) for j in m.group(2).split(",")] if m else []
    m = re.search(r"animations=(\d+) channels=(\d+)", text)
    out["animations"], out["channels"] = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    m = re.search(r"morph: (\d+) prims w/ targets \(max (\d+) targets\)", text)
    out["morph_prims"], out["morph_max"] = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    m = re.search(r"(\d+) humanoid bones", text)
    out["bones"] = int(m.group(1)) if m else None
    m = re.search(r"(\d+) blendshape groups|(\d+) preset \+ (\d+) custom", text)
    if m:
        out["expressions"] = int(m.group(1)) if m.group(1) else int(m.group(2)) + int(m.group(3))
    return out


def test_manifest_was_parsed() -> None:
    corpus_path("MANIFEST.md")
    assert corpus_models() == MODELS, "a corpus model has no MANIFEST.md row"
    assert len(MODELS) >= 29


@pytest.mark.parametrize("rel", MODELS)
def test_model_loads_and_matches_manifest(rel: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", twinstage.TwinStageWarning)
        asset = twinstage.load(corpus_path(rel))
    s = summarize(asset)
    exp = expected(ROWS[rel])
    assert s["nodes"] == exp["nodes"]
    assert s["meshes"] == exp["meshes"]
    assert s["primitives"] == exp["prims"]
    assert s["materials"] == exp["materials"]
    assert s["textures"] == exp["textures"]
    assert s["images"] == exp["images"]
    assert [sk["joints"] for sk in s["skins"]] == exp["joints"]
    assert len(s["animations"]) == exp["animations"]
    assert sum(a["channels"] for a in s["animations"]) == exp["channels"]
    morph_prims = [p for m in asset.meshes for p in m.primitives if p.targets]
    assert len(morph_prims) == exp["morph_prims"]
    assert max((len(p.targets) for p in morph_prims), default=0) == exp["morph_max"]
    bones = exp["bones"]
    if rel.endswith(".vrma"):
        assert s["vrma"]["humanoid_bones"] == bones
    elif bones is not None:
        assert s["vrm"]["humanoid_bones"] == bones
        assert s["vrm"]["expressions"] == exp["expressions"]
    else:
        assert s["vrm"] is None


@pytest.mark.parametrize("rel", MODELS)
def test_decoded_geometry_is_consistent(rel: str) -> None:
    """Arrays are read-only, finite, of agreeing lengths, and POSITION lies within
    the accessor's declared bounds (checked by the loader against min/max)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", twinstage.TwinStageWarning)
        asset = twinstage.load(corpus_path(rel))
    for mesh in asset.meshes:
        for prim in mesh.primitives:
            n = prim.vertex_count
            for sem, arr in prim.attributes.items():
                assert not arr.flags.writeable, sem
                assert arr.shape[0] == n, sem
                if arr.dtype.kind == "f":
                    assert np.isfinite(arr).all(), sem
            if prim.indices is not None:
                assert prim.indices.max() < n
    for skin in asset.skins:
        assert skin.inverse_bind_matrices.shape == (len(skin.joints), 4, 4)
        np.testing.assert_allclose(skin.inverse_bind_matrices[:, 3], [[0, 0, 0, 1]] * len(
            skin.joints), atol=1e-6)


def test_cesium_man_counts_by_hand() -> None:
    """Figures read from CesiumMan.glb's JSON by hand: 3273 vertices, 4672 triangles."""
    s = summarize(twinstage.load(corpus_path("CesiumMan/CesiumMan.glb")))
    assert (s["vertices"], s["triangles"]) == (3273, 4672)
    assert s["animations"][0]["duration"] == pytest.approx(2.0, abs=0.05)


def test_images_decode_to_rgba() -> None:
    asset = twinstage.load(corpus_path("BoxTextured/BoxTextured.glb"))
    (image,) = asset.images
    px = image.pixels
    assert px.shape == (image.height, image.width, 4)
    assert px.dtype == np.uint8
    assert not px.flags.writeable


def test_unlit_and_texture_transform_are_read() -> None:
    unlit = twinstage.load(corpus_path("UnlitTest/UnlitTest.glb"))
    assert all(m.unlit for m in unlit.materials)
    tt = twinstage.load(corpus_path("TextureTransformTest/TextureTransformTest.gltf"))
    transforms = [m.base_color_texture.transform for m in tt.materials
                  if m.base_color_texture and m.base_color_texture.transform]
    assert transforms, "KHR_texture_transform was dropped"
    assert any(t.rotation != 0 for t in transforms)
    assert any(t.offset != (0.0, 0.0) for t in transforms)
