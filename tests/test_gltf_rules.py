"""Loader rules on small synthetic files: safety, extensions, graph checks, limits."""

from __future__ import annotations

import base64
import os
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import write_glb, write_gltf

import twinstage

TRIANGLE = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)


def triangle_doc(**extra: object) -> dict:
    doc = {
        "bufferViews": [{"buffer": 0, "byteLength": 36}],
        "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
                       "min": [0, 0, 0], "max": [1, 1, 0]}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "nodes": [{"mesh": 0}], "scenes": [{"nodes": [0]}], "scene": 0,
    }
    doc.update(extra)
    return doc


def load_error(path: Path) -> twinstage.GltfError:
    with pytest.raises(twinstage.GltfError) as info:
        twinstage.load(path)
    return info.value


class TestResources:
    @pytest.mark.parametrize("uri", ["http://example.com/x.bin", "https://a.b/c.bin",
                                     "file:///etc/passwd", "ftp://x/y"])
    def test_network_and_file_uris_are_refused(self, tmp_path: Path, uri: str) -> None:
        doc = triangle_doc(buffers=[{"uri": uri, "byteLength": 36}])
        err = load_error(write_gltf(tmp_path, doc))
        assert err.where == "/buffers/0/uri"
        assert "not allowed" in err.what

    @pytest.mark.parametrize("uri", ["../outside.bin", "sub/../../outside.bin", "/etc/passwd",
                                     "%2e%2e/outside.bin"])
    def test_paths_leaving_the_folder_are_refused(self, tmp_path: Path, uri: str) -> None:
        (tmp_path / "outside.bin").write_bytes(TRIANGLE)
        folder = tmp_path / "model"
        folder.mkdir()
        err = load_error(write_gltf(folder, triangle_doc(buffers=[{"uri": uri,
                                                                    "byteLength": 36}])))
        assert err.where == "/buffers/0/uri"

    def test_symlink_out_of_the_folder_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "secret.bin").write_bytes(TRIANGLE)
        folder = tmp_path / "model"
        folder.mkdir()
        os.symlink(tmp_path / "secret.bin", folder / "link.bin")
        doc = triangle_doc(buffers=[{"uri": "link.bin", "byteLength": 36}])
        assert "outside" in load_error(write_gltf(folder, doc)).what

    def test_relative_and_data_uris_load(self, tmp_path: Path) -> None:
        asset = twinstage.load(write_gltf(tmp_path, triangle_doc(), TRIANGLE))
        assert asset.meshes[0].primitives[0].vertex_count == 3
        uri = "data:application/octet-stream;base64," + base64.b64encode(TRIANGLE).decode()
        p = write_gltf(tmp_path, triangle_doc(buffers=[{"uri": uri, "byteLength": 36}]),
                       name="embedded.gltf")
        pos = twinstage.load(p).meshes[0].primitives[0].attributes["POSITION"]
        assert pos.tolist() == [[0, 0, 0], [1, 0, 0], [0, 1, 0]]

    def test_percent_encoded_names_resolve(self, tmp_path: Path) -> None:
        (tmp_path / "my model.bin").write_bytes(TRIANGLE)
        doc = triangle_doc(buffers=[{"uri": "my%20model.bin", "byteLength": 36}])
        assert twinstage.load(write_gltf(tmp_path, doc)).meshes

    def test_glb_accessors_are_views_into_the_file(self, tmp_path: Path) -> None:
        asset = twinstage.load(write_glb(tmp_path, triangle_doc(), TRIANGLE))
        pos = asset.meshes[0].primitives[0].attributes["POSITION"]
        assert not pos.flags.owndata and not pos.flags.writeable


