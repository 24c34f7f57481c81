"""Poses against world matrices derived by hand from the files' keyframes.

Key values quoted in comments were read from the files' JSON; the expected matrices
are built here from first principles (rotation about an axis, T·R·S), not by the
code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.conftest import corpus_path, write_gltf

import twinstage
from twinstage.anim.pose import evaluate


def rot_z(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0, 0], [s, c, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])


def rot_x(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1, 0, 0, 0], [0, c, -s, 0], [0, s, c, 0], [0, 0, 0, 1]])


def translate(x: float, y: float, z: float) -> np.ndarray:
    m = np.eye(4)
    m[:3, 3] = (x, y, z)
    return m


@pytest.fixture(scope="module")
def interp() -> twinstage.Asset:
    return twinstage.load(corpus_path("InterpolationTest/InterpolationTest.glb"))


def world_of(asset: twinstage.Asset, name: str, t: float) -> np.ndarray:
    anim = asset.find_animation(name)
    node = asset.animations[anim].channels[0].node
    return evaluate(asset, t, anim).world[node]


@pytest.mark.corpus
class TestInterpolationTest:
    # Scale keys at 0.0417, 0.4167, 0.875, 1.25, 1.6667 s: 1, 0.5, 1, 0.5, 1.
    def test_step_holds_until_next_key(self, interp: twinstage.Asset) -> None:
        assert np.allclose(world_of(interp, "Step Scale", 0.40), np.eye(4))
        assert np.allclose(world_of(interp, "Step Scale", 0.5)[:3, :3], 0.5 * np.eye(3))
        assert np.allclose(world_of(interp, "Step Scale", 0.875)[:3, :3], np.eye(3))

    def test_linear_midpoint(self, interp: twinstage.Asset) -> None:
        mid = (0.4166666 + 0.875) / 2
        w = world_of(interp, "Linear Scale", mid)
        assert np.allclose(w[:3, :3], 0.75 * np.eye(3), atol=1e-5)

    def test_cubicspline_hermite_with_zero_tangents(self, interp: twinstage.Asset) -> None:
        # Keys 0.0417 → 0.4167 s, values 1 → 0.5, tangents 0. At s = 1/4:
        # h00 = 2s³ - 3s² + 1 = 0.84375, h01 = -2s³ + 3s² = 0.15625.
        t0, t1 = 0.0416666679084301, 0.4166666567325592
        w = world_of(interp, "CubicSpline Scale", t0 + 0.25 * (t1 - t0))
        assert np.allclose(np.diag(w)[:3], 0.84375 * 1 + 0.15625 * 0.5, atol=1e-5)

    def test_linear_rotation_is_slerp(self, interp: twinstage.Asset) -> None:
        # Keys: identity at 0 s, -45° about Z at 0.4167 s; halfway is -22.5°.
        w = world_of(interp, "Linear Rotation", 0.4166666567325592 / 2)
        node = interp.nodes[interp.animations[interp.find_animation("Linear Rotation")]
                            .channels[0].node]
        expected = translate(*node.translation) @ rot_z(-22.5)
        assert np.allclose(w, expected, atol=1e-5)

    def test_step_rotation_and_translation(self, interp: twinstage.Asset) -> None:
        assert np.allclose(world_of(interp, "Step Rotation", 0.9)[:3, :3], rot_z(-90)[:3, :3],
                           atol=1e-5)
        # Translation keys 0, 0.4583, 0.8333 s: y = 6.665, 10, 6.
        assert world_of(interp, "Step Translation", 0.5)[1, 3] == pytest.approx(10.0)

    def test_cubicspline_translation(self, interp: twinstage.Asset) -> None:
        # y keys 6.6401 → 10 over 0 → 0.4167 s, zero tangents: halfway is the mean.
        w = world_of(interp, "CubicSpline Translation", 0.4166666567325592 / 2)
        assert w[1, 3] == pytest.approx((6.640146 + 10.0) / 2, abs=1e-4)

    def test_times_clamp_to_the_clip(self, interp: twinstage.Asset) -> None:
        assert np.allclose(world_of(interp, "Linear Scale", -5.0)[:3, :3], np.eye(3))
        assert np.allclose(world_of(interp, "Linear Scale", 99.0)[:3, :3], np.eye(3))


@pytest.mark.corpus
def test_simple_skin_joint_rotates_under_its_parent() -> None:
    """SimpleSkin: joint node 2 sits 1 m above node 1 and turns to 90° about Z at 1 s."""
    asset = twinstage.load(corpus_path("SimpleSkin/SimpleSkin.gltf"))
    pose = evaluate(asset, 1.0, 0)
    assert np.allclose(pose.world[2], translate(0, 1, 0) @ rot_z(90), atol=1e-3)
    assert np.allclose(evaluate(asset, 0.25, 0).world[2], translate(0, 1, 0) @ rot_z(22.5),
                       atol=1e-3)


@pytest.mark.corpus
def test_box_animated_slerp_through_hierarchy() -> None:
    """BoxAnimated: node 2 (child of 1, child of 0) turns from (0,0,0,-1) to
    (1,0,0,4.49e-11) between 1.25 and 2.5 s while node 0 holds y = 2.52. The keys'
    dot product is -4.49e-11 < 0, so the shortest arc goes to -q1; halfway is
    normalize(q0 - q1) = (-0.7071, 0, 0, -0.7071), i.e. +90° about X."""
    asset = twinstage.load(corpus_path("BoxAnimated/BoxAnimated.glb"))
    pose = evaluate(asset, 1.875, 0)
    assert np.allclose(pose.world[2], translate(0, 2.52, 0) @ rot_x(90), atol=1e-5)
    assert np.allclose(evaluate(asset, 0.0, 0).world[2], np.eye(4), atol=1e-6)


def test_matrix_node_and_trs_child(tmp_path) -> None:
    parent = translate(1, 2, 3) @ rot_x(90)
    doc = {
        "scene": 0, "scenes": [{"nodes": [0]}],
        "nodes": [{"matrix": list(parent.T.ravel()), "children": [1]},
                  {"translation": [0, 1, 0], "scale": [2, 2, 2]}],
    }
    asset = twinstage.load(write_gltf(tmp_path, doc))
    world = evaluate(asset, 0.0).world
    assert np.allclose(world[0], parent)
    assert np.allclose(world[1], parent @ translate(0, 1, 0) @ np.diag([2, 2, 2, 1]))
    # Column-major serialisation puts the translation at 12..14.
    from twinstage.model.conventions import matrix_to_gltf
    assert matrix_to_gltf(world[1])[12:15] == pytest.approx([1.0, 2.0, 4.0])


def test_rest_pose_without_animation(tmp_path) -> None:
    doc = {"nodes": [{"rotation": [0, 0, math.sin(math.pi / 4), math.cos(math.pi / 4)]}]}
    asset = twinstage.load(write_gltf(tmp_path, doc))
    assert np.allclose(evaluate(asset, 3.0).world[0], rot_z(90), atol=1e-9)