class TestLimits:
    def test_huge_count_fails_before_allocating(self, tmp_path: Path) -> None:
        doc = triangle_doc()
        doc["accessors"][0].update(count=10**12)
        err = load_error(write_gltf(tmp_path, doc, TRIANGLE))
        assert err.where == "/accessors/0" and "need" in err.what

    def test_buffer_view_past_the_buffer(self, tmp_path: Path) -> None:
        doc = triangle_doc()
        doc["bufferViews"][0]["byteLength"] = 2**40
        assert load_error(write_gltf(tmp_path, doc, TRIANGLE)).where == "/bufferViews/0"

    def test_declared_buffer_longer_than_its_file(self, tmp_path: Path) -> None:
        doc = triangle_doc()
        path = write_gltf(tmp_path, doc, TRIANGLE)
        (tmp_path / "model.bin").write_bytes(TRIANGLE[:20])
        assert load_error(path).where == "/buffers/0/byteLength"

    def test_deeply_nested_json(self, tmp_path: Path) -> None:
        p = tmp_path / "deep.gltf"
        p.write_text('{"asset": {"version": "2.0"}, "extras": ' + "[" * 100000 + "]" * 100000
                     + "}")
        assert "nested" in load_error(p).what

    def test_oversized_image_header_is_refused(self, tmp_path: Path) -> None:
        png = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"
               + struct.pack(">IIBBBBB", 100000, 100000, 8, 6, 0, 0, 0) + b"\0" * 4)
        (tmp_path / "big.png").write_bytes(png)
        err = load_error(write_gltf(tmp_path, {"images": [{"uri": "big.png"}]}))
        assert err.where == "/images/0/uri" and "larger than" in err.what


class TestGraph:
    def test_cycle(self, tmp_path: Path) -> None:
        doc = {"nodes": [{"children": [1]}, {"children": [0]}]}
        err = load_error(write_gltf(tmp_path, doc))
        assert "parent" in err.what or "cycle" in err.what

    def test_self_child(self, tmp_path: Path) -> None:
        assert load_error(write_gltf(tmp_path, {"nodes": [{"children": [0]}]})).where == \
            "/nodes/0/children/0"

    def test_two_parents(self, tmp_path: Path) -> None:
        doc = {"nodes": [{"children": [2]}, {"children": [2]}, {}]}
        assert "one parent" in load_error(write_gltf(tmp_path, doc)).what

    def test_scene_lists_a_child_node(self, tmp_path: Path) -> None:
        doc = {"nodes": [{"children": [1]}, {}], "scenes": [{"nodes": [1]}]}
        assert "not a root" in load_error(write_gltf(tmp_path, doc)).what

    def test_matrix_and_trs_together(self, tmp_path: Path) -> None:
        doc = {"nodes": [{"matrix": list(np.eye(4).ravel()), "translation": [1, 0, 0]}]}
        assert load_error(write_gltf(tmp_path, doc)).where == "/nodes/0"


class TestExtensions:
    def test_unknown_optional_extension_warns_and_loads(self, tmp_path: Path) -> None:
        doc = triangle_doc(extensionsUsed=["EXT_future_thing"])
        with pytest.warns(twinstage.TwinStageWarning, match="EXT_future_thing"):
            asset = twinstage.load(write_gltf(tmp_path, doc, TRIANGLE))
        assert asset.meshes and asset.warnings[0].pointer == "/extensionsUsed/0"

    def test_unknown_required_extension_is_an_error(self, tmp_path: Path) -> None:
        doc = triangle_doc(extensionsUsed=["EXT_meshopt_compression"],
                           extensionsRequired=["EXT_meshopt_compression"])
        err = load_error(write_gltf(tmp_path, doc, TRIANGLE))
        assert err.where == "/extensionsRequired/0" and "EXT_meshopt_compression" in err.what

    def test_lights_and_cameras(self, tmp_path: Path) -> None:
        doc = {
            "extensionsUsed": ["KHR_lights_punctual"],
            "extensions": {"KHR_lights_punctual": {"lights": [
                {"type": "spot", "color": [1, 0, 0], "intensity": 5,
                 "spot": {"innerConeAngle": 0.1, "outerConeAngle": 0.5}}]}},
            "cameras": [{"type": "perspective", "perspective": {"yfov": 0.8, "znear": 0.1}}],
            "nodes": [{"camera": 0, "extensions": {"KHR_lights_punctual": {"light": 0}}}],
        }
        asset = twinstage.load(write_gltf(tmp_path, doc))
        assert asset.lights[0].type == "spot" and asset.lights[0].outer_cone_angle == 0.5
        assert asset.nodes[0].light == 0 and asset.cameras[0].zfar is None
        doc["extensions"]["KHR_lights_punctual"]["lights"][0]["spot"]["innerConeAngle"] = 0.9
        assert load_error(write_gltf(tmp_path, doc)).where.endswith("/lights/0/spot")

    def test_mesh_quantization_int16_positions_become_float(self, tmp_path: Path) -> None:
        data = struct.pack("<12h", 0, 0, 0, 0, 100, 0, 0, 0, 0, 100, 0, 0)
        doc = triangle_doc(extensionsUsed=["KHR_mesh_quantization"],
                           extensionsRequired=["KHR_mesh_quantization"])
        doc["bufferViews"] = [{"buffer": 0, "byteLength": 24, "byteStride": 8}]
        doc["accessors"] = [{"bufferView": 0, "componentType": 5122, "count": 3,
                             "type": "VEC3"}]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            pos = twinstage.load(write_gltf(tmp_path, doc, data)).meshes[0].primitives[0] \
                .attributes["POSITION"]
        assert pos.dtype == np.float32
        assert pos.tolist() == [[0, 0, 0], [100, 0, 0], [0, 100, 0]]


class TestPrimitives:
    @pytest.mark.parametrize(("mode", "n", "triangles"), [(4, 6, 2), (5, 6, 4), (6, 6, 4),
                                                          (1, 6, 0), (0, 6, 0)])
    def test_triangle_counts_by_mode(self, tmp_path: Path, mode: int, n: int,
                                     triangles: int) -> None:
        data = np.arange(n * 3, dtype=np.float32).tobytes()
        doc = {"bufferViews": [{"buffer": 0, "byteLength": len(data)}],
               "accessors": [{"bufferView": 0, "componentType": 5126, "count": n,
                              "type": "VEC3"}],
               "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "mode": mode}]}]}
        prim = twinstage.load(write_gltf(tmp_path, doc, data)).meshes[0].primitives[0]
        assert prim.triangle_count == triangles

    def test_joint_index_beyond_the_skin(self, tmp_path: Path) -> None:
        pos = TRIANGLE
        joints = struct.pack("<12B", 0, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0)
        weights = struct.pack("<12f", *([1, 0, 0, 0] * 3))
        ibm = np.tile(np.eye(4, dtype=np.float32), (2, 1, 1)).tobytes()
        data = pos + joints + weights + ibm
        doc = {
            "bufferViews": [{"buffer": 0, "byteLength": 36},
                            {"buffer": 0, "byteOffset": 36, "byteLength": 12},
                            {"buffer": 0, "byteOffset": 48, "byteLength": 48},
                            {"buffer": 0, "byteOffset": 96, "byteLength": 128}],
            "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"},
                          {"bufferView": 1, "componentType": 5121, "count": 3, "type": "VEC4"},
                          {"bufferView": 2, "componentType": 5126, "count": 3, "type": "VEC4"},
                          {"bufferView": 3, "componentType": 5126, "count": 2, "type": "MAT4"}],
            "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "JOINTS_0": 1,
                                                       "WEIGHTS_0": 2}}]}],
            "skins": [{"joints": [1, 2], "inverseBindMatrices": 3}],
            "nodes": [{"mesh": 0, "skin": 0}, {}, {}],
        }
        err = load_error(write_gltf(tmp_path, doc, data))
        assert err.where == "/nodes/0/skin" and "joint 5" in err.what

    def test_animation_of_a_matrix_node(self, tmp_path: Path) -> None:
        data = struct.pack("<f3f", 0.0, 1, 2, 3)
        doc = {"bufferViews": [{"buffer": 0, "byteLength": 4},
                               {"buffer": 0, "byteOffset": 4, "byteLength": 12}],
               "accessors": [{"bufferView": 0, "componentType": 5126, "count": 1,
                              "type": "SCALAR"},
                             {"bufferView": 1, "componentType": 5126, "count": 1,
                              "type": "VEC3"}],
               "nodes": [{"matrix": list(np.eye(4).ravel())}],
               "animations": [{"samplers": [{"input": 0, "output": 1}],
                               "channels": [{"sampler": 0, "target": {"node": 0,
                                                                      "path": "translation"}}]}]}
        err = load_error(write_gltf(tmp_path, doc, data))
        assert err.where == "/animations/0/channels/0/target/node"


def test_error_is_a_value_error_naming_file_pointer_and_value(tmp_path: Path) -> None:
    doc = triangle_doc()
    doc["meshes"][0]["primitives"][0]["mode"] = 9
    err = load_error(write_gltf(tmp_path, doc, TRIANGLE))
    assert isinstance(err, ValueError)
    assert str(err) == "model.gltf: /meshes/0/primitives/0/mode: value 9 is greater than 6"
